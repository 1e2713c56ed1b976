#!/usr/bin/env bash
# Installs the binaries the real-stack tests use, from package registries only (Debian packages,
# the Go module proxy) — never a download from a website. Each is skipped when already present:
# on PATH, or in the cache ($XCLUSTER_TOOLS, default ~/.cache/xcluster-tools), keyed by version.
#
#   scripts/install-tools.sh [nats] [nats-cluster] [jaeger] [temporal] [temporal-server] [postgres] [prometheus] [toxiproxy]
#   (no argument: all)
#
# nats-cluster: nats-server v2.15.2 built from the Go module proxy, for the 3-node JetStream cluster.
#
# toxiproxy: Toxiproxy's server v2.5.0 built from the Go module proxy: the WAN between the regions
# (latency, partitions) on loopback.
#
# postgres: Debian's PostgreSQL server (for the production-like stack, --stack postgres) and
# temporal-sql-tool at the server's version, with that version's PostgreSQL schema files beside it.
#
# prometheus: Debian's prometheus package, unpacked into the cache (prometheus and promtool; no
# system service is installed or started).
#
# Prints the path of each tool as NAME=PATH on stdout (progress goes to stderr).
set -euo pipefail

TOOLS="${XCLUSTER_TOOLS:-$HOME/.cache/xcluster-tools}"
JAEGER_VERSION=v1.76.0   # Jaeger v2 all-in-one (same commit as v2.13.0)
# temporalio/cli v1.6+ has a replace directive in go.mod, so v1.5.1 is the newest `go install`able
# CLI; it bundles server v1.29.1. The full server (for replication) is pinned to the same version.
TEMPORAL_CLI_VERSION=v1.5.1
TEMPORAL_SERVER_VERSION=v1.29.1
# Jaeger's go.mod carries a replace directive, so `go install jaeger@version` refuses it; it is
# built inside a throw-away module that repeats that directive instead.
JAEGER_REPLACE="github.com/Shopify/sarama=github.com/Shopify/sarama@v1.33.0"

# temporal-sql-tool sets up the schema of the production-like stack's databases; the schema files
# come from the same module version ($TOOLS/temporal-sql-tool-$VERSION/schema/postgresql/v12).
SQL_TOOL_SCHEMA=schema/postgresql/v12

say() { echo "install-tools: $*" >&2; }

install_nats() {
  local found
  found="$(command -v nats-server || true)"
  [ -z "$found" ] && [ -x /usr/sbin/nats-server ] && found=/usr/sbin/nats-server
  if [ -z "$found" ]; then
    if command -v apt-get >/dev/null 2>&1; then
      say "installing nats-server from Debian's packages"
      (apt-get update -qq && apt-get install -y -qq nats-server) >&2
      found=/usr/sbin/nats-server
    else
      say "nats-server is missing and apt-get is not available: install nats-server 2.9+ (or: go install github.com/nats-io/nats-server/v2@v2.15.2)"
      exit 1
    fi
  fi
  echo "NATS_SERVER=$found"
}

install_jaeger() {
  local target="$TOOLS/jaeger-$JAEGER_VERSION/jaeger"
  if command -v jaeger >/dev/null 2>&1; then
    echo "JAEGER=$(command -v jaeger)"; return
  fi
  if [ -x "$target" ]; then
    echo "JAEGER=$target"; return
  fi
  require_go "Jaeger $JAEGER_VERSION" jaeger
  say "building Jaeger $JAEGER_VERSION from the Go module proxy into $target (a cold build takes several minutes)"
  local work
  work="$(mktemp -d)"
  (
    cd "$work"
    export CGO_ENABLED=0 GOFLAGS=-mod=mod
    go mod init xcluster.local/jaeger-build >/dev/null 2>&1
    go mod edit -replace="$JAEGER_REPLACE"
    go get "github.com/jaegertracing/jaeger/cmd/jaeger@$JAEGER_VERSION" >&2
    mkdir -p "$(dirname "$target")"
    go build -o "$target.partial" github.com/jaegertracing/jaeger/cmd/jaeger >&2
    mv "$target.partial" "$target"
  )
  rm -rf "$work"
  say "Jaeger built: $target"
  echo "JAEGER=$target"
}

require_go() {
  if ! command -v go >/dev/null 2>&1; then
    say "$1 is built from the Go module proxy and needs Go 1.24+ on PATH (or put a '$2' binary on PATH)"
    exit 1
  fi
}

# go install into a versioned cache directory; skipped when the binary is already there.
go_install_cached() {
  local name="$1" module="$2" version="$3" binary="$4"
  # the name go install gives the binary: the module path's last element, a major version suffix
  # (/v2) left out; a fifth argument names it where that rule does not hold
  local built="${5:-}"
  [ -z "$built" ] && built="$(basename "${module%/v[0-9]*}")"
  local dir="$TOOLS/$name-$version"
  if [ -x "$dir/$binary" ]; then
    echo "$dir/$binary"; return
  fi
  require_go "$name $version" "$binary"
  say "building $name $version from the Go module proxy into $dir (a cold build takes several minutes)"
  mkdir -p "$dir"
  CGO_ENABLED=0 GOBIN="$dir.partial" go install -tags disable_grpc_modules "$module@$version" >&2
  mv "$dir.partial/$built" "$dir/$binary"
  rm -rf "$dir.partial"
  say "$name built: $dir/$binary"
  echo "$dir/$binary"
}

