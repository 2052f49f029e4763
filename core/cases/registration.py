"""Registration (登记) of petition cases, the petitioner's query code, and read helpers for one case."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import date

import pydantic
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, select

from core.accounts import audit, pii, throttle
from core.accounts.permissions import allowed, case_in_scope, require
from core.calendar import clock
from core.cases.status import OFF_TRACK
from core.places import subjects
from core.platform import search
from core.platform.config import get_settings
from core.platform.errors import NotFound
from core.platform.validation import (
    Errors,
    Id,
    check_id_number,
    check_phone,
    field_label,
    from_pydantic,
    gender_from_id,
    id_number_variants,
)
from i18n import label, t
from models import (
    Case,
    CaseEvent,
    CaseMeeting,
    CaseParty,
    CaseStatus,
    CaseUnit,
    Category,
    Channel,
    Community,
    Gender,
    Grid,
    Outcome,
    PartyRole,
    Person,
    Role,
    Route,
    Stage,
    Street,
    User,
)

MAX_REPRESENTATIVES = 5  # 第20条
GROUP_VISIT_SIZE = 5  # a visit of this many people or more must name representatives
LEADER_CHANNELS = frozenset({Channel.LEADER_RECEPTION, Channel.ONSITE_OFFICE})
NUMBER_ATTEMPTS = 8
QUERY_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud and typed from paper
QUERY_CODE_LENGTH = 8  # 32**8 = 2**40 codes
# scrypt (memory-hard, 4 MiB) with a per-case salt: the code is 40 random bits, not a chosen password, so
# ~5 ms a guess puts one case's code ~170 CPU-years away while registration stays fast. Stored hashes keep
# their own parameters, so codes hashed at another cost still check.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**12, 8, 1

REGISTER_FIELDS = (
    "number",
    "status",
    "channel",
    "received_on",
    "category",
    "route",
    "subject",
    "stage",
    "stage_started_on",
    "due_on",
    "anonymous",
    "confidential",
    "group_size",
    "is_first",
    "repeat_of_id",
    "not_accepted_again",
    "onsite_resolved",
    "outcome",
    "closed_on",
)


class PersonIn(SQLModel):
    """A petitioner or representative as entered at intake."""

    name: str = ""
    id_number: str | None = None
    phone: str | None = None
    address: str | None = None
    grid_id: Id | None = None
    gender: Gender = Gender.UNKNOWN


class CaseCreate(SQLModel):
    """What the registrar enters to register a petition (DOMAIN.md §2)."""

    channel: Channel
    received_on: date
    category: Category = Category.COMPLAINT
    route: Route = Route.PETITION
    subject: str
    title: str
    content: str
    request: str | None = None
    petitioners: list[PersonIn] = Field(default_factory=list)
    group_size: int = Field(default=1, le=100_000)  # people who came together; the check names the minimum
    representatives: list[PersonIn] = Field(default_factory=list)  # at most 5 (第20条)
    anonymous: bool = False
    confidential: bool = False
    street_id: Id | None = None
    community_id: Id | None = None
    grid_id: Id | None = None
    location: str | None = None
    received_by_leader_id: Id | None = None  # 领导接访 / 马路办公
    onsite_resolved: bool = False  # resolved on the spot: the case closes at once
    onsite_outcome: Outcome | None = None
    onsite_note: str | None = None
    is_first: bool = True
    repeat_of_id: Id | None = None
    # New facts and reasons (新的事实和理由): only they make a repeat of a barred or live matter a new matter.
    new_facts: str | None = None
    external_id: str | None = Field(default=None, max_length=64)  # another system's number (ledger, hotline)
    higher_number: str | None = Field(default=None, max_length=40)  # 交办件: the higher level's number
    higher_due_on: date | None = None  # its deadline there
    higher_body: str | None = Field(default=None, max_length=80)  # the body that assigned it


@dataclass
class Registered:
    """A registered case and the query code to print on the acceptance notice (shown once, never stored)."""

    case: Case
    query_code: str
    messages: list[str] = field(default_factory=list)


@dataclass
class _Checked:
    people: list[tuple[PartyRole, PersonIn]]
    street_id: int | None
    community_id: int | None
    grid_id: int | None
    earlier: Case | None


# --- registration ---------------------------------------------------------------------------------


def register_case(session: Session, actor: User, data: CaseCreate | dict) -> Registered:
    """Validate and register a petition: number it, link its people, start the triage clock, commit."""
    require(actor, "case.register")
    data = _parse(data)
    checked = _check(session, data)
    code = new_query_code()
    code_hash = hash_query_code(code)
    attempt = 1
    while True:
        try:
            return _insert(session, actor, data, checked, code, code_hash)
        except IntegrityError as exc:
            session.rollback()
            if "number" not in str(exc.orig).lower() or attempt == NUMBER_ATTEMPTS:
                raise
            attempt += 1
            checked = _check(session, data)  # the rollback expired what was loaded
        except Exception:
            session.rollback()
            raise


def check_case(session: Session, data: CaseCreate | dict) -> _Checked:
    """Check a registration exactly as intake does, writing nothing (a ledger import checks each row so)."""
    return _check(session, _parse(data))


def _parse(data: CaseCreate | dict) -> CaseCreate:
    if isinstance(data, CaseCreate):
        return data
    try:
        return CaseCreate.model_validate(data)
    except pydantic.ValidationError as exc:
        raise from_pydantic(exc) from None


def _check(session: Session, data: CaseCreate) -> _Checked:
    errors = Errors()
    errors.date("received_on", data.received_on)
    errors.text("title", data.title)
    errors.text("content", data.content)
    errors.text("request", data.request, required=False)
    errors.text("location", data.location, required=False)
    if not subjects.is_active(session, data.subject):
        errors.add("subject", t("workflow.error.unknown", field=field_label("subject")))
    if data.category != Category.COMPLAINT and data.route != Route.PETITION:
        errors.add("route", t("workflow.error.route_category"))
    people = _check_people(session, data, errors)
    _check_leader(session, data, errors)
    street_id, community_id, grid_id = _check_place(session, data, errors)
    earlier = _check_repeat_of(session, data, errors)
    errors.text("new_facts", data.new_facts, required=False)
    _check_higher(data, errors)
    errors.raise_if_any()
    return _Checked(people, street_id, community_id, grid_id, earlier)


def _check_people(session: Session, data: CaseCreate, errors: Errors) -> list[tuple[PartyRole, PersonIn]]:
    if not data.anonymous and not data.petitioners:
        errors.add("petitioners", t("workflow.error.petitioner_required"))
    if len(data.representatives) > MAX_REPRESENTATIVES:
        errors.add("representatives", t("workflow.error.too_many_representatives", max=MAX_REPRESENTATIVES))
    minimum = max(1, len(data.petitioners), len(data.representatives))
    if data.group_size < minimum:
        errors.add("group_size", t("workflow.error.group_size", min=minimum))
    elif data.channel == Channel.VISIT and data.group_size >= GROUP_VISIT_SIZE and not data.representatives:
        errors.add("representatives", t("workflow.error.representatives_required", size=GROUP_VISIT_SIZE))
    out = []
    for group, role, people in (
        ("petitioners", PartyRole.PETITIONER, data.petitioners),
        ("representatives", PartyRole.REPRESENTATIVE, data.representatives),
    ):
        seen: set[str] = set()
        for i, person in enumerate(people):
            clean = _check_person(session, f"{group}.{i}", person, errors, anonymous=data.anonymous)
            if clean.id_number and clean.id_number in seen:
                errors.add(f"{group}.{i}.id_number", t("workflow.error.duplicate_person"))
            seen.add(clean.id_number or "")
            out.append((role, clean))
    return out


def _check_person(
    session: Session, prefix: str, person: PersonIn, errors: Errors, *, anonymous: bool
) -> PersonIn:
    errors.text(f"{prefix}.name", person.name)
    errors.text(f"{prefix}.address", person.address, required=False)
    id_number = (
        errors.catch(f"{prefix}.id_number", check_id_number, person.id_number) if person.id_number else None
    )
    phone = errors.catch(f"{prefix}.phone", check_phone, person.phone) if person.phone else None
    if not anonymous and not (person.phone or "").strip() and not (person.address or "").strip():
        errors.add(
            f"{prefix}.phone", t("workflow.error.contact_required", name=person.name or field_label(prefix))
        )
    if person.grid_id is not None and session.get(Grid, person.grid_id) is None:
        errors.add(f"{prefix}.grid_id", t("workflow.error.unknown", field=field_label(f"{prefix}.grid_id")))
    gender = person.gender
    if gender == Gender.UNKNOWN and id_number:
        gender = Gender(gender_from_id(id_number))
    return person.model_copy(
        update={
            "name": (person.name or "").strip(),
            "id_number": id_number,
            "phone": phone,
            "address": (person.address or "").strip() or None,
            "gender": gender,
        }
    )


def _check_leader(session: Session, data: CaseCreate, errors: Errors) -> None:
    if data.received_by_leader_id is not None:
        leader = session.get(User, data.received_by_leader_id)
        if leader is None or Role(leader.role) != Role.LEADER:
            errors.add("received_by_leader_id", t("workflow.error.not_a_leader"))
    elif data.channel in LEADER_CHANNELS:
        errors.add(
            "received_by_leader_id", t("workflow.error.required", field=field_label("received_by_leader_id"))
        )
    if not data.onsite_resolved:
        return
    if data.channel not in LEADER_CHANNELS:
        errors.add("onsite_resolved", t("workflow.error.onsite_channel"))
    if data.onsite_outcome is None:
        errors.add("onsite_outcome", t("workflow.error.required", field=field_label("onsite_outcome")))
    errors.text("onsite_note", data.onsite_note)


def _check_place(
    session: Session, data: CaseCreate, errors: Errors
) -> tuple[int | None, int | None, int | None]:
    street_id, community_id, grid_id = data.street_id, data.community_id, data.grid_id
    if grid_id is not None:
        grid = session.get(Grid, grid_id)
        if grid is None:
            errors.add("grid_id", t("workflow.error.unknown", field=field_label("grid_id")))
        elif community_id not in (None, grid.community_id):
            errors.add("grid_id", t("workflow.error.grid_outside_community"))
        else:
            community_id = grid.community_id
    if community_id is not None:
        community = session.get(Community, community_id)
        if community is None:
            errors.add("community_id", t("workflow.error.unknown", field=field_label("community_id")))
        elif street_id not in (None, community.street_id):
            errors.add("community_id", t("workflow.error.community_outside_street"))
        else:
            street_id = community.street_id
    if street_id is not None and session.get(Street, street_id) is None:
        errors.add("street_id", t("workflow.error.unknown", field=field_label("street_id")))
    return street_id, community_id, grid_id


def _check_higher(data: CaseCreate, errors: Errors) -> None:
    """A case from a higher level (交办件) names that level's number and body; its deadline follows receipt."""
    given = (data.higher_number, data.higher_due_on, data.higher_body)
    if any(v is not None for v in given):
        for name in ("higher_number", "higher_body"):
            if not (getattr(data, name) or "").strip():
                errors.add(name, t("workflow.error.required", field=field_label(name)))
    if data.higher_due_on is not None and data.higher_due_on < data.received_on:
        errors.add("higher_due_on", t("registration.error.higher_due_before_received"))


