"""The standard documents (规范文书): rendered from a case, letter, agreement or spot check, stored as revisions.

Each kind has a docxtpl template under core/documents/templates/ (built by build_standard_templates.py) that an
administrator may replace; its context holds the same keys whatever the data (FIELDS), so a replacement that
names any other field is refused before it is used. Every word of the built-in templates comes from i18n.

A document addressed to a unit never names the accuser of a sensitive case unless that unit may know him
(core.accounts.pii: the discipline commission, the petition office); one addressed to the petitioner names
him and is kept confidential, so only those who may know him see it in the case file.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, select

from core.accounts import audit, permissions, pii
from core.cases import case_file, workflow
from core.cases.attachments import path_for, store_bytes
from core.mediation import access
from core.platform import timeutil
from core.platform.config import get_settings
from core.platform.errors import NotFound, PermissionDenied, StaleVersion, ValidationError
from i18n import label, t
from i18n.format import fmt_date
from models import (
    Agreement,
    Attachment,
    AttachmentKind,
    Case,
    CaseEvent,
    CaseParty,
    Document,
    DocumentKind,
    DocumentTemplate,
    MediationCase,
    MediationMediator,
    Mediator,
    PartyRole,
    Person,
    SpotCheck,
    SpotCheckItem,
    SupervisionLetter,
    SupervisionLetterCase,
    Unit,
    UnitKind,
    User,
)

K = DocumentKind
TEMPLATES = Path(__file__).with_name("templates")
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FIELD = "template"  # the form field an upload's error is shown beside

COMMON = (
    "office",
    "doc_number",
    "title",
    "addressee",
    "body",
    "sections",
    "rows",
    "basis",
    "rights",
    "signatures",
    "issuer",
    "issued_on",
    "seal",
    "cc",
)
CASE = ("case_number", "case_title", "received_on", "channel", "petitioner", "petitioner_address", "unit")


@dataclass(frozen=True)
class Spec:
    """What a kind is made from, who may make it, whom it is addressed to and the fields its context holds."""

    kind: DocumentKind
    owner: str  # case | letter | agreement | spot_check
    permission: str
    to_unit: bool  # addressed to a unit: the accuser is left out unless the unit may know him
    code: str  # the kind's part of the printed number
    extra: tuple[str, ...]

    @property
    def fields(self) -> frozenset[str]:
        return frozenset(COMMON + (CASE if self.owner in ("case", "letter") else ()) + self.extra)


SPECS: dict[DocumentKind, Spec] = {
    s.kind: s
    for s in (
        Spec(K.ACCEPTANCE_NOTICE, "case", "case.accept", False, "SL", ("accepted_on", "reply_due_on")),
        Spec(
            K.NON_ACCEPTANCE_NOTICE,
            "case",
            "case.accept",
            False,
            "BY",
            ("declined_on", "reason", "routed_to"),
        ),
        Spec(K.BARRED_NOTICE, "case", "case.triage", False, "BZ", ("reason", "earlier_case")),
        Spec(K.FORWARDING, "case", "case.triage", True, "ZS", ("triaged_on", "acceptance_due_on", "request")),
        Spec(K.ASSIGNMENT, "case", "case.triage", True, "JB", ("triaged_on", "acceptance_due_on", "request")),
        Spec(
            K.EXTENSION_NOTICE,
            "case",
            "case.extend",
            False,
            "YQ",
            ("accepted_on", "extension_days", "extension_reason", "approved_on", "reply_due_on"),
        ),
        Spec(
            K.REPLY_OPINION,
            "case",
            "case.handle",
            False,
            "CL",
            ("accepted_on", "replied_on", "request", "facts", "opinion", "outcome"),
        ),
        Spec(
            K.REVIEW_OPINION,
            "case",
            "case.review",
            False,
            "FC",
            ("requested_on", "decided_on", "opinion", "outcome"),
        ),
        Spec(
            K.REEXAM_OPINION,
            "case",
            "case.review",
            False,
            "FH",
            ("requested_on", "decided_on", "opinion", "outcome"),
        ),
        Spec(
            K.DELIVERY_RECEIPT,
            "case",
            "case.rate",
            False,
            "SD",
            ("delivered_document", "delivered_number", "returned_on"),
        ),
        Spec(
            K.MEDIATION_AGREEMENT,
            "agreement",
            "mediation.edit",
            False,
            "",
            (
                "parties",
                "dispute",
                "mediation_number",
                "facts",
                "responsibility",
                "terms",
                "performance",
                "performance_due",
                "signed_on",
                "effective_on",
                "mediators",
                "committee",
            ),
        ),
        *(
            Spec(k, "letter", "supervision.edit", True, "", ("letter_number", "subject", "content", "due_on"))
            for k in (K.SUPERVISION_LETTER, K.RISK_ALERT, K.IMPROVEMENT)
        ),
        Spec(
            K.RECTIFICATION,
            "spot_check",
            "supervision.edit",
            True,
            "ZG",
            ("check_number", "unit", "period_from", "period_to", "drawn_on", "due_on", "items"),
        ),
    )
}
CASE_KINDS = tuple(k for k, s in SPECS.items() if s.owner == "case")
LETTER_KINDS = {"supervision": K.SUPERVISION_LETTER, "risk_alert": K.RISK_ALERT, "improvement": K.IMPROVEMENT}
# the document a 送达回证 proves delivered, by the date field a delivery fills
DELIVERED = {"reply_received_on": K.REPLY_OPINION, "review_decision_received_on": K.REVIEW_OPINION}


def kind_name(kind: DocumentKind | str) -> str:
    """Return the document kind's name, e.g. 受理告知书."""
    return t(f"casefile.document.{DocumentKind(kind).value}")


