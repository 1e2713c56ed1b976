#!/usr/bin/env bash
# Forks a target-region module into a new region, as docs/fork-a-region.md describes:
#
#   scripts/fork-region.sh ap-south        fulfillment-service-eu-west -> fulfillment-service-ap-south
#
# The copy gets its own artifactId, Java packages, task queue, cluster and service names, and is
# registered in the root pom.xml. Run it from any directory; --help lists the options and the
# renaming rules. Refusals are one line on stderr (exit 2: bad arguments, 1: anything else).
# Needs bash, coreutils, find, grep, sed and perl only. Tested by
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
camel() { perl -e '$_ = shift; s/-([a-z0-9])/\u$1/g; print' "$1"; }   # ap-south -> apSouth
pascal() { perl -e '$_ = shift; s/-([a-z0-9])/\u$1/g; print ucfirst' "$1"; }   # ap-south -> ApSouth
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
  | perl -ne 's/^\s*package\s+//; s/\s*;.*//s; my @s = split /\./;
              if (!defined $p) { $p = [@s]; next }
              my $i = 0; $i++ while $i < @$p && $i < @s && $p->[$i] eq $s[$i]; splice @$p, $i;
              END { print join ".", @{ $p || [] } }')"
[ -n "$src_pkg" ] || fail "the classes in $from/src/main/java share no root Java package to rename: fork it by hand"

if [ -n "$package" ]; then
  legal_package "$package" || usage_error "--package '$package' is not a legal Java package name (lowercase segments, no keywords)"
  new_pkg="$package"
else
  new_pkg="$(perl -e 'my ($pkg, $old, $new) = @ARGV; my @s = split /\./, $pkg; my $done = 0;
                      for (@s) { if ($_ eq $old) { $_ = $new; $done = 1 } }
                      splice @s, (@s >= 3 ? 2 : scalar @s), 0, $new unless $done;
                      print join ".", @s' "$src_pkg" "$(ident "$src_region")" "$(ident "$region")")"
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

# rename files and directories, rewrite text files; prints "R<TAB>old<TAB>new", "W<TAB>file<TAB>count",
# and "C<TAB>file:line: text" for lines to check by hand
export FORK_SRC_PKG="$src_pkg" FORK_NEW_PKG="$new_pkg" FORK_SRC_MODULE="$from" FORK_NEW_MODULE="$to"
export FORK_SRC_REGION="$src_region" FORK_NEW_REGION="$region"
FORK_SRC_UPPER="$(upper "$src_region")" FORK_NEW_UPPER="$(upper "$region")"
FORK_SRC_CAMEL="$(camel "$src_region")" FORK_NEW_CAMEL="$(camel "$region")"
FORK_SRC_PASCAL="$(pascal "$src_region")" FORK_NEW_PASCAL="$(pascal "$region")"
FORK_SRC_ABBREV="$(upper "${src_region%%-*}")"
export FORK_SRC_UPPER FORK_NEW_UPPER FORK_SRC_CAMEL FORK_NEW_CAMEL FORK_SRC_PASCAL FORK_NEW_PASCAL FORK_SRC_ABBREV
export FORK_OLD_QUEUE="$old_queue" FORK_NEW_QUEUE="$new_queue" FORK_STAGE="$stage"
# shellcheck disable=SC2016
REWRITE='
use strict;
use warnings;
my %e = map { $_ => $ENV{"FORK_$_"} } qw(SRC_PKG NEW_PKG SRC_MODULE NEW_MODULE SRC_REGION NEW_REGION SRC_UPPER
  NEW_UPPER SRC_CAMEL NEW_CAMEL SRC_PASCAL NEW_PASCAL SRC_ABBREV OLD_QUEUE NEW_QUEUE STAGE);
(my $src_path = $e{SRC_PKG}) =~ tr{.}{/};
(my $new_path = $e{NEW_PKG}) =~ tr{.}{/};

