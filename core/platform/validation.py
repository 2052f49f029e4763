"""Field checks shared by the services: resident ID numbers, phone numbers, texts and dates."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Annotated

import pydantic

from core.platform import timeutil
from core.platform.errors import ValidationError
from i18n import t

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"  # ISO 7064 MOD 11-2: remainder 0..10 -> check character
# ASCII digits only: \d also matches Arabic-Indic and other scripts' digits, which int() reads but no register holds
_ID18 = re.compile(r"^\d{17}[\dX]$", re.ASCII)
_ID15 = re.compile(r"^\d{15}$", re.ASCII)
_MOBILE = re.compile(r"^1[3-9]\d{9}$", re.ASCII)
_LANDLINE = re.compile(r"^(0\d{2,3})-(\d{7,8})(?:-(\d{1,6}))?$", re.ASCII)
_EARLIEST_BIRTH = date(1890, 1, 1)
EARLIEST_DATE = date(1990, 1, 1)  # no date the office records (received, decided, delivered…) lies before it
MAX_ID = 2**63 - 1  # the largest BIGINT: a larger id names no row and overflows the database driver
Id = Annotated[int, pydantic.Field(ge=1, le=MAX_ID)]  # a row id as the API and the schemas accept it


@dataclass(frozen=True)
class TextLimit:
    """The longest a text may be, in characters, and whether it may hold line breaks and tabs."""

    max_len: int
    multiline: bool = False


# Every text a user types, by field name (the last part of "petitioners.0.name"). The services check it
# (Errors.text), the forms take their max_chars from it and the API refuses the same values, so a text the
# form accepts is never refused elsewhere. Lengths never exceed the column that stores the value.
TEXT_LIMITS: dict[str, TextLimit] = {
    "title": TextLimit(200),
    "content": TextLimit(20_000, multiline=True),
    "request": TextLimit(2_000, multiline=True),
    "location": TextLimit(200),
    "name": TextLimit(40),
    "id_number": TextLimit(20),  # as typed (spaces, full-width digits); stored normalised in 18
    "phone": TextLimit(20),
    "address": TextLimit(200),
    "onsite_note": TextLimit(2_000, multiline=True),
    "routed_to": TextLimit(200),
    "reason": TextLimit(500, multiline=True),
    "note": TextLimit(1_000, multiline=True),
    "new_facts": TextLimit(2_000, multiline=True),  # the new facts and reasons of a repeat (第36条)
    "instruction": TextLimit(1_000, multiline=True),
    "place": TextLimit(200),
    "people": TextLimit(200),
    "notes": TextLimit(2_000, multiline=True),
    "summary": TextLimit(5_000, multiline=True),
    "display_name": TextLimit(40),
    "late_reason": TextLimit(500, multiline=True),  # an extension recorded after the limit (workflow.extend)
    "terms": TextLimit(5_000, multiline=True),
    "parties": TextLimit(500),  # the parties to a mediation, "张三、李四" (core.mediation.referral)
    "party": TextLimit(40),  # a mediation agreement's terms (core.mediation.referral)
    "dispute_type": TextLimit(40),  # a mediation's dispute type (core.mediation.cases)
    "dispute_summary": TextLimit(5_000, multiline=True),
    "present": TextLimit(500),  # the people present at a mediation session (第27条)
    "facts": TextLimit(5_000, multiline=True),  # an agreement's facts and disputed issues (第28条)
    "responsibility": TextLimit(2_000, multiline=True),
    "performance": TextLimit(2_000, multiline=True),  # how and by when the terms are carried out
    "letter_subject": TextLimit(200),  # a supervision letter (core.supervision.letters)
    "letter_content": TextLimit(5_000, multiline=True),
    "policy_area": TextLimit(200),
    "reply": TextLimit(5_000, multiline=True),  # a unit's written reply to a letter or a 督办
    "findings": TextLimit(1_000, multiline=True),  # a spot check's findings on one case
    "report": TextLimit(2_000, multiline=True),  # a unit's rectification report
}
# C0 control characters (and lone surrogates, which no database stores) are refused; a multi-line text
# may hold newlines (also as CRLF) and tabs.
_CONTROL = re.compile("[\x00-\x1f\ud800-\udfff]")
_CONTROL_MULTILINE = re.compile("[\x00-\x08\x0b-\x0c\x0e-\x1f\ud800-\udfff]|\r(?!\n)")


def text_limit(field: str) -> TextLimit:
    """Return the limit of a text field, e.g. "petitioners.0.name" -> the limit of "name"."""
    name = field.rsplit(".", 1)[-1]
    try:
        return TEXT_LIMITS[name]
    except KeyError:
        raise KeyError(f"text field {name!r} has no limit: add it to validation.TEXT_LIMITS") from None


def has_control_chars(value: str, *, multiline: bool = False) -> bool:
    """Return whether `value` holds a character a text may not (see _CONTROL)."""
    return (_CONTROL_MULTILINE if multiline else _CONTROL).search(value) is not None


def _clean(value: str | None) -> str:
    """Return `value` with full-width characters folded to ASCII and all whitespace removed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value or ""))


