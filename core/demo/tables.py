"""The demo's weights: how often each channel, category, subject, route, outcome and rating occurs.

Figures follow the seed district of DOMAIN.md §9; each table reads 'key=weight …' (see draw.table).
"""

from __future__ import annotations

from core.demo.draw import Weighted, table, words

CHANNELS = Weighted(
    table(
        "online=29 hotline_12345=17 visit=16 letter=8 phone=5 leader_mailbox=4 leader_reception=6 onsite_office=5 "
        "grassroots_visit=4 grid_report=6"
    )
)
CATEGORIES = Weighted(table("complaint=84 suggestion=9 accusation=7"))
SUBJECTS_BY_CATEGORY = {
    "complaint": Weighted(
        table(
            "old_housing_renovation=13 guaranteed_delivery=11 resettlement_title=9 property_management=15 "
            "land_requisition=5 labour_wages=9 urban_management=7 environment=4 transport=2 education=3 health=3 "
            "social_security=5 public_security=3 market_regulation=5 neighbour_dispute=4 family_dispute=2 discipline=1 other=2"
        )
    ),
    "suggestion": Weighted(
        table(
            "old_housing_renovation=25 urban_management=25 transport=20 education=12 environment=10 other=8"
        )
    ),
    "accusation": Weighted(
        table("discipline=70 land_requisition=8 market_regulation=8 environment=6 public_security=8")
    ),
}
# Share (of 100) of complaints sent out of the petition track (诉访分离, 第31条), by subject and route.
ROUTES_OUT = {
    "labour_wages": table("arbitration=12 litigation=3"),
    "neighbour_dispute": table("litigation=5"),
    "family_dispute": table("litigation=6"),
    "public_security": table("litigation=15"),
    "land_requisition": table("administrative=8 litigation=4"),
    "market_regulation": table("duty_request=10"),
    "guaranteed_delivery": table("litigation=4"),
    "discipline": table("party_appeal=60"),
}
ROUTES_OUT_DEFAULT = table("litigation=2 administrative=2 duty_request=1")
ROUTE_OUT_IN_HANDLING = 0.1  # the unit finds a tenth as many during handling as the office did at triage
DECLINE_SHARE = 0.012  # of cases reaching a unit, declined within its 15 days (不予受理)
# route -> bodies named in routed_to
ROUTED_TO = {
    "litigation": ["区法院（引导诉讼）", "区检察院（法律监督）", "区公安分局（依法受理）"],
    "arbitration": ["区劳动人事争议仲裁院（劳动仲裁）"],
    "party_appeal": ["区纪委监委（党员申诉）"],
    "administrative": ["区司法局（行政复议）", "区规划自然资源局（行政裁决）"],
    "duty_request": ["区市场监管局（投诉举报）", "区城市管理局（依法查处）"],
}
# Lead units by subject ("JD" = the street office of the case's street) and candidate assisting units.
LEAD_UNITS = {
    "old_housing_renovation": ("CSGX=40 ZJW=30 JD=30", "ZJW JD CGJ"),
    "guaranteed_delivery": ("ZJW=70 JD=30", "GHZY RSJ JD SCJG"),
    "resettlement_title": ("BDCDJ=35 GHZY=25 FWZS=20 JD=20", "ZJW JD"),
    "property_management": ("JD=60 WYGL=25 ZJW=15", "WYGL SCJG"),
    "land_requisition": ("ZDFW=40 GHZY=25 JD=35", "RSJ NYW"),
    "labour_wages": ("LDJC=50 RSJ=40 JD=10", "ZJW ZGH"),
    "urban_management": ("CGJ=60 JD=30 SWJT=4 RQ=3 GD=3", "ZJW GAFJ"),
    "environment": ("STHJ=75 JD=25", "CGJ"),
    "transport": ("JTJ=85 JD=15", "GAFJ"),
    "education": ("JW=90 JD=10", ""),
    "health": ("WJW=90 YBJ=10", ""),
    "social_security": ("MZJ=50 RSJ=20 YBJ=10 CL=5 JD=15", "JD"),
    "public_security": ("GAFJ=90 JD=10", ""),
    "market_regulation": ("SCJG=85 SWW=5 JD=10", ""),
    "neighbour_dispute": ("JD=75 MDZX=25", "MDZX"),
    "family_dispute": ("JD=60 MDZX=20 FL=20", "FL MDZX"),
    "discipline": ("JWJW=100", ""),
    "other": ("JD=60 FGW=10 SWJ=10 GD=5 SWJT=5 RQ=5 DX=5", ""),
}
LEAD_UNITS_W = {k: Weighted(table(lead)) for k, (lead, _) in LEAD_UNITS.items()}
ASSIST_UNITS = {k: words(assist) for k, (_, assist) in LEAD_UNITS.items()}
ACCUSATION_UNITS = {
    "discipline": "JWJW",
    "land_requisition": "JWJW",
    "market_regulation": "SCJG",
    "environment": "STHJ",
}
ACCUSATION_UNITS["public_security"] = "GAFJ"