sub class_names {    # fully qualified names and resource paths: everywhere, histories included
  my ($t) = @_;
  my $n = 0;
  $n += ($$t =~ s/(?<![\w.])\Q$e{SRC_PKG}\E(?!\w)/$e{NEW_PKG}/g);
  $n += ($$t =~ s{(?<![\w/])\Q$src_path\E(?!\w)}{$new_path}g);
  return $n;
}
sub region_names {    # the module, cluster and identifiers named after the region
  my ($t) = @_;
  my $n = 0;
  $n += ($$t =~ s/(?<![\w-])\Q$e{SRC_MODULE}\E(?![\w-])/$e{NEW_MODULE}/g);
  $n += ($$t =~ s/(?<![A-Za-z0-9])\Q$e{SRC_REGION}\E(?![A-Za-z0-9])/$e{NEW_REGION}/g);
  $n += ($$t =~ s/(?<![A-Za-z0-9])\Q$e{SRC_UPPER}\E(?![A-Za-z0-9])/$e{NEW_UPPER}/g);
  $n += ($$t =~ s/(?<![A-Za-z0-9])\Q$e{SRC_CAMEL}\E(?![a-z0-9])/$e{NEW_CAMEL}/g);
  $n += ($$t =~ s/(?<![A-Z0-9])\Q$e{SRC_PASCAL}\E(?![a-z0-9])/$e{NEW_PASCAL}/g);
  return $n;
}
sub queue_names {    # the task queue: its constant, and where comments and docs call it a queue
  my ($t) = @_;
  return 0 unless length $e{OLD_QUEUE};
  my ($old, $new, $n) = ($e{OLD_QUEUE}, $e{NEW_QUEUE}, 0);
  $n += ($$t =~ s/(TASK_QUEUE\s*=\s*")\Q$old\E(")/$1$new$2/g);
  $n += ($$t =~ s/(\{\@code\s+)\Q$old\E(\}\s+(?:task\s+)?queue)/$1$new$2/g);
  $n += ($$t =~ s/(queue\s+`)\Q$old\E(`)/$1$new$2/g);
  $n += ($$t =~ s/(`)\Q$old\E(`\s+(?:task\s+)?queue)/$1$new$2/g);
  return $n;
}

my @paths = do { local $/ = "\0"; map { chomp; $_ } <STDIN> };
# deepest first, so a renamed directory never hides a path below it
for my $path (sort { length($b) <=> length($a) } @paths) {
  my ($dir, $base) = $path =~ m{^(.*)/([^/]+)$} or next;
  my $renamed = $base;
  class_names(\$renamed);
  region_names(\$renamed);
  next if $renamed eq $base;
  die "cannot rename $path: $dir/$renamed exists\n" if -e "$dir/$renamed";
  rename $path, "$dir/$renamed" or die "cannot rename $path: $!\n";
  (my $old = $path) =~ s{^\Q$e{STAGE}\E/}{};
  (my $new = "$dir/$renamed") =~ s{^\Q$e{STAGE}\E/}{};
  print "R\t$old\t$new\n";
}

my @files;
my @todo = ($e{STAGE});
while (my $d = shift @todo) {
  opendir my $h, $d or die "cannot list $d: $!\n";
  for my $name (sort grep { $_ ne "." && $_ ne ".." } readdir $h) {
    my $p = "$d/$name";
    if (-d $p && !-l $p) { push @todo, $p } elsif (-f $p) { push @files, $p }
  }
}
for my $file (sort @files) {
  next unless -T $file || -z $file;
  (my $rel = $file) =~ s{^\Q$e{STAGE}\E/}{};
  open my $in, "<:raw", $file or die "cannot read $file: $!\n";
  my $text = do { local $/; <$in> };
  close $in;
  my $n = class_names(\$text);
  if ($rel !~ m{(^|/)histories/}) {    # recorded histories are facts: only class names change there
    $n += queue_names(\$text);
    $n += region_names(\$text);
  }
  if ($rel eq "pom.xml") {
    my $before = $text;
    $text =~ s{(</parent>.*?<artifactId>)[^<]*(</artifactId>)}{$1$e{NEW_MODULE}$2}s;    # even if it differed from the directory
    $n++ if $text ne $before;
    if ($text =~ m{<description>(.*?)</description>}s) {
      $n += ($text =~ s{<description>}{<description>$e{NEW_REGION} region (forked from $e{SRC_MODULE}): }) unless $1 =~ /\Q$e{NEW_REGION}\E/;
    } else {
      $n += ($text =~ s{(</parent>.*?</artifactId>\n)}{$1  <description>$e{NEW_REGION} region, forked from $e{SRC_MODULE}.</description>\n}s);
    }
  }
  if ($n) {
    open my $out, ">:raw", $file or die "cannot write $file: $!\n";
    print $out $text;
    close $out or die "cannot write $file: $!\n";
    print "W\t$rel\t$n\n";
  }
  next if $rel =~ m{(^|/)histories/};
  my $line = 0;
  for (split /\n/, $text) {
    $line++;
    my $hit = /\Q$e{SRC_PKG}\E(?!\w)/
      || /(?<![A-Za-z0-9])\Q$e{SRC_ABBREV}\E(?![A-Za-z0-9])/
      || /\Q$e{SRC_REGION}\E|\Q$e{SRC_CAMEL}\E|\Q$e{SRC_PASCAL}\E|\Q$e{SRC_UPPER}\E/i
      || (length $e{OLD_QUEUE} && /"\Q$e{OLD_QUEUE}\E"/);
    next unless $hit;
    (my $shown = $_) =~ s/^\s+//;
    $shown = substr($shown, 0, 110) . " ..." if length $shown > 114;
    print "C\t$rel:$line: $shown\n";
  }
}
'
report="$(find "$stage" -mindepth 1 -print0 | perl -e "$REWRITE")"

