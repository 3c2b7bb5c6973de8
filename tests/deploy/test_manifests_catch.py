"""deploy.manifests_catch: test_manifests.py fails on broken deployment
files. Each case copies the Dockerfile, .dockerignore, .gitignore and deploy/
into a scratch checkout (the other top-level paths are links to the real
ones), breaks one thing, runs the checker there and expects exit 1 with a
message naming what broke. The unbroken copy must pass first.
"""
import os
import re
import subprocess
import sys
import tempfile
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.environ.get("TIDE_SOURCE_DIR") or os.getcwd()
SKIP = 77
COPIED = ("Dockerfile", ".dockerignore", ".gitignore", "deploy")

# (what is broken, file, regex to replace, replacement, expected message
# [, the checker: test_manifests.py unless named])
CASES = [
    ("a ConfigMap name", "deploy/k8s/streaming.yaml", r"name: tide-pipeline", "name: tide-pipline",
     "no ConfigMap tide-pipline"),
    ("a ConfigMap key", "deploy/k8s/producer.yaml", r"key: WAIT_TIME", "key: WAIT_SECONDS",
     "has no key WAIT_SECONDS"),
    ("a Secret name", "deploy/k8s/streaming.yaml", r"secretKeyRef: \{name: tide-postgres", "secretKeyRef: {name: postgres-pw",
     "no Secret postgres-pw"),
    ("a Secret key", "deploy/k8s/postgres.yaml", r"secretKeyRef: \{name: tide-postgres, key: password\}",
     "secretKeyRef: {name: tide-postgres, key: pass}", "has no key pass"),
    ("a PVC name", "deploy/k8s/streaming.yaml", r"claimName: tide-checkpoints", "claimName: checkpoints",
     "no PersistentVolumeClaim checkpoints"),
    ("the script in the ConfigMap", "deploy/k8s/streaming.yaml", r"/etc/tide/pipeline/streaming\.lua",
     "/etc/tide/pipeline/stream.lua", "has no key stream.lua"),
    ("a script in the image", "deploy/k8s/producer.yaml", r"\"scripts/producer\.lua\"", "\"scripts/produce.lua\"",
     "scripts/produce.lua is not in the image"),
    ("a selector", "deploy/k8s/producer.yaml", r"(matchLabels:\n\s+app.kubernetes.io/name: )tide-producer",
     r"\1tide-producers", "does not match the pod template's labels"),
    ("a Service selector", "deploy/k8s/postgres.yaml", r"(selector:\n\s+app.kubernetes.io/name: )postgres",
     r"\1postgresql", "its selector matches no pod template"),
    ("a topic name", "deploy/k8s/kafka-topics.yaml", r"topicName: predictions", "topicName: prediction",
     "topic predictions is used"),
    ("the partitions", "deploy/k8s/kafka-topics.yaml", r"partitions: 3", "partitions: 1", "3 partitions"),
    ("a topic in the script", "deploy/k8s/pipeline/streaming.lua", r'"subscribe", "to_predict"',
     '"subscribe", "to-predict"', "topic to-predict is used"),
    ("the bootstrap address", "deploy/k8s/configmap.yaml", r"my-cluster-kafka-bootstrap\.kafka", "kafka.kafka",
     "KAFKA_HOST"),
    ("a resource list", "deploy/k8s/kustomization.yaml", r"  - producer\.yaml\n", "",
     "producer.yaml is not listed"),
    ("a listed file", "deploy/k8s/kustomization.yaml", r"  - pvc\.yaml", "  - pvcs.yaml", "pvcs.yaml does not exist"),
    ("YAML syntax", "deploy/k8s/pvc.yaml", r"accessModes: \[ReadWriteOnce\]", "accessModes: [ReadWriteOnce",
     "not valid YAML"),
    ("an env reference", "deploy/k8s/streaming.yaml", r"port=\$\(POSTGRES_PORT\)", "port=$(PGPORT)",
     "refers to $(PGPORT)"),
    ("a plain password", "deploy/k8s/streaming.yaml", r"user=\$\(POSTGRES_USER\)\"",
     "user=$(POSTGRES_USER) password=hunter2\"", "password in plain text"),
    ("a volume mount", "deploy/k8s/streaming.yaml", r"- name: checkpoints\n(\s+)mountPath", r"- name: checkpoint\n\1mountPath",
     "volumeMount checkpoint names no volume"),
    ("a writable path", "deploy/k8s/streaming.yaml", r"value: /app/checkpoints", "value: /app/state",
     "CHECKPOINT_DIR=/app/state is on the read-only root"),
    ("the memory budget", "deploy/k8s/streaming.yaml", r"memory: 256Mi", "memory: 4Gi", "not sized by the 100 MB budget"),
    ("the replicas field", "deploy/k8s/producer.yaml", r"  replicas: 1\n", "", "no replicas field"),
    ("a COPY source", "Dockerfile", r"COPY notebooks notebooks", "COPY notebook notebooks",
     "COPY notebook: no such path"),
    ("the build context", ".dockerignore", r"$", "\nnotebooks\n", "leaves it out of the build context"),
    ("the user", "Dockerfile", r"USER 10001:10001", "USER 0", "USER 0 is root"),
    ("the entrypoint", "Dockerfile", r'ENTRYPOINT \["tide"\]', 'ENTRYPOINT ["/bin/sh"]', "ENTRYPOINT"),
    ("the base image", "Dockerfile", r"FROM debian:bookworm-slim AS runtime", "FROM debian:bullseye-slim AS runtime",
     "is not Debian bookworm"),
    ("a -dev package at run time", "Dockerfile", r"libpq5 ", "libpq-dev ", "development package libpq-dev"),
    ("the ignored password file", ".gitignore", r"/deploy/k8s/postgres\.env\n", "", "does not ignore"),
    ("a runtime library", "Dockerfile", r"libcsv3 ", "", "libcsv.so.3 comes from libcsv3", "test_image_libraries.py"),
    ("a package name", "Dockerfile", r"libedit2 ", "libedit3 ", "installs libedit3, which apt does not know",
     "test_image_libraries.py"),
]


