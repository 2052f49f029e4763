"""Altair charts rendered to PNG on the server (vl-convert) in a CJK font, for documents.

Without a CJK font a chart's Chinese would print as boxes, so `cjk_font_dir()` decides whether a document
gets its images at all; the documents say so when it does not.
"""

from __future__ import annotations

import copy
from pathlib import Path

FONT_DIRS = (Path("/usr/share/fonts/opentype/noto"), Path("/usr/share/fonts/truetype/noto"))
FONT_FAMILY = "Noto Sans CJK SC"  # Debian's fonts-noto-cjk
_registered: set[Path] = set()


def cjk_font_dir() -> Path | None:
    """Return the folder holding the Noto CJK fonts, or None when the machine has none."""
    for folder in FONT_DIRS:
        if folder.is_dir() and any(folder.glob("Noto*CJK*")):
            return folder
    return None


def _spec(chart) -> dict:
    """Return the chart's Vega-Lite spec with the CJK font on every text it draws."""
    spec = copy.deepcopy(chart if isinstance(chart, dict) else chart.to_dict())
    config = spec.setdefault("config", {})
    config["font"] = FONT_FAMILY
    for part in ("title", "axis", "legend", "header", "mark", "text"):
        key = "labelFont" if part in ("axis", "legend", "header") else "font"
        config.setdefault(part, {})[key] = FONT_FAMILY
    for part in ("axis", "legend", "header"):
        config[part]["titleFont"] = FONT_FAMILY
    config.setdefault("title", {})["subtitleFont"] = FONT_FAMILY
    return spec


def to_png(chart, *, scale: float = 2.0) -> bytes | None:
    """Return the chart (an Altair chart or a Vega-Lite dict) as PNG, or None without a CJK font."""
    import vl_convert

    folder = cjk_font_dir()
    if folder is None:
        return None
    if folder not in _registered:
        vl_convert.register_font_directory(str(folder))
        _registered.add(folder)
    return vl_convert.vegalite_to_png(_spec(chart), scale=scale)
