#!/usr/bin/env python3
"""Compares spark_side.py's and tide_side.lua's JSON lines statement by
statement and writes a report: the counts on its first line, then each
statement that differs, by kind. Show texts are compared whole; a
difference only in column names or padding is told apart from one in
values, and schemas are compared without nullability.
Usage: compare.py spark.jsonl tide.jsonl report.txt"""
import json
import re
import sys

NULLABILITY = re.compile(r" \((nullable|containsNull|valueContainsNull) = (true|false)\)")


def load(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return {r["id"]: r for r in map(json.loads, f)}


def table_rows(text):
    return [line for line in (text or "").split("\n") if line.startswith("|")]


def cells(text):
    return [[c.strip() for c in line.strip("|").split("|")] for line in table_rows(text)]


def kind(spark_out, tide_out):
    a, b = cells(spark_out), cells(tide_out)
    if a[1:] != b[1:]:
        return "values"
    return "column names" if a[:1] != b[:1] else "padding"


def schema(record):
    return NULLABILITY.sub("", record.get("schema") or "").strip()


def indent(text):
    return "".join("    " + line + "\n" for line in (text or "").rstrip("\n").split("\n"))


def main():
    spark, tide = load(sys.argv[1]), load(sys.argv[2])
    groups = {k: [] for k in ("values", "column names", "padding", "schema", "tide fails", "spark fails",
                              "both fail", "same", "missing")}
    for key, s in spark.items():
        t = tide.get(key)
        if t is None:
            groups["missing"].append((s, t))
        elif s["ok"] and t["ok"]:
            if s["out"] != t["out"]:
                groups[kind(s["out"], t["out"])].append((s, t))
            elif schema(s) != schema(t):
                groups["schema"].append((s, t))
            else:
                groups["same"].append((s, t))
        elif s["ok"] or t["ok"]:
            groups["tide fails" if s["ok"] else "spark fails"].append((s, t))
        else:
            groups["both fail"].append((s, t))
    counts = "  ".join(f"{k}: {len(v)}" for k, v in groups.items())
    with open(sys.argv[3], "w", encoding="utf-8") as out:
        out.write(f"statements: {len(spark)}  {counts}\n")
        for name in ("values", "column names", "padding", "schema", "tide fails", "spark fails"):
            out.write("\n" + "=" * 100 + f"\n{name} ({len(groups[name])})\n" + "=" * 100 + "\n")
            for s, t in groups[name]:
                out.write(f"\n### {s['id']}\n{s['sql']}\n")
                if name == "schema":
                    out.write("--- spark\n" + indent(schema(s)) + "--- tide\n" + indent(schema(t)))
                else:
                    out.write("--- spark\n" + indent(s.get("out") or s.get("err")))
                    out.write("--- tide\n" + indent(t.get("out") or t.get("err")))
    print(f"statements: {len(spark)}  {counts}")


if __name__ == "__main__":
    main()
