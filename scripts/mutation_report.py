"""Mutation testing of the rule modules (issue 11): run mutmut module by module and print the score per module.

    python scripts/mutation_report.py                      # print the table from the last run (mutants/*.meta)
    python scripts/mutation_report.py --run                # run every configured module, one at a time, then print
    python scripts/mutation_report.py --run applications.deadline core.exports
    python scripts/mutation_report.py --survivors core.exports   # list the surviving mutants of a module

The modules are the files in [tool.mutmut] only_mutate (pyproject.toml). mutmut keeps its results in mutants/;
a run resumes: only mutants without a result are run (--rerun, or deleting mutants/, starts over; do that after
changing tests, since a result is kept until its function changes).
Exit status: 0, or 1 when --fail-under is given and a module scores below it.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# mutmut's exit-code meanings (mutmut/stats.py); anything else is "suspicious".
STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", 34: "skipped", 36: "timeout"}
STATUS.update({-24: "timeout", 24: "timeout", 152: "timeout", 255: "timeout", 37: "caught by type check"})
STATUS[None] = "not checked"


def configured_files() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    return list(config["tool"]["mutmut"]["only_mutate"])


def module_name(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".")


def results(path: str) -> dict[str, int | None]:
    meta = ROOT / "mutants" / (path + ".meta")
    if not meta.exists():
        return {}
    return json.loads(meta.read_text("utf-8"))["exit_code_by_key"]


def status(code: int | None) -> str:
    return STATUS.get(code, "suspicious")


def run(modules: list[str], jobs: int, rerun: bool, survivors_too: bool = False) -> None:
    mutmut = Path(sys.executable).with_name("mutmut")
    for module in modules:
        codes = results(module.replace(".", "/") + ".py")
        if codes and not rerun:
            # Resume: only the mutants without a result (mutmut re-runs every mutant a name pattern matches),
            # and with --retry-survivors those that survived (after tests were added).
            wanted = {None, 0} if survivors_too else {None}
            names = sorted(name for name, code in codes.items() if code in wanted)
            if not names:
                continue
        else:
            names = [f"{module}.*"]
        print(f"== mutmut run {module} ({len(names)} names)", flush=True)
        # One module at a time: the shared machine keeps its other cores, and a failure names its module.
        subprocess.run([str(mutmut), "run", "--max-children", str(jobs), *names], cwd=ROOT, check=False)


def table(modules: list[str]) -> list[tuple[str, int, int, float, int]]:
    rows = []
    print(f"{'module':34} {'killed':>6} {'total':>6} {'score':>7} {'survived':>8} {'no tests':>8} {'other':>6}")
    for module in modules:
        codes = results(module.replace(".", "/") + ".py")
        statuses = [status(code) for code in codes.values()]
        total = len(statuses)
        killed = statuses.count("killed") + statuses.count("timeout")
        survived = statuses.count("survived")
        untested = statuses.count("no tests")
        other = total - killed - survived - untested
        score = 100.0 * killed / total if total else 0.0
        rows.append((module, killed, total, score, survived))
        print(f"{module:34} {killed:6} {total:6} {score:6.1f}% {survived:8} {untested:8} {other:6}")
    all_killed = sum(r[1] for r in rows)
    all_total = sum(r[2] for r in rows)
    if all_total:
        survivors = sum(r[4] for r in rows)
        print(f"{'all':34} {all_killed:6} {all_total:6} {100.0 * all_killed / all_total:6.1f}% {survivors:8}")
    return rows


def survivors(modules: list[str]) -> None:
    for module in modules:
        for name, code in sorted(results(module.replace(".", "/") + ".py").items()):
            if status(code) not in ("killed", "timeout"):
                print(f"{status(code):10} {name}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("modules", nargs="*", help="dotted modules, e.g. applications.deadline (default: all)")
    parser.add_argument("--run", action="store_true", help="run mutmut for each module first")
    parser.add_argument("--rerun", action="store_true", help="re-run mutants that already have a result")
    parser.add_argument("--retry-survivors", action="store_true", help="also re-run mutants that survived")
    parser.add_argument("--jobs", type=int, default=1, help="mutants tested at once (they share one test database)")
    parser.add_argument("--survivors", action="store_true", help="list the mutants that were not killed")
    parser.add_argument("--fail-under", type=float, default=None, help="exit 1 if a module scores below this")
    args = parser.parse_args()

    known = [module_name(path) for path in configured_files()]
    unknown = [m for m in args.modules if m not in known]
    if unknown:
        parser.error(f"not configured in [tool.mutmut] only_mutate: {', '.join(unknown)}")
    modules = args.modules or known

    if args.run:
        run(modules, args.jobs, args.rerun, args.retry_survivors)
    if args.survivors:
        survivors(modules)
        return 0
    rows = table(modules)
    if args.fail_under is not None and any(score < args.fail_under for _, _, total, score, _ in rows if total):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