def id_check_char(first17: str) -> str:
    """Return the GB 11643-1999 check character of the first 17 digits of an ID number."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def _birth_date(digits: str) -> date | None:
    try:
        born = date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None
    return born if _EARLIEST_BIRTH <= born <= timeutil.today() else None


def check_id_number(value: str | None, *, field: str = "id_number") -> str:
    """Return the normalised resident ID number, or raise ValidationError naming `field`."""
    raw = _clean(value).upper()
    if _ID15.match(raw):
        birth = "19" + raw[6:12]  # 15-digit numbers (before 1999) carry a 2-digit year and no check
    elif _ID18.match(raw):
        birth = raw[6:14]
    else:
        raise ValidationError(t("workflow.validation.id_number_format"), field=field)
    if _birth_date(birth) is None:
        shown = f"{birth[:4]}-{birth[4:6]}-{birth[6:8]}"
        raise ValidationError(t("workflow.validation.id_number_birth", birth=shown), field=field)
    if len(raw) == 18 and id_check_char(raw[:17]) != raw[17]:
        raise ValidationError(t("workflow.validation.id_number_check"), field=field)
    return raw


def id_number_variants(id_number: str) -> tuple[str, ...]:
    """Return the forms one person's ID number may be stored in: 18 digits and, born 19xx, the old 15."""
    if len(id_number) == 15:
        first17 = id_number[:6] + "19" + id_number[6:]
        return (id_number, first17 + id_check_char(first17))
    if id_number[6:8] == "19":
        return (id_number, id_number[:6] + id_number[8:17])
    return (id_number,)


def gender_from_id(id_number: str) -> str | None:
    """Return "male" or "female" from a valid ID number's sequence digit (odd = male)."""
    digit = id_number[16] if len(id_number) == 18 else id_number[14]
    return "male" if int(digit) % 2 else "female"


def check_phone(value: str | None, *, field: str = "phone") -> str:
    """Return a normalised mobile (13812345678) or landline (023-67512345) number, or raise ValidationError."""
    raw = re.sub(r"^(\+86|0086)-?", "", _clean(value))
    raw = re.sub(r"^\((0\d{2,3})\)-?", r"\1-", raw)  # (023)67512345
    if _MOBILE.match(raw.replace("-", "")):
        return raw.replace("-", "")
    match = _LANDLINE.match(raw)
    if match:
        area, main, extension = match.groups()
    elif re.fullmatch(r"0\d{9,11}", raw):
        area_len = _area_code_length(raw)
        area, main, extension = raw[:area_len], raw[area_len:], None
    else:
        area = main = extension = ""
    if len(area) != _area_code_length(area or "0") or not 7 <= len(main) <= 8:
        raise ValidationError(t("workflow.validation.phone_format"), field=field)
    return f"{area}-{main}" + (f"-{extension}" if extension else "")


def _area_code_length(number: str) -> int:
    # Area codes 010 and 02x have three digits, every other one four: that splits an unhyphenated number.
    return 3 if number[:2] in ("01", "02") else 4