# --- who the document names -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Petitioner:
    name: str
    address: str


def _petitioner(session: Session, case: Case) -> _Petitioner:
    stmt = (
        select(Person.name, Person.address)
        .join(CaseParty, CaseParty.person_id == Person.id)
        .where(CaseParty.case_id == case.id, CaseParty.role.in_([r.value for r in pii.ACCUSER_ROLES]))
        .order_by(CaseParty.role == PartyRole.REPRESENTATIVE.value, CaseParty.id)
    )
    rows = session.exec(stmt).all()
    if not rows:
        return _Petitioner(t("enum.party_role.petitioner"), "")
    names = "、".join(dict.fromkeys(r[0] for r in rows))
    return _Petitioner(names, rows[0][1] or "")


def _unit_may_know(session: Session, case: Case, unit_id: int | None) -> bool:
    """Return whether a document to this unit may name the case's petitioner (第30条)."""
    if not pii.is_sensitive(case):
        return True
    unit = session.get(Unit, unit_id) if unit_id else None
    return unit is not None and UnitKind(unit.kind) in pii.TRUSTED_UNIT_KINDS


def _unit_name(session: Session, unit_id: int | None) -> str:
    unit = session.get(Unit, unit_id) if unit_id else None
    return unit.name if unit else ""


def _case_fields(session: Session, case: Case, *, named: bool) -> dict:
    who = _petitioner(session, case) if named else _Petitioner(t("doc.hidden_petitioner"), "")
    return {
        "case_number": case.number,
        "case_title": case.title,
        "received_on": fmt_date(case.received_on),
        "channel": label("channel", case.channel),
        "petitioner": who.name,
        "petitioner_address": who.address,
        "unit": _unit_name(session, case.lead_unit_id),
    }


def _phrase(case: Case, fields: dict) -> dict:
    """The values every case sentence uses: when, how and what was petitioned."""
    return {
        "received": fields["received_on"],
        "channel": t("doc.channel_phrase", channel=fields["channel"]),
        "title": case.title,
        "case": case.number,
    }


def _last_event(session: Session, case: Case, actions: tuple[str, ...]) -> CaseEvent | None:
    stmt = (
        select(CaseEvent)
        .where(CaseEvent.case_id == case.id, CaseEvent.action.in_(actions))
        .order_by(CaseEvent.at.desc(), CaseEvent.id.desc())
    )
    return session.exec(stmt.limit(1)).first()


# --- the context of each kind -----------------------------------------------------------------------


class _NotReady(Exception):
    """The case is not at a point where this document exists (no acceptance for an acceptance notice …)."""


def _require(condition) -> None:
    if not condition:
        raise _NotReady


def _for_petitioner(fields: dict) -> dict:
    return {"addressee": t("doc.addressee.petitioner", name=fields["petitioner"])}


def _acceptance(session: Session, case: Case, base: dict) -> dict:
    _require(case.accepted_on)
    p = _phrase(case, base)
    due = fmt_date(case.reply_due_on or case.due_on)
    return {
        **_for_petitioner(base),
        "accepted_on": fmt_date(case.accepted_on),
        "reply_due_on": due,
        "body": [
            t("doc.acceptance_notice.body", **p, accepted=fmt_date(case.accepted_on)),
            t("doc.acceptance_notice.limit", due=due),
        ],
        "basis": t("doc.acceptance_notice.basis"),
        "issuer": base["unit"],
        "issued_on": fmt_date(case.accepted_on),
    }


def _non_acceptance(session: Session, case: Case, base: dict) -> dict:
    _require(case.declined_on)
    reason = (case.end_reason or "").strip().rstrip("。")
    body = [
        t(
            "doc.non_acceptance_notice.body",
            **_phrase(case, base),
            reason=reason,
            declined=fmt_date(case.declined_on),
        )
    ]
    if case.routed_to:
        body.append(t("doc.non_acceptance_notice.route", routed_to=case.routed_to.strip().rstrip("。")))
    return {
        **_for_petitioner(base),
        "declined_on": fmt_date(case.declined_on),
        "reason": reason,
        "routed_to": case.routed_to or "",
        "body": body,
        "basis": t("doc.non_acceptance_notice.basis"),
        "rights": t("doc.non_acceptance_notice.rights"),
        "issuer": base["unit"],
        "issued_on": fmt_date(case.declined_on),
    }


