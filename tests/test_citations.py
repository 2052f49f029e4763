"""The articles of 《信访工作条例》 cited across the repository: 诉访分离 is 第31条, the 60-day limit 第34条."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = re.compile(r"第(\d+)条")


def _tracked_lines():
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    for name in files.split():
        if not name.endswith((".py", ".md", ".toml")) or name == "tests/test_citations.py":
            continue
        for number, line in enumerate((ROOT / name).read_text(encoding="utf-8").splitlines(), 1):
            yield f"{name}:{number}", line


def test_litigation_petition_separation_cites_article_31():
    wrong = [
        where
        for where, line in _tracked_lines()
        if "诉访分离" in line and any(a != "31" for a in ARTICLE.findall(line))
    ]
    assert wrong == []


def test_the_60_day_limit_cites_article_34():
    sixty = re.compile(r"60[ -]?(?:days?|天|日)(?!\s*later)")
    wrong = [
        where
        for where, line in _tracked_lines()
        if sixty.search(line) and ARTICLE.findall(line) and "34" not in ARTICLE.findall(line)
    ]
    assert wrong == []
