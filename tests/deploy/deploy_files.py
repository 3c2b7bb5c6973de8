"""Readers for the deployment files, shared by the deploy tests: the
Dockerfile's stages and instructions, .dockerignore, and deploy/k8s's
kustomization with every resource it lists or generates.

Nothing here checks anything: each reader returns what the file says, and
raises Failure (with the file and what is wrong) when it cannot be read.
"""
import fnmatch
import os
import re
import shlex

import yaml


class Failure(Exception):
    pass


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


# ---- Dockerfile ----------------------------------------------------------------

def dockerfile_instructions(path):
    """[(line, INSTRUCTION, argument text)], continuation lines joined."""
    out, pending, start = [], "", 0
    for n, raw in enumerate(read(path).splitlines(), 1):
        line = raw.rstrip()
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if pending and line.lstrip().startswith("#"):
            continue  # a comment inside a continued instruction
        if not pending:
            start = n
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        text = (pending + line).strip()
        pending = ""
        word, _, rest = text.partition(" ")
        out.append((start, word.upper(), rest.strip()))
    if pending:
        raise Failure(f"{path}: the last instruction ends with a line continuation")
    return out


def dockerfile_stages(path):
    """[{name, base, line, instructions}] in order; name is None when unnamed."""
    stages = []
    for line, word, rest in dockerfile_instructions(path):
        if word == "FROM":
            parts = rest.split()
            parts = [p for p in parts if not p.startswith("--")]
            name = parts[2] if len(parts) >= 3 and parts[1].upper() == "AS" else None
            stages.append({"name": name, "base": parts[0], "line": line, "instructions": []})
        elif not stages:
            if word != "ARG":
                raise Failure(f"{path}:{line}: {word} before the first FROM")
        else:
            stages[-1]["instructions"].append((line, word, rest))
    return stages


def copy_arguments(rest):
    """(flags {name: value}, sources, destination) of a COPY or ADD."""
    words = shlex.split(rest) if not rest.startswith("[") else yaml.safe_load(rest)
    flags = {}
    while words and words[0].startswith("--"):
        k, _, v = words.pop(0)[2:].partition("=")
        flags[k] = v
    if len(words) < 2:
        raise Failure(f"COPY {rest}: needs a source and a destination")
    return flags, words[:-1], words[-1]


def apt_installed(run_text):
    """The package names an `apt-get install` in a RUN installs."""
    names = []
    for command in re.split(r"&&|;|\|\|", run_text):
        words = shlex.split(command)
        while words and "=" in words[0] and not words[0].startswith("-"):
            words.pop(0)  # VAR=value prefixes
        if len(words) >= 2 and words[0] in ("apt-get", "apt") and "install" in words:
            after = words[words.index("install") + 1:]
            names += [w for w in after if not w.startswith("-")]
    return names


def dockerignore_patterns(root):
    path = os.path.join(root, ".dockerignore")
    if not os.path.exists(path):
        return []
    pats = []
    for line in read(path).splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            pats.append(line.rstrip("/"))
    return pats


def dockerignored(rel, patterns):
    """True when .dockerignore leaves rel (or a parent of it) out of the build
    context (its last matching pattern wins; `!` re-includes)."""
    ignored = False
    parts = rel.strip("/").split("/")
    prefixes = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
    for pat in patterns:
        negate = pat.startswith("!")
        p = pat[1:] if negate else pat
        if p.startswith("**/"):
            hit = any(fnmatch.fnmatchcase(x.split("/")[-1], p[3:]) for x in prefixes)
        else:
            hit = any(fnmatch.fnmatchcase(x, p) for x in prefixes)
        if hit:
            ignored = not negate
    return ignored


# ---- Kubernetes manifests ------------------------------------------------------

def yaml_documents(path):
    try:
        docs = [d for d in yaml.safe_load_all(read(path)) if d is not None]
    except yaml.YAMLError as e:
        raise Failure(f"{path}: not valid YAML: {e}")
    for i, d in enumerate(docs):
        if not isinstance(d, dict):
            raise Failure(f"{path}: document {i + 1} is not a mapping")
    return docs


def env_file_keys(path):
    """The keys of a kustomize env file (key=value lines, # comments)."""
    keys = []
    for n, line in enumerate(read(path).splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key = line.split("=", 1)[0]
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.-]*", key):
            raise Failure(f"{path}:{n}: {key!r} is not a valid key")
        keys.append(key)
    return keys


def kustomization(kdir):
    """The kustomization of kdir: its parsed YAML plus
    resources: [(file, document)] and
    generated: {("ConfigMap"|"Secret", namespace, name): {"keys": [...], "files": {...}}}.
    A secretGenerator's env file that is not in git is read from its
    `.example` template (the file a user copies and fills in)."""
    kpath = os.path.join(kdir, "kustomization.yaml")
    (k,) = yaml_documents(kpath)
    resources = []
    for rel in k.get("resources", []):
        path = os.path.join(kdir, rel)
        if not os.path.isfile(path):
            raise Failure(f"{kpath}: resource {rel} does not exist")
        resources += [(rel, d) for d in yaml_documents(path)]
    generated = {}
    for kind, field in (("ConfigMap", "configMapGenerator"), ("Secret", "secretGenerator")):
        for g in k.get(field, []) or []:
            ns = g.get("namespace") or k.get("namespace") or "default"
            keys, files = [], {}
            for spec in g.get("files", []) or []:
                key, _, rel = spec.rpartition("=")
                rel = rel or spec
                key = key or os.path.basename(rel)
                path = os.path.join(kdir, rel)
                if not os.path.isfile(path):
                    raise Failure(f"{kpath}: {field} {g['name']}: file {rel} does not exist")
                keys.append(key)
                files[key] = path
            for rel in g.get("envs", []) or []:
                path = os.path.join(kdir, rel)
                if not os.path.isfile(path):
                    path += ".example"
                if not os.path.isfile(path):
                    raise Failure(f"{kpath}: {field} {g['name']}: neither {rel} nor {rel}.example exists")
                keys += env_file_keys(path)
                files[rel] = path
            for lit in g.get("literals", []) or []:
                keys.append(lit.split("=", 1)[0])
            generated[(kind, ns, g["name"])] = {"keys": keys, "files": files, "generator": g}
    return k, resources, generated