def _barred(session: Session, case: Case, base: dict) -> dict:
    _require(case.not_accepted_again)
    earlier = session.get(Case, case.repeat_of_id) if case.repeat_of_id else None
    reason = (case.end_reason or "").strip()
    if not reason and earlier is not None:
        reason = t("doc.barred_notice.earlier", earlier=earlier.number)
    return {
        **_for_petitioner(base),
        "reason": reason,
        "earlier_case": earlier.number if earlier else "",
        "body": [
            t("doc.barred_notice.body", **_phrase(case, base), reason=reason),
            t("doc.barred_notice.decision"),
        ],
        "basis": t("doc.barred_notice.basis"),
        "issuer": base["office"],
        "issued_on": fmt_date(case.triaged_on or timeutil.today()),
    }


def _triage(action: str) -> Callable[[Session, Case, dict], dict]:
    def build(session: Session, case: Case, base: dict) -> dict:
        event = _last_event(session, case, ("forward", "assign"))
        _require(event is not None and event.action == action and case.triaged_on)
        named = base["petitioner"] != t("doc.hidden_petitioner")
        words = [case.content] if named else [t("doc.hidden_content")]
        request = (case.request or "") if named else ""
        sections = [{"heading": t("doc.reply_opinion.section.facts"), "lines": words}]
        if request:
            sections.insert(0, {"heading": t("doc.reply_opinion.section.request"), "lines": [request]})
        due = fmt_date(case.acceptance_due_on or case.due_on)
        kind = "forwarding" if action == "forward" else "assignment"
        return {
            "addressee": t("doc.addressee.unit", unit=base["unit"]),
            "triaged_on": fmt_date(case.triaged_on),
            "acceptance_due_on": due,
            "request": request,
            "body": [
                t(f"doc.{kind}.body", **_phrase(case, base), petitioner=base["petitioner"]),
                t(f"doc.{kind}.ask", due=due),
            ],
            "sections": sections,
            "basis": t(f"doc.{kind}.basis"),
            "issuer": base["office"],
            "issued_on": fmt_date(case.triaged_on),
        }

    return build


def _extension(session: Session, case: Case, base: dict) -> dict:
    _require(case.extension_days and case.accepted_on)
    due = fmt_date(case.reply_due_on or case.due_on)
    approved = fmt_date(case.extension_approved_on)
    reason = (case.extension_reason or "").strip().rstrip("。")
    return {
        **_for_petitioner(base),
        "accepted_on": fmt_date(case.accepted_on),
        "extension_days": str(case.extension_days),
        "extension_reason": reason,
        "approved_on": approved,
        "reply_due_on": due,
        "body": [
            t("doc.extension_notice.body", **_phrase(case, base), accepted=fmt_date(case.accepted_on)),
            t(
                "doc.extension_notice.reason",
                reason=reason,
                approved=approved,
                days=case.extension_days,
                due=due,
            ),
        ],
        "basis": t("doc.extension_notice.basis"),
        "issuer": base["unit"],
        "issued_on": fmt_date(case.extension_notified_on or case.extension_approved_on),
    }


def _reply(session: Session, case: Case, base: dict) -> dict:
    _require(case.replied_on and case.outcome)
    outcome = label("outcome", case.outcome)
    opinion = (case.reply_summary or "").strip()
    request = (case.request or "").strip() or t("doc.no_request")
    section = "doc.reply_opinion.section."
    return {
        **_for_petitioner(base),
        "accepted_on": fmt_date(case.accepted_on),
        "replied_on": fmt_date(case.replied_on),
        "request": request,
        "facts": case.content,
        "opinion": opinion,
        "outcome": outcome,
        "body": [t("doc.reply_opinion.body", **_phrase(case, base), accepted=fmt_date(case.accepted_on))],
        "sections": [
            {"heading": t(f"{section}request"), "lines": [request]},
            {"heading": t(f"{section}facts"), "lines": [case.content]},
            {"heading": t(f"{section}opinion"), "lines": [opinion, t("doc.outcome_line", outcome=outcome)]},
        ],
        "basis": t("doc.reply_opinion.basis"),
        "rights": t("doc.reply_opinion.rights", reviewer=t("doc.review_body")),
        "issuer": base["unit"],
        "issued_on": fmt_date(case.replied_on),
    }


def _decision(stage: str) -> Callable[[Session, Case, dict], dict]:
    def build(session: Session, case: Case, base: dict) -> dict:
        review = stage == "review"
        decided = case.review_decided_on if review else case.reexam_decided_on
        outcome_value = case.review_outcome if review else case.reexam_outcome
        _require(decided and outcome_value)
        requested = case.review_requested_on if review else case.reexam_requested_on
        event = _last_event(session, case, (f"decide_{stage}",))
        opinion = (event.note or "").strip() if event else ""
        outcome = label("outcome", outcome_value)
        kind = f"{stage}_opinion"
        return {
            **_for_petitioner(base),
            "requested_on": fmt_date(requested),
            "decided_on": fmt_date(decided),
            "opinion": opinion,
            "outcome": outcome,
            "body": [
                t(
                    f"doc.{kind}.body",
                    original=case.number,
                    title=case.title,
                    requested=fmt_date(requested) or t("doc.review_opinion.no_request"),
                )
            ],
            "sections": [
                {
                    "heading": t(f"doc.{kind}.section.opinion"),
                    "lines": [opinion, t("doc.outcome_line", outcome=outcome)],
                }
            ],
            "basis": t(f"doc.{kind}.basis"),
            "rights": t(f"doc.{kind}.rights"),
            "issuer": base["office"],
            "issued_on": fmt_date(decided),
        }

    return build


