"""The spot-check view: draw a sample, check every case on one keyboard-driven grid (arrows move, typing
picks 合格/不合格/不适用, Enter confirms), save, and issue the rectification notices of the failed ones."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from core.accounts.permissions import allowed
from core.platform import db, timeutil
from core.platform.errors import PetitionDeskError
from core.supervision import spot_checks as sc
from i18n import label, t
from i18n.format import fmt_date
from models import Case

ANSWERS = {True: "pass", False: "fail", None: "na"}


def spot_check_view(user) -> None:
    if allowed(user, "supervision.edit"):
        _draw_form(user)
    with db.session_scope() as session:
        checks = sc.list_checks(session, user)
        session.expunge_all()  # the rows outlive the session: its closing rollback must not expire them
    if not checks:
        st.info(t("sv.checks_empty"))
        return
    by_id = {c.id: c for c in checks}
    wanted = st.query_params.get("check")
    ids = list(by_id)
    current = int(wanted) if wanted and wanted.isdigit() and int(wanted) in by_id else ids[0]
    picked = st.selectbox(t("sv.check_pick"), ids, index=ids.index(current), key="sv_check",
                          format_func=lambda i: f"{by_id[i].number} · {fmt_date(by_id[i].period_from)}–"
                          f"{fmt_date(by_id[i].period_to)} · {label('spot_check_status', by_id[i].status)}")  # fmt: skip
    if str(picked) != wanted:
        st.query_params["check"] = str(picked)
    _check(user, by_id[picked])


def _draw_form(user) -> None:
    today = timeutil.today()
    first = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    with st.expander(t("sv.draw_title")), st.form("sv_draw"):
        cols = st.columns(2)
        start = cols[0].date_input(t("workflow.field.period_from"), value=first)
        end = cols[1].date_input(
            t("workflow.field.period_to"), value=today.replace(day=1) - timedelta(days=1)
        )
        cols = st.columns(3)
        size = cols[0].number_input(t("workflow.field.size"), min_value=0, max_value=sc.MAX_SAMPLE, value=0)
        share = cols[1].number_input(t("sv.share_pct"), min_value=0.0, max_value=100.0, value=5.0, step=0.5)
        by = cols[2].selectbox(t("workflow.field.stratify_by"), [None, *sc.STRATA],
                               format_func=lambda b: t(f"sv.strata.{b or 'none'}"))  # fmt: skip
        if st.form_submit_button(t("sv.draw"), type="primary"):
            try:
                with db.session_scope() as session:
                    check = sc.draw(session, user, period_from=start, period_to=end, size=size or None,
                                    share=None if size else share / 100, stratify_by=by)  # fmt: skip
                    check_id = check.id  # read inside: leaving the scope expires the row
            except PetitionDeskError as exc:
                st.error(exc.message)
            else:
                st.query_params["check"] = str(check_id)
                st.rerun()


def _check(user, check) -> None:
    with db.session_scope() as session:
        rows = sc.items_of(session, user, check.id)
        hints = {r["item"].id: sc.suggest(session, session.get(Case, r["item"].case_id)) for r in rows
                 if r["item"].passed is None}  # fmt: skip
        session.expunge_all()
    st.caption(t("sv.check_meta", seed=check.seed, method=check.method or "—", population=check.population or "—",
                 size=check.sample_size))  # fmt: skip
    if check.summary:
        st.markdown(check.summary)
    choices = [t(f"sv.answer.{a}") for a in ("pass", "fail", "na")]
    back = {t(f"sv.answer.{a}"): v for v, a in ANSWERS.items()}
    table = []
    for r in rows:
        item = r["item"]
        # checked before checklists were kept (the demo's): a pass passed every line, a fail is unknown by line
        answers = (
            item.answers or hints.get(item.id) or dict.fromkeys(sc.CHECKLIST, True if item.passed else None)
        )
        line = {"number": r["number"], "title": r["title"], "unit": r["unit"]}
        line |= {k: t(f"sv.answer.{ANSWERS[answers.get(k)]}") for k in sc.CHECKLIST}
        table.append(line | {"findings": item.findings or "", "saved": item.passed is not None})
    config = {k: st.column_config.SelectboxColumn(t(f"sv.check.{k}"), options=choices, required=True, width="small")
              for k in sc.CHECKLIST}  # fmt: skip
    config |= {"number": st.column_config.TextColumn(t("sv.col.number"), disabled=True),
               "title": st.column_config.TextColumn(t("sv.col.title"), disabled=True, width="medium"),
               "unit": st.column_config.TextColumn(t("sv.col.unit"), disabled=True),
               "findings": st.column_config.TextColumn(t("workflow.field.findings"), max_chars=1000),
               "saved": st.column_config.CheckboxColumn(t("sv.col.saved"), disabled=True)}  # fmt: skip
    edited = st.data_editor(table, column_config=config, hide_index=True, key=f"sv_grid_{check.id}",
                            disabled=not allowed(user, "supervision.edit"))  # fmt: skip
    if allowed(user, "supervision.edit") and st.button(t("sv.save_checks"), type="primary"):
        _save(user, rows, table, edited, back)
    _notices(user, rows)


def _save(user, rows, table, edited, back) -> None:
    saved, problems = 0, []
    for r, before, after in zip(rows, table, edited, strict=False):
        if after == before and r["item"].passed is not None:
            continue
        answers = {k: back[after[k]] for k in sc.CHECKLIST}
        try:
            with db.session_scope() as session:
                sc.record_check(session, user, r["item"].id, r["item"].version, answers=answers,
                                findings=after["findings"] or None)  # fmt: skip
            saved += 1
        except PetitionDeskError as exc:
            problems.append(f"{r['number']}：{exc.message}")
    for p in problems:
        st.error(p)
    if not problems:
        st.toast(t("sv.saved", count=saved))
        st.rerun()


def _notices(user, rows) -> None:
    failed = [r for r in rows if r["item"].passed is False]
    if not failed:
        return
    st.subheader(t("sv.notices_title"))
    for r in failed:
        item = r["item"]
        cols = st.columns([3, 2, 2])
        cols[0].markdown(f"**{r['number']}** · {item.findings or ''}")
        if item.notice_number:
            state = t("sv.rectified_on", date=fmt_date(item.rectified_on)) if item.rectified_on else \
                t("sv.rectify_by", date=fmt_date(item.rectification_due))  # fmt: skip
            cols[1].markdown(f"{item.notice_number}")
            cols[2].markdown(state)
        elif allowed(user, "supervision.edit") and cols[1].button(t("sv.notify"), key=f"sv_notify_{item.id}"):
            try:
                with db.session_scope() as session:
                    sc.notify(session, user, item.id, item.version)
            except PetitionDeskError as exc:
                st.error(exc.message)
            else:
                st.rerun()
