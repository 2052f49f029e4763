"""Which ledger column holds which case field: common Chinese headers recognised, a confirmed mapping kept.

A mapping is remembered by the ledger's header set (the Setting `import.mapping.<digest>`), so next month's
ledger from the same office maps itself.
"""

from __future__ import annotations

import hashlib
import json
import re

from sqlmodel import Session

from core.platform.errors import ValidationError
from i18n import t
from models import Setting

# field -> headers it is recognised by, the most common first; a header is compared without spaces, colons,
# asterisks and bracketed notes ("联系电话（手机）" reads as 联系电话)
FIELDS: dict[str, tuple[str, ...]] = {
    "external_id": ("编号", "信访编号", "台账编号", "事项编号", "登记编号", "信访件编号", "件号", "受理编号"),
    "name": ("信访人", "信访人姓名", "姓名", "来访人", "来信人", "反映人", "当事人"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "证件号码", "身份证"),
    "phone": ("联系电话", "电话", "手机", "手机号", "手机号码", "联系方式"),
    "address": ("住址", "地址", "家庭住址", "联系地址", "现住址", "通讯地址"),
    "received_on": ("来访日期", "来信日期", "信访日期", "登记日期", "收到日期", "来电日期", "日期", "时间"),
    "channel": ("信访形式", "信访方式", "信访渠道", "来源", "渠道", "形式"),
    "category": ("事项分类", "信访性质", "事项性质", "问题性质", "信访类型"),
    "subject": ("问题类别", "事项类别", "问题分类", "内容分类", "问题类型", "类别"),
    "title": ("标题", "事由", "问题摘要", "反映问题", "主要问题"),
    "content": ("主要内容", "信访内容", "反映内容", "内容", "问题内容", "基本情况"),
    "request": ("诉求", "信访诉求", "诉求内容", "主要诉求"),
    "street": ("所属街道", "街道", "镇街", "街镇", "问题属地", "属地"),
    "lead_unit": ("责任单位", "办理单位", "承办单位", "主办单位", "交办单位", "转送单位"),
    "status": ("办理状态", "状态", "办理情况", "办结情况"),
    "triaged_on": ("交转日期", "转送日期", "交办日期"),
    "accepted_on": ("受理日期", "受理时间"),
    "replied_on": ("答复日期", "答复时间", "出具意见日期"),
    "closed_on": ("办结日期", "结案日期", "办结时间"),
    "outcome": ("处理结果", "处理意见", "办理结果"),
    "satisfaction": ("满意度", "评价", "满意度评价"),
    "group_size": ("人数", "来访人数"),
    "location": ("发生地点", "问题发生地"),
}
REQUIRED = ("received_on", "subject")  # without these columns no row can register
_NOISE = re.compile(r"[\s:：*＊]|[（(][^）)]*[）)]")
SETTING_PREFIX = "import.mapping."


def _norm(header: str) -> str:
    return _NOISE.sub("", header or "")


_BY_HEADER = {_norm(h): f for f, headers in FIELDS.items() for h in headers}


def recognise(header: list[str]) -> dict[str, str]:
    """Return header -> field for the headers a common name recognises; each field taken once, first wins."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for h in header:
        field = _BY_HEADER.get(_norm(h))
        if field and field not in taken:
            out[h] = field
            taken.add(field)
    return out


def header_key(header: list[str]) -> str:
    """Return the Setting key a mapping of this header set is remembered under (order does not matter)."""
    digest = hashlib.sha1("\x1f".join(sorted(h for h in header if h)).encode()).hexdigest()[:24]
    return SETTING_PREFIX + digest


def remembered(session: Session, header: list[str]) -> dict[str, str] | None:
    """Return the mapping confirmed last time for this header set, if any."""
    row = session.get(Setting, header_key(header))
    if row is None:
        return None
    try:
        saved = json.loads(row.value)
    except ValueError:
        return None
    return {h: f for h, f in saved.items() if h in header and f in FIELDS}


def suggest(session: Session, header: list[str]) -> dict[str, str]:
    """Return the remembered mapping of this header set, or the recognised one."""
    return remembered(session, header) or recognise(header)


def check(header: list[str], mapping: dict[str, str]) -> dict[str, int]:
    """Return field -> column index of a mapping, or raise ValidationError naming what is wrong with it."""
    out: dict[str, int] = {}
    for h, field in mapping.items():
        if not field:
            continue
        if field not in FIELDS:
            raise ValidationError(t("exchange.error.unknown_field", field=field), field="mapping")
        if h not in header:
            raise ValidationError(t("exchange.error.unknown_column", column=h), field="mapping")
        if field in out:
            raise ValidationError(t("exchange.error.field_twice", field=field_name(field)), field="mapping")
        out[field] = header.index(h)
    missing = [field_name(f) for f in REQUIRED if f not in out]
    if "name" not in out and "content" not in out:
        missing.append(field_name("content"))
    if missing:
        raise ValidationError(t("exchange.error.columns_missing", fields="、".join(missing)), field="mapping")
    return out


def field_name(field: str) -> str:
    """Return the label of an import field in the current language."""
    return t(f"exchange.field.{field}")


def parse_option(text: str, header: list[str]) -> dict[str, str]:
    """Return a mapping from the command line: "信访人=name,来访日期=received_on" or a JSON object's text."""
    text = text.strip()
    if text.startswith("{"):
        try:
            value = json.loads(text)
        except ValueError:
            raise ValidationError(t("exchange.error.mapping_syntax"), field="mapping") from None
        if not isinstance(value, dict):
            raise ValidationError(t("exchange.error.mapping_syntax"), field="mapping")
        return {str(k): str(v) for k, v in value.items()}
    out = recognise(header)
    for pair in filter(None, (p.strip() for p in text.split(","))):
        column, sep, field = pair.partition("=")
        if not sep:
            raise ValidationError(t("exchange.error.mapping_syntax"), field="mapping")
        out = {h: f for h, f in out.items() if f != field.strip()}
        out[column.strip()] = field.strip()
    return out


def encode(mapping: dict[str, str]) -> str:
    """Return a mapping as the Setting value that remembers it."""
    return json.dumps(mapping, ensure_ascii=False, sort_keys=True)
