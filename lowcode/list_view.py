"""The list of a generated table: search, filters, sort, page size, the table with selection, the pager.

The URL holds the list's canonical state (q=…&f.kind=street&sort=-code&page=2&row=17, never translated
labels), so a link opens the same list in either language and survives F5. When the URL differs from what
this page last wrote (a pasted link), the widgets are set from it; otherwise the widgets win.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pandas as pd
import streamlit as st

from core.platform import db
from core.platform.timeutil import to_local
from i18n import get_language, label, t
from i18n.format import fmt_int
from lowcode import query
from lowcode.registry import Registry
from lowcode.spec import AdminSpec, Field, field_label
from widgets.case_table import pager, pager_page, set_pager

PAGE_SIZES = (20, 50, 100, 200)
URL_KEYS = ("q", "sort", "size", "page", "row")
ANY, YES, NO = "any", "yes", "no"  # a yes/no filter's choices


def _key(spec: AdminSpec, name: str) -> str:
    return f"lc.{spec.key}.{name}"


def forget_url() -> None:
    """Forget what the page wrote to the URL (another table was picked: its list starts fresh)."""
    for name in list(st.query_params):
        if name in URL_KEYS or name.startswith("f."):
            del st.query_params[name]


def _url(spec: AdminSpec) -> dict[str, str]:
    wanted = set(URL_KEYS) | {f"f.{n}" for n in spec.filters}
    return {k: st.query_params[k] for k in st.query_params if k in wanted}


def _seed(registry: Registry, spec: AdminSpec, params: dict[str, str]) -> None:
    """Set the widgets from URL parameters (a link that was opened)."""
    state = query.from_params(registry, spec, params)
    s = st.session_state
    s[_key(spec, "q")] = state.q
    given = dict(state.filters)
    for name in spec.filters:
        f = registry.field(spec, name)
        value = given.get(name)
        if f.kind == "bool":
            value = ANY if not isinstance(value, bool) else YES if value else NO
        elif f.kind == "date":
            if not value:  # an empty range is the widget's own default: set nothing
                s.pop(_key(spec, f"f.{name}"), None)
                continue
        else:
            value = list(value or [])
        s[_key(spec, f"f.{name}")] = value
    s[_key(spec, "sort")] = state.sort
    s[_key(spec, "size")] = state.page_size if state.page_size in _sizes(spec) else spec.page_size
    set_pager(_key(spec, "pager"), max(1, state.page))
    row = params.get("row")
    s[_key(spec, "row")] = _pk_from_text(spec, row) if row else None


def _sizes(spec: AdminSpec) -> list[int]:
    """Return the page sizes offered: the usual ones and the table's own (60 holidays, two months)."""
    return sorted({*PAGE_SIZES, spec.page_size})


def _pk_from_text(spec: AdminSpec, text: str):
    column = spec.model.__table__.c[spec.pk]
    try:
        if column.type.python_type is int:
            return int(text)
        if column.type.python_type is date:
            return date.fromisoformat(text)
    except (ValueError, NotImplementedError):
        return None
    return text


def _sync_from_url(registry: Registry, spec: AdminSpec) -> None:
    params, last = _url(spec), st.session_state.get(_key(spec, "url"))
    if last is None or params != last:
        _seed(registry, spec, params)
        st.session_state[_key(spec, "url")] = params


def _write_url(spec: AdminSpec, state: query.ListState, row) -> None:
    params = query.to_params(spec, state)
    if row is not None:
        params["row"] = row.isoformat() if isinstance(row, date) else str(row)
    if params != _url(spec):
        for name in list(st.query_params):
            if (name in URL_KEYS or name.startswith("f.")) and name not in params:
                del st.query_params[name]
        st.query_params.update(params)
    st.session_state[_key(spec, "url")] = params


def _reset_page(spec: AdminSpec) -> None:
    set_pager(_key(spec, "pager"), 1)
    close_row(spec)


def _clear(registry: Registry, spec: AdminSpec) -> None:
    _seed(registry, spec, {})


# --- the filter bar ----------------------------------------------------------------------------------------


def _any_label() -> str:
    return t("lowcode.list.any")