def _receipt(session: Session, case: Case, base: dict) -> dict:
    target = workflow.pending_delivery(case)
    _require(target in DELIVERED)
    delivered = DELIVERED[target]
    prior = _latest(session, delivered, case_id=case.id)
    number = prior.number if prior else _case_number(case, SPECS[delivered])
    r = "doc.delivery_receipt."
    rows = [
        (t(f"{r}document"), kind_name(delivered)),
        (t(f"{r}document_number"), number),
        (t(f"{r}recipient"), base["petitioner"]),
        (t(f"{r}address"), base["petitioner_address"]),
        (t(f"{r}method"), ""),
        (t(f"{r}server"), ""),
        (t(f"{r}signed"), ""),
        (t(f"{r}received"), t("doc.date_blank")),
        (t(f"{r}note"), t(f"{r}note_text")),
    ]
    issuer = base["unit"] if delivered == K.REPLY_OPINION else base["office"]
    return {
        "addressee": "",
        "delivered_document": kind_name(delivered),
        "delivered_number": number,
        "returned_on": "",
        "rows": [{"label": a, "value": b} for a, b in rows],
        "issuer": issuer,
        "issued_on": fmt_date(timeutil.today()),
    }


CASE_BUILDERS: dict[DocumentKind, Callable[[Session, Case, dict], dict]] = {
    K.ACCEPTANCE_NOTICE: _acceptance,
    K.NON_ACCEPTANCE_NOTICE: _non_acceptance,
    K.BARRED_NOTICE: _barred,
    K.FORWARDING: _triage("forward"),
    K.ASSIGNMENT: _triage("assign"),
    K.EXTENSION_NOTICE: _extension,
    K.REPLY_OPINION: _reply,
    K.REVIEW_OPINION: _decision("review"),
    K.REEXAM_OPINION: _decision("reexam"),
    K.DELIVERY_RECEIPT: _receipt,
}


def _blank(spec: Spec) -> dict:
    empty = {"body": [], "sections": [], "rows": [], "signatures": [], "items": []}
    return {f: empty.get(f, "") for f in spec.fields} | {
        "office": get_settings().office_name,
        "title": t(f"doc.title.{spec.kind.value}"),
        "seal": t("doc.seal"),
    }


def _case_number(case: Case, spec: Spec) -> str:
    return t("doc.number_case", case=case.number, code=spec.code)


def case_context(session: Session, case: Case, kind: DocumentKind) -> dict:
    """Return the context of a case's document; ValidationError when the case has not reached it."""
    spec = SPECS[kind]
    named = not spec.to_unit or _unit_may_know(session, case, case.lead_unit_id)
    base = _blank(spec) | _case_fields(session, case, named=named) | {"doc_number": _case_number(case, spec)}
    try:
        return base | CASE_BUILDERS[kind](session, case, base)
    except _NotReady:
        raise ValidationError(
            t("doc.error.not_ready", kind=kind_name(kind), why=t(f"doc.error.why_{kind.value}")), field="kind"
        ) from None


def _letter_cases(session: Session, letter: SupervisionLetter) -> list[Case]:
    stmt = (
        select(Case)
        .join(SupervisionLetterCase, SupervisionLetterCase.case_id == Case.id)
        .where(SupervisionLetterCase.letter_id == letter.id)
        .order_by(SupervisionLetterCase.id)
    )
    cases = list(session.exec(stmt).all())
    if not cases and letter.case_id:
        cases = [session.get(Case, letter.case_id)]
    return cases


def letter_context(session: Session, letter: SupervisionLetter) -> dict:
    """Return the context of a supervision letter (督办函, 风险提示函, 改进工作建议函) about cases or a policy area."""
    kind = LETTER_KINDS[getattr(letter.kind, "value", letter.kind)]
    spec = SPECS[kind]
    unit = _unit_name(session, letter.unit_id)
    base = _blank(spec) | {"doc_number": letter.number, "unit": unit}
    body = []
    if letter.policy_area:
        body.append(t("doc.letter.about_policy", area=letter.policy_area))
    for n, case in enumerate(_letter_cases(session, letter)):
        fields = _case_fields(session, case, named=_unit_may_know(session, case, letter.unit_id))
        if n == 0:
            base |= fields | {"unit": unit}
        body.append(
            t("doc.letter.about_case", petitioner=fields["petitioner"], title=case.title, case=case.number)
        )
    body += [p.strip() for p in letter.content.splitlines() if p.strip()]
    due = fmt_date(letter.due_on)
    if letter.due_on:
        body.append(t("doc.letter.reply", due=due))
    return base | {
        "addressee": t("doc.addressee.unit", unit=unit),
        "letter_number": letter.number,
        "subject": letter.subject,
        "content": letter.content,
        "due_on": due,
        "body": [t("doc.letter.about_subject", subject=letter.subject), *body],
        "basis": t(f"doc.letter.basis_{kind.value}"),
        "issuer": base["office"],
        "issued_on": fmt_date(letter.issued_on),
    }


