"""Identifier validators: public test vectors from design/STANDARDS.md §1, §2 and §4."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from edugov.core.models import Code
from edugov.core.validators import (
    CodeTableValidator,
    CreditCodeValidator,
    IdNumber,
    IdNumberValidator,
    SchoolCodeValidator,
    StudentNumberValidator,
    credit_check_char,
    credit_code_warnings,
    id_check_char,
    normalize_id_number,
    parse_id_number,
    upgrade_id15,
    validate_code,
    validate_credit_code,
    validate_school_code,
    validate_student_number,
)

TODAY = datetime.date(2026, 11, 20)
CATEGORIES = {"11", "21", "22", "31", "32", "33", "34", "35", "36", "37", "41", "42", "51", "91", "92", "93"}


@pytest.fixture(autouse=True)
def _english_messages():
    """Assertions read the English msgids; the default language is Chinese."""
    with translation.override("en"):
        yield


def _known(code: str) -> bool:
    return True


def _parse(value: str) -> IdNumber:
    return parse_id_number(value, today=TODAY, region_exists=_known)


def _error_code(func, *args, **kwargs) -> str:
    with pytest.raises(ValidationError) as excinfo:
        func(*args, **kwargs)
    return excinfo.value.code


# --- GB 11643 citizen ID numbers -------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "birth_date", "sex_code"),
    [
        pytest.param("11010519491231002X", datetime.date(1949, 12, 31), "2", id="annex_a_female_x_case"),
        pytest.param("440524188001010014", datetime.date(1880, 1, 1), "1", id="annex_a_1880_case"),
        pytest.param("34052419800101001X", datetime.date(1980, 1, 1), "1", id="annex_b_case"),
        pytest.param("360426199101010071", datetime.date(1991, 1, 1), "1", id="stdnum_doc_case"),
    ],
)
def test_public_id_vectors_are_accepted(value, birth_date, sex_code):
    parsed = _parse(value)
    assert (parsed.normalized, parsed.birth_date, parsed.sex_code, parsed.region_code) == (
        value, birth_date, sex_code, value[:6],
    )  # fmt: skip


def test_gb_11643_sample_rejected_by_python_stdnum_is_accepted_here():
    from stdnum.cn import ric

    assert not ric.is_valid("440524188001010014")  # python-stdnum ties the address code to the birth year
    parsed = _parse("440524188001010014")
    assert parsed.birth_date.year == 1880
    assert any("1900" in warning for warning in parsed.warnings)


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        pytest.param("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X", id="full_width_case"),
        pytest.param("11010519491231002x", "11010519491231002X", id="lower_x_case"),
        pytest.param(" 110105 19491231 002x ", "11010519491231002X", id="spaces_case"),
        pytest.param(
            "１１０１０５１９４９１２３１００２ｘ", "11010519491231002X", id="full_width_lower_x_case"
        ),
    ],
)
def test_id_numbers_are_normalised(raw, normalized):
    assert normalize_id_number(raw) == normalized
    assert _parse(raw).normalized == normalized


def test_check_char_algorithm():
    assert id_check_char("34052419800101001") == "X"
    assert id_check_char("11010519491231002") == "X"
    assert id_check_char("44052418800101001") == "4"


def test_legacy_15_digit_numbers_are_upgraded():
    assert upgrade_id15("110105491231002") == "11010519491231002X"
    parsed = _parse("110105491231002")
    assert parsed.normalized == "11010519491231002X"
    assert parsed.birth_date == datetime.date(1949, 12, 31)
    assert parsed.sex_code == "2"
    assert parsed.warnings


@pytest.mark.parametrize(
    ("value", "code"),
    [
        pytest.param("110105194912310021", "id_check_digit", id="wrong_check_case"),
        pytest.param("11010519491231002", "id_length", id="seventeen_case"),
        pytest.param("11010519491231002X1", "id_length", id="nineteen_case"),
        pytest.param("", "id_length", id="empty_case"),
        pytest.param("1101051949123100AX", "id_charset", id="letter_in_body_case"),
        pytest.param("11010519491231002Y", "id_charset", id="bad_last_char_case"),
        pytest.param("11010549123100A", "id_charset", id="legacy_letter_case"),
        pytest.param("110105194913310025", "id_birth_date", id="month_13_case"),
        pytest.param("110105199902290023", "id_birth_date", id="not_a_leap_year_case"),
        pytest.param(
            "110105" + "20261121" + "002" + id_check_char("11010520261121002"),
            "id_birth_date",
            id="future_case",
        ),
        pytest.param(
            "110105" + "17991231" + "002" + id_check_char("11010517991231002"),
            "id_birth_date",
            id="too_old_case",
        ),
    ],
)
def test_invalid_id_numbers_are_rejected_with_stable_codes(value, code):
    assert _error_code(parse_id_number, value, today=TODAY, region_exists=_known) == code


def test_check_digit_error_names_the_field_the_rule_and_the_expected_char():
    with pytest.raises(ValidationError) as excinfo:
        _parse("110105194912310021")
    message = excinfo.value.messages[0]
    assert message.startswith("ID number")
    assert "GB 11643" in message
    assert "X" in message


def test_unknown_region_is_a_warning_not_an_error():
    parsed = parse_id_number("659999200001010013", today=TODAY, region_exists=lambda code: False)
    assert parsed.region_code == "659999"
    assert len(parsed.warnings) == 1
    assert "659999" in parsed.warnings[0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "warned"),
    [
        pytest.param("650102201509010034", False, id="current_region_case"),
        pytest.param("440524188001010014", False, id="withdrawn_region_case"),  # plus the 1900 warning
        pytest.param("659999200001010013", True, id="unknown_region_case"),
    ],
)
def test_default_region_lookup_uses_the_region_table(value, warned):
    parsed = parse_id_number(value, today=TODAY)
    assert any("address code" in warning for warning in parsed.warnings) is warned


@pytest.mark.django_db
def test_residence_permit_prefixes_are_known_regions():
    body = "83000019900101001"
    parsed = parse_id_number(body + id_check_char(body), today=TODAY)
    assert parsed.warnings == ()


def test_foreign_permanent_resident_ids_only_get_a_warning():
    body = "91010120000101001"
    parsed = parse_id_number(body + id_check_char(body), today=TODAY, region_exists=lambda code: False)
    assert len(parsed.warnings) == 1
    assert "9" in parsed.warnings[0]


def test_id_number_validator_is_deconstructible_and_skips_region_lookup():
    validator = IdNumberValidator()
    validator("11010519491231002X")
    assert validator.deconstruct() == ("edugov.core.validators.IdNumberValidator", (), {})
    with pytest.raises(ValidationError):
        validator("110105194912310021")


# --- GB 32100 unified social credit codes ---------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("91350100M000100Y43", id="standard_example_case"),
        pytest.param("91110000600037341L", id="stdnum_doc_case"),
        pytest.param("N2650102MA00001034", id="agriculture_letter_first_case"),
        pytest.param("Y1650100MA00001032", id="other_department_case"),
        pytest.param("A1110000MA0000103F", id="military_case"),
    ],
)
def test_valid_credit_codes(value):
    assert validate_credit_code(value) == value
    assert credit_code_warnings(value) == []


def test_letter_first_credit_code_is_built_with_the_check_char():
    body = "N2650102MA0000103"
    assert credit_check_char(body) == "4"
    assert validate_credit_code(body + "4") == "N2650102MA00001034"


def test_credit_codes_are_normalised():
    assert validate_credit_code(" ９１３５０１００m000100y43 ") == "91350100M000100Y43"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        pytest.param("91350100M000100Y44", "credit_code_check_digit", id="wrong_check_case"),
        pytest.param("91350100M000100Y4", "credit_code_length", id="short_case"),
        pytest.param("91350100M000100I43", "credit_code_charset", id="letter_i_case"),
        pytest.param("91350100O000100Y43", "credit_code_charset", id="letter_o_case"),
        pytest.param("9135010SM000100Y43", "credit_code_charset", id="letter_s_case"),
        pytest.param("9135A100M000100Y43", "credit_code_region", id="letter_in_region_case"),
    ],
)
def test_invalid_credit_codes(value, code):
    assert _error_code(validate_credit_code, value) == code


def test_failed_organisation_code_check_is_only_a_warning():
    body = "N2650102MA0000010"
    value = body + credit_check_char(body)
    assert validate_credit_code(value) == value
    warnings = credit_code_warnings(value)
    assert len(warnings) == 1
    assert "GB 11714" in warnings[0]


def test_credit_code_validator():
    CreditCodeValidator()("91350100M000100Y43")
    with pytest.raises(ValidationError):
        CreditCodeValidator()("91350100M000100Y44")


# --- school identification codes -------------------------------------------------------------


@pytest.mark.parametrize("value", ["4111010001", "2165000123", "3465010001", "1182000001", "9371000001"])
def test_valid_school_codes(value):
    assert validate_school_code(value, known_categories=CATEGORIES) == value


@pytest.mark.parametrize(
    ("value", "code"),
    [
        pytest.param("411101000", "school_code_format", id="nine_digits_case"),
        pytest.param("41110100012", "school_code_format", id="eleven_digits_case"),
        pytest.param("41110A0001", "school_code_format", id="letter_case"),
        pytest.param("1265000001", "school_code_category", id="unknown_category_case"),
        pytest.param("2166000001", "school_code_province", id="no_province_66_case"),
        pytest.param("2183000001", "school_code_province", id="no_province_83_case"),
        pytest.param("2110000001", "school_code_province", id="no_province_10_case"),
    ],
)
def test_invalid_school_codes(value, code):
    assert _error_code(validate_school_code, value, known_categories=CATEGORIES) == code


@pytest.mark.django_db
def test_school_code_categories_come_from_the_code_table():
    assert validate_school_code("3465010001") == "3465010001"
    Code.objects.filter(table_id="school_category", code="34").update(is_selectable=False)
    assert _error_code(validate_school_code, "3465010001") == "school_code_category"
    with pytest.raises(ValidationError):
        SchoolCodeValidator()("3465010001")


# --- student numbers (学籍号) ------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("G11010519491231002X", id="g_case"),
        pytest.param("g11010519491231002x", id="lower_case"),
        pytest.param("J653001201001010026", id="j_case"),
        pytest.param("L65300120100101" + "4821", id="l_case"),
    ],
)
def test_valid_student_numbers(value):
    assert validate_student_number(value, today=TODAY) == value.upper()


@pytest.mark.parametrize(
    ("value", "code"),
    [
        pytest.param("G110105194912310021", "student_number_check_digit", id="g_wrong_check_case"),
        pytest.param("J653001201001010027", "student_number_check_digit", id="j_wrong_check_case"),
        pytest.param("G11010519491231002", "student_number_format", id="short_case"),
        pytest.param("X11010519491231002X", "student_number_format", id="unknown_prefix_case"),
        pytest.param("11010519491231002X", "student_number_format", id="plain_id_case"),
        pytest.param("L65300120100101482X", "student_number_charset", id="l_with_x_case"),
        pytest.param("L653001201013014821", "student_number_birth_date", id="l_bad_date_case"),
        pytest.param("L653001203001014821", "student_number_birth_date", id="l_future_case"),
        pytest.param("J653001201002300026", "student_number_birth_date", id="j_bad_date_case"),
    ],
)
def test_invalid_student_numbers(value, code):
    assert _error_code(validate_student_number, value, today=TODAY) == code


def test_student_number_messages_name_the_field():
    with pytest.raises(ValidationError) as excinfo:
        validate_student_number("G110105194912310021", today=TODAY)
    assert excinfo.value.messages[0].startswith("Student number")
    StudentNumberValidator()("G11010519491231002X")


# --- code tables -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_validate_code_returns_the_code():
    code = validate_code("ethnicity", "05", field_label="Ethnic group")
    assert code.name == "维吾尔族"
    assert validate_code("ethnicity", "98", field_label="Ethnic group").extra["extension"] is True


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("table", "value"),
    [
        pytest.param("ethnicity", "81", id="local_code_case"),
        pytest.param("sex", "5", id="stored_not_selectable_case"),
        pytest.param("school_type", "36", id="category_row_case"),
        pytest.param("education_level", "72", id="gap_case"),
    ],
)
def test_validate_code_rejects_unknown_and_unselectable(table, value):
    with pytest.raises(ValidationError) as excinfo:
        validate_code(table, value, field_label="Some field")
    assert excinfo.value.code == "unknown_code"
    message = excinfo.value.messages[0]
    standard = Code.objects.filter(table_id=table).first().table.standard
    assert message.startswith("Some field")
    assert standard in message
    assert value in message


@pytest.mark.django_db
def test_code_table_validator():
    validator = CodeTableValidator("sex", "Sex")
    validator("1")
    with pytest.raises(ValidationError):
        validator("5")
    assert validator.deconstruct() == ("edugov.core.validators.CodeTableValidator", ("sex", "Sex"), {})
    assert validator == CodeTableValidator("sex", "Sex")
    assert validator != CodeTableValidator("ethnicity", "Sex")
