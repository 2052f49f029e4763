"""The facts of a new demo case as a registrar takes them in: channel, category, subject, route, place,
petitioners, the text of the petition, and the units and leaders it goes to."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from core.demo import geography, people
from core.demo.draw import between, choice
from core.demo.geography import Place
from core.demo.history import Ref
from core.demo.steps import Step
from core.demo.tables import (
    ACCUSATION_UNITS,
    ASSIST_UNITS,
    CATEGORIES,
    CHANNELS,
    GROUP_SUBJECTS,
    LEAD_UNITS_W,
    LEADER_CHANNELS,
    ROUTES_OUT,
    ROUTES_OUT_DEFAULT,
    SUBJECTS_BY_CATEGORY,
)
from core.demo.texts import PARTY_APPEAL_TEXT, SUBJECT_TEXT

if TYPE_CHECKING:
    from core.demo.context import Demo

REPEAT_SHARE = 0.07  # of new cases, petitions that come back to an earlier case (重复信访)
TITLE_VERBS = ("反映", "要求", "检举", "建议", "申请", "咨询")


@dataclass(slots=True)
class Draft:
    """A case being generated: its facts, its planned life, and what its rows need."""

    id: int
    number: str
    received: date
    years: float  # since the start of the data
    channel: str
    category: str
    subject: str
    route: str
    place: Place
    group_size: int = 1
    anonymous: bool = False
    parent: Ref | None = None
    is_first: bool = False
    barred: bool = False  # a repeat of a matter ended by re-examination (不再受理)
    petitioner: str = "匿名"
    persons: list[int] = field(default_factory=list)
    parties: list[tuple[int, str]] = field(default_factory=list)
    lead: int | None = None
    assists: list[int] = field(default_factory=list)
    in_charge: int | None = None  # the leader who takes personal charge (包案)
    steps: list[Step] = field(default_factory=list)
    meetings: bool = False  # whether the 三见面 are recorded
    late: tuple[date, date] | None = None  # (missed due date, day the step was done)
    unhappy_on: date | None = None
    terminated_on: date | None = None
    mediation: dict | None = None
    pause: tuple[str, date, int] | None = None


class _Slots(dict):
    """Template values made on first use, so a text only draws the values it mentions."""

    def __init__(self, make: Callable[[str], str]):
        super().__init__()
        self.make = make

    def __missing__(self, key: str) -> str:
        value = self[key] = self.make(key)
        return value


def new_draft(demo: Demo, received: date) -> Draft:
    """Draw the facts of a new case: channel, category, subject, route, place and petitioners."""
    rng = demo.rng
    cid = demo.w.new_id("case")
    demo.case_seq[received.year] += 1
    number = f"{demo.prefix}-{received.year}-{demo.case_seq[received.year]:06d}"
    demo.memory.month_ids.setdefault((received.year, received.month), [cid, cid])[1] = cid
    years = (received - demo.start).days / 365.25
    channel = CHANNELS.pick(rng)
    parent = demo.memory.pick_parent(rng, received) if rng.random() < REPEAT_SHARE else None
    if parent is not None:
        draft = Draft(
            cid, number, received, years, channel, parent.category, parent.subject, "petition", parent.place
        )
        return _repeat(draft, parent)
    category = CATEGORIES.pick(rng)
    subject = SUBJECTS_BY_CATEGORY[category].pick(rng)
    route = _route(rng, category, subject)
    where = geography.place(demo, subject, village=subject == "land_requisition" and rng.random() < 0.7)
    group = category == "complaint" and rng.random() < GROUP_SUBJECTS.get(subject, 0.01)
    group_size = (between(rng, 5, 30) if rng.random() < 0.8 else between(rng, 31, 120)) if group else 1
    if category == "accusation":
        anon_p = 0.35
    else:
        anon_p = 0.03 if channel in ("letter", "online", "leader_mailbox") else 0.0
    anonymous = group_size == 1 and rng.random() < anon_p
    draft = Draft(cid, number, received, years, channel, category, subject, route, where)
    draft.group_size, draft.anonymous = group_size, anonymous
    if not anonymous:
        _petitioners(demo, draft)
    return draft


def _repeat(draft: Draft, parent: Ref) -> Draft:
    """Make the draft a repeat petition of `parent`: the same petitioners, group and matter."""
    draft.group_size, draft.parent = parent.group_size, parent
    draft.barred = parent.terminated_on is not None and parent.terminated_on < draft.received
    draft.petitioner, draft.persons = parent.name, list(parent.persons)
    if parent.persons:
        draft.parties = [(parent.persons[0], "petitioner")]
        if parent.group_size > 1:
            draft.parties += [(p, "representative") for p in parent.persons]
    return draft


def _route(rng, category: str, subject: str) -> str:
    """Draw whether a complaint leaves the petition track for a legal procedure (诉访分离, 第31条)."""
    if category != "complaint":
        return "petition"
    r = rng.random() * 100
    for key, share in ROUTES_OUT.get(subject, ROUTES_OUT_DEFAULT).items():
        if r < share:
            return key
        r -= share
    return "petition"


def _petitioners(demo: Demo, draft: Draft) -> None:
    """Add the petitioner (now and then one who came before), or a group's representatives."""
    rng, received, known = demo.rng, draft.received, demo.memory.people
    if draft.group_size > 1:  # at most five representatives (第20条)
        reps = [people.add_person(demo, draft.place, received) for _ in range(between(rng, 2, 5))]
        draft.persons = [p for p, _ in reps]
        draft.petitioner = reps[0][1]
        draft.parties = [(draft.persons[0], "petitioner")] + [(p, "representative") for p in draft.persons]
        return
    if known and rng.random() < 0.03:
        pid, draft.petitioner = known[rng.randrange(len(known))]
    else:
        pid, draft.petitioner = people.add_person(demo, draft.place, received)
        known.append((pid, draft.petitioner))
    draft.persons, draft.parties = [pid], [(pid, "petitioner")]


