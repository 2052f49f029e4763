"""A small mediation centre built by hand, whose figures the roster and suggestion tests work out on paper.

Street S: community C1 (grids G1, G2), community C2 (grid G3). Street S2: grid G4.

    mediator   level    grid  specialties          mentor
    A 老王     veteran  G1    property_management
    B 老李     veteran  G3    family_dispute
    C 小张     junior   G2    property_management  A (since 2025-06-01)
    D 小赵     junior   G1    neighbour_dispute    B (since 2025-01-01, signed off 2026-01-10)
    E 老周     veteran  G4    property_management
    F 老孙     veteran  G1    property_management  (inactive)

    cases  team (lead first)  status              accepted → closed
    c1     A, C               accepted (open)
    c2     A                  applied (open)
    c3     A, C               agreed              2026-03-01 → 03-11 (10 days)
    c4     A, C               agreed              2026-04-01 → 04-21 (20 days)
    c5-c8  A                  agreed              2026-05-0n → 05-1n
    c9     A                  failed              2026-06-01 → 06-10
    c10    C                  failed              2026-06-01 → 06-15
    c11    C                  agreed              2026-05-01 → 05-31 (30 days)
    c12    B                  agreed              2026-02-01 → 02-05
    c13    B, D               failed              2026-02-01 → 02-20

So A: 2 open, 6 agreed, 1 failed (86 %); C: 1 open, 3 agreed, 1 failed (75 %), 3 with his mentor, 2 led
alone, median 20 days; B: 1 agreed, 1 failed (50 %); D: 1 failed (0 %), 1 with his mentor; E: none.
The case to suggest for, M, is a 物业纠纷 in grid G1 with no team yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from models import (
    Case,
    Community,
    Grid,
    MediationCase,
    MediationMediator,
    MediationStatus,
    Mediator,
    MediatorLevel,
    Mentorship,
    Role,
    Street,
    User,
)
from tests.factories import make_user, register, unique

V, J = MediatorLevel.VETERAN, MediatorLevel.JUNIOR


@dataclass
class World:
    street: Street
    street2: Street
    grids: dict[str, Grid]
    mediators: dict[str, Mediator]
    cases: dict[str, MediationCase]
    pairs: dict[str, Mentorship]
    target: MediationCase
    users: dict[str, User]


def _place(session: Session):
    s, s2 = Street(code=unique("S")[:12], name="石马河街道"), Street(code=unique("S")[:12], name="寸滩街道")
    session.add_all([s, s2])
    session.flush()
    c1 = Community(code=unique("C")[:12], name="南桥寺社区", street_id=s.id)
    c2 = Community(code=unique("C")[:12], name="大庆村社区", street_id=s.id)
    c3 = Community(code=unique("C")[:12], name="海尔路社区", street_id=s2.id)
    session.add_all([c1, c2, c3])
    session.flush()
    grids = {
        "G1": Grid(code=unique("G")[:16], name="第1网格", community_id=c1.id),
        "G2": Grid(code=unique("G")[:16], name="第2网格", community_id=c1.id),
        "G3": Grid(code=unique("G")[:16], name="第3网格", community_id=c2.id),
        "G4": Grid(code=unique("G")[:16], name="第4网格", community_id=c3.id),
    }
    session.add_all(grids.values())
    session.flush()
    return s, s2, grids


def _case(session: Session, street: Street, grid: Grid, status, accepted=None, closed=None, **kw):
    n = unique("")
    m = MediationCase(
        number=f"TJ-T-{n}",
        dispute_type=kw.pop("dispute_type", "物业纠纷"),
        title=kw.pop("title", f"调解案件{n}"),
        parties="甲、乙",
        grid_id=grid.id,
        street_id=street.id,
        status=status,
        applied_on=accepted or date(2026, 9, 1),
        accepted_on=accepted,
        due_on=date(2026, 10, 20) if status == MediationStatus.ACCEPTED else None,
        closed_on=closed,
        **kw,
    )
    session.add(m)
    session.flush()
    return m


def build(session: Session, users: dict[str, User] | None = None) -> World:
    """Write the world above; `users` links mediators (by letter) to sign-in accounts."""
    users = users or {}
    s, s2, g = _place(session)
    rows = {
        "A": ("老王", V, s, "G1", "property_management", True),
        "B": ("老李", V, s, "G3", "family_dispute", True),
        "C": ("小张", J, s, "G2", "property_management", True),
        "D": ("小赵", J, s, "G1", "neighbour_dispute", True),
        "E": ("老周", V, s2, "G4", "property_management", True),
        "F": ("老孙", V, s, "G1", "property_management", False),
    }
    med = {}
    for key, (name, level, street, grid, spec, active) in rows.items():
        user = users.get(key)
        med[key] = Mediator(
            name=name,
            phone=f"1390000000{len(med)}",
            level=level,
            specialties=spec,
            organisation=f"{street.name}人民调解委员会",
            street_id=street.id,
            grid_id=g[grid].id,
            user_id=user.id if user else None,
            active=active,
        )
    session.add_all(med.values())
    session.flush()
    pairs = {
        "AC": Mentorship(mentor_id=med["A"].id, mentee_id=med["C"].id, started_on=date(2025, 6, 1)),
        "BD": Mentorship(
            mentor_id=med["B"].id,
            mentee_id=med["D"].id,
            started_on=date(2025, 1, 1),
            signed_off_on=date(2026, 1, 10),
        ),
    }
    session.add_all(pairs.values())
    A, D_ = MediationStatus.AGREED, date
    plan = {
        "c1": ("AC", MediationStatus.ACCEPTED, D_(2026, 9, 20), None),
        "c2": ("A", MediationStatus.APPLIED, None, None),
        "c3": ("AC", A, D_(2026, 3, 1), D_(2026, 3, 11)),
        "c4": ("AC", A, D_(2026, 4, 1), D_(2026, 4, 21)),
        **{f"c{i}": ("A", A, D_(2026, 5, i - 4), D_(2026, 5, i + 6)) for i in range(5, 9)},
        "c9": ("A", MediationStatus.FAILED, D_(2026, 6, 1), D_(2026, 6, 10)),
        "c10": ("C", MediationStatus.FAILED, D_(2026, 6, 1), D_(2026, 6, 15)),
        "c11": ("C", A, D_(2026, 5, 1), D_(2026, 5, 31)),
        "c12": ("B", A, D_(2026, 2, 1), D_(2026, 2, 5)),
        "c13": ("BD", MediationStatus.FAILED, D_(2026, 2, 1), D_(2026, 2, 20)),
    }
    cases = {}
    for name, (team, status, accepted, closed) in plan.items():
        cases[name] = _case(session, s, g["G1"], status, accepted, closed)
        for i, letter in enumerate(team):
            session.add(
                MediationMediator(mediation_id=cases[name].id, mediator_id=med[letter].id, is_lead=i == 0)
            )
    target = _case(session, s, g["G1"], MediationStatus.APPLIED, title="小区物业费纠纷")
    session.commit()
    return World(s, s2, g, med, cases, pairs, target, users)


def with_mediator_users(session: Session, letters: str) -> World:
    """Build the world with a mediator's sign-in account for each of `letters` (e.g. "AC")."""
    return build(session, {k: make_user(session, Role.MEDIATOR, name=f"调解员{k}") for k in letters})


def make_hard(session: Session, world: World, actor: User) -> None:
    """Link the case to suggest for to a group petition of six: a hard case."""
    petition = register(session, actor)
    session.get(Case, petition.id).group_size = 6
    world.target.case_id = petition.id
    session.commit()