def _filter_widget(registry: Registry, spec: AdminSpec, name: str, choices: dict, column) -> None:
    f = registry.field(spec, name)
    key, text = _key(spec, f"f.{name}"), registry.label(spec, name)
    common = {"key": key, "on_change": _reset_page, "args": (spec,)}
    if f.kind == "bool":
        names = {ANY: _any_label(), YES: t("common.yes"), NO: t("common.no")}
        column.selectbox(text, list(names), format_func=names.get, **common)
    elif f.kind == "enum":
        column.multiselect(
            text, list(f.choices), format_func=lambda v: label(f.enum, v), placeholder=_any_label(), **common
        )
    elif f.kind == "date":
        default = {} if key in st.session_state else {"value": ()}
        column.date_input(text, format="YYYY-MM-DD", **default, **common)
    else:
        names = choices.get(name, {})
        column.multiselect(
            text, list(names), format_func=lambda v: names.get(v, str(v)), placeholder=_any_label(), **common
        )


def _filter_choices(session, registry: Registry, spec: AdminSpec) -> dict[str, dict]:
    """Return filter -> {id: label} for the foreign-key filters (one query each)."""
    out = {}
    for name in spec.filters:
        f = registry.field(spec, name)
        target = registry.target(f)
        if f.kind == "fk" and target is not None:
            out[name] = dict(query.choices(session, target))
    return out


def _sorts(registry: Registry, spec: AdminSpec) -> dict[str, str]:
    out = {"": t("lowcode.list.sort_default")}
    for name in spec.list_columns:
        if name in spec.model.__table__.c:
            text = field_label(spec, name)
            out[name] = t("lowcode.list.sort_up", field=text)
            out[f"-{name}"] = t("lowcode.list.sort_down", field=text)
    return out


def _active_filters(spec: AdminSpec) -> int:
    return sum(
        1 for n in spec.filters if st.session_state.get(_key(spec, f"f.{n}")) not in (None, [], (), ANY)
    )


def _filter_bar(registry: Registry, spec: AdminSpec, choices: dict) -> None:
    top = st.columns([3, 1.6, 1], vertical_alignment="bottom")
    if spec.search_fields:
        hint = t(
            "lowcode.list.q_placeholder",
            fields=t("records.list_sep").join(registry.label(spec, n) for n in spec.search_fields[:3]),
        )
        top[0].text_input(
            t("lowcode.list.q"),
            key=_key(spec, "q"),
            placeholder=hint,
            icon=":material/search:",
            on_change=_reset_page,
            args=(spec,),
        )
    sorts = _sorts(registry, spec)
    if st.session_state.get(_key(spec, "sort")) not in sorts:
        st.session_state[_key(spec, "sort")] = ""
    top[1].selectbox(
        t("lowcode.list.sort"),
        list(sorts),
        format_func=sorts.get,
        key=_key(spec, "sort"),
        on_change=_reset_page,
        args=(spec,),
    )
    top[2].selectbox(
        t("lowcode.list.size"), _sizes(spec), key=_key(spec, "size"), on_change=_reset_page, args=(spec,)
    )
    if not spec.filters:
        return
    per_row = 4
    for start in range(0, len(spec.filters), per_row):
        cols = st.columns(per_row, vertical_alignment="bottom")
        for i, name in enumerate(spec.filters[start : start + per_row]):
            _filter_widget(registry, spec, name, choices, cols[i])
    if _active_filters(spec) or st.session_state.get(_key(spec, "q")):
        st.button(
            t("lowcode.list.clear"),
            key=_key(spec, "clear"),
            on_click=_clear,
            args=(registry, spec),
            icon=":material/filter_alt_off:",
            type="tertiary",
        )


def _state(registry: Registry, spec: AdminSpec) -> query.ListState:
    s = st.session_state
    filters = []
    for name in spec.filters:
        value = s.get(_key(spec, f"f.{name}"))
        if value in (None, [], (), ANY):
            continue
        if value in (YES, NO):
            value = value == YES
        if isinstance(value, tuple):  # a date range, possibly half-chosen
            value = (value[0] if value else None, value[1] if len(value) > 1 else None)
        filters.append((name, value))
    size = s.get(_key(spec, "size")) or spec.page_size
    return query.ListState(
        q=(s.get(_key(spec, "q")) or "").strip()[:100],
        filters=tuple(filters),
        sort=s.get(_key(spec, "sort")) or "",
        page=pager_page(_key(spec, "pager")),
        page_size=size if size != spec.page_size else 0,
    )


# --- the table ---------------------------------------------------------------------------------------------


def date_format() -> str:
    return "YYYY年M月D日" if get_language() == "zh_CN" else "YYYY-MM-DD"


