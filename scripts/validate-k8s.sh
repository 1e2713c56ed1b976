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
"$VENV/bin/python" - "$DIR" "$ROOT" "$EXPECTED_NAMESPACE" "${versions[@]}" <<'PY'
import os
import sys
import tomllib
from pathlib import Path

import yaml
from kubernetes_validate import utils as kv

directory, root, expected_namespace, versions = (
    Path(sys.argv[1]).resolve(), Path(sys.argv[2]), sys.argv[3], sys.argv[4:])
bundled = sorted(set(kv.all_versions()), key=lambda v: tuple(map(int, v.split("."))))
unknown = [v for v in versions if v not in bundled] or ([] if versions else ["(none)"])
if unknown:
    print(f"validate-k8s: XCLUSTER_K8S_VERSIONS: no schemas for {' '.join(unknown)}; "
          f"kubernetes-validate {kv.__version__} has {' '.join(bundled)}", file=sys.stderr)
    sys.exit(2)


class UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML keeps the last of two equal keys silently; kubectl rejects them: so do we."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep)


def yaml_problem(e):
    mark = getattr(e, "problem_mark", None)
    where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
    what = " ".join(x for x in (getattr(e, "context", None), getattr(e, "problem", None)) if x)
    return f"not valid YAML: {what or ' '.join(str(e).split())}{where}"


def shown(path):
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def json_path(parts):
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(document)"


def name_of(doc):
    meta = doc.get("metadata") if isinstance(doc.get("metadata"), dict) else {}
    return f"{doc.get('kind', '?')}/{meta.get('name', '?')}"


def schema_errors(doc):
    """Each distinct schema error of one document, with the versions it occurs in."""
    found = {}
    for version in versions:
        try:
            kv.validate(doc, version, strict=True)
            continue
        except kv.ValidationError as e:
            message = f"{json_path(e.absolute_path)}: {e.message}"
        except kv.SchemaNotFoundError:
            message = (f"unknown kind: Kubernetes has no {doc.get('kind')} "
                       f"in {doc.get('apiVersion')}")
        found.setdefault(message, []).append(".".join(version.split(".")[:2]))
    return [f"{m} (k8s {', '.join(v)})" for m, v in found.items()]


def mapping(value):
    return value if isinstance(value, dict) else {}


def pod_templates(doc):
    spec = mapping(doc.get("spec"))
    if doc.get("kind") in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"):
        return [mapping(spec.get("template"))]
    if doc.get("kind") == "CronJob":
        return [mapping(mapping(mapping(spec.get("jobTemplate")).get("spec")).get("template"))]
    if doc.get("kind") == "Pod":
        return [doc]
    return []


CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "PriorityClass",
                  "StorageClass", "PersistentVolume", "CustomResourceDefinition"}


def semantic_errors(doc):
    """What the API server rejects (or what silently selects nothing) but no schema can express."""
    errors = []
    namespace = (doc.get("metadata") or {}).get("namespace")
    if doc.get("kind") not in CLUSTER_SCOPED and namespace != expected_namespace:
        errors.append(f"metadata.namespace is {namespace!r}, expected {expected_namespace!r}")
    selector = ((doc.get("spec") or {}).get("selector") or {}).get("matchLabels")
    for template in pod_templates(doc):
        labels = (template.get("metadata") or {}).get("labels") or {}
        if selector and any(labels.get(k) != v for k, v in selector.items()):
            errors.append("spec.selector.matchLabels does not match the pod template's labels")
        pod = template.get("spec") or {}
        volumes = {v.get("name") for v in pod.get("volumes") or []}
        for kind in ("initContainers", "containers"):
            for container in pod.get(kind) or []:
                for mount in container.get("volumeMounts") or []:
                    if mount.get("name") not in volumes:
                        errors.append(f"container {container.get('name')}: volumeMount "
                                      f"{mount.get('name')!r} names no volume of the pod")
    for key, value in (doc.get("data") or {}).items() if doc.get("kind") == "ConfigMap" else ():
        if key.endswith(".toml"):
            errors += [f"data.{key}: {e}" for e in temporal_toml_errors(value)]
    return errors


# The envconfig keys (io.temporal:temporal-envconfig) that this project's processes accept: they
# refuse api_key and the *_data forms (TLS material comes from files).
PROFILE_KEYS = {"address", "namespace", "tls", "grpc_meta"}
TLS_KEYS = {"disabled", "client_cert_path", "client_key_path", "server_ca_cert_path",
            "server_name", "disable_host_verification"}


def temporal_toml_errors(text):
    """A Temporal envconfig file with the two profiles, and no key the processes would refuse."""
    try:
        config = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        return [f"not valid TOML: {e}"]
    errors = [f"unknown top-level key {k!r}" for k in config if k != "profile"]
    profiles = config.get("profile") or {}
    errors += [f"no [profile.{p}]" for p in ("us-east", "eu-west") if p not in profiles]
    for name, profile in profiles.items():
        errors += [f"[profile.{name}]: unknown key {k!r}" for k in profile if k not in PROFILE_KEYS]
        if not profile.get("address"):
            errors.append(f"[profile.{name}]: no address")
        errors += [f"[profile.{name}.tls]: unknown key {k!r}"
                   for k in profile.get("tls") or {} if k not in TLS_KEYS]
    return errors


