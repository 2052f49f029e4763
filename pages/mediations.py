"""The mediation centre's list (调解案件): filter, page and export the mediations the user may see; the URL keeps
the filter so a list can be shared and survives F5."""

from __future__ import annotations

import contextlib
import dataclasses
from datetime import date
from functools import partial

import streamlit as st

from core.calendar import clock
from core.mediation import centre
from core.mediation.centre import MediationFilter
from core.places import places
from core.platform import db, timeutil
from i18n import label, t
from i18n.format import fmt_int
from models import MediationKind, MediationSource, MediationStatus
from widgets import url_state
from widgets.case_table import pager, pager_page, set_pager
from widgets.guard import require_page
from widgets.mediation_list import mediation_page, mediation_table

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIELDS = ("q", "status", "kind", "source", "street_id", "applied_from", "applied_to", "page")
KEYS = {name: f"pd_ml_{name}" for name in FIELDS if name != "page"}
URL = "pd_ml_url"
PAGER = "pd_ml_pager"
CHOICES = {"status": MediationStatus, "kind": MediationKind, "source": MediationSource}
LABELS = {"status": "mediation_status", "kind": "mediation_kind", "source": "mediation_source"}


def _from_params(params: dict[str, str]) -> MediationFilter:
    """Return the filter a URL names, dropping what it cannot mean."""
    f = MediationFilter(q=params.get("q") or None)
    for name, enum_cls in CHOICES.items():
        if params.get(name) in {m.value for m in enum_cls}:
            setattr(f, name, params[name])
    for name in ("street_id", "page"):
        if (params.get(name) or "").isdigit():
            setattr(f, name, int(params[name]))
    for name in ("applied_from", "applied_to"):
        with contextlib.suppress(ValueError):
            setattr(f, name, date.fromisoformat(params.get(name) or ""))
    return f


def _to_params(f: MediationFilter) -> dict[str, str]:
    values = {name: getattr(f, name) for name in FIELDS}
    values["page"] = f.page if f.page > 1 else None
    return {
        k: (v.isoformat() if isinstance(v, date) else str(v))
        for k, v in values.items()
        if v not in (None, "")
    }


def _filters(streets: dict[int, str]) -> MediationFilter:
    seed = url_state.to_seed(FIELDS, KEYS.values(), URL)
    if seed is not None:
        f = _from_params(seed)
        for name, key in KEYS.items():
            st.session_state[key] = getattr(f, name)
        set_pager(PAGER, f.page)
    row = st.columns([3, 2, 2, 2, 2])
    row[0].text_input(t("medcentre.filter.q"), key=KEYS["q"], placeholder=t("medcentre.filter.q_help"))
    for col, name in zip(row[1:4], ("status", "kind", "source"), strict=True):
        col.selectbox(t(f"medcentre.filter.{name}"), [m.value for m in CHOICES[name]], key=KEYS[name],
                      index=None, format_func=partial(label, LABELS[name]), placeholder=t("medcentre.filter.any"))  # fmt: skip
    row[4].selectbox(t("medcentre.filter.street"), list(streets), key=KEYS["street_id"], index=None,
                     format_func=streets.get, placeholder=t("medcentre.filter.any"))  # fmt: skip
    when = st.columns([2, 2, 6])
    when[0].date_input(
        t("medcentre.filter.applied_from"), key=KEYS["applied_from"], value=None, format="YYYY-MM-DD"
    )
    when[1].date_input(
        t("medcentre.filter.applied_to"), key=KEYS["applied_to"], value=None, format="YYYY-MM-DD"
    )
    f = MediationFilter(**{name: st.session_state.get(key) for name, key in KEYS.items()})
    f.q = (f.q or "").strip() or None
    return f


def _export(user, f: MediationFilter) -> bytes:
    with db.session_scope() as session:
        data, _ = centre.export_xlsx(session, user, f)
    return data


def render() -> None:
    user = require_page("mediation.view")
    today = timeutil.today()
    st.title(t("medcentre.page_list"))
    with db.session_scope() as session:
        streets = {c.id: c.name for c in places.streets(session)}
    f = _filters(streets)
    signature = _to_params(f)
    if st.session_state.get("pd_ml_signature", signature) != signature:
        set_pager(PAGER, 1)
    st.session_state["pd_ml_signature"] = signature
    f.page = max(1, pager_page(PAGER))
    with db.session_scope() as session:
        rows, total = centre.search_mediations(session, user, f)
        cal = clock.load_calendar(session)
    pages = max(1, -(-total // f.page_size))
    url_state.write(FIELDS, _to_params(f), URL)
    head = st.columns([4, 1], vertical_alignment="center")
    head[0].caption(t("medcentre.found", total=fmt_int(total), page=f.page, pages=fmt_int(pages)))
    head[1].download_button(
        t("medcentre.export"),
        data=partial(_export, user, dataclasses.replace(f, page=1)),
        file_name=t("medcentre.export_file", date=f"{today:%Y%m%d}"),
        mime=XLSX,
        on_click="ignore",
        icon=":material/download:",
        disabled=total == 0,
        help=t("medcentre.export_help", max=fmt_int(centre.EXPORT_LIMIT)),
    )
    if not rows:
        st.info(t("medcentre.none"), icon=":material/search_off:")
        return
    picked = mediation_table(rows, today, cal, key="pd_ml_table")
    pager(PAGER, pages)
    if picked is not None:
        st.switch_page(mediation_page(), query_params={"id": str(picked)})