def agreement_context(session: Session, agreement: Agreement) -> dict:
    """Return the context of a mediation agreement (调解协议书, 人民调解法第28–29条)."""
    spec = SPECS[K.MEDIATION_AGREEMENT]
    mediation = session.get(MediationCase, agreement.mediation_id)
    stmt = (
        select(Mediator.name, Mediator.organisation)
        .join(MediationMediator, MediationMediator.mediator_id == Mediator.id)
        .where(MediationMediator.mediation_id == mediation.id)
        .order_by(MediationMediator.is_lead.desc(), MediationMediator.id)
    )
    mediators = session.exec(stmt).all()
    names = "、".join(m[0] for m in mediators)
    committee = next((m[1] for m in mediators if m[1]), None) or t(
        "doc.mediation_agreement.default_committee"
    )
    a, section = "doc.mediation_agreement.", "doc.mediation_agreement.section."
    sections = [
        {"heading": t(f"{section}facts"), "lines": [agreement.facts]},
        {"heading": t(f"{section}responsibility"), "lines": [agreement.responsibility or ""]},
        {"heading": t(f"{section}terms"), "lines": [agreement.terms]},
        {
            "heading": t(f"{section}performance"),
            "lines": [agreement.performance or ""]
            + (
                [t(f"{a}performance_due", due=fmt_date(agreement.performance_due))]
                if agreement.performance_due
                else []
            ),
        },
    ]
    return _blank(spec) | {
        "doc_number": agreement.number,
        "parties": mediation.parties,
        "dispute": mediation.title,
        "mediation_number": mediation.number,
        "facts": agreement.facts,
        "responsibility": agreement.responsibility or "",
        "terms": agreement.terms,
        "performance": agreement.performance or "",
        "performance_due": fmt_date(agreement.performance_due),
        "signed_on": fmt_date(agreement.signed_on),
        "effective_on": fmt_date(agreement.effective_on),
        "mediators": names,
        "committee": committee,
        "body": [
            t(f"{a}parties", parties=mediation.parties),
            t(f"{a}dispute", title=mediation.title, number=mediation.number),
        ],
        "sections": sections,
        "basis": t(f"{a}basis"),
        "rights": t(f"{a}rights"),
        "signatures": [
            t(
                f"{a}signed",
                signed=fmt_date(agreement.signed_on),
                effective=fmt_date(agreement.effective_on),
            ),
            t(f"{a}sign_party"),
            t(f"{a}sign_party"),
            t(f"{a}sign_mediator", names=names),
            t(f"{a}committee"),
        ],
        "issuer": committee,
        "issued_on": fmt_date(agreement.signed_on),
    }


def rectification_context(session: Session, check: SpotCheck, unit_id: int) -> dict:
    """Return the context of the rectification notice (整改通知书) of a spot check to one unit."""
    spec = SPECS[K.RECTIFICATION]
    stmt = (
        select(SpotCheckItem, Case)
        .join(Case, Case.id == SpotCheckItem.case_id)
        .where(SpotCheckItem.spot_check_id == check.id, SpotCheckItem.passed.is_(False))
        .where(sa.func.coalesce(SpotCheckItem.unit_id, Case.lead_unit_id) == unit_id)
        .order_by(Case.number)
    )
    found = session.exec(stmt).all()
    if not found:
        raise ValidationError(
            t("doc.error.not_ready", kind=kind_name(K.RECTIFICATION), why=t("doc.error.why_rectification")),
            field="unit_id",
        )
    unit = session.get(Unit, unit_id)
    dues = [i.rectification_due for i, _ in found if i.rectification_due]
    notices = sorted({i.notice_number for i, _ in found if i.notice_number})  # issued by core.supervision
    notified = [i.notified_on for i, _ in found if i.notified_on]
    due = fmt_date(min(dues)) if dues else ""
    r = "doc.rectification."
    items = [
        {
            "case_number": c.number,
            "title": c.title,
            "findings": (i.findings or "").strip() or t(f"{r}no_findings"),
        }
        for i, c in found
    ]
    lines = [
        t(f"{r}item", n=n, case=x["case_number"], title=x["title"], findings=x["findings"])
        for n, x in enumerate(items, 1)
    ]
    body = [
        t(
            f"{r}body",
            drawn=fmt_date(check.drawn_on),
            period_from=fmt_date(check.period_from),
            period_to=fmt_date(check.period_to),
            check=check.number,
            n=len(items),
        ),
        *lines,
    ]
    if due:
        body.append(t(f"{r}ask", due=due))
    return _blank(spec) | {
        "doc_number": notices[0]
        if len(notices) == 1
        else t("doc.number_rectification", check=check.number, unit=unit.code),
        "addressee": t("doc.addressee.unit", unit=unit.name),
        "check_number": check.number,
        "unit": unit.name,
        "period_from": fmt_date(check.period_from),
        "period_to": fmt_date(check.period_to),
        "drawn_on": fmt_date(check.drawn_on),
        "due_on": due,
        "items": items,
        "body": body,
        "basis": t(f"{r}basis"),
        "issuer": get_settings().office_name,
        "issued_on": fmt_date(min(notified) if notified else timeutil.today()),
    }


# --- templates ---------------------------------------------------------------------------------------


def builtin_template(kind: DocumentKind) -> Path:
    """Return the path of the kind's built-in template."""
    return TEMPLATES / f"{DocumentKind(kind).value}.docx"


