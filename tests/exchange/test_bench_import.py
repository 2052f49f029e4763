"""The import benchmark still runs (it measures nothing here: timings belong to the closing note)."""

from __future__ import annotations

import re

import pytest

from bench import bench_import

pytestmark = pytest.mark.slow


def test_the_import_bench_times_csv_xlsx_open_cases_and_memory(capsys):
    bench_import.main(["--rows", "40", "--open", "3", "--memory-rows", "30"])
    out = capsys.readouterr().out
    for label in ("CSV (GBK), closed cases", ".xlsx, closed cases", "CSV (GBK), open cases"):
        assert re.search(re.escape(label) + r" +\d+ rows +[\d,]+ rows/s wall +[\d,]+ rows/s cpu", out), label
    assert re.search(r"target >= 5,000: (OK|TOO SLOW)", out)
    assert re.search(r"write lock held \d+\.\d\d s", out)
    # in a big test worker the child's max RSS starts at the worker's size (fork keeps it): 1,516 MB is a number too
    assert re.search(r"memory: import --dry-run \(CSV\), child +30 rows +peak RSS [\d,]+ MB", out)