def _check_repeat_of(session: Session, data: CaseCreate, errors: Errors) -> Case | None:
    if data.repeat_of_id is None:
        return None
    earlier = session.get(Case, data.repeat_of_id)
    if earlier is None:
        errors.add("repeat_of_id", t("workflow.error.unknown", field=field_label("repeat_of_id")))
    return earlier


def _insert(
    session: Session, actor: User, data: CaseCreate, checked: _Checked, code: str, code_hash: str
) -> Registered:
    # numbers are max + 1: registrations of one year take them one at a time, so none loses a race
    throttle.lock(session, "case_number", data.received_on.year)
    case = _new_case(session, actor, data, checked, code_hash)
    session.add(case)
    session.flush()  # a number taken meanwhile (another path writing numbers) fails here, and the caller retries
    parties = _add_parties(session, case, checked.people)
    messages, extra = [], {}
    standing = None
    if checked.earlier is not None:
        standing = settle_repeat(session, actor, case, checked.earlier, data.received_on, data.new_facts)
        messages += [standing.message] if standing.message else []
        extra = {"new_facts": data.new_facts.strip()} if standing.new_matter else {}
    if standing is not None and standing.ended:
        pass  # barred or handled in the live case: no clock
    elif data.onsite_resolved:
        _close_on_site(case, data)
    else:
        case.stage, case.stage_started_on = Stage.TRIAGE, data.received_on
    clock.refresh_case(case, clock.load_calendar(session), clock.load_limits(session))
    after = audit.snapshot(case, REGISTER_FIELDS) | {"parties": parties} | extra
    audit.record(session, actor, "register", object_id=case.id, case_id=case.id, after=after)
    if standing is not None:
        standing.record_on_live(session, actor, case)
    search.index_case(session, case)
    session.commit()
    return Registered(case=case, query_code=code, messages=messages)


