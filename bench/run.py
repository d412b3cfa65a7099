"""`make bench`: every benchmark of issue 12, one after another, then one table of every goal, met or not.

    .venv/bin/python bench/run.py                 # all of them (6 minutes on the idle 2-core machine, 2026-12-03)
    .venv/bin/python bench/run.py upload pdfs     # some, by name

Each benchmark is its own process (its own database, servers and workers, torn down at its end) and prints its
own detail; every row that has a target is also written through bench/lib/goals.py to a file this runner reads
at the end. The order puts the short ones first. A benchmark that fails is reported in the table and the others
still run; the exit status is 1 if any failed (a goal not met is a finding, not a failure).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Diagnostics (bench/overhead.py, bench/surge_inprocess.py, bench/reviews_ranking.py) are run by hand.
ORDER = ("upload", "pdfs", "surge", "pages")


def main(argv: list[str]) -> int:
    names = argv or list(ORDER)
    unknown = [n for n in names if not (ROOT / "bench" / f"{n}.py").exists()]
    if unknown:
        print(f"no such benchmark: {', '.join(unknown)} (bench/*.py)", file=sys.stderr)
        return 2
    sink = Path(tempfile.mkstemp(prefix="portal-bench-goals-", suffix=".jsonl")[1])
    failed, took = [], {}
    try:
        for name in names:
            print(f"\n== bench/{name}.py", flush=True)
            started = time.perf_counter()
            result = subprocess.run(
                [sys.executable, str(ROOT / "bench" / f"{name}.py")],
                cwd=ROOT,
                env={**os.environ, "BENCH_GOALS_FILE": str(sink)},
                check=False,
            )
            took[name] = time.perf_counter() - started
            if result.returncode:
                failed.append(name)
        rows = [json.loads(line) for line in sink.read_text(encoding="utf-8").splitlines() if line.strip()]
    finally:
        sink.unlink(missing_ok=True)
    load = os.getloadavg()[0]
    print(f"\n== goals of issue 12 (this machine, {os.cpu_count()} cores, load average {load:.1f} at the end)")
    width = max([len(r["row"]) for r in rows] + [4])
    for r in rows:
        print(f"{r['row']:<{width}}  {r['verdict']:<7}  {r['figure']}  [target {r['target']}]")
    for name in failed:
        print(f"{'bench/' + name + '.py':<{width}}  FAILED   (see its output above)")
    met = sum(r["verdict"] == "met" for r in rows)
    judged = sum(r["verdict"] != "-" for r in rows)
    print(f"{met} of {judged} goals met; " + ", ".join(f"{n} {s / 60:.1f} min" for n, s in took.items()))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
