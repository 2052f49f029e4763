"""What "only Chinese on screen" means for the tests: a shown string with Latin letters and no Chinese is a
leftover of English, unless it is a word the same in a Chinese UI (a case number, a format, a key name)."""

from __future__ import annotations

import re

CJK = re.compile(r"[\u3400-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")
# Case and mediation numbers (also as Markdown escapes them), the other language's own name, file formats,
# key names.
ALLOWED = re.compile(
    r"JB(\\?-TJ)?\\?-\d{4}\\?-\d{6}|English|Excel|Ctrl ?\+ ?Enter|PDF|JPG|PNG|HEIC|TIFF|MP3"
)


def latin_only(text: str) -> bool:
    """Return whether a shown string has Latin letters and no Chinese, once the allowed words are removed."""
    return bool(LATIN.search(ALLOWED.sub("", text))) and not CJK.search(text)