def _uploaded(session: Session, kind: DocumentKind) -> DocumentTemplate | None:
    stmt = select(DocumentTemplate).where(DocumentTemplate.kind == kind).order_by(DocumentTemplate.id.desc())
    return session.exec(stmt.limit(1)).first()


def template_bytes(session: Session, kind: DocumentKind) -> tuple[bytes, DocumentTemplate | None]:
    """Return the template in use for the kind (the newest upload, else the built-in one) and its upload row."""
    row = _uploaded(session, kind)
    if row is not None:
        return path_for(row.sha256).read_bytes(), row
    return builtin_template(kind).read_bytes(), None


def template_problem(kind: DocumentKind, data: bytes) -> str | None:
    """Return why a .docx cannot serve as the kind's template (unreadable, or a field it does not have)."""
    from docxtpl import DocxTemplate
    from jinja2 import TemplateError

    if not data.startswith(b"PK"):
        return t("doc.error.template_type")
    try:
        tpl = DocxTemplate(io.BytesIO(data))
        unknown = tpl.get_undeclared_template_variables() - SPECS[kind].fields
    except (TemplateError, KeyError, ValueError, OSError) as exc:
        return t("doc.error.template_broken", why=str(exc)[:200])
    except Exception as exc:  # a zip that is no Word document: python-docx raises its own types
        return t("doc.error.template_broken", why=type(exc).__name__)
    return t("doc.error.template_fields", fields="、".join(sorted(unknown))) if unknown else None


def upload_template(
    session: Session, actor: User, kind: DocumentKind | str, filename: str, data: bytes
) -> DocumentTemplate:
    """Replace the kind's template with an administrator's .docx, refused if it names a field the kind lacks."""
    permissions.require(actor, "document.template")
    kind = DocumentKind(kind)
    problem = template_problem(kind, data)
    if problem:
        raise ValidationError(problem, field=FIELD)
    try:
        sha = store_bytes(data)
        row = DocumentTemplate(
            kind=kind,
            sha256=sha,
            filename=(filename or f"{kind_name(kind)}.docx")[:200],
            uploaded_by_id=actor.id,
        )
        session.add(row)
        session.flush()
        audit.record(
            session,
            actor,
            "document.template",
            object_type="document_template",
            object_id=row.id,
            after={"kind": kind.value, "filename": row.filename, "sha256": sha},
        )
        session.commit()
    except Exception:
        session.rollback()
        raise
    return row


def render(template: bytes, context: dict) -> bytes:
    """Return the .docx of a template rendered with a context."""
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(io.BytesIO(template))
    tpl.render(context, autoescape=True)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


# --- generating and reading --------------------------------------------------------------------------


@dataclass(frozen=True)
class Made:
    """What a document is about before it is rendered: its context and where it belongs."""

    kind: DocumentKind
    context: dict
    case: Case | None = None
    mediation_id: int | None = None
    letter_id: int | None = None
    spot_check_id: int | None = None
    unit_id: int | None = None
    confidential: bool = False


def _case_made(session: Session, actor: User, case_id: int, kind: DocumentKind) -> Made:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(t("error.not_found"))
    spec = SPECS[kind]
    permissions.require_case(actor, spec.permission, case)
    sensitive = pii.is_sensitive(case)
    names = not spec.to_unit or _unit_may_know(session, case, case.lead_unit_id)
    if sensitive and names and not pii.can_see_identity(actor, case):
        raise PermissionDenied(t("error.forbidden"))
    unit_id = case.lead_unit_id if spec.to_unit else None
    return Made(
        kind, case_context(session, case, kind), case=case, unit_id=unit_id, confidential=sensitive and names
    )


def _made(session: Session, actor: User, kind: DocumentKind, target_id: int, unit_id: int | None) -> Made:
    spec = SPECS[kind]
    if spec.owner == "case":
        return _case_made(session, actor, target_id, kind)
    permissions.require(actor, spec.permission)
    if spec.owner == "letter":
        letter = session.get(SupervisionLetter, target_id)
        if letter is None:
            raise NotFound(t("error.not_found"))
        if LETTER_KINDS[getattr(letter.kind, "value", letter.kind)] != kind:
            raise ValidationError(t("doc.error.wrong_owner", kind=kind_name(kind)), field="kind")
        case = session.get(Case, letter.case_id) if letter.case_id else None
        return Made(
            kind, letter_context(session, letter), case=case, letter_id=letter.id, unit_id=letter.unit_id
        )
    if spec.owner == "agreement":
        agreement = session.get(Agreement, target_id)
        if agreement is None:
            raise NotFound(t("error.not_found"))
        mediation = access.get_mediation(session, actor, agreement.mediation_id)
        access.require_act(session, actor, mediation)
        case = session.get(Case, mediation.case_id) if mediation.case_id else None
        return Made(kind, agreement_context(session, agreement), case=case, mediation_id=mediation.id)
    check = session.get(SpotCheck, target_id)
    if check is None or unit_id is None or session.get(Unit, unit_id) is None:
        raise NotFound(t("error.not_found"))
    return Made(kind, rectification_context(session, check, unit_id), spot_check_id=check.id, unit_id=unit_id)


