#!/usr/bin/env bash
# Installs the binaries the real-stack tests use, from package registries only (Debian packages,
# the Go module proxy) — never a download from a website. Each is skipped when already present:
# on PATH, or in the cache ($XCLUSTER_TOOLS, default ~/.cache/xcluster-tools), keyed by version.
#
#   scripts/install-tools.sh [nats] [jaeger]      (no argument: all)
#
# Prints the path of each tool as NAME=PATH on stdout (progress goes to stderr).
set -euo pipefail

TOOLS="${XCLUSTER_TOOLS:-$HOME/.cache/xcluster-tools}"
JAEGER_VERSION=v1.76.0   # Jaeger v2 all-in-one (same commit as v2.13.0)
# Jaeger's go.mod carries a replace directive, so `go install jaeger@version` refuses it; it is
# built inside a throw-away module that repeats that directive instead.
JAEGER_REPLACE="github.com/Shopify/sarama=github.com/Shopify/sarama@v1.33.0"

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
  if ! command -v go >/dev/null 2>&1; then
    say "Jaeger is built from the Go module proxy and needs Go 1.24+ on PATH (or put a jaeger v2 binary on PATH)"
    exit 1
  fi
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

wanted=("$@")
[ ${#wanted[@]} -eq 0 ] && wanted=(nats jaeger)
for tool in "${wanted[@]}"; do
  case "$tool" in
    nats) install_nats ;;
    jaeger) install_jaeger ;;
    *) say "unknown tool '$tool' (known: nats, jaeger)"; exit 2 ;;
  esac
done
