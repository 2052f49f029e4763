"""Reference data (基础数据): every table an administrator maintains, generated from its spec (lowcode/tables.py)."""

from __future__ import annotations

from lowcode import tables, ui
from widgets.guard import require_page


def render() -> None:
    user = require_page("data.view")
    ui.render_page(tables.REGISTRY, tables.picker(user), user)
