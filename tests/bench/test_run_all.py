"""The summary of `make bench` (bench/run_all.py): the calendar's timings read from its text,
and one row per figure with its verdict."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import run_all  # noqa: E402  (bench/ is a folder of scripts, not a package)

CALENDAR_RUN = [
    "built 10x demo data in 96 s\n",
    "data: 270 centres, 4320 series, 380 suspended dates\n",
    "page                           median      p95     cpu  queries   KiB  target median/target\n",
    "month view                      120ms    130ms    42ms        5    89   150ms   0.80\n",
    "city feed (.ics)                480ms    520ms   410ms        5  1837   500ms   0.96\n",
]


def test_calendar_views_are_held_to_150_ms_and_the_feed_to_500():
    month, feed = run_all.calendar_results(CALENDAR_RUN)
    assert (month["line"], month["ours"], month["target"], month["ok"]) == (
        "calendar 10x: month view",
        "120 ms",
        "<= 150 ms",
        True,
    )
    assert (feed["target"], feed["ok"]) == ("<= 500 ms", True)


def test_a_slow_calendar_view_fails():
    slow = [line.replace("120ms", "151ms") for line in CALENDAR_RUN]
    assert not run_all.calendar_results(slow)[0]["ok"]


def test_a_calendar_measured_with_no_data_fails_however_fast():
    empty = [line.replace("270 centres", "0 centres") for line in CALENDAR_RUN]
    month, _feed = run_all.calendar_results(empty)
    assert not month["ok"]
    assert "NO DATA" in month["ours"]


def test_the_table_has_a_row_per_figure_with_its_verdict():
    rows = [
        {"line": "a", "ours": "1", "ceiling": "2", "ratio": "50%", "target": ">= 25%", "ok": True},
        {"line": "b", "ours": "1", "ceiling": "", "ratio": "", "target": "<= 3x", "ok": False},
        {"line": "c", "ours": "9/s", "ceiling": "", "ratio": "", "target": "reported", "ok": None},
    ]
    header, rule, *lines = run_all.table(rows).splitlines()
    assert header.split(" | ")[0].strip() == "line" and set(rule) <= {"-", "+"}
    assert [line.split(" | ")[-1].strip() for line in lines] == ["pass", "FAIL", "-"]
    assert lines[1].split(" | ")[2].strip() == "-"  # no ceiling: a dash, not a blank


def test_each_bench_gets_a_database_of_its_own(monkeypatch):
    monkeypatch.setenv("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mine")
    assert run_all.database_url("cast") == "postgres://postgres@127.0.0.1:5432/mine_cast"
    assert run_all.database_url("soak") != run_all.database_url("cast")
