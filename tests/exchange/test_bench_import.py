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
    assert re.search(r"memory: import --dry-run \(CSV\), child +30 rows +peak RSS \d+ MB", out)


def test_the_memory_row_is_the_import_childs_own_peak_not_an_earlier_childs(capsys):
    # a test worker may have waited for a browser before: 1.2 GB there must not read as the import's peak
    import subprocess
    import sys

    subprocess.run([sys.executable, "-c", "b = bytearray(1200 * 2**20); b[::4096] = b'x' * len(b[::4096])"], check=True)
    bench_import.main(["--rows", "10", "--open", "1", "--memory-rows", "30"])
    peak = re.search(r"child +30 rows +peak RSS ([\d,]+) MB", capsys.readouterr().out)
    assert peak and int(peak[1].replace(",", "")) < 1000