def scratch(tmp):
    for name in os.listdir(ROOT):
        if name in COPIED or name in (".git",) or name.startswith("build"):
            continue
        os.symlink(os.path.join(ROOT, name), os.path.join(tmp, name))
    for name in COPIED:
        src = os.path.join(ROOT, name)
        if os.path.isdir(src):
            shutil.copytree(src, os.path.join(tmp, name), ignore=shutil.ignore_patterns("postgres.env"))
        else:
            shutil.copy(src, os.path.join(tmp, name))


def run_checker(tmp, checker="test_manifests.py"):
    # kubectl's rendering is checked by deploy.manifests; the cases here
    # break the files themselves.
    env = dict(os.environ, TIDE_SOURCE_DIR=tmp, TIDE_DEPLOY_RENDER="0")
    r = subprocess.run([sys.executable, os.path.join(HERE, checker)], env=env,
                       capture_output=True, text=True, timeout=120)
    return r.returncode, r.stdout + r.stderr


def main():
    failures, skips = [], {}
    with tempfile.TemporaryDirectory() as tmp:
        scratch(tmp)
        status, out = run_checker(tmp)
        if status != 0:
            print(out)
            print("deploy.manifests_catch: the unbroken copy does not pass")
            return 1
        for what, rel, pattern, repl, expected, *checker in CASES:
            checker = checker[0] if checker else "test_manifests.py"
            if checker not in skips:
                skips[checker] = run_checker(tmp, checker)[0] == SKIP
            if skips[checker]:
                print(f"skipped: {what} ({checker} skips here)")
                continue
            path = os.path.join(tmp, rel)
            with open(path, encoding="utf-8") as f:
                original = f.read()
            broken, n = re.subn(pattern, repl, original, count=1)
            if n == 0:
                failures.append(f"{what}: pattern {pattern!r} not found in {rel} (update the case)")
                continue
            with open(path, "w", encoding="utf-8") as f:
                f.write(broken)
            try:
                status, out = run_checker(tmp, checker)
            finally:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(original)
            if status == 0:
                failures.append(f"{what} ({rel}): broken, yet the checker passed")
            elif expected not in out:
                failures.append(f"{what} ({rel}): the checker failed without saying {expected!r}:\n{out}")
            else:
                print(f"caught: {what}")
    for f in failures:
        print("FAIL", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