def _new_case(session: Session, actor: User, data: CaseCreate, checked: _Checked, code_hash: str) -> Case:
    return Case(
        number=_next_number(session, data.received_on.year),
        query_code_hash=code_hash,
        channel=data.channel,
        received_on=data.received_on,
        registrar_id=actor.id,
        category=data.category,
        route=data.route,
        subject=data.subject,
        title=data.title.strip(),
        content=data.content.strip(),
        request=(data.request or "").strip() or None,
        street_id=checked.street_id,
        community_id=checked.community_id,
        grid_id=checked.grid_id,
        location=(data.location or "").strip() or None,
        is_first=data.is_first and data.repeat_of_id is None,
        group_size=data.group_size,
        anonymous=data.anonymous,
        # 第30条: an accuser's identity and material never reach the accused.
        confidential=data.confidential or data.category == Category.ACCUSATION,
        received_by_leader_id=data.received_by_leader_id,
        external_id=data.external_id,
        higher_number=(data.higher_number or "").strip() or None,
        higher_due_on=data.higher_due_on,
        higher_body=(data.higher_body or "").strip() or None,
        updated_by_id=actor.id,
    )


def _next_number(session: Session, year: int) -> str:
    """Return the next free case number of `year`, e.g. JB-2026-000124."""
    prefix = f"{get_settings().case_prefix}-{year}-"
    # A range rather than LIKE, so the unique index on number answers it on both databases.
    last = session.execute(
        sa.select(sa.func.max(Case.number)).where(Case.number > prefix, Case.number < prefix + "9999999")
    ).scalar()
    seq = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{seq:06d}"