def _cell(f: Field | None, row: dict, name: str, display: dict[str, Callable]):
    if name in display:
        return display[name](row)
    value = row.get(name)
    if f is None:
        return value
    if f.kind == "fk":
        return row.get(f"{name}__label") or ""
    if f.kind == "enum":
        return label(f.enum, value) if value is not None else ""
    if f.kind == "datetime":
        local = to_local(value)
        return local.strftime("%Y-%m-%d %H:%M") if local else ""
    if value is None and f.kind in {"text", "longtext"}:
        return ""  # an empty cell, not the word None
    return value


def frame(registry: Registry, spec: AdminSpec, rows: list[dict]) -> pd.DataFrame:
    """Return the page as a table with the fields' labels as headers and values as people read them."""
    fields, display = registry.fields(spec), dict(spec.display)
    records = [
        {field_label(spec, n): _cell(fields.get(n), row, n, display) for n in spec.list_columns}
        for row in rows
    ]
    return pd.DataFrame.from_records(records, columns=[field_label(spec, n) for n in spec.list_columns])


def _config(registry: Registry, spec: AdminSpec) -> dict:
    fields, config = registry.fields(spec), {}
    for name in spec.list_columns:
        f = fields.get(name)
        if f is None or name in dict(spec.display):
            continue
        if f.kind == "bool":
            config[field_label(spec, name)] = st.column_config.CheckboxColumn(width="small")
        elif f.kind == "date":
            config[field_label(spec, name)] = st.column_config.DateColumn(format=date_format())
        elif f.kind == "longtext":
            config[field_label(spec, name)] = st.column_config.TextColumn(width="large")
        elif f.kind in {"fk", "datetime"}:  # the grid's own sizing cuts Chinese unit names and times short
            config[field_label(spec, name)] = st.column_config.TextColumn(width="medium")
    return config


def close_row(spec: AdminSpec) -> None:
    """Forget the selected row (and the table's selection, through a new table key)."""
    st.session_state[_key(spec, "row")] = None
    st.session_state[_key(spec, "gen")] = st.session_state.get(_key(spec, "gen"), 0) + 1


def _table(registry: Registry, spec: AdminSpec, page: query.ListPage) -> None:
    gen = st.session_state.get(_key(spec, "gen"), 0)
    event = st.dataframe(
        frame(registry, spec, page.rows),
        key=_key(spec, f"table.{gen}.{page.page}"),
        hide_index=True,
        width="stretch",
        height="content" if len(page.rows) <= 20 else 36 * 20,
        column_config=_config(registry, spec),
        on_select="rerun",
        selection_mode="single-row",
    )
    picked = event.selection.rows if event is not None else []
    if picked and picked[0] < len(page.rows):
        st.session_state[_key(spec, "row")] = page.rows[picked[0]]["_pk"]


def selected(spec: AdminSpec, page: query.ListPage):
    """Return the pk of the selected row (picked in the table or named by the URL), or None."""
    return st.session_state.get(_key(spec, "row"))


def show(registry: Registry, spec: AdminSpec, user, toolbar) -> tuple[query.ListState, query.ListPage | None]:
    """Show the filter bar, the toolbar, the page of rows and the pager; return the state and the page."""
    _sync_from_url(registry, spec)
    with db.session_scope() as session:
        choices = _filter_choices(session, registry, spec)
        _filter_bar(registry, spec, choices)
        state = _state(registry, spec)
        page = query.fetch(session, registry, spec, user, state)
    if page.page != state.page:
        set_pager(_key(spec, "pager"), page.page)
        state = query.ListState(state.q, state.filters, state.sort, page.page, state.page_size)
    head = st.columns([1.2, 3], vertical_alignment="center")
    head[0].caption(
        t("lowcode.list.found", total=fmt_int(page.total), page=page.page, pages=fmt_int(page.pages))
    )
    with head[1]:
        toolbar(state, page.total)
    if not page.rows:
        filtered = bool(state.q or state.filters)
        st.info(
            t("lowcode.list.none_filtered" if filtered else "lowcode.list.none"), icon=":material/search_off:"
        )
    else:
        _table(registry, spec, page)
        st.caption(t("lowcode.list.pick_hint"))
    pager(_key(spec, "pager"), page.pages)
    _write_url(spec, state, st.session_state.get(_key(spec, "row")))
    return state, page
