"""deploy.image_libraries: the Dockerfile's runtime stage installs every
shared library the tide binary loads. Each library `ldd` lists is mapped to
its Debian package with `dpkg -S`: the libraries tide names itself (NEEDED)
must come from a package the runtime stage lists, the others from a package
those depend on (Depends and Pre-Depends, followed through what is
installed here). Every listed package must be a real Debian package.

Exit 77 (ctest's skip) when dpkg or ldd is not there, or when the binary
is a sanitizer build (scripts/test --sanitize), which the image never is;
TIDE_BIN names the binary (default build/tide).
"""
import os
import shutil
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from deploy_files import apt_installed, dockerfile_stages  # noqa: E402

ROOT = os.environ.get("TIDE_SOURCE_DIR") or os.getcwd()
BIN = os.environ.get("TIDE_BIN") or os.path.join(ROOT, "build", "tide")
SKIP = 77


def run(*cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    return r.returncode, r.stdout


def ldd(path):
    """{soname: resolved path} of every library the loader maps."""
    status, out = run("ldd", path)
    if status != 0:
        raise SystemExit(f"ldd {path} failed")
    libs = {}
    for line in out.splitlines():
        parts = line.split()
        if "=>" in parts:
            i = parts.index("=>")
            if i + 1 < len(parts) and parts[i + 1].startswith("/"):
                libs[parts[0]] = parts[i + 1]
            else:
                libs[parts[0]] = None  # "not found"
        elif parts and parts[0].startswith("/"):
            libs[os.path.basename(parts[0])] = parts[0]  # the loader itself
    return libs


def needed(path):
    """The sonames the binary names itself (readelf -d), or None."""
    if not shutil.which("readelf"):
        return None
    _, out = run("readelf", "-d", path)
    return {line.split("[")[1].split("]")[0] for line in out.splitlines() if "(NEEDED)" in line}


def owners(paths):
    """{path: the Debian package that installed it, or None}. One dpkg -S
    for all of them; merged /usr makes /lib/x and /usr/lib/x one file, so
    both spellings and the real path are asked."""
    spellings = {}
    for path in paths:
        cands = [path, os.path.realpath(path)]
        for p in list(cands):
            if p.startswith("/usr/lib/"):
                cands.append(p[len("/usr"):])
            elif p.startswith("/lib"):
                cands.append("/usr" + p)
        spellings[path] = cands
    asked = sorted({c for cands in spellings.values() for c in cands})
    _, out = run("dpkg", "-S", *asked)
    found = {}
    for line in out.splitlines():
        pkgs, _, file = line.partition(": ")
        if file:
            found[file.strip()] = pkgs.split(",")[0].split(":")[0].strip()
    return {path: next((found[c] for c in cands if c in found), None) for path, cands in spellings.items()}


def depends(pkg):
    """The installed packages pkg depends on (every installed alternative)."""
    status, out = run("dpkg-query", "-W", "-f=${Depends}, ${Pre-Depends}", pkg)
    if status != 0:
        return set()
    deps = set()
    for clause in out.split(","):
        for alt in clause.split("|"):
            name = alt.strip().split(" ")[0].split(":")[0]
            if name and installed(name):
                deps.add(name)
    return deps


def installed(pkg):
    status, out = run("dpkg-query", "-W", "-f=${Status}", pkg)
    return status == 0 and "install ok installed" in out


def known_to_apt(pkg):
    if installed(pkg):
        return True
    if shutil.which("apt-cache"):
        status, out = run("apt-cache", "show", "--no-all-versions", pkg)
        return status == 0 and "Package:" in out
    return False


def main():
    for tool in ("dpkg", "dpkg-query", "ldd"):
        if not shutil.which(tool):
            print(f"deploy.image_libraries: no {tool}; skipped")
            return SKIP
    if not os.path.exists(BIN):
        print(f"deploy.image_libraries: {BIN} does not exist (build first)")
        return 1
    stages = dockerfile_stages(os.path.join(ROOT, "Dockerfile"))
    runtime = [p for _, w, rest in stages[-1]["instructions"] if w == "RUN" for p in apt_installed(rest)]
    failures = []
    for p in runtime:
        if not known_to_apt(p):
            failures.append(f"the runtime stage installs {p}, which apt does not know")

    closure, todo = set(), list(runtime)
    while todo:
        p = todo.pop()
        if p not in closure:
            closure.add(p)
            todo += depends(p)

    libs = ldd(BIN)
    sanitizers = [s for s in libs if s.startswith(("libasan", "libubsan", "libtsan", "liblsan"))]
    if sanitizers:
        print(f"deploy.image_libraries: {BIN} is a sanitizer build ({', '.join(sanitizers)}), "
              "not the binary the image builds; skipped")
        return SKIP
    direct = needed(BIN)
    pkg_of = owners([p for p in libs.values() if p])
    for soname, path in sorted(libs.items()):
        if soname.startswith("linux-vdso") or soname.startswith("linux-gate"):
            continue
        if path is None:
            failures.append(f"ldd: {soname} not found")
            continue
        pkg = pkg_of[path]
        if pkg is None:
            failures.append(f"{soname} ({path}) belongs to no Debian package: the image cannot install it")
            continue
        if direct is not None and soname in direct:
            ok = pkg in runtime
            where = "the runtime stage's package list"
        else:
            ok = pkg in closure
            where = "the runtime packages or their dependencies"
        status = "ok" if ok else "MISSING"
        print(f"{soname:28} {pkg:22} {'NEEDED' if direct and soname in direct else 'indirect':8} {status}")
        if not ok:
            failures.append(f"{soname} comes from {pkg}, which is not in {where}")
    for f in failures:
        print("FAIL", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