def _latest(session: Session, kind: DocumentKind, **owner) -> Document | None:
    stmt = select(Document).where(Document.kind == kind)
    for name, value in owner.items():
        stmt = stmt.where(getattr(Document, name) == value)
    return session.exec(stmt.order_by(Document.revision.desc(), Document.id.desc()).limit(1)).first()


def _filename(made: Made, revision: int) -> str:
    number = made.context["doc_number"].replace("/", "-")
    return f"{kind_name(made.kind)}_{number}_v{revision}.docx"


def _store(session: Session, actor: User, made: Made) -> Document:
    template, _ = template_bytes(session, made.kind)
    data = render(template, made.context)
    number = made.context["doc_number"]
    stmt = select(sa.func.max(Document.revision)).where(Document.number == number, Document.kind == made.kind)
    revision = (session.exec(stmt).one() or 0) + 1
    attachment = Attachment(
        sha256=store_bytes(data),
        filename=_filename(made, revision),
        mime_type=DOCX_MIME,
        size=len(data),
        kind=AttachmentKind.OTHER,
        confidential=made.confidential,
        uploaded_by_id=actor.id,
    )
    session.add(attachment)
    session.flush()
    doc = Document(
        kind=made.kind,
        number=number,
        revision=revision,
        case_id=made.case.id if made.case else None,
        mediation_id=made.mediation_id,
        letter_id=made.letter_id,
        spot_check_id=made.spot_check_id,
        unit_id=made.unit_id,
        attachment_id=attachment.id,
        title=made.context["title"][:200],
        confidential=made.confidential,
        created_by_id=actor.id,
    )
    session.add(doc)
    session.flush()
    audit.record(
        session,
        actor,
        "document.generate",
        object_type="document",
        object_id=doc.id,
        case_id=doc.case_id,
        after={"kind": made.kind.value, "number": number, "revision": revision, "sha256": attachment.sha256},
    )
    return doc


def _commit(session: Session, work: Callable[[], object]):
    try:
        result = work()
        session.commit()
    except sa.exc.IntegrityError:
        session.rollback()
        raise StaleVersion(t("doc.error.concurrent")) from None
    except Exception:
        session.rollback()
        raise
    return result


def generate(
    session: Session, actor: User, kind: DocumentKind | str, target_id: int, *, unit_id: int | None = None
) -> Document:
    """Render a document of `kind` for its case, letter, agreement or spot check (with the unit) and store it.

    A second generation adds the next revision under the same number and keeps the earlier ones.
    """
    kind = DocumentKind(kind)
    return _commit(session, lambda: _store(session, actor, _made(session, actor, kind, target_id, unit_id)))


def available_kinds(session: Session, actor: User, case: Case) -> list[DocumentKind]:
    """Return the case document kinds the user may generate for the case now."""
    out = []
    for kind in CASE_KINDS:
        try:
            _case_made(session, actor, case.id, kind)
        except (ValidationError, PermissionDenied):
            continue
        out.append(kind)
    return out


def visible(session: Session, user: User, doc: Document) -> bool:
    """Return whether the user may see the document: its mediation's, letter's or case's own visibility rule."""
    if doc.mediation_id is not None:
        stmt = select(MediationCase.id).where(MediationCase.id == doc.mediation_id, access.visible(user))
        return session.exec(stmt).first() is not None
    if doc.letter_id is not None or doc.spot_check_id is not None:
        if permissions.allowed(user, "supervision.view"):
            return True
        mine = doc.unit_id is not None and doc.unit_id == user.unit_id
        return permissions.allowed(user, "supervision.reply") and mine
    case = session.get(Case, doc.case_id) if doc.case_id is not None else None
    if case is None or not permissions.case_in_scope(user, case):
        return False
    return not doc.confidential or pii.can_see_identity(user, case)


def case_documents(session: Session, user: User, case: Case) -> list[Document]:
    """Return the case's documents the user may see, by kind and newest revision first (as the case file)."""
    permissions.require_case(user, "case.view", case)
    return case_file.documents_of(session, case.id, pii.can_see_identity(user, case))


def read(session: Session, user: User, document_id: int) -> tuple[Document, bytes]:
    """Return a document the user may see and its .docx; NotFound otherwise."""
    doc = session.get(Document, document_id)
    if doc is None or doc.attachment_id is None or not visible(session, user, doc):
        raise NotFound(t("doc.error.not_found"))
    attachment = session.get(Attachment, doc.attachment_id)
    return doc, path_for(attachment.sha256).read_bytes()


def filename_of(session: Session, doc: Document) -> str:
    """Return the stored file name of a document."""
    attachment = session.get(Attachment, doc.attachment_id) if doc.attachment_id else None
    return attachment.filename if attachment else f"{doc.number}.docx"


def record_return(
    session: Session, actor: User, document_id: int, version: int, *, returned_on: date
) -> Document:
    """Record a 送达回证's return: its date becomes the delivery date (workflow.record_delivery) the clock uses."""
    doc = session.get(Document, document_id)
    if doc is None or doc.case_id is None or not visible(session, actor, doc):
        raise NotFound(t("doc.error.not_found"))
    if DocumentKind(doc.kind) != K.DELIVERY_RECEIPT:
        raise ValidationError(t("doc.error.not_receipt"), field="returned_on")
    if doc.returned_on is not None:
        raise ValidationError(
            t("doc.error.returned_twice", date=fmt_date(doc.returned_on)), field="returned_on"
        )
    doc.returned_on = returned_on  # committed with the delivery, or rolled back with it
    workflow.record_delivery(session, actor, doc.case_id, version, delivered_on=returned_on)
    return doc


