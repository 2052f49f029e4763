"""Resident ID numbers (GB 11643-1999) and phone numbers are checked and normalised at intake."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.platform import timeutil
from core.platform.errors import ValidationError
from core.platform.validation import Errors, check_id_number, check_phone, id_check_char, id_number_variants


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("11010519491231002X", "11010519491231002X"),  # the standard's own example
        ("11010519491231002x", "11010519491231002X"),
        (" 1101 0519 4912 3100 2X ", "11010519491231002X"),
        ("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X"),  # typed with a full-width IME
        ("500105198001010019", "500105198001010019"),
        ("110105491231002", "110105491231002"),  # old 15-digit number: no check character
    ],
)
def test_valid_id_numbers_are_normalised(typed, stored):
    assert check_id_number(typed) == stored


def test_check_character_is_worked_out_by_mod_11_2():
    # 1*7+1*9+0*10+1*5+0*8+5*4+1*2+9*1+4*6+9*3+1*7+2*9+3*10+1*5+0*8+0*4+2*2 = 167; 167 % 11 = 2 -> "X"
    assert id_check_char("11010519491231002") == "X"
    # 5*7+0+0+1*5+0+5*4+1*2+9*1+8*6+0+0+1*9+0+1*5+0+0+1*2 = 135; 135 % 11 = 3 -> "9"
    assert id_check_char("50010519800101001") == "9"


def test_wrong_check_character_is_refused_with_a_chinese_message():
    with pytest.raises(ValidationError) as err:
        check_id_number("110105194912310021")
    assert err.value.message == "身份证号码校验位不符，请逐位核对。"
    assert err.value.errors == {"id_number": "身份证号码校验位不符，请逐位核对。"}


@pytest.mark.parametrize(
    "typed", ["", "1101051949123100", "11010519491231002Y", "1101051949123100X2", "ABCDEFGHIJKLMNOPQR"]
)
def test_malformed_id_numbers_are_refused(typed):
    with pytest.raises(ValidationError) as err:
        check_id_number(typed, field="petitioners.0.id_number")
    assert err.value.message == "身份证号码应为18位（最后一位可为X）或15位数字。"
    assert list(err.value.errors) == ["petitioners.0.id_number"]


@pytest.mark.parametrize(
    ("first17", "birth"),
    [
        ("11010519491331002", "1949-13-31"),  # month 13
        ("11010519490230002", "1949-02-30"),
        ("11010518000101002", "1800-01-01"),  # too long ago
    ],
)
def test_impossible_birth_dates_are_refused(first17, birth):
    with pytest.raises(ValidationError) as err:
        check_id_number(first17 + id_check_char(first17))
    assert err.value.message == f"身份证号码中的出生日期{birth}无效，请核对。"


@pytest.mark.parametrize(
    "typed",
    [
        "١١٠١٠٥١٩٤٩١٢٣١٠٠٢X",  # Arabic-Indic digits: int() reads them, no register holds them
        "۱۱۰۱۰۵۱۹۴۹۱۲۳۱۰۰۲X",  # Persian digits
        "११०१०५१९४९१२३१००२X",  # Devanagari digits
    ],
)
def test_digits_of_other_scripts_are_no_id_number(typed):
    with pytest.raises(ValidationError) as refused:
        check_id_number(typed)
    assert refused.value.message == "身份证号码应为18位（最后一位可为X）或15位数字。"


def test_digits_of_other_scripts_are_no_phone_number():
    with pytest.raises(ValidationError):
        check_phone("١٣٨١٢٣٤١٢٣٤")


def test_birth_date_in_the_future_is_refused():
    tomorrow = timeutil.today() + timedelta(days=1)
    first17 = f"110105{tomorrow:%Y%m%d}002"
    with pytest.raises(ValidationError):
        check_id_number(first17 + id_check_char(first17))


def test_fifteen_digit_number_with_a_bad_birth_date_is_refused():
    with pytest.raises(ValidationError):
        check_id_number("110105491331002")


def test_old_and_new_forms_of_one_number_are_variants_of_each_other():
    assert id_number_variants("110105491231002") == ("110105491231002", "11010519491231002X")
    assert id_number_variants("11010519491231002X") == ("11010519491231002X", "110105491231002")
    assert id_number_variants("110105200001010011") == ("110105200001010011",)


@given(
    born=st.dates(min_value=date(1900, 1, 1), max_value=date(2020, 12, 31)),
    area=st.integers(min_value=110000, max_value=659999),
    seq=st.integers(min_value=0, max_value=999),
)
def test_any_number_with_its_check_character_is_valid_and_any_other_is_not(born, area, seq):
    first17 = f"{area}{born:%Y%m%d}{seq:03d}"
    right = id_check_char(first17)
    assert check_id_number(first17 + right) == first17 + right
    for wrong in set("0123456789X") - {right}:
        with pytest.raises(ValidationError):
            check_id_number(first17 + wrong)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+8613812345678", "13812345678"),
        ("１９９１２３４５６７８", "19912345678"),
        ("023-67512345", "023-67512345"),
        ("02367512345", "023-67512345"),
        ("(023)67512345", "023-67512345"),
        ("010-12345678", "010-12345678"),
        ("0755-1234567", "0755-1234567"),
        ("07551234567", "0755-1234567"),
        ("023-67512345-801", "023-67512345-801"),
    ],
)
def test_valid_phone_numbers_are_normalised(typed, stored):
    assert check_phone(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "12812345678",
        "1381234567",
        "138123456789",
        "67512345",
        "023-123456",
        "0231-67512345",
        "abc",
        "02-67512345",
    ],
)
def test_bad_phone_numbers_are_refused_with_a_chinese_message(typed):
    with pytest.raises(ValidationError) as err:
        check_phone(typed, field="phone")
    assert err.value.errors == {
        "phone": "电话号码格式不正确：手机号为1开头的11位数字，固定电话须带区号，如023-67512345。"
    }


def test_errors_are_collected_and_raised_together_with_field_labels():
    errors = Errors()
    errors.text("title", "  ")
    errors.date("received_on", timeutil.today() + timedelta(days=1))
    errors.catch("petitioners.0.phone", check_phone, "123")
    with pytest.raises(ValidationError) as err:
        errors.raise_if_any()
    assert err.value.errors["title"] == "请填写标题。"
    assert err.value.errors["received_on"] == f"收到信访日期不能晚于今天（{timeutil.today()}）。"
    assert err.value.errors["petitioners.0.phone"].startswith("电话号码格式不正确")
    assert err.value.message.startswith("有3处需要更正：请填写标题。")


def test_a_date_before_the_previous_stage_names_both_dates():
    errors = Errors()
    errors.date("notice_date", date(2025, 9, 21), after=date(2025, 9, 22), after_field="unit_received_on")
    assert errors.errors == {"notice_date": "受理告知日期不能早于单位收到日期（2025-09-22）。"}


@pytest.mark.parametrize("bad", ["\x00", "\x07", "\x1b[31m", "\x0b", "\ud800"])
def test_control_characters_are_refused_in_a_text_with_the_fields_name(bad):
    errors = Errors()
    errors.text("title", f"物业{bad}维修")
    errors.text("petitioners.0.name", f"张{bad}三")
    assert errors.errors["title"] == "标题含有不可见的控制字符，请删除后重新输入。"
    assert errors.errors["petitioners.0.name"] == "信访人1的姓名含有不可见的控制字符，请删除后重新输入。"


def test_a_long_text_may_hold_newlines_and_tabs_a_one_line_text_may_not():
    errors = Errors()
    errors.text("content", "第一段\n\t第二段\r\n第三段")
    errors.text("title", "第一行\n第二行")
    errors.text("summary", "回车\r覆盖")  # a lone carriage return is no line break
    assert set(errors.errors) == {"title", "summary"}


def test_text_limits_come_from_one_table_that_fits_the_columns():
    from core.platform.validation import TEXT_LIMITS
    from models import Case, CaseMeeting, CasePause, Person, User

    columns = {
        "title": Case.title, "location": Case.location, "routed_to": Case.routed_to, "name": Person.name,
        "address": Person.address, "place": CaseMeeting.place, "people": CaseMeeting.people,
        "reason": CasePause.reason, "display_name": User.display_name,
    }  # fmt: skip
    for field, column in columns.items():
        assert TEXT_LIMITS[field].max_len <= column.type.length, field
    errors = Errors()
    errors.text("title", "字" * 201)
    errors.text("content", "字" * 20_000)
    errors.text("reason", 42)
    assert errors.errors == {"title": "标题不能超过200个字。", "reason": "理由应为文字。"}
