"""One line per goal of issue 12, printed where it is measured and collected by bench/run.py into one table.

Each benchmark calls `goal(...)` for every row that has a target; bench/run.py sets BENCH_GOALS_FILE, and each
row is also appended there as a JSON line, so `make bench` ends with the whole table, met or not, in one place.
A row with `met=None` is a figure without a numeric target (printed for the record)."""

from __future__ import annotations

import json
import os


def goal(row: str, figure: str, target: str, met: bool | None) -> None:
    verdict = {True: "met", False: "NOT met", None: "-"}[met]
    print(f"GOAL {row}: {figure} (target {target}): {verdict}", flush=True)
    path = os.environ.get("BENCH_GOALS_FILE")
    if path:
        with open(path, "a", encoding="utf-8") as sink:
            sink.write(json.dumps({"row": row, "figure": figure, "target": target, "verdict": verdict}) + "\n")
