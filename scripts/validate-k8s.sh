#!/usr/bin/env bash
# Validates the Kubernetes manifests in deploy/k8s/ against the official Kubernetes JSON schemas,
# offline: the schemas come inside the PyPI package kubernetes-validate (every Kubernetes minor
# from 1.25 on, in "strict" variants that reject unknown fields), installed once into a venv under
# ~/.cache/xcluster-tools (or $XCLUSTER_TOOLS) and reused from then on. Nothing is downloaded at
# validation time; only the first run needs PyPI.
#
#   scripts/validate-k8s.sh [DIR]        (default: deploy/k8s of this repository; any cwd)
#
#   XCLUSTER_K8S_VERSIONS="1.30.0 1.37.0"  Kubernetes versions to validate against (each bundled
#                                          minor from 1.25.0 to 1.37.0 can be named)
#
# Every *.yaml/*.yml document must be valid for every version named, in strict mode (an unknown or
# misspelt field is an error), and of a kind and apiVersion that Kubernetes has (a kind without a
# schema is an error, not a warning). Besides the schemas, the checks that the API server would
# make but a schema cannot: duplicate YAML keys, Deployment selector vs pod labels, volume mounts
# naming a declared volume, Service/PodDisruptionBudget/NetworkPolicy selectors that match a pod
# template here, one namespace for everything. kustomization.yaml is not a Kubernetes API kind: it
# is checked on its own (known fields only; it lists every manifest here, each once, and only files
# that exist; *.example.yaml files are deliberately left out of it). A ConfigMap key ending in .toml
# is parsed as a Temporal envconfig file (profiles us-east and eu-west, known keys only).
#
# Prints one line per file, then a summary; exits 1 when anything is invalid, 2 on a setup error.
# This wrapper finds the directory and installs the validator; the checks are in
# scripts/lib/validate_k8s.py.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${1:-$ROOT/deploy/k8s}"
TOOLS="${XCLUSTER_TOOLS:-$HOME/.cache/xcluster-tools}"
K8S_VERSIONS="${XCLUSTER_K8S_VERSIONS:-1.30.0 1.37.0}"
EXPECTED_NAMESPACE=xcluster

# kubernetes-validate and everything it pulls in, pinned (rpds-py 2026.9.1 needs Python 3.11+).
KV_VERSION=1.37.0
REQUIREMENTS="kubernetes-validate==$KV_VERSION
attrs==26.1.0
importlib_resources==7.1.0
jsonschema==4.26.0
jsonschema-specifications==2025.9.1
packaging==26.4
PyYAML==6.0.4
referencing==0.37.0
rpds-py==2026.9.1
typing_extensions==4.16.0"
VENV="$TOOLS/kubernetes-validate-$KV_VERSION"

say() { echo "validate-k8s: $*" >&2; }

# True when the venv holds exactly the pinned set and imports.
validator_ready() {
  [ -f "$VENV/.installed" ] && [ "$(cat "$VENV/.installed")" = "$REQUIREMENTS" ] &&
    "$VENV/bin/python" -c 'import kubernetes_validate, yaml, jsonschema' >/dev/null 2>&1
}

install_validator() {
  if ! command -v python3 >/dev/null 2>&1; then
    say "python3 is missing: it is needed (3.11 or newer, with venv) to install kubernetes-validate $KV_VERSION from PyPI"
    say "  Debian/Ubuntu: apt-get install python3 python3-venv"
    exit 2
  fi
  if ! python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
    say "python3 is $(python3 -c 'import platform; print(platform.python_version())'); the pinned validator needs Python 3.11 or newer"
    exit 2
  fi
  say "installing kubernetes-validate $KV_VERSION from PyPI into $VENV (once; later runs reuse it)"
  # Built next to its final place and moved in whole, so an interrupted install is never taken
  # for a finished one. Only $VENV/bin/python is used afterwards, which survives the move.
  local partial="$VENV.partial.$$"
  rm -rf "$partial"
  trap 'rm -rf "$VENV.partial.$$"' EXIT
  mkdir -p "$TOOLS"
  if ! python3 -m venv "$partial" >&2; then
    rm -rf "$partial"
    say "python3 -m venv failed: install the venv module (Debian/Ubuntu: apt-get install python3-venv)"
    exit 2
  fi
  if ! printf '%s\n' "$REQUIREMENTS" |
    "$partial/bin/python" -m pip install --disable-pip-version-check --no-input -q -r /dev/stdin >&2; then
    rm -rf "$partial"
    say "pip could not install kubernetes-validate $KV_VERSION and its pinned dependencies from PyPI"
    exit 2
  fi
  printf '%s\n' "$REQUIREMENTS" >"$partial/.installed"
  if validator_ready; then
    rm -rf "$partial" # a concurrent run finished first: keep its install, which may be in use
  else
    rm -rf "$VENV"
    mv "$partial" "$VENV"
  fi
}

if [ ! -d "$DIR" ]; then
  say "no such directory: $DIR"
  exit 2
fi
validator_ready || install_validator

read -ra versions <<<"$K8S_VERSIONS"
# the checks themselves: scripts/lib/validate_k8s.py, run by the venv's Python
exec "$VENV/bin/python" "$ROOT/scripts/lib/validate_k8s.py" "$DIR" "$ROOT" "$EXPECTED_NAMESPACE" "${versions[@]}"