def describe(demo: Demo, draft: Draft) -> dict:
    """Write the case's text, pick its units and people in charge; return the case's static columns."""
    rng, where, subject, parent = demo.rng, draft.place, draft.subject, draft.parent
    if draft.category == "accusation" or (
        subject in ("neighbour_dispute", "family_dispute") and rng.random() < 0.6
    ):
        draft.parties.append((people.add_respondent(demo, draft.received), "respondent"))
    title, fact, request = _text(demo, draft)
    leader = _units_and_leader(demo, draft)
    draft.is_first = parent is None and rng.random() > 0.07
    draft.meetings = draft.is_first and bool(draft.persons) and rng.random() < 0.92
    s, c = demo.world.streets[where.street], demo.world.communities[where.community]
    return {
        "channel": draft.channel,
        "received_on": draft.received,
        "category": draft.category,
        "route": draft.route,
        "subject": subject,
        "title": title[:200],
        "content": f"{_who(draft)}：{fact}。{request}。",
        "request": request,
        "street_id": s["id"],
        "community_id": c["id"],
        "grid_id": demo.world.grids[where.grid]["id"],
        "location": f"江北区{s['name']}{c['name']}",
        "is_first": draft.is_first,
        "repeat_of_id": parent.id if parent else None,
        "not_accepted_again": draft.barred,
        "group_size": draft.group_size,
        "anonymous": draft.anonymous,
        "confidential": draft.category == "accusation",
        "received_by_leader_id": leader if draft.channel in LEADER_CHANNELS else None,
        "registrar_id": choice(rng, demo.staff.registrars),
    }


def _text(demo: Demo, draft: Draft) -> tuple[str, str, str]:
    """Return the title, facts and request: a subject's template, or the earlier case's matter again."""
    rng, subject, parent = demo.rng, draft.subject, draft.parent
    slots = _Slots(lambda key: geography.slot(demo, key, draft.place))
    if parent is not None:
        title = parent.title
        if not title.startswith("再次"):
            title = "再次" + (title if title.startswith(TITLE_VERBS) else "反映" + title)
        fact = "此前反映的问题至今未得到解决，" + choice(rng, SUBJECT_TEXT[subject])[1].format_map(slots)
        return title, fact, "要求尽快解决"
    if draft.route == "party_appeal":
        return PARTY_APPEAL_TEXT
    title, fact, request = (x.format_map(slots) for x in choice(rng, SUBJECT_TEXT[subject]))
    return title, fact, request


def _who(draft: Draft) -> str:
    if draft.anonymous:
        return "匿名反映"
    if draft.group_size > 1:
        return f"{draft.petitioner}等{draft.group_size}人反映"
    return f"信访人{draft.petitioner}反映"


def _units_and_leader(demo: Demo, draft: Draft) -> int:
    """Pick the lead and assisting units and the leader who may take charge (包案); return that leader."""
    rng, world, subject = demo.rng, demo.world, draft.subject

    def unit_for(code: str) -> int:
        return world.street_office[draft.place.street] if code == "JD" else world.units[code]

    if draft.category == "accusation":
        draft.lead = world.units[ACCUSATION_UNITS[subject]]
    else:
        draft.lead = unit_for(LEAD_UNITS_W[subject].pick(rng))
    pool = [unit_for(c) for c in ASSIST_UNITS[subject]]
    if pool and rng.random() < 0.2:
        picked = rng.sample(pool, min(len(pool), between(rng, 1, 2)))
        draft.assists = [u for u in dict.fromkeys(picked) if u != draft.lead]
    leader = choice(rng, demo.staff.leaders)
    if (draft.group_size > 1 or draft.parent) and rng.random() < 0.25:
        draft.in_charge = leader
    return leader
