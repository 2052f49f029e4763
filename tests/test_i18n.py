"""Both catalogs carry the same keys, no message is empty, and every enum value has a label."""

from __future__ import annotations

import enum
import re

import pytest

import i18n
import models

ENUM_KINDS = {
    "channel": models.Channel,
    "category": models.Category,
    "route": models.Route,
    "status": models.CaseStatus,
    "outcome": models.Outcome,
    "satisfaction": models.Satisfaction,
    "party_role": models.PartyRole,
    "meeting": models.MeetingKind,
    "pause": models.PauseKind,
    "stage": models.Stage,
    "notice_method": models.NoticeMethod,
    "unit_role": models.UnitRole,
    "role": models.Role,
    "unit_kind": models.UnitKind,
    "mediator_level": models.MediatorLevel,
    "mediation_kind": models.MediationKind,
    "mediation_status": models.MediationStatus,
    "mediation_source": models.MediationSource,
    "confirmation_result": models.ConfirmationResult,
    "performance_status": models.PerformanceStatus,
    "letter_kind": models.LetterKind,
    "letter_status": models.LetterStatus,
    "letter_trigger": models.LetterTrigger,
    "action_kind": models.ActionKind,
    "action_status": models.ActionStatus,
    "spot_check_status": models.SpotCheckStatus,
}


def test_catalogs_have_the_same_keys():
    zh, en = i18n.catalog("zh_CN"), i18n.catalog("en")
    assert sorted(set(zh) - set(en)) == []
    assert sorted(set(en) - set(zh)) == []


@pytest.mark.parametrize("language", list(i18n.LANGUAGES))
def test_no_message_is_empty(language):
    empty = [k for k, v in i18n.catalog(language).items() if not v.strip()]
    assert empty == []


def test_placeholders_match_between_languages():
    zh, en = i18n.catalog("zh_CN"), i18n.catalog("en")
    pattern = re.compile(r"\{(\w+)\}")
    wrong = [k for k in zh if set(pattern.findall(zh[k])) != set(pattern.findall(en.get(k, "")))]
    assert wrong == []


@pytest.mark.parametrize("kind", sorted(ENUM_KINDS))
def test_every_enum_value_has_a_label_in_both_languages(kind):
    enum_cls: type[enum.Enum] = ENUM_KINDS[kind]
    for language in i18n.LANGUAGES:
        missing = [m.value for m in enum_cls if f"enum.{kind}.{m.value}" not in i18n.catalog(language)]
        assert missing == [], f"{language} lacks labels for {kind}: {missing}"


def test_every_subject_has_a_label():
    from core.places.reference import SUBJECTS

    for language in i18n.LANGUAGES:
        assert [s for s in SUBJECTS if f"enum.subject.{s}" not in i18n.catalog(language)] == []


def test_default_language_is_chinese_and_english_is_available():
    i18n.set_language("zh_CN")
    assert i18n.label("channel", models.Channel.VISIT) == "来访"
    assert i18n.t("enum.status.closed", language="en") == "Closed"
    i18n.set_language("xx")  # unknown falls back to Chinese
    assert i18n.get_language() == "zh_CN"


def test_code_uses_only_keys_that_exist():
    """Every literal t("…") key in the code is in the catalog (a typo fails here, not at a user's click)."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    pattern = re.compile(r"""\bt\(\s*["']([a-z_]+(?:\.[a-z0-9_]+)+)["']""")
    zh = i18n.catalog("zh_CN")
    missing = set()
    for folder in ("core", "pages", "widgets", "api", "lowcode", "shell.py"):
        paths = [root / folder] if folder.endswith(".py") else (root / folder).rglob("*.py")
        for path in paths:
            for key in pattern.findall(path.read_text(encoding="utf-8")):
                if key not in zh:
                    missing.add(f"{path.relative_to(root)}: {key}")
    assert sorted(missing) == []
