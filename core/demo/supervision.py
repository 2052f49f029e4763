"""The demo's supervision: letters to units (督办函, 风险提示函, 改进工作建议函) and the monthly registration
spot checks (登记抽查) with their findings and rectifications."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta
from typing import TYPE_CHECKING

from core.calendar import clock
from core.demo.context import DEFAULT_CASES
from core.demo.draw import between, choice
from core.demo.tables import TRIGGERS
from core.demo.texts import FINDINGS, LETTER_MARKS, LETTER_TOPICS
from models import Stage

if TYPE_CHECKING:
    from core.demo.context import Demo

LETTERS_PER_YEAR = {"supervision": 60, "risk_alert": 10, "improvement": 30}  # at the seed's 20,000 cases
REPLY_TEXT = "已收悉，已按要求组织办理，相关问题已整改落实，现将办理情况报告如下。"
VERSIONS = {"issued": 1, "replied": 2, "closed": 3}


def add_letters(demo: Demo) -> None:
    """督办函 for overdue cases, 风险提示函 for group and repeat petitions, 改进工作建议函 to units (60/10/30 a year)."""
    letters = _supervision(demo) + _risk_alerts(demo) + _improvements(demo)
    letters.sort(key=lambda x: (x[4], x[0], x[2] or 0))
    seq: Counter[tuple[str, int]] = Counter()
    for letter in letters:
        kind, issued = letter[0], letter[4]
        seq[(kind, issued.year)] += 1
        _letter(demo, letter, f"江北信{LETTER_MARKS[kind]}〔{issued.year}〕{seq[(kind, issued.year)]}号")


def _supervision(demo: Demo) -> list[tuple]:
    rng, T = demo.rng, demo.today
    late = [x for x in demo.memory.late if x[3] < T]
    out = []
    for cid, number, unit, due, done in rng.sample(late, min(len(late), per_year(demo, 60))):
        issued = min(done or T, due + timedelta(days=between(rng, 1, 7)))
        subject = f"关于督促办理{number}号信访事项的函"
        content = f"{number}号信访事项已超过法定办理期限，请于收函后10个工作日内办结并书面报告办理情况。"
        out.append(("supervision", TRIGGERS.pick(rng), cid, unit, issued, subject, content))
    return out


def _risk_alerts(demo: Demo) -> list[tuple]:
    rng, risky = demo.rng, demo.memory.risky
    out = []
    for cid, number, unit, triaged in rng.sample(risky, min(len(risky), per_year(demo, 10))):
        issued = min(demo.today, triaged + timedelta(days=between(rng, 1, 10)))
        subject = f"关于{number}号信访事项的风险提示函"
        content = (
            f"{number}号信访事项涉及群体或重复信访，存在矛盾激化风险，请落实包案责任，做好稳控化解工作。"
        )
        out.append(("risk_alert", "other", cid, unit, issued, subject, content))
    return out


def _improvements(demo: Demo) -> list[tuple]:
    rng = demo.rng
    units, days = list(demo.staff.handlers), (demo.today - demo.start).days
    out = []
    for _ in range(per_year(demo, 30)):
        topic = choice(rng, LETTER_TOPICS)
        issued = demo.start + timedelta(days=between(rng, 0, days))
        trigger = choice(rng, ["wrong_procedure", "other", "not_carried_out"])
        content = f"经分析近期信访事项办理情况，建议贵单位{topic}，并于收函后书面回复采纳情况。"
        out.append(
            ("improvement", trigger, None, choice(rng, units), issued, f"关于{topic}的建议函", content)
        )
    return out


def _letter(demo: Demo, letter: tuple, number: str) -> None:
    """Write a letter; most are replied to within the 15 working days, and closed a few days later."""
    rng, T = demo.rng, demo.today
    kind, trigger, cid, unit, issued, subject, content = letter
    replied = issued + timedelta(days=between(rng, 3, 18))
    status, replied_on, reply = "issued", None, None
    if replied <= T:
        status, replied_on, reply = "replied", replied, REPLY_TEXT
        if replied + timedelta(days=between(rng, 2, 10)) <= T:
            status = "closed"
    demo.w.add_row(
        "supervision_letter",
        number=number,
        kind=kind,
        trigger=trigger,
        case_id=cid,
        unit_id=unit or demo.world.units["XFB"],
        subject=subject,
        content=content,
        issued_on=issued,
        due_on=clock.stage_due(demo.cal, demo.limits, Stage.LETTER_REPLY, issued).on,
        status=status,
        replied_on=replied_on,
        reply=reply,
        issued_by_id=choice(rng, demo.staff.supervisors),
        created_at=demo.at(issued, 10, 0),
        version=VERSIONS[status],
    )


def per_year(demo: Demo, per_year: float) -> int:
    """Scale a yearly figure of the seed (at 20,000 cases over three years) to this load."""
    years = ((demo.today - demo.start).days + 1) / 365.25
    return max(1, round(per_year * years * demo.n_cases / DEFAULT_CASES))


def add_spot_checks(demo: Demo) -> None:
    """A monthly registration spot check (登记抽查) of ~8 % of the month's cases; a few fail and are rectified."""
    rng, T = demo.rng, demo.today
    seq: Counter[int] = Counter()
    for (year, month), (first, last) in sorted(demo.memory.month_ids.items()):
        following = date(year + (month == 12), month % 12 + 1, 1)
        drawn = following + timedelta(days=between(rng, 2, 8))
        if drawn > T or date(year, month, 1) < demo.start:
            continue
        draw_seed = rng.randrange(1, 2**31)
        size = min(last - first + 1, max(1, min(60, round((last - first + 1) * 0.08))))
        sample = sorted(random.Random(draw_seed).sample(range(first, last + 1), size))
        seq[drawn.year] += 1
        sid = demo.w.new_id("spot_check")
        checked = drawn + timedelta(days=between(rng, 2, 6))
        failed, rectified = _check_items(demo, sid, sample, checked)
        if checked > T:
            status, summary = "drawn", None
        else:
            status = "checked" if not failed else ("rectified" if rectified == failed else "notified")
            summary = f"抽查{year}年{month}月登记信访事项{size}件，合格{size - failed}件，发现问题{failed}件"
            summary += "，已通报整改。" if failed else "。"
        demo.w.add(
            "spot_check",
            id=sid,
            number=f"{demo.prefix}-CC-{drawn.year}-{seq[drawn.year]:02d}",
            period_from=date(year, month, 1),
            period_to=following - timedelta(days=1),
            sample_size=size,
            seed=draw_seed,
            drawn_on=drawn,
            drawn_by_id=choice(rng, demo.staff.supervisors),
            status=status,
            summary=summary,
        )


def _check_items(demo: Demo, sid: int, sample: list[int], checked: date) -> tuple[int, int]:
    """Write the checked cases of a spot check; return how many failed and how many of those were rectified."""
    rng, T, xfb = demo.rng, demo.today, demo.world.units["XFB"]
    done = checked <= T
    failed = rectified = 0
    for cid in sample:
        passed = rng.random() > 0.016 if done else None
        fixed = checked + timedelta(days=between(rng, 5, 20))
        if passed is False:
            failed += 1
            rectified += fixed <= T
        demo.w.add_row(
            "spot_check_item",
            spot_check_id=sid,
            case_id=cid,
            passed=passed,
            findings=choice(rng, FINDINGS) if passed is False else None,
            unit_id=demo.memory.lead_of(cid) or xfb,
            rectification_due=checked + timedelta(days=15) if passed is False else None,
            rectified_on=fixed if passed is False and fixed <= T else None,
        )
    return failed, rectified