# the root pom: the new module right after the one it was forked from
new_root_pom="$scratch/pom.xml"
FORK_ROOT_POM="$root/pom.xml" perl -e '
  my ($from, $to) = @ARGV;
  open my $in, "<:raw", $ENV{FORK_ROOT_POM} or die "cannot read root pom.xml: $!\n";
  my $pom = do { local $/; <$in> };
  $pom =~ s{^([ \t]*)<module>\Q$from\E</module>[ \t]*\r?\n}{$&$1<module>$to</module>\n}m
    or $pom =~ s{<module>\Q$from\E</module>}{$&<module>$to</module>}
    or die "no <module>$from</module> in the root pom.xml\n";
  print $pom;' "$from" "$to" > "$new_root_pom"

if ! $dry_run; then
  mv "$stage" "$root/$to"
  cat "$new_root_pom" > "$root/pom.xml"
fi

# ---------------------------------------------------------------- what was done, and what is left
if $dry_run; then did="would fork"; change="would change"; else did="forked"; change="changed"; fi
if $dry_run; then files="$(find "$stage" -type f | wc -l)"; else files="$(find "$root/$to" -type f | wc -l)"; fi
echo "$PROG: $did $from -> $to (region $src_region -> $region)$($dry_run && echo ', dry run: nothing written')"
echo "  module      $to/ ($((files)) files; target/ not copied)"
echo "  root pom    <module>$to</module> after <module>$from</module>"
echo "  package     $src_pkg -> $new_pkg (moved in ${moved[*]:-no source set})"
if [ -n "$old_queue" ]; then
  echo "  task queue  $queue_class.TASK_QUEUE \"$old_queue\" -> \"$new_queue\""
elif [ -n "$queues" ]; then
  echo "  task queue  several TASK_QUEUE constants ($(printf '%s ' "$queues" | tr '\n' ' ')): none renamed, rename them by hand"
else
  echo "  task queue  no TASK_QUEUE constant in $from/src/main/java: set the new region's queue by hand"
fi
echo "  names       $src_region, $FORK_SRC_UPPER, $FORK_SRC_CAMEL, $FORK_SRC_PASCAL -> $region, $FORK_NEW_UPPER, $FORK_NEW_CAMEL, $FORK_NEW_PASCAL; $from -> $to (artifactId, jar and trace service names)"
renames="$(printf '%s\n' "$report" | sed -n 's/^R\t\(.*\)\t\(.*\)$/    \1 -> \2/p')"
[ -z "$renames" ] || printf '  renamed\n%s\n' "$renames"
rewritten="$(printf '%s\n' "$report" | sed -n 's/^W\t\(.*\)\t\(.*\)$/    \1 (\2)/p')"
[ -z "$rewritten" ] || printf '  %s files (replacements)\n%s\n' "$change" "$rewritten"
check="$(printf '%s\n' "$report" | sed -n 's/^C\t/    /p')"
[ -z "$check" ] || printf '  check by hand (left as is, may still be about %s):\n%s\n' "$src_region" "$check"

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
     with --target-cluster $region; or nats-coordinator --target-cluster $region, with the type in any --allow-workflow-type).
EOF
[ -z "$callers" ] || printf '     The calling side names the %s queue "%s" in:\n%s\n' "$src_region" "$old_queue" "$callers"
cat <<EOF
  4. architecture-tests: its region rules already select $new_pkg.. (pattern io.xcluster..fulfillment..);
     add $to as its test dependency (plus a dependencyManagement entry in the root pom.xml) so they see it,
     and widen the regions' slice rule — see docs/fork-a-region.md.
  5. Replace the simulations with your region's systems, and review the "check by hand" lines above.
EOF
