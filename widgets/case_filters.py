"""The case list's filter bar, kept in step with the URL through core.case_list.to_params/from_params.

The URL holds the canonical parameters (status=handling,assigned&page=2, not translated labels), so a
shared link opens the same list in either language. When the URL differs from what this page last wrote
(a pasted or opened link), the widgets are set from it; otherwise the widgets win and the URL follows.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import streamlit as st
from sqlmodel import Session

from core.cases.case_list import CaseFilter, from_params, to_params
from core.places import places, subjects
from i18n import get_language, label, t
from i18n.format import fmt_date
from models import CaseStatus, Category, Channel, Stage
from widgets import url_state
from widgets.case_table import pager_page, set_pager

FIELDS = tuple(f.name for f in dataclasses.fields(CaseFilter))
KEYS = {name: f"pd_cl_{name}" for name in FIELDS if name != "page"}
PAGER = "pd_cl_pager"
URL = "pd_cl_url"  # the parameters this page last wrote to the URL
SORTS = {
    "-received_on": "received_desc",
    "received_on": "received_asc",
    "due_on": "due_asc",
    "-due_on": "due_desc",
}
PAGE_SIZES = (20, 50, 100)
# where a running clock can be
STAGES = (Stage.TRIAGE, Stage.ACCEPTANCE, Stage.DISPUTE, Stage.HANDLING, Stage.REVIEW, Stage.REEXAM)
MORE = (
    "channel",
    "category",
    "subject",
    "stage",
    "street",
    "unit",
    "received_from",
    "received_to",
    "open_only",
)


def _seed(f: CaseFilter, streets: dict, units: dict, known_subjects: tuple[str, ...] = ()) -> None:
    """Set the widgets from a filter, dropping what the pickers cannot show."""
    values = dataclasses.asdict(f)
    values["street"] = f.street if f.street in streets else None
    values["unit"] = f.unit if f.unit in units else None
    values["subject"] = [s for s in f.subject if s in known_subjects]
    values["stage"] = f.stage if f.stage in STAGES else None
    values["sort"] = f.sort if f.sort in SORTS else CaseFilter.sort
    values["page_size"] = f.page_size if f.page_size in PAGE_SIZES else CaseFilter.page_size
    set_pager(PAGER, values.pop("page"))
    for name, value in values.items():
        st.session_state[KEYS[name]] = value


def _sync_from_url(streets: dict, units: dict, known_subjects: tuple[str, ...]) -> None:
    # Back from a case file (or through the menu) the URL has no filter: the clerk gets his list back.
    params = url_state.to_seed(FIELDS, KEYS.values(), URL)
    if params is not None:
        _seed(from_params(params), streets, units, known_subjects)


def write_url(f: CaseFilter) -> None:
    """Put the filter into the URL (only the parameters that differ from the defaults)."""
    url_state.write(FIELDS, to_params(f), URL)


def _reset() -> None:
    _seed(CaseFilter(), {}, {})


def current() -> CaseFilter:
    """Return the filter the widgets describe."""
    s = st.session_state
    values = {name: s.get(key) for name, key in KEYS.items()}
    values["q"] = (values["q"] or "").strip()[:100]
    values["stage"] = values["stage"] or ""
    values["kpi"], values["kpi_part"] = values["kpi"] or "", values["kpi_part"] or ""
    for name in ("status", "channel", "category", "subject"):
        values[name] = list(values[name] or [])
    values["overdue"], values["open_only"] = bool(values["overdue"]), bool(values["open_only"])
    values["sort"] = values["sort"] or CaseFilter.sort
    values["page_size"] = values["page_size"] or CaseFilter.page_size
    values["page"] = pager_page(PAGER)
    return CaseFilter(**values)


def _choices(kind: str, options, key: str, column, **kwargs) -> None:
    column.multiselect(
        t(f"desk.cases.{kind}"),
        list(options),
        key=KEYS[key],
        format_func=lambda v: label(kind, v),
        placeholder=t("desk.cases.any"),
        **kwargs,
    )


def _pick(name: str, names: dict, column) -> None:
    column.selectbox(
        t(f"desk.cases.{name}"),
        [None, *names],
        key=KEYS[name],
        format_func=lambda v: t("desk.cases.any") if v is None else names.get(v, str(v)),
        placeholder=t("desk.cases.any"),
    )


def _more(streets: dict, units: dict, known_subjects: tuple[str, ...]) -> None:
    cols = st.columns(4)
    _choices("channel", (c.value for c in Channel), "channel", cols[0])
    _choices("category", (c.value for c in Category), "category", cols[1])
    _choices("subject", known_subjects, "subject", cols[2])
    cols[3].selectbox(
        t("desk.cases.stage"),
        [None, *STAGES],
        key=KEYS["stage"],
        format_func=lambda v: t("desk.cases.any") if v is None else label("stage", v),
        placeholder=t("desk.cases.any"),
    )
    cols = st.columns(4)
    _pick("street", streets, cols[0])
    _pick("unit", units, cols[1])
    # value=None: without it a date input starts at today, a filter nobody set (it hid most of the list).
    for col, name in ((cols[2], "received_from"), (cols[3], "received_to")):
        col.date_input(t(f"desk.cases.{name}"), value=None, key=KEYS[name], format="YYYY-MM-DD")
    cols = st.columns(4, vertical_alignment="bottom")
    cols[0].checkbox(t("desk.cases.open_only"), key=KEYS["open_only"])
    cols[1].selectbox(t("desk.cases.page_size"), PAGE_SIZES, key=KEYS["page_size"])


def filter_bar(session: Session) -> CaseFilter:
    """Show the search box, the common filters and the others in an expander; return the filter."""
    streets = places.names(places.streets(session))
    units = places.names(places.units(session))
    known_subjects = subjects.all_keys(session)  # deactivated ones too: old cases name them
    _sync_from_url(streets, units, known_subjects)
    top = st.columns([3, 2.4, 1.6, 1.1], vertical_alignment="bottom")
    top[0].text_input(
        t("desk.cases.q"), key=KEYS["q"], placeholder=t("desk.cases.q_placeholder"), icon=":material/search:"
    )
    _choices("status", (s.value for s in CaseStatus), "status", top[1])
    top[2].selectbox(
        t("desk.cases.sort"),
        list(SORTS),
        key=KEYS["sort"],
        format_func=lambda v: t(f"desk.cases.sort_{SORTS[v]}"),
    )
    top[3].checkbox(t("desk.cases.overdue"), key=KEYS["overdue"])
    active = sum(1 for name in MORE if st.session_state.get(KEYS[name]) not in (None, "", [], False))
    title = t("desk.cases.more", n=active) if active else t("desk.cases.more_none")
    with st.expander(title, expanded=active > 0, icon=":material/tune:"):
        _more(streets, units, known_subjects)
    f = current()
    chips(f, streets, units)
    return f


def _drop(name: str) -> None:
    st.session_state[KEYS[name]] = getattr(CaseFilter(), name)


KPI_FIELDS = ("kpi", "kpi_part", "kpi_from", "kpi_to", "kpi_as_of")


def drop_kpi() -> None:
    """Clear an indicator's drill-down, keeping the other filters."""
    for name in KPI_FIELDS:
        _drop(name)


