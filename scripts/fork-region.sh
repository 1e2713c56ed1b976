#!/usr/bin/env bash
# Forks a target-region module into a new region, as docs/fork-a-region.md describes:
#
#   scripts/fork-region.sh ap-south        fulfillment-service-eu-west -> fulfillment-service-ap-south
#
# The copy gets its own artifactId, Java packages, task queue, cluster and service names, and is
# registered in the root pom.xml. Run it from any directory; --help lists the options and the
# renaming rules. Refusals are one line on stderr (exit 2: bad arguments, 1: anything else).
# Needs bash, coreutils, find, grep, sed, perl, and the JDK (./mvnw lays the copy out in google-java-format); the Perl (names, packages, the copy's
# rewrite, the poms) is scripts/lib/fork-region.pl. Tested by
# local-stack/src/test/java/io/xcluster/localstack/fork/ForkRegionScriptTest.java.
set -euo pipefail

PROG=fork-region
DEFAULT_FROM=fulfillment-service-eu-west

usage() {
  cat <<EOF
Usage: scripts/fork-region.sh [--from <module>] [--package <java package>] [--dry-run] <region>

Copies a region module to a new region and registers it in the root pom.xml, e.g.
  scripts/fork-region.sh ap-south     makes fulfillment-service-ap-south from $DEFAULT_FROM

  <region>             the new cluster's name: lowercase letters, digits and single dashes,
                       starting with a letter (ap-south, sa-east-1)
  --from <module>      the module to copy (default $DEFAULT_FROM); its name must end in
                       -service-<region>, which tells the source region
  --package <package>  the new root Java package (default: the source's root package with the
                       region segment replaced, io.xcluster.region.euwest.fulfillment -> io.xcluster.region.apsouth.fulfillment)
  --dry-run            do all the work in a scratch directory, print what would change, touch nothing
  -h, --help           this text

What it renames in the copy (target/ is not copied):
  - the module directory and its artifactId (<module>-service-<old> -> ...-<new>) wherever the
    module name appears: pom (artifactId, jar name), trace service names, README;
  - the root Java package: package/import statements, fully qualified names in any text file
    (poms, META-INF/services names and contents, logback files, test resources, histories),
    and the source directories of every src/*/java and src/*/resources;
  - the TASK_QUEUE = "<queue>" constant to "<queue>-<region>" (and "{@code <queue>} queue" /
    "queue \`<queue>\`" in comments and docs; other "<queue>" literals are listed to check);
  - the region as a name: eu-west, EU_WEST, euWest, EuWest -> ap-south, AP_SOUTH, apSouth, ApSouth
    (recorded histories keep theirs: only class names change there);
  - the pom's description says the new region.
Lines that still look region-specific afterwards are printed under "check by hand".
EOF
}

fail() { echo "$PROG: $*" >&2; exit 1; }
usage_error() { echo "$PROG: $*" >&2; exit 2; }

# ---------------------------------------------------------------- arguments
from="$DEFAULT_FROM"
package=""
dry_run=false
region=""
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --from) [ $# -ge 2 ] || usage_error "--from needs a module name"; from="$2"; shift 2 ;;
    --from=*) from="${1#--from=}"; shift ;;
    --package) [ $# -ge 2 ] || usage_error "--package needs a Java package name"; package="$2"; shift 2 ;;
    --package=*) package="${1#--package=}"; shift ;;
    --dry-run) dry_run=true; shift ;;
    -*) usage_error "unknown option $1 (see --help)" ;;
    *)
      [ -z "$region" ] || usage_error "one region at a time, got '$region' and '$1'"
      region="$1"; shift ;;
  esac
done
[ -n "$region" ] || usage_error "which region? e.g. scripts/fork-region.sh ap-south (see --help)"

REGION_PATTERN='^[a-z][a-z0-9]*(-[a-z0-9]+)*$'
[[ "$region" =~ $REGION_PATTERN ]] \
  || usage_error "region name '$region' is not valid: use lowercase letters, digits and single dashes, starting with a letter (e.g. ap-south)"
[[ "$from" =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]] || usage_error "--from takes a module directory name, got '$from'"

