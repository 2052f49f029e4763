"""The demo's people: units and their staff accounts, the mediators (老马带小马), petitioners and the persons
complained about."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from core.demo import names
from core.demo.draw import between, choice, words, years_before
from core.demo.geography import Place
from core.demo.tables import SPECIALTIES
from core.places import reference

if TYPE_CHECKING:
    from core.demo.context import Demo

# Units with two handlers: the ones most cases go to.
BUSY_UNITS = frozenset(words("ZJW CSGX GHZY BDCDJ RSJ LDJC CGJ SCJG MZJ JD001 JD003 JD004 JD006 JD007"))
MEDIATORS, VETERANS = 300, 75


@dataclass
class Staff:
    """The demo's accounts by role, and the mediators with their mentorships."""

    roles: Counter[str] = field(default_factory=Counter)  # accounts created, by role
    names: dict[int, str] = field(default_factory=dict)  # user id -> display name
    registrars: list[int] = field(default_factory=list)
    leaders: list[int] = field(default_factory=list)
    supervisors: list[int] = field(default_factory=list)
    handlers: dict[int, list[int]] = field(default_factory=dict)  # unit id -> handler user ids
    mediator_users: list[int] = field(default_factory=list)
    mediators: dict[int, dict] = field(default_factory=dict)  # mediator id -> name, level, mentor, mentees

    def handler(self, rng, unit_id: int | None) -> int:
        """Draw a handler of the unit (a registrar when the unit has none or there is no unit)."""
        handlers = self.handlers.get(unit_id) if unit_id else None
        return choice(rng, handlers) if handlers else choice(rng, self.registrars)


def add_units(demo: Demo) -> None:
    """Write the units of the district (rows already present are reused by code)."""
    world = demo.world
    have = demo.w.existing("unit")
    street_ids = {s["code"]: s["id"] for s in world.streets}
    for code, name, short, kind, parent, street in reference.UNITS:
        world.units[code] = have.get(code) or demo.w.add_row(
            "unit",
            code=code,
            name=name,
            short_name=short,
            kind=kind,
            parent_id=world.units[parent] if parent else None,
            street_id=street_ids.get(street),
        )
    world.street_office = [world.units["JD" + s["code"][-3:]] for s in world.streets]


DISPLAY, DISPLAY_NAME = "demo.display", "会议室大屏"


def add_users(demo: Demo) -> Staff:
    """Demo accounts of every role but admin, without passwords (logins.set_demo_passwords gives some one)."""
    have = demo.w.existing("user", "username")
    staff, units = Staff(), demo.world.units

    def add(username: str, role: str, unit: str | None, display: str | None = None) -> int:
        display = display or names.full_name(demo.geo, birth_year=between(demo.geo, 1965, 1995))
        uid = have.get(username)
        if uid is None:
            uid = demo.w.add_row(
                "user",
                username=username,
                display_name=display,
                role=role,
                unit_id=units[unit] if unit else None,
                password_hash=None,
                created_at=demo.at(demo.start, 9, 0),
            )
            staff.roles[role] += 1
        staff.names[uid] = display
        return uid

    staff.registrars = [add(f"demo.registrar{i}", "registrar", "XFB") for i in range(1, 7)]
    staff.leaders = [add(f"demo.leader{i}", "leader", None) for i in range(1, 9)]
    staff.supervisors = [add(f"demo.supervisor{i}", "supervisor", "XFB") for i in range(1, 5)]
    for code, *_ in reference.UNITS:
        if code != "XFB":
            n = 2 if code in BUSY_UNITS else 1
            handlers = [add(f"demo.handler.{code.lower()}{i}", "handler", code) for i in range(1, n + 1)]
            staff.handlers[units[code]] = handlers
    staff.mediator_users = [add(f"demo.mediator{i}", "mediator", "MDZX") for i in range(1, 13)]
    add(
        DISPLAY, "display", None, DISPLAY_NAME
    )  # the meeting room's big screen; named, so no draw shifts the rest
    return staff


def add_mediators(demo: Demo) -> None:
    """About 300 mediators, a quarter veterans (老马); each junior (小马) has a veteran mentor in his street."""
    rng, world = demo.geo, demo.world
    per_street = [2] * len(world.streets)  # at least two veterans in every street and town
    for _ in range(VETERANS - sum(per_street)):
        per_street[world.street_w.pick(rng)] += 1
    levels = [(si, True) for si, n in enumerate(per_street) for _ in range(n)]
    levels += [(world.street_w.pick(rng), False) for _ in range(MEDIATORS - VETERANS)]
    users = list(demo.staff.mediator_users)
    for si, veteran in levels:
        _mediator(demo, si, veteran, users)
    for s in world.streets:
        _mentorships(demo, s)