def _shown(name: str, value, streets: dict, units: dict) -> str:
    """Return a filter's value as its chip shows it."""
    if isinstance(value, bool):
        return ""
    if isinstance(value, list):
        kind = "status" if name == "status" else name
        return (
            "、".join(label(kind, v) for v in value)
            if get_language() == "zh_CN"
            else ", ".join(label(kind, v) for v in value)
        )
    if isinstance(value, date):
        return fmt_date(value)
    if name in ("street", "unit"):
        return (streets if name == "street" else units).get(value, str(value))
    return label("stage", value) if name == "stage" else str(value)


def active_filters(f: CaseFilter, streets: dict, units: dict) -> list[tuple[str, str]]:
    """Return (field, chip text) of every filter the user set, in the order of the filter bar."""
    default, out = CaseFilter(), []
    for name in ("q", "status", "overdue", *MORE):
        value = getattr(f, name)
        if value == getattr(default, name):
            continue
        shown = _shown(name, value, streets, units)
        text = (
            t(f"desk.cases.{name}")
            if not shown
            else t("desk.filters.chip", name=t(f"desk.cases.{name}"), value=shown)
        )
        out.append((name, text))
    return out


def chips(f: CaseFilter, streets: dict, units: dict) -> None:
    """Show each active filter as a chip that removes it, and one that clears them all; nothing when none."""
    active = active_filters(f, streets, units)
    if not active:
        return
    with st.container(horizontal=True, gap="small", vertical_alignment="center"):
        st.markdown(f":small[:gray[{t('desk.filters.active')}]]")
        for name, text in active:
            st.button(
                text,
                key=f"pd_cl_chip_{name}",
                on_click=_drop,
                args=(name,),
                icon=":material/close:",
                help=t("desk.filters.remove"),
            )
        st.button(t("desk.filters.clear_all"), key="pd_cl_reset", on_click=_reset, type="tertiary")
