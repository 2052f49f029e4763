"""The demo district's places: streets, communities and grids (DOMAIN.md §9), the roads, estates, projects
and companies that case texts name, and where a case on a subject arises."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from core.demo import names
from core.demo.draw import Weighted, between, choice
from core.demo.tables import SLOT_RANGES, STREET_WEIGHTS, SUBJECT_STREET_WEIGHTS
from core.demo.texts import ESTATE_SUFFIXES, ESTATE_WORDS, OLD_ESTATE_UNITS, PROJECT_NAMES
from core.places import reference

if TYPE_CHECKING:
    from core.demo.context import Demo

# Streets where the 保交楼 (guaranteed delivery) projects are, in the order projects are placed.
DEVELOPING = ("005", "100", "008", "007", "003", "006", "002", "004")


@dataclass(slots=True)
class Place:
    street: int  # indexes into World.streets / communities / grids
    community: int
    grid: int


@dataclass
class World:
    """The district as lists of dicts: ids of its rows and the material of addresses and texts."""

    streets: list[dict] = field(default_factory=list)
    communities: list[dict] = field(default_factory=list)
    grids: list[dict] = field(default_factory=list)
    villages: list[int] = field(default_factory=list)
    companies: list[str] = field(default_factory=list)
    street_w: Weighted | None = None
    subject_street_w: dict[str, Weighted] = field(default_factory=dict)
    units: dict[str, int] = field(default_factory=dict)  # unit code -> id (people.add_units)
    street_office: list[int] = field(default_factory=list)  # by street index

    def street_index(self, suffix: str) -> int:
        return next(i for i, s in enumerate(self.streets) if s["code"].endswith(suffix))


def build_world(demo: Demo) -> World:
    """Write streets, communities and grids (rows already present are reused by code); return the world."""
    world, w = World(), demo.w
    have = {table: w.existing(table) for table in ("street", "community", "grid")}
    for code, name, kind in reference.STREETS:
        sid = have["street"].get(code) or w.add_row("street", code=code, name=name, kind=kind)
        s = {"id": sid, "code": code, "name": name, "roads": reference.STREET_ROADS[code]}
        s.update(communities=[], villages=[], mediators=[], projects=[])
        world.streets.append(s)
        numbers = Counter()
        for cname in reference.COMMUNITIES[code]:
            village = cname.endswith("村")
            numbers[village] += 1
            ccode = f"{code}{numbers[village] + (200 if village else 0):03d}"
            _community(demo, world, have, s, ccode, cname, village)
    world.villages = [i for i, c in enumerate(world.communities) if c["village"]]
    _projects(demo, world)
    world.companies = [names.company_name(demo.geo) for _ in range(160)]
    world.street_w = Weighted((i, STREET_WEIGHTS[s["code"][-3:]]) for i, s in enumerate(world.streets))
    world.subject_street_w = {
        subject: Weighted((world.street_index(k), v) for k, v in weights.items())
        for subject, weights in SUBJECT_STREET_WEIGHTS.items()
    }
    return world


def _community(demo: Demo, world: World, have: dict, s: dict, ccode: str, cname: str, village: bool) -> None:
    """Write a community (or village) and its grids, with the roads and estates its addresses use."""
    geo, w = demo.geo, demo.w
    kind = "village" if village else "community"
    cid = have["community"].get(ccode) or w.add_row(
        "community", code=ccode, name=cname, kind=kind, street_id=s["id"]
    )
    base = cname.removesuffix("社区")
    own_road = base[-1] in "路街村"
    roads = list(dict.fromkeys(([base] if own_road else []) + geo.sample(s["roads"], 2)))
    first = choice(geo, ESTATE_WORDS) if own_road else base
    estates = [
        f"{first if i == 0 else choice(geo, ESTATE_WORDS)}{choice(geo, ESTATE_SUFFIXES)}" for i in range(4)
    ]
    old = [f"{choice(geo, roads)}{between(geo, 1, 200)}号院", f"{choice(geo, OLD_ESTATE_UNITS)}宿舍"]
    ci = len(world.communities)
    c = dict(id=cid, name=cname, street=len(world.streets) - 1, village=village, roads=roads, estates=estates)
    c.update(old=old, grids=[])
    world.communities.append(c)
    s["villages" if village else "communities"].append(ci)
    for g in range(1, (between(geo, 2, 4) if village else between(geo, 4, 8)) + 1):
        gcode = f"{ccode}{g:03d}"
        gid = have["grid"].get(gcode) or w.add_row(
            "grid", code=gcode, name=f"{s['name']}{cname}第{g}网格", community_id=cid
        )
        c["grids"].append(len(world.grids))
        world.grids.append({"id": gid, "community": ci})


def _projects(demo: Demo, world: World) -> None:
    """Place the housing projects (楼盘) on the roads of the developing streets; every street has one."""
    geo = demo.geo
    for i, word in enumerate(PROJECT_NAMES + PROJECT_NAMES[:8]):
        s = world.streets[world.street_index(DEVELOPING[i % len(DEVELOPING)])]
        s["projects"].append(f"{choice(geo, s['roads']).removesuffix('大道').removesuffix('路')}·{word}")
    for s in world.streets:
        s["projects"] = s["projects"] or [f"{s['name'][:2]}·{choice(geo, PROJECT_NAMES)}"]


def place(demo: Demo, subject: str, village: bool = False) -> Place:
    """Draw where a case on `subject` arises: a street by its weight for the subject, a community, a grid."""
    rng, world = demo.rng, demo.world
    si = world.subject_street_w.get(subject, world.street_w).pick(rng)
    s = world.streets[si]
    if village and s["villages"]:
        pool = s["villages"]
    else:
        pool = s["communities"] + (s["villages"] if rng.random() < 0.15 else [])
    ci = choice(rng, pool)
    return Place(si, ci, choice(rng, world.communities[ci]["grids"]))


def slot(demo: Demo, key: str, where: Place) -> str:
    """Return a value for a text template slot such as {estate}, drawn for the place."""
    rng, world = demo.rng, demo.world
    s, c = world.streets[where.street], world.communities[where.community]
    if key in ("estate", "old_estate", "road"):
        return choice(rng, c[{"estate": "estates", "old_estate": "old", "road": "roads"}[key]])
    if key == "project":
        return choice(rng, s["projects"])
    if key == "company":
        return choice(rng, world.companies)
    if key == "street":
        return s["name"]
    if key == "community":
        return s["name"] + c["name"]
    if key == "village":
        pool = [c["name"]] if c["village"] else [world.communities[v]["name"] for v in s["villages"]]
        return choice(rng, pool or [world.communities[v]["name"] for v in world.villages])
    low, high = SLOT_RANGES[key]
    if key == "amount":
        return str(between(rng, low, high) * 100)
    if key.startswith("year_"):
        return str(demo.today.year - between(rng, low, high))
    if key.startswith("fee_"):
        return f"{between(rng, low, high) / 10:.1f}"
    return str(between(rng, low, high))