# --- letters, spot checks and agreements (documents not made from a case's own stage) ------------------


@dataclass(frozen=True)
class Source:
    """A letter, a spot check's unit or an agreement a document can be made from, as a choice on screen."""

    kind: DocumentKind
    target_id: int
    unit_id: int | None
    label: str


def sources(session: Session, user: User, *, limit: int = 50) -> list[Source]:
    """Return the newest letters, spot checks' units with findings and agreements the user may make documents of."""
    out: list[Source] = []
    if permissions.allowed(user, "supervision.edit"):
        letters = select(SupervisionLetter).order_by(
            SupervisionLetter.issued_on.desc(), SupervisionLetter.id.desc()
        )
        for letter in session.exec(letters.limit(limit)).all():
            kind = LETTER_KINDS[getattr(letter.kind, "value", letter.kind)]
            out.append(Source(kind, letter.id, letter.unit_id, f"{letter.number} · {letter.subject}"))
        unit = sa.func.coalesce(SpotCheckItem.unit_id, Case.lead_unit_id)
        failed = (
            select(SpotCheck.id, SpotCheck.number, Unit.id, Unit.name)
            .join(SpotCheckItem, SpotCheckItem.spot_check_id == SpotCheck.id)
            .join(Case, Case.id == SpotCheckItem.case_id)
            .join(Unit, Unit.id == unit)
            .where(SpotCheckItem.passed.is_(False))
            .group_by(SpotCheck.id, SpotCheck.number, SpotCheck.drawn_on, Unit.id, Unit.name)
            .order_by(SpotCheck.drawn_on.desc(), SpotCheck.id.desc(), Unit.name)
        )
        for check_id, number, unit_id, name in session.exec(failed.limit(limit)).all():
            out.append(Source(K.RECTIFICATION, check_id, unit_id, f"{number} · {name}"))
    if permissions.allowed(user, "mediation.edit"):
        agreements = (
            select(Agreement, MediationCase.title)
            .join(MediationCase, MediationCase.id == Agreement.mediation_id)
            .where(access.visible(user))
            .order_by(Agreement.signed_on.desc(), Agreement.id.desc())
        )
        for agreement, title in session.exec(agreements.limit(limit)).all():
            out.append(Source(K.MEDIATION_AGREEMENT, agreement.id, None, f"{agreement.number} · {title}"))
    return out


def source_documents(session: Session, user: User, source: Source) -> list[Document]:
    """Return the documents made from a source that the user may see, newest revision first."""
    stmt = select(Document).where(Document.kind == source.kind)
    if source.kind == K.RECTIFICATION:
        stmt = stmt.where(Document.spot_check_id == source.target_id, Document.unit_id == source.unit_id)
    elif source.kind == K.MEDIATION_AGREEMENT:
        agreement = session.get(Agreement, source.target_id)
        stmt = stmt.where(Document.mediation_id == (agreement.mediation_id if agreement else None))
    else:
        stmt = stmt.where(Document.letter_id == source.target_id)
    stmt = stmt.order_by(Document.revision.desc(), Document.id.desc())
    return [d for d in session.exec(stmt).all() if visible(session, user, d)]


# --- batch printing ------------------------------------------------------------------------------------


def batch_acceptance_notices(session: Session, actor: User, day: date) -> tuple[bytes, int]:
    """Return every acceptance notice of cases accepted on `day` that the user may see, as one .docx.

    A case without a notice yet gets one (stored, as if generated one by one); the others print their newest.
    """
    from docx import Document as Docx
    from docxcompose.composer import Composer

    permissions.require(actor, "case.accept")
    stmt = permissions.scope_cases(select(Case).where(Case.accepted_on == day), actor).order_by(Case.number)
    cases = [c for c in session.exec(stmt).all() if not pii.is_sensitive(c) or pii.can_see_identity(actor, c)]
    if not cases:
        raise ValidationError(t("doc.batch.none", date=fmt_date(day)), field="day")

    def gather() -> list[Document]:
        docs = []
        for case in cases:
            doc = _latest(session, K.ACCEPTANCE_NOTICE, case_id=case.id)
            docs.append(
                doc or _store(session, actor, _case_made(session, actor, case.id, K.ACCEPTANCE_NOTICE))
            )
        return docs

    docs = _commit(session, gather)
    parts = [read(session, actor, d.id)[1] for d in docs]
    composer = Composer(Docx(io.BytesIO(parts[0])))
    for part in parts[1:]:
        nxt = Docx(io.BytesIO(part))
        nxt.paragraphs[0].insert_paragraph_before().add_run().add_break(_page_break())
        composer.append(nxt)
    out = io.BytesIO()
    composer.save(out)
    return out.getvalue(), len(docs)


def _page_break():
    from docx.enum.text import WD_BREAK

    return WD_BREAK.PAGE
