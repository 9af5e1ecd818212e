"""`make bench`: every bench of issue 11 in turn, then one table of the figures.

    .venv/bin/python bench/run_all.py [--seconds 10] [--soak-seconds 300] [--only web,cast,...]

Each bench runs in a process of its own on a database of its own, BENCH_DATABASE_URL with the
bench's name appended (default postgres://postgres@127.0.0.1:5432/collabcity_bench_<name>),
created by the bench and dropped after it (here too, should the bench die half-way); Redis from
BENCH_REDIS_URL (default redis://127.0.0.1:6379/14, flushed). A bench's summary lines are its
`RESULT {...}` lines (bench/common.py `result`); the calendar bench's timings are read from its
text. Each line: our figure, the ceiling measured in the same run, their ratio, the target.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import drop_database

BENCH_DIR = Path(__file__).resolve().parent
CALENDAR_TARGETS_MS = {"city feed": 500}  # every other view: 150 ms, with filters
CALENDAR_TARGET_MS = 150


def benches(args) -> list[tuple[str, list[str]]]:
    return [
        ("web", ["web_pages.py", "--seconds", str(args.seconds)]),
        ("cast", ["consulte_cast.py", "--seconds", str(args.seconds)]),
        ("tally", ["consulte_tally.py", str(args.ballots), str(args.envelopes)]),
        ("fanout", ["notifications_fanout.py", str(args.recipients)]),
        ("centri", ["centri_month_view.py"]),
        ("soak", ["soak.py", "--seconds", str(args.soak_seconds)]),
    ]


def database_url(name: str) -> str:
    base = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/collabcity_bench"
    )
    return f"{base}_{name}"


def run(name: str, command: list[str]) -> tuple[list[dict], str | None]:
    """Run one bench, echoing its text; (its summary lines, why it failed or None)."""
    url = database_url(name)
    env = {**os.environ, "BENCH_DATABASE_URL": url}
    print(f"\n== {name}: {' '.join(command)}", flush=True)
    started = time.perf_counter()
    results, text = [], []
    with tempfile.TemporaryFile("w+") as errors:
        process = subprocess.Popen(  # noqa: S603  (our own scripts)
            [sys.executable, *command],
            cwd=BENCH_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )
        for line in process.stdout:
            if line.startswith("RESULT "):
                results.append(json.loads(line[7:]))
            else:
                text.append(line)
                print("   " + line, end="", flush=True)
        process.wait()
        drop_database(url)
        if process.returncode:
            errors.seek(0)
            tail = errors.read().strip().splitlines()[-15:]
            print("\n".join("   ! " + line for line in tail), flush=True)
            return results, f"{name} exited with {process.returncode}"
    if not results and name == "centri":
        results = calendar_results(text)
    print(f"   ({time.perf_counter() - started:.0f} s)", flush=True)
    return results, None if results else f"{name} printed no figure"


def calendar_results(text: list[str]) -> list[dict]:
    """centri_month_view.py prints `<label>  <median>ms  <p95>ms  <cpu>ms  <queries> ...` per
    page; the target is absolute, there is no ceiling."""
    found = []
    # A calendar with nothing in it is fast and proves nothing.
    empty = any(re.search(r"\b0 (centres|series)\b", line) for line in text)
    for line in text:
        match = re.match(r"\s*(.+?)\s+(\d+)ms\s+\d+ms\s+\d+ms\s", line)
        if match:
            label, median = match.group(1), float(match.group(2).replace(",", ""))
            target = next(
                (ms for key, ms in CALENDAR_TARGETS_MS.items() if key in label), CALENDAR_TARGET_MS
            )
            found.append(
                {
                    "line": f"calendar 10x: {label}",
                    "ours": f"{median:.0f} ms" + (", NO DATA" if empty else ""),
                    "ceiling": "",
                    "ratio": "",
                    "target": f"<= {target} ms",
                    "ok": median <= target and not empty,
                }
            )
    return found


def table(rows: list[dict]) -> str:
    columns = [
        ("line", "line"),
        ("ours", "ours"),
        ("ceiling", "ceiling (same run)"),
        ("ratio", "ratio"),
        ("target", "target"),
    ]
    cells = [
        [row.get(key) or "-" for key, _title in columns]
        + [{True: "pass", False: "FAIL", None: "-"}[row["ok"]]]
        for row in rows
    ]
    titles = [title for _key, title in columns] + ["result"]
    grid = [titles, *cells]
    widths = [max(len(str(row[i])) for row in grid) for i in range(len(titles))]
    lines = [" | ".join(title.ljust(width) for title, width in zip(titles, widths, strict=True))]
    lines.append("-+-".join("-" * width for width in widths))
    lines += [
        " | ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in cells
    ]
    return "\n".join(line.rstrip() for line in lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10, help="wrk run per page and cast")
    parser.add_argument("--soak-seconds", type=float, default=300)
    parser.add_argument("--ballots", type=int, default=1_000_000)
    parser.add_argument("--envelopes", type=int, default=1_000_000)
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--only", default="", help="comma-separated: web,cast,tally,...")
    args = parser.parse_args()
    only = {name for name in args.only.split(",") if name}
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    print(
        f"make bench, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, "
        f"load average at the start {load}",
        flush=True,
    )
    rows, failures = [], []
    started = time.perf_counter()
    for name, command in benches(args):
        if only and name not in only:
            continue
        results, failure = run(name, command)
        rows += results
        if failure:
            failures.append(failure)
    print(f"\n== summary ({(time.perf_counter() - started) / 60:.0f} min)\n")
    print(table(rows))
    passed = sum(1 for row in rows if row["ok"])
    judged = sum(1 for row in rows if row["ok"] is not None)
    print(f"\n{passed} of {judged} targets met" + "".join(f"; {f}" for f in failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