def _mediator(demo: Demo, si: int, veteran: bool, users: list[int]) -> None:
    rng, world, mediators = demo.geo, demo.world, demo.staff.mediators
    s = world.streets[si]
    c = world.communities[choice(rng, s["communities"] + s["villages"])]
    birth = between(rng, 1950, 1972) if veteran else between(rng, 1978, 2000)
    name = names.full_name(rng, rng.random() < (0.6 if veteran else 0.45), birth)
    if veteran:
        org = "江北区矛盾纠纷多元化解中心" if rng.random() < 0.2 else f"{s['name']}人民调解委员会"
    else:
        org = f"{s['name']}{c['name']}小马工作站"
    trained = years_before(demo.start, between(rng, 1, 8 if veteran else 3)) - timedelta(
        days=rng.randrange(300)
    )
    user_id = users.pop(0) if veteran and users and rng.random() < 0.5 else None
    mid = demo.w.add_row(
        "mediator",
        name=name,
        phone=names.mobile(rng),
        level="veteran" if veteran else "junior",
        specialties=",".join(rng.sample(SPECIALTIES, between(rng, 1, 3))),
        organisation=org,
        organisation_kind="centre" if org.endswith("中心") else "committee",
        street_id=s["id"],
        community_id=c["id"],
        grid_id=world.grids[choice(rng, c["grids"])]["id"],
        user_id=user_id,
        trained_on=trained,
        certified_on=trained + timedelta(days=30),  # no draw: the rest of the demo stays as it was
        certificate_expires_on=trained + timedelta(days=30 + 3 * 365),
        active=rng.random() < 0.97,
    )
    mediators[mid] = {"name": name, "veteran": veteran, "user": user_id, "trained": trained}
    mediators[mid].update(mentor=None, mentees=[])
    s["mediators"].append(mid)


def _mentorships(demo: Demo, s: dict) -> None:
    """Give each junior of the street the veteran with the fewest mentees (ties drawn) as mentor."""
    rng, mediators = demo.geo, demo.staff.mediators
    vets = [m for m in s["mediators"] if mediators[m]["veteran"]]
    for m in s["mediators"]:
        junior = mediators[m]
        if junior["veteran"]:
            continue
        mentor = min(vets, key=lambda v: (len(mediators[v]["mentees"]), rng.random()))
        junior["mentor"] = mentor
        mediators[mentor]["mentees"].append(m)
        began = junior["trained"] + timedelta(days=between(rng, 0, 60))
        ended = began + timedelta(days=between(rng, 400, 900)) if rng.random() < 0.06 else None
        ended = ended if ended and ended <= demo.today else None
        demo.w.add_row("mentorship", mentor_id=mentor, mentee_id=m, started_on=began, ended_on=ended)


def add_person(demo: Demo, where: Place, received: date) -> tuple[int, str]:
    """Add a petitioner living in the place: valid ID number (mostly), mobile phone, Jiangbei address."""
    rng, world, taken = demo.rng, demo.world, demo.memory.id_numbers
    birth = names.birth_date(rng, received)
    male = rng.random() < 0.52
    name = names.full_name(rng, male, birth.year)
    id_number = None
    if rng.random() < 0.93:
        while id_number is None or id_number in taken:
            id_number = names.id_number(rng, birth, male)
        taken.add(id_number)
    s, c = world.streets[where.street], world.communities[where.community]
    address = names.street_address(
        rng, s["name"], choice(rng, c["roads"]), c["name"] if c["village"] else None
    )
    phone = names.mobile(rng) if rng.random() < 0.96 else None
    pid = demo.w.add_row(
        "person",
        name=name,
        id_number=id_number,
        phone=phone,
        gender="male" if male else "female",
        address=address,
        grid_id=world.grids[where.grid]["id"],
        created_at=demo.at(received, 9, 0),
    )
    return pid, name


def add_respondent(demo: Demo, received: date) -> int:
    """Add a person complained about or accused: a name only."""
    rng = demo.rng
    male = rng.random() < 0.7
    name = names.full_name(rng, male, between(rng, 1960, 1990))
    return demo.w.add_row(
        "person", name=name, gender="male" if male else "female", created_at=demo.at(received, 9, 0)
    )
