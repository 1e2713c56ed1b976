"""The checks behind scripts/validate-k8s.sh, run by the venv's Python that script installs.

    validate_k8s.py DIR ROOT EXPECTED_NAMESPACE VERSION...

Every *.yaml/*.yml manifest under DIR must be valid for every Kubernetes VERSION in strict mode,
plus the checks an API server makes that no schema can express; kustomization.yaml is checked on
its own. One line per file, then a summary; exit 1 when anything is invalid, 2 on a setup error.
"""
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
        # a StatefulSet's volumeClaimTemplates are volumes of each pod too
        volumes |= {(c.get("metadata") or {}).get("name")
                    for c in (doc.get("spec") or {}).get("volumeClaimTemplates") or []}
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


if __name__ == "__main__":
    main()
