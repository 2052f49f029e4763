"""Streamlit's own English in the UI's language: the file uploader's "Upload" and "20MB per file" line and an
empty date field's "yyyy/mm/dd". These widgets offer no option for those words, so one style sheet per run
lays the catalog's words over them (UX.md: Streamlit's own English is replaced)."""

from __future__ import annotations

import json

import streamlit as st

from core.cases.attachments import MAX_BYTES
from i18n import DEFAULT_LANGUAGE, get_language, t

UPLOAD_BUTTON = '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p'
UPLOAD_LINE = '[data-testid="stFileUploaderDropzoneInstructions"] span'
SKIP_LINK = '[data-testid="stSkipToContent"]'  # shown on the first Tab
DATE_PART = '[data-testid="stDateInputField"] [data-placeholder="true"][data-type="{part}"]'


def _over(selector: str, text: str, size: str) -> str:
    """Return CSS that hides an element's own text and shows `text` in its place."""
    return f"{selector}{{font-size:0}}{selector}::after{{content:{json.dumps(text, ensure_ascii=False)};font-size:{size}}}"


def style_sheet() -> str:
    """Return the style sheet for the current language (empty for English, Streamlit's own language)."""
    if get_language() != DEFAULT_LANGUAGE:
        return ""
    rules = [
        _over(SKIP_LINK, t("widgets.skip_to_content"), "0.875rem"),
        _over(UPLOAD_BUTTON, t("widgets.upload_button"), "0.875rem"),
        _over(UPLOAD_LINE, t("widgets.upload_line", max=MAX_BYTES // (1024 * 1024)), "0.875rem"),
        *(
            _over(DATE_PART.format(part=part), t(f"widgets.date_{part}"), "0.875rem")
            for part in ("year", "month", "day")
        ),
    ]
    return "".join(rules)


def replace_streamlit_english() -> None:
    """Add the style sheet to this run's page (it takes no space)."""
    css = style_sheet()
    if css:
        st.html(f"<style>{css}</style>")