# ---------------------------------------------------------------- where we are
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
if [ ! -f "$root/pom.xml" ] || ! grep -q '<modules>' "$root/pom.xml"; then
  fail "not inside the repository: $root has no root pom.xml with <modules> (run the script from its place in a checkout's scripts/)"
fi
[ -f "$root/$from/pom.xml" ] || fail "source module $from not found: $root/$from/pom.xml does not exist"
grep -q "<module>$from</module>" "$root/pom.xml" || fail "source module $from is not a <module> of $root/pom.xml"

case "$from" in
  *-service-*) src_region="${from##*-service-}" ;;
  *) fail "cannot tell the region of $from: a region module is named <name>-service-<region>" ;;
esac
[[ "$src_region" =~ $REGION_PATTERN ]] || fail "cannot tell the region of $from: '$src_region' is not a region name"
to="${from%"$src_region"}$region"

[ ! -e "$root/$to" ] || fail "$to already exists in $root: choose another region, or remove it first"
! grep -q "<module>$to</module>" "$root/pom.xml" || fail "$to is already a <module> of $root/pom.xml: remove that line first"

# ---------------------------------------------------------------- names
text_work() { perl "$root/scripts/lib/fork-region.pl" "$@"; }   # the Perl: names, packages, rewrite, poms
camel() { text_work camel "$1"; }   # ap-south -> apSouth
pascal() { text_work pascal "$1"; }   # ap-south -> ApSouth
upper() { echo "$1" | tr 'a-z-' 'A-Z_'; }   # ap-south -> AP_SOUTH
ident() { echo "${1//-/}"; }   # ap-south -> apsouth (a package segment)

