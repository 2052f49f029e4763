"""A Streamlit dialog's rerun runs only the dialog's function, never the shell that sets the language: the text
it shows (an action's "Done: Urge.") comes from the tab's language kept in session state, not the default."""

from __future__ import annotations

import contextvars

import i18n


def _fresh(work):
    return contextvars.Context().run(work)  # a context where nothing set the language, as a fragment rerun's


def test_a_context_that_never_set_the_language_asks_the_fallback(monkeypatch):
    monkeypatch.setattr(i18n, "_fallback", None)
    assert _fresh(lambda: i18n.t("casefile.action_done", action="X")) == "已X。"
    i18n.set_language_fallback(lambda: "en")
    assert _fresh(lambda: i18n.t("casefile.action_done", action="X")) == "Done: X."


def test_a_language_set_in_the_context_wins_and_a_broken_fallback_means_chinese(monkeypatch):
    monkeypatch.setattr(i18n, "_fallback", None)
    i18n.set_language_fallback(lambda: "en")

    def set_then_read():
        i18n.set_language("zh_CN")
        return i18n.get_language()

    assert _fresh(set_then_read) == "zh_CN"

    def broken():
        raise RuntimeError("no script run")

    i18n.set_language_fallback(broken)
    assert _fresh(i18n.get_language) == "zh_CN"
    i18n.set_language_fallback(lambda: "xx")
    assert _fresh(i18n.get_language) == "zh_CN"