def _add_parties(session: Session, case: Case, people: list[tuple[PartyRole, PersonIn]]) -> list[dict]:
    parties, by_key = [], {}
    for role, person_in in people:
        key = person_in.id_number or ((person_in.name, person_in.phone) if person_in.phone else id(person_in))
        person = by_key.get(key) or _find_or_create_person(session, person_in)
        by_key[key] = person
        session.add(CaseParty(case_id=case.id, person_id=person.id, role=role))
        parties.append({"person_id": person.id, "role": role.value})
    return parties


def _find_or_create_person(session: Session, data: PersonIn) -> Person:
    """Return the known person with this ID number (blanks filled in), or a new person."""
    person = None
    if data.id_number:
        variants = id_number_variants(data.id_number)
        person = session.exec(
            select(Person).where(Person.id_number.in_(variants)).order_by(Person.id)
        ).first()
    if person is None:
        person = Person(**data.model_dump())
    else:
        for name in ("phone", "address", "grid_id"):
            if getattr(person, name) is None and getattr(data, name) is not None:
                setattr(person, name, getattr(data, name))
    session.add(person)
    session.flush()
    return person


def _close_on_site(case: Case, data: CaseCreate) -> None:
    """Close a case resolved at leader reception or 马路办公 on the day it was received."""
    case.status = CaseStatus.CLOSED
    case.onsite_resolved = True
    case.outcome = data.onsite_outcome
    case.reply_summary = data.onsite_note.strip()
    case.replied_on = case.reply_received_on = case.closed_on = data.received_on
    case.stage = case.stage_started_on = None