# A current nats-server for the 3-node JetStream cluster (Debian's 2.9 is too old for clustered
# JetStream as production runs it); the single-server stacks keep using `nats`.
NATS_SERVER_VERSION=v2.15.2
install_nats_cluster() {
  echo "NATS_CLUSTER_SERVER=$(go_install_cached nats-server github.com/nats-io/nats-server/v2 "$NATS_SERVER_VERSION" nats-server)"
}

TOXIPROXY_VERSION=v2.5.0

install_toxiproxy() {
  echo "TOXIPROXY=$(go_install_cached toxiproxy github.com/Shopify/toxiproxy/v2/cmd/server "$TOXIPROXY_VERSION" toxiproxy-server server)"
}

install_temporal() {
  # A `temporal` already on PATH (brew, a package manager) is used as is.
  if command -v temporal >/dev/null 2>&1; then
    echo "TEMPORAL=$(command -v temporal)"; return
  fi
  echo "TEMPORAL=$(go_install_cached temporal-cli github.com/temporalio/cli/cmd/temporal "$TEMPORAL_CLI_VERSION" temporal)"
}

install_temporal_server() {
  if command -v temporal-server >/dev/null 2>&1; then
    echo "TEMPORAL_SERVER=$(command -v temporal-server)"; return
  fi
  echo "TEMPORAL_SERVER=$(go_install_cached temporal-server go.temporal.io/server/cmd/server "$TEMPORAL_SERVER_VERSION" temporal-server)"
}

# Debian's postgresql (initdb, pg_ctl, postgres); prints the directory holding them.
install_postgres_server() {
  local bin
  bin="$(postgres_bin_dir)"
  if [ -z "$bin" ]; then
    if command -v apt-get >/dev/null 2>&1; then
      say "installing PostgreSQL from Debian's packages"
      (apt-get update -qq && apt-get install -y -qq postgresql) >&2
      bin="$(postgres_bin_dir)"
    fi
    if [ -z "$bin" ]; then
      say "PostgreSQL (initdb, postgres) is missing and apt-get cannot install it: install PostgreSQL 12+ and put its bin directory on PATH"
      exit 1
    fi
  fi
  echo "POSTGRES_BIN=$bin"
}

postgres_bin_dir() {
  local found
  found="$(command -v initdb || true)"
  if [ -n "$found" ]; then dirname "$(readlink -f "$found")"; return; fi
  # Debian keeps them off PATH, under the major version
  found="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [ -n "$found" ] && [ -x "$found/initdb" ] && echo "$found"
}

install_sql_tool() {
  local tool dir
  tool="$(go_install_cached temporal-sql-tool go.temporal.io/server/cmd/tools/sql "$TEMPORAL_SERVER_VERSION" temporal-sql-tool)"
  dir="$(dirname "$tool")"
  if [ ! -d "$dir/$SQL_TOOL_SCHEMA" ]; then
    local source
    source="$(go env GOMODCACHE)/go.temporal.io/server@$TEMPORAL_SERVER_VERSION/$SQL_TOOL_SCHEMA"
    [ -d "$source" ] || (cd "$(mktemp -d)" && GOFLAGS=-mod=mod go mod download "go.temporal.io/server@$TEMPORAL_SERVER_VERSION" >&2)
    mkdir -p "$dir/$SQL_TOOL_SCHEMA.partial"
    cp -R "$source/." "$dir/$SQL_TOOL_SCHEMA.partial/"
    chmod -R u+w "$dir/$SQL_TOOL_SCHEMA.partial"   # the module cache is read-only
    mv "$dir/$SQL_TOOL_SCHEMA.partial" "$dir/$SQL_TOOL_SCHEMA"
  fi
  echo "TEMPORAL_SQL_TOOL=$tool"
}

install_postgres() {
  install_postgres_server
  install_sql_tool
}

# Debian's prometheus package, unpacked (not installed: no service, no user, no root needed to run).
install_prometheus() {
  if command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; then
    echo "PROMETHEUS=$(command -v prometheus)"
    echo "PROMTOOL=$(command -v promtool)"
    return
  fi
  local dir="$TOOLS/prometheus-debian"
  if [ ! -x "$dir/usr/bin/prometheus" ]; then
    if ! command -v apt-get >/dev/null 2>&1; then
      say "prometheus is missing and apt-get is not available: put prometheus and promtool (2.42+) on PATH"
      exit 1
    fi
    say "unpacking Prometheus from Debian's packages into $dir"
    local work
    work="$(mktemp -d)"
    (
      cd "$work"
      apt-get download prometheus >&2 2>/dev/null || (apt-get update -qq && apt-get download prometheus) >&2
      rm -rf "$dir.partial"
      dpkg -x prometheus_*.deb "$dir.partial"
      rm -rf "$dir"
      mv "$dir.partial" "$dir"
    )
    rm -rf "$work"
  fi
  echo "PROMETHEUS=$dir/usr/bin/prometheus"
  echo "PROMTOOL=$dir/usr/bin/promtool"
}

wanted=("$@")
[ ${#wanted[@]} -eq 0 ] && wanted=(nats nats-cluster jaeger temporal temporal-server postgres prometheus toxiproxy)
for tool in "${wanted[@]}"; do
  case "$tool" in
    nats) install_nats ;;
    nats-cluster) install_nats_cluster ;;
    jaeger) install_jaeger ;;
    temporal) install_temporal ;;
    temporal-server) install_temporal_server ;;
    postgres) install_postgres ;;
    prometheus) install_prometheus ;;
    toxiproxy) install_toxiproxy ;;
    *) say "unknown tool '$tool' (known: nats, nats-cluster, jaeger, temporal, temporal-server, postgres, prometheus, toxiproxy)"; exit 2 ;;
  esac
done
