"""The board view: cases by alert colour with 催办/督办/挂牌督办, escalations, the league table, early warnings."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from core.accounts.permissions import allowed
from core.places import places
from core.platform import db, timeutil
from core.platform.errors import PetitionDeskError
from core.supervision import actions, board, warning
from i18n import label, t
from i18n.format import fmt_date, fmt_int
from widgets.text import md

DRAFT = "pd_sv_letter_draft"


def _filters(session) -> board.BoardFilter:
    f = board.BoardFilter.from_params(st.query_params)
    units = places.names(places.units(session))
    cols = st.columns(3)
    unit = cols[0].selectbox(t("sv.filter_unit"), [None, *units], index=([None, *units].index(f.unit_id)
                             if f.unit_id in units else 0), format_func=lambda u: units.get(u, t("sv.all")))  # fmt: skip
    streets = places.names(places.streets(session))
    street = cols[1].selectbox(t("sv.filter_street"), [None, *streets], index=([None, *streets].index(f.street_id)
                               if f.street_id in streets else 0), format_func=lambda s: streets.get(s, t("sv.all")))  # fmt: skip
    since = cols[2].date_input(
        t("sv.filter_since"), value=f.since or timeutil.today().replace(month=1, day=1)
    )
    f.unit_id, f.street_id, f.since = unit, street, since
    return f


def _write_url(f: board.BoardFilter) -> None:
    params = {"view": "board", **f.to_params()}
    for name in ("colour", "unit_id", "street_id", "subject", "since"):
        if name in st.query_params and name not in params:
            del st.query_params[name]
    st.query_params.update(params)


def board_view(user) -> None:
    today = timeutil.today()
    with db.session_scope() as session:
        f = _filters(session)
        counts = board.colour_counts(session, user, f, today)
        late = board.escalations(session, user, today)
    cols = st.columns(len(board.COLOURS) + 2)
    for col, colour in zip(cols, board.COLOURS, strict=False):
        col.metric(t(f"sv.colour.{colour}"), fmt_int(counts[colour]))
    cols[-2].metric(t("sv.letters_overdue"), fmt_int(late["letters_overdue"]))
    cols[-1].metric(t("sv.actions_overdue"), fmt_int(late["actions_overdue"]))
    colour = st.segmented_control(t("sv.colour_pick"), board.COLOURS, default=f.colour, key="sv_colour",
                                  format_func=lambda c: f"{t(f'sv.colour.{c}')} {fmt_int(counts[c])}")  # fmt: skip
    f.colour = colour or "overdue"
    _write_url(f)
    _cases(user, f, today)
    _league(user, f, today)
    _warnings(user, today)


def _cases(user, f: board.BoardFilter, today) -> None:
    with db.session_scope() as session:
        rows, total = board.board_cases(session, user, f, today)
    st.subheader(t("sv.cases_title", colour=t(f"sv.colour.{f.colour}"), total=fmt_int(total)))
    if not rows:
        st.info(t("sv.cases_empty"))
        return
    table = [
        {
            t("sv.col.number"): r["number"],
            t("sv.col.title"): r["title"],
            t("sv.col.unit"): r["unit"] or "",
            t("sv.col.status"): label("status", r["status"]),
            t("sv.col.due"): fmt_date(r["due_on"]),
            t("sv.col.late"): r["days_overdue"],
            t("sv.col.urged"): r["urged"],
            t("sv.col.listed"): "★" if r["listed"] else "",
        }  # fmt: skip
        for r in rows
    ]
    picked = st.dataframe(
        table, hide_index=True, on_select="rerun", selection_mode="single-row", key="sv_cases"
    )
    chosen = picked.selection.rows if picked and picked.selection else []
    if not allowed(user, "supervision.edit"):
        return
    row = rows[chosen[0]] if chosen else None
    st.caption(t("sv.pick_case") if row is None else t("sv.picked", number=row["number"]))
    cols = st.columns(3)
    if cols[0].button(t("sv.urge"), disabled=row is None, icon=":material/notifications_active:"):
        _act(user, row, "urge", t("sv.urge_note"), None)
    for col, kind in ((cols[1], "supervise"), (cols[2], "listed")):
        if col.button(label("action_kind", kind), disabled=row is None, key=f"sv_{kind}"):
            _deadline_dialog(user, row, kind)


def _act(user, row, kind, note, due_on) -> None:
    try:
        with db.session_scope() as session:
            actions.take_action(session, user, row["id"], row["version"], kind=kind, note=note, due_on=due_on)
    except PetitionDeskError as exc:
        st.error(exc.message)
        return
    st.toast(t("sv.done", kind=label("action_kind", kind), number=row["number"]))
    st.rerun()


@st.dialog(" ")
def _deadline_dialog(user, row, kind) -> None:
    st.markdown(f"**{label('action_kind', kind)}** · {md(row['number'])}")
    with st.form(f"sv_form_{kind}"):
        due = st.date_input(t("workflow.field.due_on"), value=timeutil.today() + timedelta(days=7))
        note = st.text_area(t("workflow.field.note"), value=t(f"sv.{kind}_note"), max_chars=1000)
        if st.form_submit_button(t("sv.submit")):
            _act(user, row, kind, note, due)


def _league(user, f: board.BoardFilter, today) -> None:
    st.subheader(t("sv.league_title"))
    with db.session_scope() as session:
        rows = board.league(session, user, today, f.since)[:30]
    names = (
        "unit",
        "open",
        "overdue",
        "urged",
        "supervised",
        "listed",
        "actions_overdue",
        "letters",
        "letters_overdue",
    )
    st.dataframe([{t(f"sv.league.{n}"): getattr(r, n) for n in names} for r in rows], hide_index=True)
    if st.button(t("sv.export"), icon=":material/download:"):
        headers = {n: t(f"sv.league.{n}") for n in names} | {"sheet": t("sv.league_title")}
        with db.session_scope() as session:
            data = board.export_league(session, user, today, f.since, headers)
        st.download_button(t("sv.download"), data, file_name=f"league-{today.isoformat()}.xlsx",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")  # fmt: skip


def _warnings(user, today) -> None:
    st.subheader(t("sv.warnings_title"))
    st.caption(t("sv.warnings_how"))
    with db.session_scope() as session:
        found = warning.warnings(session, user, today)[:20]
        numbers = _numbers(session, [i for w in found for i in w.case_ids])
    if not found:
        st.info(t("sv.warnings_empty"))
        return
    for i, w in enumerate(found):
        with st.container(border=True):
            base = t("sv.warning_base", baseline=w.baseline) if w.baseline is not None else ""
            st.markdown(
                f"**{t(f'sv.warning.{w.kind}')}** · {md(w.key)} · {t(f'sv.warning_count_{w.kind}', count=w.count)}{base}"
            )
            st.caption("、".join(numbers.get(c, "") for c in w.case_ids[:20]))
            if allowed(user, "supervision.edit") and st.button(t("sv.draft_alert"), key=f"sv_draft_{i}"):
                with db.session_scope() as session:
                    st.session_state[DRAFT] = warning.draft_risk_letter(session, w)
                st.query_params["view"] = "letters"
                st.session_state.pop("sv_view", None)
                st.rerun()


def _numbers(session, ids) -> dict[int, str]:
    from sqlmodel import select

    from models import Case

    return dict(session.exec(select(Case.id, Case.number).where(Case.id.in_(ids))).all()) if ids else {}
