#!/usr/bin/env python3
"""Runs each statement of the corpus files in Apache Spark (PySpark, local[1],
session zone UTC, ANSI off: Spark 3.5's defaults) and writes one JSON line per
statement: its id (file:line), the text show(20, False) prints and the schema,
or the error. Usage: spark_side.py OUT.jsonl corpus.sql ..."""
import json
import os
import sys

os.environ.setdefault("TZ", "UTC")
os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
from pyspark.sql import SparkSession  # noqa: E402


def statements(paths):
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                text = line.strip()
                if text and not text.startswith("--"):
                    yield f"{os.path.basename(path)}:{n}", text


def main():
    spark = (SparkSession.builder.master("local[1]")
             .config("spark.ui.enabled", "false")
             .config("spark.sql.session.timeZone", "UTC")
             .config("spark.sql.shuffle.partitions", "1")
             .getOrCreate())
    spark.sparkContext.setLogLevel("OFF")
    with open(sys.argv[1], "w", encoding="utf-8") as out:
        for key, sql in statements(sys.argv[2:]):
            record = {"id": key, "sql": sql}
            try:
                df = spark.sql(sql)
                record.update(ok=True, schema=df._jdf.schema().treeString(),
                              out=df._jdf.showString(20, 0, False))
            except Exception as e:  # the statement's error is its result
                record.update(ok=False, err=str(e).strip().split("\n")[0][:400])
            out.write(json.dumps(record) + "\n")
    spark.stop()


if __name__ == "__main__":
    main()
