"""deploy.manifests: the Dockerfile and deploy/k8s agree with each other and
with the repository. Every YAML file parses; the kustomization lists every
file; each name a workload refers to (ConfigMap, Secret and their keys,
PersistentVolumeClaim, volume, environment variable, Service) exists; labels
and selectors match; container arguments name files the image or a mounted
ConfigMap provides; the Kafka topics are the ones the scripts use; no
password is in a manifest; the Dockerfile copies paths that exist and are in
the build context. With kubectl on the PATH, the kustomization is also
rendered (kubectl kustomize) and the checks run on its output, where
generated names carry their hash.

Run by ctest with TIDE_SOURCE_DIR set (or from the top of the checkout).
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from deploy_files import (Failure, apt_installed, copy_arguments, dockerfile_stages,  # noqa: E402
                          dockerignore_patterns, dockerignored, kustomization, read, yaml_documents)

ROOT = os.environ.get("TIDE_SOURCE_DIR") or os.getcwd()
K8S = os.path.join(ROOT, "deploy", "k8s")
# The topics of the seed's system (ORIGINAL.md): events in, predictions out.
SEED_TOPICS = {"to_predict", "predictions"}

failures = []


def check(cond, message):
    if not cond:
        failures.append(message)
    return cond


DNS_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")


# ---- the Dockerfile ------------------------------------------------------------------

def check_dockerfile():
    """Returns what the manifests need to know of the image: its WORKDIR,
    the paths it holds under it, the directories its user owns, its uid."""
    path = os.path.join(ROOT, "Dockerfile")
    stages = dockerfile_stages(path)
    names = [s["name"] for s in stages]
    check(len(stages) >= 2, f"Dockerfile: {len(stages)} stage(s), a multi-stage build has a build and a runtime stage")
    for s in stages:
        check("bookworm" in s["base"], f"Dockerfile:{s['line']}: FROM {s['base']} is not Debian bookworm")
    ignore = dockerignore_patterns(ROOT)
    image = {"workdir": "/", "paths": set(), "owned": set(), "uid": None, "entrypoint": None}
    final = stages[-1]
    for s in stages:
        workdir = "/"
        for line, word, rest in s["instructions"]:
            where = f"Dockerfile:{line}"
            if word == "WORKDIR":
                workdir = os.path.join(workdir, rest)
            elif word in ("COPY", "ADD"):
                flags, sources, dest = copy_arguments(rest)
                if "from" in flags:
                    check(flags["from"] in names[:stages.index(s)],
                          f"{where}: COPY --from={flags['from']} names no earlier stage")
                else:
                    for src in sources:
                        rel = os.path.normpath(src).lstrip("./") or "."
                        check(os.path.exists(os.path.join(ROOT, rel)),
                              f"{where}: COPY {src}: no such path in the repository")
                        check(not dockerignored(rel, ignore),
                              f"{where}: COPY {src}: .dockerignore leaves it out of the build context")
                if s is final:
                    target = dest if dest.startswith("/") else os.path.join(workdir, dest)
                    for src in sources:
                        t = target
                        if len(sources) > 1 or dest.endswith("/"):
                            t = os.path.join(target, os.path.basename(src.rstrip("/")))
                        image["paths"].add(os.path.normpath(t))
            elif word == "RUN":
                for m in re.finditer(r"mkdir -p ((?:/[\w/.-]+\s*)+)", rest):
                    if "chown" in rest:
                        image["owned"].update(m.group(1).split())
        if s is final:
            image["workdir"] = workdir
    for line, word, rest in final["instructions"]:
        if word == "USER":
            user = rest.split(":")[0]
            if check(user.isdigit(), f"Dockerfile:{line}: USER {rest}: a numeric uid lets Kubernetes verify runAsNonRoot"):
                image["uid"] = int(user)
                check(int(user) != 0, f"Dockerfile:{line}: USER 0 is root")
        elif word == "ENTRYPOINT":
            image["entrypoint"] = rest
    check(image["uid"] is not None, "Dockerfile: the runtime stage sets no USER (a non-root user)")
    check(image["entrypoint"] == '["tide"]', f"Dockerfile: ENTRYPOINT {image['entrypoint']}, expected [\"tide\"]")
    check(image["workdir"] != "/", "Dockerfile: the runtime stage sets no WORKDIR")
    for p in ("/usr/local/bin/tide",):
        check(p in image["paths"], f"Dockerfile: the runtime stage does not copy {p}")

    # The build stage installs exactly scripts/deps' build list.
    build = [s for s in stages if s is not final]
    runs = " ".join(rest for s in build for _, w, rest in s["instructions"] if w == "RUN")
    check("scripts/deps build" in runs, "Dockerfile: the build stage does not install scripts/deps' build packages")
    runtime_pkgs = [p for _, w, rest in final["instructions"] if w == "RUN" for p in apt_installed(rest)]
    check(runtime_pkgs, "Dockerfile: the runtime stage installs no packages")
    for p in runtime_pkgs:
        check(not p.endswith("-dev"), f"Dockerfile: the runtime stage installs the development package {p}")
    return image


# ---- the manifests -------------------------------------------------------------------

def check_files_listed(k, generated):
    """Every file under deploy/k8s is a resource, a generator's input, or the
    template of one; and every YAML file parses."""
    used = {os.path.normpath(r) for r in k.get("resources", [])}
    for g in generated.values():
        for rel, path in g["files"].items():
            used.add(os.path.normpath(os.path.relpath(path, K8S)))
    for dirpath, _, files in os.walk(os.path.join(ROOT, "deploy")):
        for f in files:
            path = os.path.join(dirpath, f)
            rel = os.path.relpath(path, K8S)
            if f.endswith((".yaml", ".yml")):
                try:
                    yaml_documents(path)
                except Failure as e:
                    check(False, str(e))
            if not path.startswith(K8S + os.sep) or f == "kustomization.yaml":
                continue
            if f == "postgres.env":
                continue  # the local copy of the template, ignored by git
            check(os.path.normpath(rel) in used, f"deploy/k8s/{rel} is not listed in kustomization.yaml")


def index(resources, generated):
    """{(kind, namespace, name): document or generator info}."""
    idx = {}
    for rel, d in resources:
        md = d.get("metadata") or {}
        key = (d.get("kind"), md.get("namespace") or "default", md.get("name"))
        check(key not in idx, f"{rel}: {key[0]} {key[2]} is defined twice")
        idx[key] = d
    for key, g in generated.items():
        idx[key] = g
    return idx


def data_keys(obj):
    if "keys" in obj:
        return set(obj["keys"])
    return set((obj.get("data") or {}).keys()) | set((obj.get("stringData") or {}).keys()) | \
        set((obj.get("binaryData") or {}).keys())


def pod_spec(d):
    kind = d.get("kind")
    if kind in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"):
        return d["spec"]["template"]
    if kind == "CronJob":
        return d["spec"]["jobTemplate"]["spec"]["template"]
    if kind == "Pod":
        return d
    return None


def check_names(resources):
    for rel, d in resources:
        for field in ("apiVersion", "kind", "metadata"):
            check(field in d, f"{rel}: a document without {field}")
        md = d.get("metadata") or {}
        name, kind = md.get("name", ""), d.get("kind")
        pattern = DNS_LABEL if kind in ("Namespace", "Service") else DNS_SUBDOMAIN
        check(bool(pattern.fullmatch(name or "")) and len(name) <= 63,
              f"{rel}: {kind} name {name!r} is not a valid Kubernetes name")
        check(kind == "Namespace" or md.get("namespace"), f"{rel}: {kind} {name} has no namespace")


def check_workloads(resources, idx, image, kimages, workload_script_dir):
    namespaces = {d["metadata"]["name"] for _, d in resources if d.get("kind") == "Namespace"}
    for rel, d in resources:
        ns = d["metadata"].get("namespace") or "default"
        if d.get("kind") != "Namespace" and namespaces and ns not in namespaces and d.get("apiVersion", "").startswith(("v1", "apps/", "batch/")):
            check(False, f"{rel}: {d['kind']} {d['metadata']['name']} is in namespace {ns}, which no manifest creates")
        tmpl = pod_spec(d)
        if tmpl is None:
            continue
        what = f"{rel}: {d['kind']} {d['metadata']['name']}"
        labels = (tmpl.get("metadata") or {}).get("labels") or {}
        if d["kind"] != "Job":
            sel = (d["spec"].get("selector") or {}).get("matchLabels") or {}
            check(sel, f"{what}: no selector.matchLabels")
            for k2, v in sel.items():
                check(labels.get(k2) == v, f"{what}: selector {k2}={v} does not match the pod template's labels")
        if d["kind"] == "StatefulSet":
            svc = d["spec"].get("serviceName")
            check(("Service", ns, svc) in idx, f"{what}: serviceName {svc} is no Service in {ns}")
        spec = tmpl["spec"]
        volumes = {v["name"]: v for v in spec.get("volumes", []) or []}
        claim_templates = {c["metadata"]["name"] for c in d["spec"].get("volumeClaimTemplates", []) or []}
        for v in volumes.values():
            if "configMap" in v:
                check(("ConfigMap", ns, v["configMap"]["name"]) in idx,
                      f"{what}: volume {v['name']}: no ConfigMap {v['configMap']['name']} in {ns}")
            if "secret" in v:
                check(("Secret", ns, v["secret"]["secretName"]) in idx,
                      f"{what}: volume {v['name']}: no Secret {v['secret']['secretName']} in {ns}")
            if "persistentVolumeClaim" in v:
                claim = v["persistentVolumeClaim"]["claimName"]
                check(("PersistentVolumeClaim", ns, claim) in idx,
                      f"{what}: volume {v['name']}: no PersistentVolumeClaim {claim} in {ns}")
        psc = spec.get("securityContext") or {}
        containers = (spec.get("initContainers") or []) + (spec.get("containers") or [])
        mounted = set()
        for c in containers:
            cwhat = f"{what} container {c['name']}"
            img = c.get("image", "")
            is_tide = img.split(":")[0] == "tide"
            if is_tide:
                check(any(i.get("name") == "tide" for i in kimages),
                      f"{cwhat}: image {img} has no entry in kustomization.yaml's images")
                check(c.get("imagePullPolicy") == "IfNotPresent",
                      f"{cwhat}: a locally built image needs imagePullPolicy IfNotPresent")
                check(psc.get("runAsNonRoot") is True and psc.get("runAsUser") == image["uid"],
                      f"{cwhat}: the pod should run as the image's non-root uid {image['uid']}")
            res = c.get("resources") or {}
            check((res.get("requests") or {}).get("memory") and (res.get("limits") or {}).get("memory"),
                  f"{cwhat}: no memory request and limit")
            mounts = {}
            for m in c.get("volumeMounts", []) or []:
                check(m["name"] in volumes or m["name"] in claim_templates,
                      f"{cwhat}: volumeMount {m['name']} names no volume")
                mounted.add(m["name"])
                mounts[m["mountPath"]] = m
            # Environment: ConfigMap and Secret keys exist, $(VAR) refers to an earlier variable.
            defined = set()
            for e in c.get("env", []) or []:
                src = e.get("valueFrom") or {}
                for ref_kind, field in (("ConfigMap", "configMapKeyRef"), ("Secret", "secretKeyRef")):
                    if field in src:
                        ref = src[field]
                        obj = idx.get((ref_kind, ns, ref["name"]))
                        if check(obj is not None, f"{cwhat}: env {e['name']}: no {ref_kind} {ref['name']} in {ns}"):
                            check(ref["key"] in data_keys(obj),
                                  f"{cwhat}: env {e['name']}: {ref_kind} {ref['name']} has no key {ref['key']}")
                if "value" in e:
                    for var in re.findall(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)", str(e["value"])):
                        check(var in defined, f"{cwhat}: env {e['name']} refers to $({var}), not defined before it")
                    check(not re.search(r"password\s*=", str(e["value"]), re.I),
                          f"{cwhat}: env {e['name']} holds a password in plain text")
                    check(not re.search(r"pass(word)?$", e["name"], re.I),
                          f"{cwhat}: env {e['name']} holds a password in plain text; use a secretKeyRef")
                defined.add(e["name"])
            for ef in c.get("envFrom", []) or []:
                for ref_kind, field in (("ConfigMap", "configMapRef"), ("Secret", "secretRef")):
                    if field in ef:
                        check((ref_kind, ns, ef[field]["name"]) in idx,
                              f"{cwhat}: envFrom: no {ref_kind} {ef[field]['name']} in {ns}")
            # Paths the program writes lie on a volume when the root file system is read-only.
            readonly_root = (c.get("securityContext") or {}).get("readOnlyRootFilesystem")
            env_values = {e["name"]: e.get("value") for e in c.get("env", []) or []}
            for var in ("MODEL_PATH", "CHECKPOINT_DIR", "TIDE_DATA_DIR"):
                p = env_values.get(var)
                if p and readonly_root:
                    check(any(p == mp or p.startswith(mp.rstrip("/") + "/") for mp in mounts),
                          f"{cwhat}: {var}={p} is on the read-only root file system, not on a volume")
            # `tide run FILE`: FILE is in a mounted ConfigMap or in the image.
            args = c.get("args") or []
            if is_tide and not c.get("command"):
                check(args and args[0] in ("run", "notebook", "plot", "broker", "version", "help", "console"),
                      f"{cwhat}: args {args} start with no tide command")
            if is_tide and not c.get("command") and len(args) >= 2 and args[0] in ("run", "notebook"):
                script = args[1]
                full = script if script.startswith("/") else os.path.normpath(os.path.join(image["workdir"], script))
                in_mount = [mp for mp in mounts if full.startswith(mp.rstrip("/") + "/")]
                if in_mount:
                    mp = in_mount[0]
                    vol = volumes.get(mounts[mp]["name"]) or {}
                    if check("configMap" in vol, f"{cwhat}: {script} is on volume {mounts[mp]['name']}, not a ConfigMap"):
                        cm = idx.get(("ConfigMap", ns, vol["configMap"]["name"]))
                        key = os.path.relpath(full, mp)
                        if cm is not None:
                            check(key in data_keys(cm),
                                  f"{cwhat}: {script}: ConfigMap {vol['configMap']['name']} has no key {key}")
                            if "files" in cm and key in cm["files"]:
                                workload_script_dir[d["metadata"]["name"]] = cm["files"][key]
                else:
                    check(any(full == p or full.startswith(p + "/") for p in image["paths"]),
                          f"{cwhat}: {script} is not in the image (the Dockerfile copies {sorted(image['paths'])})")
                    rel_repo = os.path.relpath(full, image["workdir"])
                    if check(os.path.isfile(os.path.join(ROOT, rel_repo)), f"{cwhat}: {script}: no {rel_repo} in the repository"):
                        workload_script_dir[d["metadata"]["name"]] = os.path.join(ROOT, rel_repo)
            # Mount points under the WORKDIR are directories the image gives its user.
            if is_tide:
                for mp, m in mounts.items():
                    if mp.startswith(image["workdir"].rstrip("/") + "/") and not m.get("readOnly"):
                        check(mp in image["owned"], f"{cwhat}: {mp} is not a directory the image's user owns")
        for v in volumes:
            check(v in mounted, f"{what}: volume {v} is mounted by no container")
    for rel, d in resources:
        if d.get("kind") == "Service":
            sel = d["spec"].get("selector") or {}
            ns = d["metadata"]["namespace"]
            ok = False
            for _, w in resources:
                t = pod_spec(w)
                if t is not None and w["metadata"].get("namespace") == ns:
                    labels = (t.get("metadata") or {}).get("labels") or {}
                    if sel and all(labels.get(k2) == v for k2, v in sel.items()):
                        ok = True
                        ports = {p.get("name") for c in t["spec"]["containers"] for p in c.get("ports", []) or []}
                        for p in d["spec"].get("ports", []):
                            tp = p.get("targetPort")
                            if isinstance(tp, str):
                                check(tp in ports, f"{rel}: Service {d['metadata']['name']}: targetPort {tp} is no container port")
            check(ok, f"{rel}: Service {d['metadata']['name']}: its selector matches no pod template")


def topics_in_script(path):
    text = read(path)
    return set(re.findall(r'option\(\s*"(?:subscribe|topic)"\s*,\s*"([^"]+)"', text))


def check_topics(resources, idx, scripts):
    topics = {}
    for rel, d in resources:
        if d.get("kind") == "KafkaTopic":
            name = (d.get("spec") or {}).get("topicName") or d["metadata"]["name"]
            topics[name] = (rel, d)
    check(set(topics) == SEED_TOPICS, f"KafkaTopics {sorted(topics)}, expected the seed's {sorted(SEED_TOPICS)}")
    if "to_predict" in topics:
        check(topics["to_predict"][1]["spec"].get("partitions") == 3, "KafkaTopic to_predict: 3 partitions, as the seed")
    used = set()
    for path in scripts:
        used |= topics_in_script(path)
    settings = [d for _, d in resources if d.get("kind") == "ConfigMap"]
    for cm in settings:
        t = (cm.get("data") or {}).get("KAFKA_TOPIC")
        if t:
            used.add(t)
    check(used, "no topic found in the scripts the workloads run")
    for t in used:
        check(t in topics, f"topic {t} is used by the pipeline or the producer, but no KafkaTopic makes it")
    for t in topics:
        check(t in used, f"KafkaTopic {t} is used by no script")
    # The cluster the topics name is the one KAFKA_HOST points at.
    clusters = {(d["metadata"]["labels"] or {}).get("strimzi.io/cluster") for _, d in topics.values()}
    check(len(clusters) == 1 and None not in clusters, f"KafkaTopics name the clusters {clusters}")
    hosts = {(cm.get("data") or {}).get("KAFKA_HOST") for cm in settings} - {None}
    for (rel, d) in topics.values():
        want = f"{d['metadata']['labels'].get('strimzi.io/cluster')}-kafka-bootstrap.{d['metadata']['namespace']}"
        check(any(h.startswith(want) for h in hosts),
              f"{rel}: KafkaTopic {d['metadata']['name']}: KAFKA_HOST {hosts} is not {want}.svc:PORT")


def check_no_plain_secrets(resources, generated):
    for rel, d in resources:
        if d.get("kind") == "Secret":
            check(not d.get("data") and not d.get("stringData"),
                  f"{rel}: Secret {d['metadata']['name']} holds its values in a manifest")
    for (kind, ns, name), g in generated.items():
        if kind == "Secret":
            for rel, path in g["files"].items():
                if path.endswith(".example"):
                    text = read(path)
                    check("REPLACE" in text, f"{path}: a template should hold a placeholder, not a password")
            ignored = read(os.path.join(ROOT, ".gitignore"))
            for rel in g["generator"].get("envs", []) or []:
                check(f"deploy/k8s/{rel}" in ignored, f".gitignore does not ignore deploy/k8s/{rel}, which holds a password")


def check_budget(resources):
    # tide's budget: a streaming query stays under 100 MB resident; its
    # container's limit must allow that, and not be wildly above it.
    for rel, d in resources:
        if d.get("kind") == "Deployment" and d["metadata"]["name"] == "tide-streaming":
            c = d["spec"]["template"]["spec"]["containers"][0]
            limit = c["resources"]["limits"]["memory"]
            m = re.fullmatch(r"(\d+)(Mi|Gi)", limit)
            if check(m, f"{rel}: memory limit {limit}: write it in Mi or Gi"):
                mib = int(m.group(1)) * (1024 if m.group(2) == "Gi" else 1)
                check(100 <= mib <= 512, f"{rel}: memory limit {limit} is not sized by the 100 MB budget")
            check(d["spec"].get("replicas") == 1 and d["spec"].get("strategy", {}).get("type") == "Recreate",
                  f"{rel}: one writer per checkpoint: 1 replica and the Recreate strategy")
        if d.get("kind") == "Deployment" and d["metadata"]["name"] == "tide-producer":
            check(isinstance(d["spec"].get("replicas"), int), f"{rel}: the producer has no replicas field")


def check_all(resources, generated, k, image, label):
    check_names(resources)
    idx = index(resources, generated)
    scripts = {}
    check_workloads(resources, idx, image, k.get("images", []) or [], scripts)
    check(set(scripts) >= {"tide-streaming", "tide-producer"},
          f"{label}: the scripts of tide-streaming and tide-producer were not found ({sorted(scripts)})")
    check_topics(resources, idx, scripts.values())
    check_budget(resources)
    return idx


def check_rendered(image):
    """kubectl kustomize, when kubectl is there: the rendered objects keep
    every reference (generated names with their hash included)."""
    kubectl = shutil.which("kubectl")
    if os.environ.get("TIDE_DEPLOY_RENDER") == "0":
        return
    if not kubectl:
        print("deploy.manifests: no kubectl; the rendering check is skipped")
        return
    with tempfile.TemporaryDirectory() as tmp:
        copy = os.path.join(tmp, "k8s")
        shutil.copytree(K8S, copy)
        env_file = os.path.join(copy, "postgres.env")
        if not os.path.exists(env_file):
            shutil.copy(env_file + ".example", env_file)
        r = subprocess.run([kubectl, "kustomize", copy], capture_output=True, text=True, timeout=60)
        if not check(r.returncode == 0, f"kubectl kustomize deploy/k8s failed: {r.stderr.strip()}"):
            return
        import yaml
        docs = [d for d in yaml.safe_load_all(r.stdout) if d]
        os.remove(env_file)
        r2 = subprocess.run([kubectl, "kustomize", copy], capture_output=True, text=True, timeout=60)
        check(r2.returncode != 0, "kubectl kustomize succeeds without postgres.env: a placeholder password would be deployed")
    resources = [("rendered", d) for d in docs]
    rendered_scripts = {}
    idx = index(resources, {})
    check_workloads(resources, idx, image, [{"name": "tide"}], rendered_scripts)
    for _, d in resources:
        t = pod_spec(d)
        if t is not None:
            for c in t["spec"].get("containers", []):
                if c["image"].startswith("tide"):
                    check(c["image"] != "tide", f"rendered {d['metadata']['name']}: image tag not set by kustomization")


def main():
    try:
        import yaml  # noqa: F401
    except ImportError:
        print("deploy.manifests: python3-yaml is missing (scripts/deps installs it)")
        return 1
    try:
        image = check_dockerfile()
        k, resources, generated = kustomization(K8S)
        check_files_listed(k, generated)
        check_all(resources, generated, k, image, "deploy/k8s")
        check_no_plain_secrets(resources, generated)
        check_rendered(image)
    except Failure as e:
        failures.append(str(e))
    for f in failures:
        print("FAIL", f)
    if failures:
        print(f"deploy.manifests: {len(failures)} failure(s)")
        return 1
    print(f"deploy.manifests: ok ({len(resources)} objects, {len(generated)} generated)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