KUSTOMIZATION_FIELDS = {
    "apiVersion", "kind", "metadata", "resources", "components", "namespace", "namePrefix",
    "nameSuffix", "labels", "commonLabels", "commonAnnotations", "images", "replicas", "patches",
    "patchesStrategicMerge", "patchesJson6902", "replacements", "configMapGenerator",
    "secretGenerator", "generatorOptions", "configurations", "crds", "generators",
    "transformers", "validators", "openapi", "sortOptions", "buildMetadata", "helmCharts",
    "helmGlobals"}


def kustomization_errors(path, manifests):
    try:
        docs = [d for d in yaml.load_all(path.read_text(), Loader=UniqueKeyLoader) if d is not None]
    except yaml.YAMLError as e:
        return [yaml_problem(e)]
    if len(docs) != 1 or not isinstance(docs[0], dict):
        return ["must be exactly one YAML mapping"]
    k = docs[0]
    errors = []
    if k.get("apiVersion") != "kustomize.config.k8s.io/v1beta1" or k.get("kind") != "Kustomization":
        errors.append("apiVersion/kind must be kustomize.config.k8s.io/v1beta1 Kustomization")
    errors += [f"unknown field {f!r}" for f in k if f not in KUSTOMIZATION_FIELDS]
    listed = k.get("resources") or []
    if not isinstance(listed, list):
        return errors + ["resources must be a list"]
    errors += [f"{r!r} is listed twice" for r in sorted({r for r in listed if listed.count(r) > 1})]
    if not all(isinstance(r, str) for r in listed):
        return errors + ["resources must be a list of file names"]
    for entry in listed:
        if not (path.parent / entry).exists():
            errors.append(f"resources names {entry!r}, which does not exist")
    wanted = {m.relative_to(path.parent).as_posix() for m in manifests
              if not m.name.endswith((".example.yaml", ".example.yml"))}
    errors += [f"{m!r} is not in resources (kubectl apply -k would skip it)"
               for m in sorted(wanted - {os.path.normpath(r) for r in listed})]
    return errors


def main():
    files = sorted(p for p in directory.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
    kustomizations = [p for p in files if p.name in ("kustomization.yaml", "kustomization.yml")]
    manifests = [p for p in files if p not in kustomizations]
    if not manifests:
        sys.exit(f"validate-k8s: no *.yaml manifests in {shown(directory)}")

    parsed, failed, documents = {}, 0, 0
    for path in manifests:
        try:
            docs = [d for d in yaml.load_all(path.read_text(), Loader=UniqueKeyLoader) if d is not None]
            parsed[path] = docs, None
        except yaml.YAMLError as e:
            parsed[path] = [], yaml_problem(e)
    # Selectors may point at pods defined in another file.
    templates = [mapping(mapping(t.get("metadata")).get("labels"))
                 for docs, _ in parsed.values() for d in docs if isinstance(d, dict)
                 for t in pod_templates(d)]

    def selects_nothing(doc):
        spec = doc.get("spec") or {}
        selector = {"Service": spec.get("selector"),
                    "PodDisruptionBudget": (spec.get("selector") or {}).get("matchLabels"),
                    "NetworkPolicy": (spec.get("podSelector") or {}).get("matchLabels"),
                    }.get(doc.get("kind"))
        if not selector or any(all(t.get(k) == v for k, v in selector.items()) for t in templates):
            return []
        return [f"{name_of(doc)}: its selector {selector} matches no pod template here"]

    for path in manifests:
        docs, problem = parsed[path]
        errors, names = ([problem] if problem else []), []
        if not docs and not problem:
            errors.append("no YAML document")
        for doc in docs:
            documents += 1
            if not isinstance(doc, dict) or not doc.get("apiVersion") or not doc.get("kind"):
                errors.append("a document without apiVersion and kind")
                continue
            names.append(name_of(doc))
            # The other checks assume the shapes the schema guarantees: only on a valid document.
            problems = schema_errors(doc) or semantic_errors(doc)
            errors += [f"{name_of(doc)}: {e}" for e in problems] or selects_nothing(doc)
        if errors:
            failed += 1
            print(f"FAIL  {shown(path)}: {'; '.join(errors)}")
        else:
            print(f"ok    {shown(path)}: {', '.join(names)}")

    for path in kustomizations:
        errors = kustomization_errors(path, [m for m in manifests if m.parent == path.parent])
        if errors:
            failed += 1
            print(f"FAIL  {shown(path)}: {'; '.join(errors)}")
        else:
            print(f"ok    {shown(path)}: Kustomization (not an API kind: fields and resources list checked)")

    total = len(manifests) + len(kustomizations)
    where = f"Kubernetes {', '.join(versions)}, strict schemas of kubernetes-validate {kv.__version__}"
    if failed:
        print(f"validate-k8s: {failed} of {total} files invalid ({where})")
        sys.exit(1)
    print(f"validate-k8s: all {total} files valid, {documents} documents ({where})")


main()
PY