JAVA_KEYWORDS=" abstract assert boolean break byte case catch char class const continue default do double else enum \
extends false final finally float for goto if implements import instanceof int interface long native new null package \
private protected public return short static strictfp super switch synchronized this throw throws transient true try \
void volatile while _ "
legal_package() {
  local segment
  [[ "$1" =~ ^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*$ ]] || return 1
  for segment in ${1//./ }; do
    [[ "$JAVA_KEYWORDS" != *" $segment "* ]] || return 1
  done
}

src_java="$root/$from/src/main/java"
[ -d "$src_java" ] || fail "$from has no src/main/java to take the Java package from"
src_pkg="$({ grep -rh --include='*.java' -E '^[[:space:]]*package[[:space:]]' "$src_java" || true; } \
  | text_work common-package)"
[ -n "$src_pkg" ] || fail "the classes in $from/src/main/java share no root Java package to rename: fork it by hand"

if [ -n "$package" ]; then
  legal_package "$package" || usage_error "--package '$package' is not a legal Java package name (lowercase segments, no keywords)"
  new_pkg="$package"
else
  new_pkg="$(text_work fork-package "$src_pkg" "$(ident "$src_region")" "$(ident "$region")")"
  legal_package "$new_pkg" || usage_error "region '$region' makes the Java package '$new_pkg', which is not legal: pass --package"
fi
[ "$new_pkg" != "$src_pkg" ] || usage_error "--package must differ from the source's package $src_pkg"
taken="$(grep -rlE --include='*.java' --exclude-dir=target --exclude-dir=.git \
  "^[[:space:]]*package[[:space:]]+${new_pkg//./\\.}[[:space:]]*[;.]" "$root" | head -n 1 || true)"
[ -z "$taken" ] || fail "Java package $new_pkg is already used by ${taken#"$root/"}: pass another --package"

# the task queue: a TASK_QUEUE = "..." constant in the source's main code
old_queue="" new_queue="" queue_class="" workflow_type=""
queues="$({ grep -rhoE --include='*.java' 'TASK_QUEUE[[:space:]]*=[[:space:]]*"[^"]*"' "$src_java" || true; } \
  | sed -E 's/.*"([^"]*)"$/\1/' | sort -u)"
if [ -n "$queues" ] && [ "$(printf '%s\n' "$queues" | wc -l)" -eq 1 ]; then
  old_queue="$queues"
  new_queue="${old_queue%"-$src_region"}-$region"
  queue_file="$(grep -rlE --include='*.java' "TASK_QUEUE[[:space:]]*=[[:space:]]*\"$old_queue\"" "$src_java" | head -n 1)"
  queue_class="$(basename "$queue_file" .java)"
  workflow_type="$(sed -nE 's/.*[[:space:]]TYPE[[:space:]]*=[[:space:]]*"([^"]*)".*/\1/p' "$queue_file" | head -n 1)"
fi

# ---------------------------------------------------------------- the copy, in a scratch directory
scratch="$(mktemp -d "${TMPDIR:-/tmp}/fork-region.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
stage="$scratch/$to"
mkdir -p "$stage"
(cd "$root/$from" && find . \( -path ./target -o -name .idea -o -name '*.iml' \) -prune -o -type f -print0) \
  | while IFS= read -r -d '' f; do
      mkdir -p "$stage/$(dirname "$f")"
      cp -p "$root/$from/$f" "$stage/$f"
    done

# the package directories of every source set, main and test, java and resources
src_path="${src_pkg//.//}"
new_path="${new_pkg//.//}"
moved=()
for dir in "$stage"/src/*/java "$stage"/src/*/resources; do
  [ -d "$dir/$src_path" ] || continue
  mv "$dir/$src_path" "$dir/.fork-region-move"
  mkdir -p "$(dirname "$dir/$new_path")"
  mv "$dir/.fork-region-move" "$dir/$new_path"
  parent="$(dirname "$dir/$src_path")"
  while [ "$parent" != "$dir" ] && rmdir "$parent" 2>/dev/null; do parent="$(dirname "$parent")"; done
  moved+=("${dir#"$stage/"}")
done

# rename files and directories, rewrite text files (fork-region.pl rewrite says how it reports)
export FORK_SRC_PKG="$src_pkg" FORK_NEW_PKG="$new_pkg" FORK_SRC_MODULE="$from" FORK_NEW_MODULE="$to"
export FORK_SRC_REGION="$src_region" FORK_NEW_REGION="$region"
FORK_SRC_UPPER="$(upper "$src_region")" FORK_NEW_UPPER="$(upper "$region")"
FORK_SRC_CAMEL="$(camel "$src_region")" FORK_NEW_CAMEL="$(camel "$region")"
FORK_SRC_PASCAL="$(pascal "$src_region")" FORK_NEW_PASCAL="$(pascal "$region")"
FORK_SRC_ABBREV="$(upper "${src_region%%-*}")"
export FORK_SRC_UPPER FORK_NEW_UPPER FORK_SRC_CAMEL FORK_NEW_CAMEL FORK_SRC_PASCAL FORK_NEW_PASCAL FORK_SRC_ABBREV
export FORK_OLD_QUEUE="$old_queue" FORK_NEW_QUEUE="$new_queue" FORK_STAGE="$stage"
report="$(find "$stage" -mindepth 1 -print0 | text_work rewrite)"

# the root pom: the new module right after the one it was forked from; architecture-tests: the
# fork as a test dependency, so the ArchUnit rules analyse it (a module off their class path is
# never checked)
new_root_pom="$scratch/pom.xml"
text_work register-module "$root/pom.xml" "$from" "$to" > "$new_root_pom"
arch_pom="$root/architecture-tests/pom.xml"
new_arch_pom=""
if [ -f "$arch_pom" ]; then
  new_arch_pom="$scratch/architecture-tests-pom.xml"
  text_work add-test-dependency "$arch_pom" "$from" "$to" > "$new_arch_pom"
fi

if ! $dry_run; then
  mv "$stage" "$root/$to"
  cat "$new_root_pom" > "$root/pom.xml"
  [ -z "$new_arch_pom" ] || cat "$new_arch_pom" > "$arch_pom"
fi

# New names change line lengths, and the build checks google-java-format's layout: lay the copy out again.
formatting="not checked by this build"
if ! $dry_run && grep -q 'spotless-maven-plugin' "$root/pom.xml" && [ -x "$root/mvnw" ]; then
  if (cd "$root" && ./mvnw -q -B -ntp spotless:apply -pl "$to" >&2); then
    formatting="google-java-format applied to $to"
  else
    formatting="google-java-format could not run: run ./mvnw spotless:apply -pl $to before building"
  fi
fi

# ---------------------------------------------------------------- what was done, and what is left
if $dry_run; then did="would fork"; change="would change"; else did="forked"; change="changed"; fi
if $dry_run; then files="$(find "$stage" -type f | wc -l)"; else files="$(find "$root/$to" -type f | wc -l)"; fi
echo "$PROG: $did $from -> $to (region $src_region -> $region)$($dry_run && echo ', dry run: nothing written')"
echo "  module      $to/ ($((files)) files; target/ not copied)"
echo "  root pom    <module>$to</module> after <module>$from</module>"
if [ -n "$new_arch_pom" ]; then
  echo "  archunit    architecture-tests/pom.xml: $to as a test dependency (its rules analyse the fork)"
else
  echo "  archunit    no architecture-tests/pom.xml in $root: nothing registered for the ArchUnit rules"
fi
echo "  package     $src_pkg -> $new_pkg (moved in ${moved[*]:-no source set})"
if [ -n "$old_queue" ]; then
  echo "  task queue  $queue_class.TASK_QUEUE \"$old_queue\" -> \"$new_queue\""
elif [ -n "$queues" ]; then
  echo "  task queue  several TASK_QUEUE constants ($(printf '%s ' "$queues" | tr '\n' ' ')): none renamed, rename them by hand"
else
  echo "  task queue  no TASK_QUEUE constant in $from/src/main/java: set the new region's queue by hand"
fi
echo "  names       $src_region, $FORK_SRC_UPPER, $FORK_SRC_CAMEL, $FORK_SRC_PASCAL -> $region, $FORK_NEW_UPPER, $FORK_NEW_CAMEL, $FORK_NEW_PASCAL; $from -> $to (artifactId, jar and trace service names)"
echo "  formatting  $formatting"
renames="$(printf '%s\n' "$report" | sed -n 's/^R\t\(.*\)\t\(.*\)$/    \1 -> \2/p')"
[ -z "$renames" ] || printf '  renamed\n%s\n' "$renames"
rewritten="$(printf '%s\n' "$report" | sed -n 's/^W\t\(.*\)\t\(.*\)$/    \1 (\2)/p')"
[ -z "$rewritten" ] || printf '  %s files (replacements)\n%s\n' "$change" "$rewritten"
check="$(printf '%s\n' "$report" | sed -n 's/^C\t/    /p')"
[ -z "$check" ] || printf '  check by hand (left as is, may still be about %s):\n%s\n' "$src_region" "$check"

if [[ "$new_pkg" =~ ^io\.xcluster\.region\.[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]* ]]; then
  arch_note="the region rules select $new_pkg.. (pattern io.xcluster.region.<region>.<service>..)"
else
  arch_note="$new_pkg is not io.xcluster.region.<region>.<service>: the region rules do not see it (pass --package)"
fi
callers=""
if [ -n "$old_queue" ]; then
  # a literal naming the old queue beside RemoteTarget or "queue" (the same word may be an operation name elsewhere)
  callers="$(grep -rnF --include='*.java' --exclude-dir=target --exclude-dir=.git "\"$old_queue\"" "$root" \
    | grep -v -e "^$root/$from/" -e "^$root/$to/" | grep -i -e 'RemoteTarget' -e 'queue' \
    | sed -E "s|^$root/([^:]*:[0-9]+):[[:space:]]*|      \\1: |" || true)"
fi
cat <<EOF
Next steps:
  1. Build and test it:  ./mvnw -pl $to -am verify
  2. Its worker polls task queue "${new_queue:-<queue>}"${queue_class:+ ($queue_class.TASK_QUEUE)} on the $region cluster.
  3. Calling side: target it with new RemoteTarget("$region", "<namespace>", "${workflow_type:-<workflow type>}", "${new_queue:-<queue>}", <timeout>)
     and route with CrossClusterTransports.named(...).routeTo("$region") (bridge queue bridge-to-$region: run bridge-worker
     with --target-cluster $region; or nats-coordinator --target-cluster $region, with the type in its --allow-workflow-type).
EOF
[ -z "$callers" ] || printf '     The calling side names the %s queue "%s" in:\n%s\n' "$src_region" "$old_queue" "$callers"
cat <<EOF
  4. ArchUnit: $arch_note
  5. Replace the simulations with your region's systems, and review the "check by hand" lines above.
EOF
