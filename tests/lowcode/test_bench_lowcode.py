"""The low-code benchmark still runs (slow): a small table through the list timings and the imports."""

from __future__ import annotations

import re

import pytest

import widgets.session
from bench import bench_lowcode
from core.platform import db

pytestmark = pytest.mark.slow


def test_the_lowcode_bench_times_the_list_and_the_imports(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(widgets.session, "current_user", widgets.session.current_user)
    monkeypatch.setattr(db, "_engine", db._engine)
    url = f"sqlite:///{tmp_path / 'bench.db'}"
    assert bench_lowcode.main(["--database-url", url, "--rows", "600", "--runs", "2"]) == 0
    out = capsys.readouterr().out
    assert "database: sqlite, 600 grids in 126 communities; runs: 2" in out
    assert re.search(r"page: grids list, search \+ street filter +median +\d+\.\d ms", out)
    for fmt in ("xlsx", "csv"):  # 600 rows added, then the same file again leaves all 600 unchanged
        assert re.search(rf"import \.{fmt}: .* rows/s .* unchanged 600", out), fmt