class Errors:
    """Collect field errors and raise them together as one ValidationError."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def add(self, field: str, message: str) -> None:
        """Record `message` for `field` unless the field already has one."""
        self.errors.setdefault(field, message)

    def catch(self, field: str, check, value, **kwargs):
        """Return `check(value)`, recording its ValidationError under `field` instead of raising."""
        try:
            return check(value, field=field, **kwargs)
        except ValidationError as exc:
            self.add(field, exc.message)
            return None

    def text(self, field: str, value: str | None, *, required: bool = True) -> None:
        """Check that a text is given (when required), within its TEXT_LIMITS and free of control characters."""
        limit = text_limit(field)
        if value is not None and not isinstance(value, str):
            self.add(field, t("input.not_text", field=field_label(field)))
        elif required and not (value or "").strip():
            self.add(field, t("workflow.error.required", field=field_label(field)))
        elif value and len(value) > limit.max_len:
            self.add(field, t("workflow.error.too_long", field=field_label(field), max=limit.max_len))
        elif value and has_control_chars(value, multiline=limit.multiline):
            self.add(field, t("input.control_chars", field=field_label(field)))

    def date(
        self, field: str, value: date | None, *, after: date | None = None, after_field: str = ""
    ) -> None:
        """Check that a date is given, not in the future and not before `after` (the previous stage)."""
        today = timeutil.today()
        if value is None:
            self.add(field, t("workflow.error.required", field=field_label(field)))
        elif value < EARLIEST_DATE:
            self.add(
                field, t("input.date_too_early", field=field_label(field), earliest=EARLIEST_DATE.isoformat())
            )
        elif value > today:
            self.add(
                field, t("workflow.error.date_future", field=field_label(field), today=today.isoformat())
            )
        elif after is not None and value < after:
            other = field_label(after_field)
            self.add(
                field, t("workflow.error.date_before", field=field_label(field), other=other, date=after)
            )

    def raise_if_any(self) -> None:
        """Raise one ValidationError carrying every collected field error."""
        if not self.errors:
            return
        messages = list(self.errors.values())
        if len(messages) == 1:
            raise ValidationError(messages[0], errors=dict(self.errors))
        summary = t("workflow.error.summary", count=len(messages), details=" ".join(messages))
        raise ValidationError(summary, errors=dict(self.errors))


def field_label(field: str) -> str:
    """Return the label of a form field, e.g. "petitioners.0.phone" -> "信访人1 联系电话"."""
    parts = field.split(".")
    if len(parts) == 3 and parts[1].isdigit():
        group = t(f"workflow.field.{parts[0]}")
        return t(
            "workflow.field.nth", group=group, n=int(parts[1]) + 1, field=t(f"workflow.field.{parts[2]}")
        )
    return t(f"workflow.field.{field}")


# pydantic error type -> the message key it is shown with (anything else: "invalid value")
_PYDANTIC_MESSAGES = {
    "missing": "workflow.error.required",
    "extra_forbidden": "api.unknown_field",
    "string_type": "input.not_text",
    "string_too_long": "input.too_long",
    "int_type": "input.not_integer",
    "int_parsing": "input.not_integer",
    "int_from_float": "input.not_integer",
    "greater_than_equal": "input.out_of_range",
    "less_than_equal": "input.out_of_range",
    "bool_type": "input.not_bool",
    "bool_parsing": "input.not_bool",
    "list_type": "input.not_list",
    "date_type": "api.bad_date",
    "date_parsing": "api.bad_date",
    "date_from_datetime_parsing": "api.bad_date",
    "date_from_datetime_inexact": "api.bad_date",
    "enum": "workflow.error.invalid_value",
    "model_type": "input.not_object",
    "model_attributes_type": "input.not_object",
    "dict_type": "input.not_object",
}


def safe_label(field: str) -> str:
    """Return the form label of a field, or its name when no form shows it."""
    label = field_label(field)
    return field if "workflow.field." in label else label  # a field the forms never show keeps its name


def from_pydantic(exc: pydantic.ValidationError) -> ValidationError:
    """Return our ValidationError for a schema's pydantic error: one translated message per field."""
    errors = Errors()
    for error in exc.errors():
        name = ".".join(str(part) for part in error["loc"] if not str(part).startswith("function-"))
        ctx = error.get("ctx") or {}
        key = _PYDANTIC_MESSAGES.get(error["type"], "workflow.error.invalid_value")
        errors.add(name, t(key, field=safe_label(name), max=ctx.get("max_length", ""), **_bounds(ctx)))
    try:
        errors.raise_if_any()
    except ValidationError as clean:
        return clean
    return ValidationError(t("workflow.error.invalid_value", field=""))


def _bounds(ctx: dict) -> dict:
    return {"low": ctx.get("ge", 1), "high": ctx.get("le", MAX_ID)}


def api_field(name: str) -> str:
    """Return a field key as the API names it: "petitioners.0.id_number" -> "petitioners[0].id_number"."""
    return re.sub(r"\.(\d+)(?=\.|$)", r"[\1]", name)


def error_list(exc: ValidationError) -> list[dict[str, str]]:
    """Return the field errors in the API's shape: [{"field": "petitioners[0].id_number", "message": "…"}]."""
    out = []
    for name, messages in exc.errors.items():
        for message in [messages] if isinstance(messages, str) else messages:
            out.append({"field": api_field(name), "message": message})
    return out or [{"field": "", "message": exc.message}]