@dataclass
class Standing:
    """What an earlier case means for a repeat of its matter (第19条第3款, 第35–36条), once settled."""

    kind: str  # "barred" (不再受理), "live" (handled in the earlier case), "new" (new facts), "repeat"
    message: str | None
    live: Case | None = None

    @property
    def ended(self) -> bool:
        return self.kind in ("barred", "live")

    @property
    def new_matter(self) -> bool:
        return self.kind == "new"

    def record_on_live(self, session: Session, actor: User, case: Case) -> None:
        """Put the repeat into the live case's timeline, so the unit handling it sees it came back."""
        if self.live is not None:
            after = {"received_on": case.received_on}
            if (
                not case.confidential
            ):  # 第30条: an accusation's number never reaches the unit handling the other case
                after["repeat"] = case.number
            audit.record(
                session, actor, "repeat_received", object_id=self.live.id, case_id=self.live.id, after=after
            )


def standing_of(session: Session, earlier: Case, on: date) -> tuple[str | None, str | None]:
    """Return ("barred" | "live" | None, why) for a new petition on `earlier`'s matter received `on`.

    Barred (不再受理): the matter was ended by 复核 (第36条第3款), or its reply or review decision became final
    when the petitioner's 30 days to ask for a review or re-examination passed unused. Live: it is still being
    handled or is within one of those windows, so a repeat is not accepted a second time (第19条第3款).
    """
    status = CaseStatus(earlier.status)
    if status == CaseStatus.BARRED:
        return "barred", earlier.end_reason or t("workflow.message.not_accepted_again", number=earlier.number)
    if status == CaseStatus.TERMINATED or earlier.not_accepted_again:
        when = earlier.reexam_decided_on or earlier.closed_on
        return "barred", t("workflow.message.barred_reexam", number=earlier.number, date=when)
    if status in OFF_TRACK:
        return None, None  # it left the petition track: the repeat is a petition of its own
    window = _final_after(session, earlier)
    if window is not None and on > window[1]:
        lapsed = "review" if window[0] == Stage.REVIEW_REQUEST else "reexam"
        key = f"workflow.message.barred_{lapsed}_lapsed"
        return "barred", t(key, number=earlier.number, received=window[2], date=window[1])
    if status != CaseStatus.CLOSED or window is not None:
        return "live", t(
            "workflow.message.repeat_live", number=earlier.number, status=label("status", status)
        )
    return None, None


def repeat_standing(
    session: Session, actor: User, earlier_id: int, on: date
) -> tuple[str | None, str | None]:
    """Return what intake tells the registrar before he registers a repeat of a visible case (standing_of)."""
    return standing_of(session, get_case(session, actor, earlier_id), on)


