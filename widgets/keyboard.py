"""Keyboard first (UX.md): Enter moves on to the next field, a date's calendar button is out of the Tab order
(Alt+↓ opens it), and a form page can put the cursor in its first field. Streamlit has no option for these,
so one small script of ours (no user data in it) does them in the browser."""

from __future__ import annotations

import json

import streamlit as st

# Enter in a text field, a closed picker or a date moves to the next field of the same page or dialog, never
# to a button (Enter there would click it). Not inside a Streamlit form (Enter submits it), not while an
# input method composes Chinese (Enter confirms the characters), not in a text area (Enter is a new line).
SCRIPT = r"""
(() => {
  if (window.__pdKeyboard) return;
  window.__pdKeyboard = true;
  const FIELDS = 'input:not([type=hidden]):not([disabled]),textarea:not([disabled]),[role=spinbutton]';
  const shown = e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
  const scopeOf = e => e.closest('[role=dialog]') || e.closest('[data-testid=stMain]');
  const groupOf = e => e.closest('[data-testid=stDateInputField]') || e;
  const next = from => {
    const scope = scopeOf(from);
    if (!scope) return null;
    const all = [...scope.querySelectorAll(FIELDS)].filter(e => shown(e) && e.tabIndex >= 0);
    const group = groupOf(from);
    const after = all.slice(all.indexOf(from) + 1);
    return after.find(e => groupOf(e) !== group) || null;
  };
  document.addEventListener('keydown', ev => {
    const t = ev.target;
    if (ev.key !== 'Enter' || ev.ctrlKey || ev.metaKey || ev.altKey || ev.shiftKey) return;
    if (ev.isComposing || ev.keyCode === 229 || !t.matches || !t.matches(FIELDS) || t.tagName === 'TEXTAREA') return;
    if (t.closest('[data-testid=stForm]')) return;
    if (t.getAttribute('aria-expanded') === 'true') return;  // choosing an option of an open picker
    const to = next(t);
    if (!to) return;
    ev.preventDefault();
    ev.stopPropagation();
    to.focus();
  }, true);
  const untab = () => document.querySelectorAll('[data-testid=stDateInputField] button[tabindex="0"], '
    + '[data-testid=stDateInputField] button:not([tabindex])').forEach(b => b.setAttribute('tabindex', '-1'));
  new MutationObserver(untab).observe(document.body, {childList: true, subtree: true});
  untab();
})();
"""
FOCUS = r"""
(() => {
  let tries = 50;  // the field may be drawn a moment after this script
  const go = () => {
    const a = document.activeElement;
    if (a && a !== document.body && a.id !== 'stMain') return;  // the user is somewhere already
    const f = document.querySelector(%s);
    if (f) f.focus(); else if (tries-- > 0) setTimeout(go, 100);
  };
  go();
})();
"""


def install() -> None:
    """Add the keyboard script to the page (it installs itself once per browser tab)."""
    st.html(f"<script>{SCRIPT}</script>", unsafe_allow_javascript=True)


def focus_first(widget_key: str) -> None:
    """Put the cursor in the widget with this key when the page opens and nothing has the focus yet."""
    selector = f".st-key-{widget_key} input, .st-key-{widget_key} textarea"
    st.html(f"<script>{FOCUS % json.dumps(selector)}</script>", unsafe_allow_javascript=True)