# Street weights by the last three digits of the street code: population, and where each subject arises.
STREET_WEIGHTS = table("001=10 002=5 003=11 004=10 005=8 006=18 007=10 008=6 009=3 100=8 101=4 102=2")
SUBJECT_STREET_WEIGHTS = {
    "guaranteed_delivery": table("005=20 100=20 008=12 007=12 003=12 006=8 002=6 004=6 001=2 101=2"),
    "old_housing_renovation": table("001=18 006=20 004=16 003=12 007=12 002=6 005=6 008=6 009=2 100=1 101=1"),
    "land_requisition": table("100=30 101=20 102=15 009=15 005=10 008=10"),
    "resettlement_title": table("005=15 100=20 008=12 007=12 101=10 102=6 009=8 003=8 004=5 006=4"),
}
# Probability that a complaint on the subject is a group petition (集体访).
GROUP_SUBJECTS = table(
    "guaranteed_delivery=0.16 resettlement_title=0.12 old_housing_renovation=0.06 labour_wages=0.08 "
    "land_requisition=0.10 property_management=0.03"
)
# Probability (in the middle of the three years) that a case on the subject is referred to mediation.
MEDIATION_SUBJECTS = table(
    "neighbour_dispute=0.5 family_dispute=0.55 property_management=0.18 labour_wages=0.12 market_regulation=0.08 "
    "old_housing_renovation=0.05 land_requisition=0.05"
)
DISPUTE_TYPES = Weighted(
    table(
        "邻里纠纷=22 物业纠纷=16 婚姻家庭纠纷=12 劳动争议=9 损害赔偿纠纷=8 房屋租赁纠纷=6 消费纠纷=6 道路交通事故纠纷=6 "
        "合同纠纷=5 医疗纠纷=3 征地拆迁纠纷=3 其他纠纷=4"
    )
)
SUBJECT_DISPUTE = {
    "neighbour_dispute": "邻里纠纷",
    "family_dispute": "婚姻家庭纠纷",
    "property_management": "物业纠纷",
    "labour_wages": "劳动争议",
    "market_regulation": "消费纠纷",
    "land_requisition": "征地拆迁纠纷",
}
DISPUTE_SUBJECT = {v: k for k, v in SUBJECT_DISPUTE.items()}
SUBJECT_DISPUTE["old_housing_renovation"] = "邻里纠纷"
MEDIATION_KINDS = Weighted(
    table("people=74 industry=8 lawyer=5 administrative=5 judicial=4 labour_arbitration=2 legal_aid=2")
)
SPECIALTIES = words(
    "neighbour_dispute family_dispute property_management labour_wages land_requisition old_housing_renovation "
    "market_regulation guaranteed_delivery resettlement_title"
)

OUTCOMES = Weighted(table("support=40 explain=51 reject=9"))
OUTCOMES_REPEAT = Weighted(table("support=15 explain=65 reject=20"))
_SATISFACTION = {
    "support": table("satisfied=92 basically_satisfied=7.2 dissatisfied=0.3 not_rated=0.5"),
    "explain": table("satisfied=74 basically_satisfied=22.7 dissatisfied=1.8 not_rated=1.5"),
    "reject": table("satisfied=40 basically_satisfied=40 dissatisfied=12 not_rated=8"),
}
SATISFACTION = {k: Weighted(v) for k, v in _SATISFACTION.items()}
# Repeat petitioners are three times as often dissatisfied.
SATISFACTION_REPEAT = {
    k: Weighted({s: w * (3 if s == "dissatisfied" else 1) for s, w in v.items()})
    for k, v in _SATISFACTION.items()
}
SATISFACTION_AGREED = Weighted(table("satisfied=95 basically_satisfied=5"))
EXTENSION_NOTICES = Weighted(table("in_person=25 letter=35 phone=30 sms=10"))  # how the petitioner is told
TRIGGERS = Weighted(table("overdue=70 no_feedback=15 passing_the_buck=10 wrong_procedure=5"))
# Channels where a leader meets the petitioner (the case records him), and those that may settle on the spot.
LEADER_CHANNELS = ("leader_reception", "onsite_office", "grassroots_visit")
ONSITE_CHANNELS = ("leader_reception", "onsite_office")
# The three meetings with a first petitioner (三见面), and the minutes past the hour events are stamped at.
MEETING_KINDS = ("acceptance", "investigation", "reply")
EVENT_MINUTES = (0, 10, 15, 20, 30, 40, 45, 50)
# Numeric template slots: inclusive ranges (amount in hundreds of yuan, years before today, fees in tenths).
SLOT_RANGES = {
    "building": (1, 12),
    "months": (2, 18),
    "amount": (3, 400),
    "households": (30, 600),
    "year_buy": (2, 6),
    "year_due": (0, 4),
    "fee_old": (12, 20),
    "fee_new": (22, 30),
}
