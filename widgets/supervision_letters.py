"""The letters view: issue a 督办函, 风险提示函 or 改进工作建议函 (a draft from a warning pre-fills it), the list
with overdue replies marked, and a letter's reply and closing."""

from __future__ import annotations

import streamlit as st

from core.accounts.permissions import allowed
from core.places import places
from core.platform import db, timeutil
from core.platform.errors import PetitionDeskError, ValidationError
from core.supervision import letters
from i18n import label, t
from i18n.format import fmt_date
from models import LetterKind, LetterTrigger
from widgets.supervision_board import DRAFT
from widgets.text import field_error, md


def letters_view(user) -> None:
    if allowed(user, "supervision.edit"):
        _issue_form(user)
    today = timeutil.today()
    with db.session_scope() as session:
        rows = letters.list_letters(session, user, limit=200)
    st.subheader(t("sv.letters_title"))
    if not rows:
        st.info(t("sv.letters_empty"))
        return
    table = [
        {
            t("sv.col.letter"): r["number"],
            t("sv.col.kind"): label("letter_kind", r["kind"]),
            t("sv.col.unit"): r["unit"],
            t("sv.col.subject"): r["subject"],
            t("sv.col.issued"): fmt_date(r["issued_on"]),
            t("sv.col.due"): fmt_date(r["due_on"]),
            t("sv.col.letter_status"): label("letter_status", r["status"]),
            t("sv.col.reply_late"): "🔴"
            if r["status"] == "issued" and r["due_on"] and r["due_on"] < today
            else "",
        }  # fmt: skip
        for r in rows
    ]
    picked = st.dataframe(
        table, hide_index=True, on_select="rerun", selection_mode="single-row", key="sv_letters"
    )
    chosen = picked.selection.rows if picked and picked.selection else []
    wanted = st.query_params.get("letter", "")
    if chosen:
        st.query_params["letter"] = str(rows[chosen[0]]["id"])
        _letter_detail(user, rows[chosen[0]]["id"])
    elif wanted.isdigit() and len(wanted) < 18:
        try:
            _letter_detail(user, int(wanted))
        except PetitionDeskError:
            st.warning(t("sv.letter_missing"))


def _issue_form(user) -> None:
    draft = st.session_state.get(DRAFT) or {}
    with db.session_scope() as session:
        units = places.names(places.units(session))
        numbers = ""
        if draft.get("case_ids"):
            from sqlmodel import select

            from models import Case

            ids = draft["case_ids"]
            numbers = "、".join(
                session.exec(select(Case.number).where(Case.id.in_(ids)).order_by(Case.id)).all()
            )
    errors = st.session_state.get("sv_letter_errors", {})
    with st.expander(t("sv.issue_title"), expanded=bool(draft) or bool(errors)), st.form("sv_issue"):
        kinds = list(LetterKind)
        kind = st.selectbox(t("workflow.field.kind"), kinds, index=kinds.index(draft.get("kind", "supervision")),
                            format_func=lambda k: label("letter_kind", k))  # fmt: skip
        unit_ids = list(units)
        unit = st.selectbox(t("workflow.field.unit_id"), unit_ids, format_func=units.get,
                            index=unit_ids.index(draft["unit_id"]) if draft.get("unit_id") in units else 0)  # fmt: skip
        field_error(errors.get("unit_id"))
        triggers = list(LetterTrigger)
        trigger = st.selectbox(t("workflow.field.trigger"), triggers, index=triggers.index(draft.get("trigger", "other")),
                               format_func=lambda k: label("letter_trigger", k))  # fmt: skip
        cases = st.text_input(t("workflow.field.case_ids"), value=numbers, help=t("sv.case_numbers_help"))
        field_error(errors.get("case_ids"))
        area = st.text_input(t("workflow.field.policy_area"), max_chars=200)
        subject = st.text_input(
            t("workflow.field.letter_subject"), value=draft.get("subject", ""), max_chars=200
        )
        field_error(errors.get("letter_subject"))
        content = st.text_area(
            t("workflow.field.letter_content"), value=draft.get("content", ""), max_chars=5000
        )
        field_error(errors.get("letter_content"))
        if st.form_submit_button(t("sv.issue"), type="primary"):
            _issue(user, kind, unit, trigger, cases, area, subject, content)


def _issue(user, kind, unit, trigger, cases, area, subject, content) -> None:
    try:
        with db.session_scope() as session:
            ids, unknown = letters.case_ids_by_number(session, user, cases)
            if unknown:
                raise ValidationError(t("sv.unknown_cases", numbers="、".join(unknown)),
                                      errors={"case_ids": t("sv.unknown_cases", numbers="、".join(unknown))})  # fmt: skip
            letter = letters.issue_letter(session, user, kind=kind, unit_id=unit, subject=subject, content=content,
                                          case_ids=ids, policy_area=area or None, trigger=trigger)  # fmt: skip
            number = letter.number
    except ValidationError as exc:
        st.session_state["sv_letter_errors"] = exc.errors
        st.rerun()
    except PetitionDeskError as exc:
        st.error(exc.message)
        return
    st.session_state.pop("sv_letter_errors", None)
    st.session_state.pop(DRAFT, None)
    st.toast(t("sv.issued", number=number))
    st.rerun()


def _letter_detail(user, letter_id: int) -> None:
    with db.session_scope() as session:
        letter = letters.get_letter(session, user, letter_id)
        cases = letters.letter_cases(session, letter.id)
        session.expunge_all()  # the letter outlives the session: its closing rollback must not expire it
    with st.container(border=True):
        st.markdown(f"### {md(letter.number)}\n**{md(letter.subject)}**")
        st.markdown(md(letter.content))
        if letter.policy_area:
            st.caption(f"{t('workflow.field.policy_area')}：{letter.policy_area}")
        if cases:
            st.caption(t("sv.about_cases", numbers="、".join(n for _, n, _ in cases)))
        st.caption(t("sv.letter_dates", issued=fmt_date(letter.issued_on), due=fmt_date(letter.due_on)))
        if letter.reply:
            st.markdown(
                f"**{t('sv.reply_of_unit', date=fmt_date(letter.replied_on))}**\n\n{md(letter.reply)}"
            )
        if (
            letter.status == "issued"
            and allowed(user, "supervision.reply")
            and not allowed(user, "supervision.edit")
        ):
            reply_form(user, "letter", letter.id, letter.version)
        closable = letter.status == "replied" and allowed(user, "supervision.edit")
        if closable and st.button(t("sv.close_letter"), key=f"sv_close_{letter.id}"):
            try:
                with db.session_scope() as session:
                    letters.close_letter(session, user, letter.id, letter.version)
            except PetitionDeskError as exc:
                st.error(exc.message)
            else:
                st.rerun()


def reply_form(user, kind: str, object_id: int, version: int) -> None:
    """The unit's written answer to a letter, a 催办/督办 or a rectification notice."""
    from core.supervision import actions, spot_checks

    with st.form(f"sv_reply_{kind}_{object_id}"):
        text = st.text_area(t(f"sv.answer_label.{kind}"), max_chars=5000)
        if st.form_submit_button(t("sv.answer_submit")):
            try:
                with db.session_scope() as session:
                    if kind == "letter":
                        letters.reply_letter(session, user, object_id, version, reply=text)
                    elif kind == "rectification":
                        spot_checks.report_rectification(session, user, object_id, version, report=text)
                    else:
                        actions.answer_action(session, user, object_id, version, answer=text)
            except PetitionDeskError as exc:
                st.error(exc.message)
            else:
                st.toast(t("sv.answered"))
                st.rerun()
