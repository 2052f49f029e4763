"""Message catalogs and the one lookup `t(key, **values)`; zh_CN is the default language, en the second.

Catalogs are TOML files under i18n/<lang>/, one per area (common.toml, case.toml, ...); their flat
tables are merged, so `[case]` + `accept = "..."` is the key `case.accept`.
"""

from __future__ import annotations

import contextvars
import tomllib
from collections.abc import Callable
from functools import cache
from pathlib import Path

LANGUAGES = {"zh_CN": "中文", "en": "English"}
DEFAULT_LANGUAGE = "zh_CN"
_HERE = Path(__file__).resolve().parent
_current: contextvars.ContextVar[str | None] = contextvars.ContextVar("language", default=None)
_fallback: Callable[[], str | None] | None = None


def _flatten(prefix: str, table: dict, out: dict[str, str]) -> None:
    for key, value in table.items():
        full = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            _flatten(full, value, out)
        else:
            out[full] = str(value)


@cache
def catalog(language: str) -> dict[str, str]:
    """Return the merged flat catalog of one language."""
    out: dict[str, str] = {}
    for path in sorted((_HERE / language).glob("*.toml")):
        with path.open("rb") as fh:
            _flatten("", tomllib.load(fh), out)
    return out


def set_language(language: str) -> None:
    """Set the language of the current context (one Streamlit script run, one HTTP request)."""
    _current.set(language if language in LANGUAGES else DEFAULT_LANGUAGE)


def set_language_fallback(fallback: Callable[[], str | None] | None) -> None:
    """Name where the language is kept when this context never set it: a Streamlit dialog or fragment rerun
    runs only its own function, not the script that sets the language (the shell registers the tab's choice)."""
    global _fallback
    _fallback = fallback


def get_language() -> str:
    language = _current.get()
    if language is None and _fallback is not None:
        try:
            language = _fallback()
        except Exception:  # outside a script run there is no tab to ask
            language = None
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, language: str | None = None, **values) -> str:
    """Return the message `key` in the current language, formatted with `values`."""
    lang = language or get_language()
    text = catalog(lang).get(key)
    if text is None:
        text = catalog(DEFAULT_LANGUAGE).get(key, key)  # a missing key shows itself, and a test catches it
    return text.format(**values) if values else text


# kind -> (value, language) -> label or None: values kept in a table (subjects), which an administrator edits
_sources: dict[str, Callable[[str, str], str | None]] = {}


def set_label_source(kind: str, source: Callable[[str, str], str | None]) -> None:
    """Let a table name the values of `kind` first; the catalog answers what the source does not know."""
    _sources[kind] = source


def label(kind: str, value) -> str:
    """Return the display label of an enum value, e.g. label("channel", "visit") -> 来访."""
    raw = getattr(value, "value", value)
    if raw is None:
        return ""
    source = _sources.get(kind)
    found = source(str(raw), get_language()) if source else None
    return found or t(f"enum.{kind}.{raw}")
