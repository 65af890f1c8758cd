"""Benchmark of the report build (issue 7): the 2024 programme and a national-scale programme.

    .venv/bin/python bench/report_bench.py [--exports]

Scenarios, answers synthesised with a seeded generator for the built-in 满意度调查:

(a) the 2024 programme: 16 bases × 1 class × 50 responses = 800 responses (target < 1 s);
(b) 1,000 classes with 100,000 responses: 200 bases × 5 classes × 100 responses (target < 10 s
    and < 1 GB).

For each: wall time of ``build_report`` (no tracing), the peak of memory allocated by Python
during the build (``tracemalloc``, a second, traced run) and the process's peak resident set size
(``resource.getrusage``, which includes the synthesised input). ``--exports`` also times the JSON,
CSV and Excel exports.
"""

from __future__ import annotations

import argparse
import gc
import resource
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np

from questionnaires.loader import load_builtin
from questionnaires.scoring import ScoringRules, scoring_rules
from reporting.export_csv import responses_csv
from reporting.export_json import report_json
from reporting.export_xlsx import report_xlsx
from reporting.inputs import Answer, ClassInput
from reporting.report import build_report


def synthesise(
    rules: ScoringRules, bases: int, classes_per_base: int, responses: int, seed: int
) -> list[ClassInput]:
    """Plausible answers: a trainee tendency per response plus item noise, base effects,
    skipped optional items, reversed items answered in reverse."""
    rng = np.random.default_rng(seed)
    items = [item for dimension in rules.dimensions for item in dimension.items]
    fields = [item.field for item in items]
    reverse = np.array([item.reverse for item in items])
    optional = np.array([f in {"logistics.accommodation", "logistics.catering"} for f in fields])
    out: list[ClassInput] = []
    for base in range(bases):
        base_effect = rng.normal(0.0, 0.15)
        for number in range(classes_per_base):
            tendency = rng.normal(4.1 + base_effect, 0.6, size=(responses, 1))
            values = np.clip(np.rint(tendency + rng.normal(0, 0.6, (responses, len(items)))), 1, 5)
            values = np.where(reverse, 6 - values, values).astype(int)
            skipped = optional & (rng.random((responses, len(items))) < 0.2)
            recommend = np.clip(np.rint(tendency[:, 0] * 2 + rng.normal(0, 1.2, responses)), 0, 10)
            answers: list[dict[str, Answer]] = []
            for row in range(responses):
                answer: dict[str, Answer] = {
                    field: int(values[row, j])
                    for j, field in enumerate(fields)
                    if not skipped[row, j]
                }
                answer["recommend"] = int(recommend[row])
                if values[row, fields.index("overall")] <= 2:
                    answer["dissatisfied"] = ["content"]
                answers.append(answer)
            out.append(
                ClassInput(
                    class_id=f"b{base:03d}-c{number}",
                    project=base + 1,
                    base=f"第{base + 1:03d}号承训基地",
                    invited=responses + int(rng.integers(0, 10)),
                    responded=responses,
                    version=rules.version,
                    answers=answers,
                    rules=rules,
                )
            )
    return out


def timed(label: str, action: Callable[[], object]) -> object:
    gc.collect()
    start = time.perf_counter()
    result = action()
    print(f"  {label:<28} {time.perf_counter() - start:8.3f} s")
    return result


def current_rss_mib() -> float | None:
    """The process's resident set size now (Linux /proc), or None elsewhere."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def run(name: str, classes: list[ClassInput], target: float, exports: bool) -> None:
    responses = sum(len(c.answers) for c in classes)
    bases = len({c.base for c in classes})
    print(f"{name}: {bases} bases, {len(classes)} classes, {responses} responses")
    gc.collect()
    before = current_rss_mib()
    if before is not None:
        print(f"  {'RSS with the input loaded':<28} {before:8.1f} MiB")
    gc.collect()
    start = time.perf_counter()
    report = build_report(classes)
    elapsed = time.perf_counter() - start
    verdict = "ok" if elapsed < target else "SLOWER THAN TARGET"
    print(f"  {'build_report wall time':<28} {elapsed:8.3f} s   (target < {target:g} s: {verdict})")
    gc.collect()
    tracemalloc.start()
    build_report(classes)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"  {'build_report traced peak':<28} {peak / 2**20:8.1f} MiB (Python allocations)")
    if exports:
        timed("JSON export", lambda: report_json(report))
        timed("CSV export", lambda: responses_csv(classes, report))
        timed("Excel export", lambda: report_xlsx(report))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"  {'process peak RSS so far':<28} {rss:8.1f} MiB (includes the synthesised input)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exports", action="store_true", help="also time the exports")
    args = parser.parse_args()
    rules = scoring_rules(load_builtin("satisfaction"), None)
    run("(a) 2024 programme", synthesise(rules, 16, 1, 50, seed=2024), 1.0, args.exports)
    run("(b) national scale", synthesise(rules, 200, 5, 100, seed=2025), 10.0, args.exports)


if __name__ == "__main__":
    main()