def _final_after(session: Session, earlier: Case) -> tuple[str, date, date] | None:
    """Return (window, its last day, the day it opened) of the petitioner's open request window, if any."""
    if earlier.review_decision_received_on is not None and earlier.reexam_requested_on is None:
        opened, window = earlier.review_decision_received_on, Stage.REEXAM_REQUEST
    elif earlier.reply_received_on is not None and earlier.review_requested_on is None:
        opened, window = earlier.reply_received_on, Stage.REVIEW_REQUEST
    else:
        return None
    cal, limits = clock.load_calendar(session), clock.load_limits(session)
    return window, clock.stage_due(cal, limits, window, opened).on, opened


def settle_repeat(
    session: Session, actor: User, case: Case, earlier: Case, on: date, new_facts: str | None
) -> Standing:
    """Link `case` to `earlier` and apply the earlier matter's finality: 不再受理, handled in the live case,
    or (with new facts and reasons) a new matter. The caller writes the events and commits."""
    kind, why = standing_of(session, earlier, on)
    case.repeat_of_id, case.is_first = earlier.id, False
    if kind and (new_facts or "").strip():
        return Standing("new", t("workflow.message.new_facts", number=earlier.number))
    if kind == "barred":
        case.status, case.not_accepted_again, case.closed_on = CaseStatus.BARRED, True, on
        case.end_reason, case.stage, case.stage_started_on = why, None, None
        return Standing("barred", why)
    if kind == "live":
        case.status, case.end_reason, case.stage, case.stage_started_on = CaseStatus.JOINED, why, None, None
        return Standing("live", why, live=earlier)
    return Standing("repeat", None)


# --- the petitioner's query code ------------------------------------------------------------------


def new_query_code() -> str:
    """Return a fresh random query code for the acceptance notice."""
    return "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(QUERY_CODE_LENGTH))


def _normalise_code(code: str) -> bytes:
    return "".join(code.split()).upper().encode()


def hash_query_code(code: str) -> str:
    """Return the salted scrypt hash of a query code, with its parameters, for Case.query_code_hash."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(_normalise_code(code), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def check_query_code(code: str, stored: str | None) -> bool:
    """Return whether `code` matches the stored hash."""
    try:
        scheme, n, r, p, salt, digest = (stored or "").split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    got = hashlib.scrypt(
        _normalise_code(code), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=32
    )
    return hmac.compare_digest(got.hex(), digest)


# --- reading one case -----------------------------------------------------------------------------


def get_case(session: Session, actor: User, case_id: int, *, for_update: bool = False) -> Case:
    """Return the case if the user may see it; NotFound otherwise, so existence is not revealed."""
    stmt = select(Case).where(Case.id == case_id)
    if for_update:
        # Lock the row on PostgreSQL (SQLite ignores it) and read current values, not the identity map's.
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    case = session.exec(stmt).first()
    if case is None or not allowed(actor, "case.view") or not case_in_scope(actor, case):
        raise NotFound(t("workflow.not_found"))
    return case


def case_timeline(session: Session, actor: User, case_id: int) -> list[CaseEvent]:
    """Return the events of a case, oldest first, as the user may see them (core.accounts.pii.events_for)."""
    case = get_case(session, actor, case_id)
    stmt = select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.at, CaseEvent.id)
    return pii.events_for(actor, case, list(session.exec(stmt).all()))


def case_units(session: Session, actor: User, case_id: int) -> list[CaseUnit]:
    """Return the units working on a case, the lead unit first."""
    get_case(session, actor, case_id)
    stmt = select(CaseUnit).where(CaseUnit.case_id == case_id).order_by(CaseUnit.role.desc(), CaseUnit.id)
    return list(session.exec(stmt).all())


def case_meetings(session: Session, actor: User, case_id: int) -> list[CaseMeeting]:
    """Return the recorded meetings (三见面) of a case in date order."""
    get_case(session, actor, case_id)
    stmt = (
        select(CaseMeeting)
        .where(CaseMeeting.case_id == case_id)
        .order_by(CaseMeeting.held_on, CaseMeeting.id)
    )
    return list(session.exec(stmt).all())
