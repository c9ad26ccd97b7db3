"""Table-driven tests for lib03.ingest.parse: every accepted and rejected cell form of the spec."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from lib03.ingest.parse import (
    Parsed,
    find_date_in_text,
    is_blank,
    is_date_text,
    looks_like_place_date,
    parse_count,
    parse_date,
    parse_mark,
    parse_month,
    parse_percent,
    parse_yesno,
    read_date_in_text,
)
from lib03.periods import is_period_id, parse_period, period_bounds, period_months

D = dt.date


def _same(got: Parsed, value: object, problem: str | None) -> None:
    assert got.problem == problem
    assert got.value == value
    assert type(got.value) is type(value)  # 12 stays an int, 12.5 a float, True a bool


@pytest.mark.parametrize("raw, expected", [
    (None, True), ("", True), ("   ", True), ("\u00a0", True), ("\t\n", True),
    (0, False), ("0", False), ("x", False), (False, False), (0.0, False),
])
def test_is_blank(raw, expected):
    assert is_blank(raw) is expected


# ---- counts ----------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, value", [
    (12, 12), (0, 0), (12.0, 12), ("12", 12), (" 12 ", 12), ("12.0", 12), ("12,0", 12),
    ("1.234", 1234), ("1.234.567", 1234567), ("1,234", 1234), ("1,234,567", 1234567),
    ("25 đ/c", 25), ("25 đồng chí", 25), ("3 cuộc", 3), ("3 buổi", 3), ("12 người", 12),
    ("5 chi bộ", 5), ("2 gương", 2), ("4 lượt", 4), ("10 ĐV", 10), ("15 dv", 15), ("25đ/c", 25),
    ("0 đ/c", 0), ("0", 0), ("-", 0), ("–", 0), ("—", 0), ("không", 0), ("Không", 0),
    ("khong", 0), ("không có", 0), ("Không có", 0), ("chưa", 0), ("Chưa", 0),
    ("１２", 12), ("\u00a012\u00a0", 12), ("12\u00a0đ/c", 12), ("+5", 5), ("12.", 12),
])
def test_count_accepted(raw, value):
    _same(parse_count(raw), value, None)


@pytest.mark.parametrize("raw", [None, "", "   ", "\u00a0"])
def test_count_blank_is_missing_not_zero(raw):
    assert parse_count(raw) == Parsed(None, None)


@pytest.mark.parametrize("raw, value, problem", [
    # kept as read and logged, not corrected
    (12.5, 12.5, "value_not_integer"), ("12,5", 12.5, "value_not_integer"),
    ("12.5", 12.5, "value_not_integer"), ("1.234,5", 1234.5, "value_not_integer"),
    ("0,5 đ/c", 0.5, "value_not_integer"),
    (-3, -3, "value_negative"), ("-3", -3, "value_negative"), (-3.0, -3, "value_negative"),
    ("−3", -3, "value_negative"), ("- 3", -3, "value_negative"), ("-3 đ/c", -3, "value_negative"),
    (-2.5, -2.5, "value_negative"),
])
def test_count_kept_as_read(raw, value, problem):
    _same(parse_count(raw), value, problem)


@pytest.mark.parametrize("raw, problem", [
    ("85%", "value_percent"), ("85,5%", "value_percent"), ("85.5 %", "value_percent"),
    ("100 %", "value_percent"), ("８５％", "value_percent"),
    ("x", "value_unparseable"), ("abc", "value_unparseable"), ("mười", "value_unparseable"),
    ("10 (đạt 100%)", "value_unparseable"), ("5/7", "value_unparseable"),
    ("12-15", "value_unparseable"), ("1.2.3", "value_unparseable"),
    ("khoảng 20", "value_unparseable"),
    ("?", "value_unparseable"), ("nan", "value_unparseable"),
    (True, "value_unparseable"), (False, "value_unparseable"),
    (D(2014, 6, 20), "value_unparseable"), (dt.datetime(2014, 6, 20, 8, 0), "value_unparseable"),
    (dt.time(8, 30), "value_unparseable"), (dt.timedelta(hours=2), "value_unparseable"),
    (math.nan, "value_not_finite"), (math.inf, "value_not_finite"), (-math.inf, "value_not_finite"),
])
def test_count_rejected(raw, problem):
    assert parse_count(raw) == Parsed(None, problem)


# ---- counts grouped with spaces ----------------------------------------------------------------
# A space of any width groups thousands in exact groups of three (docs/assumptions_caveats.md §3).

@pytest.mark.parametrize("raw, value", [
    ("1 234", 1234), ("1 165", 1165), (" 1 165 ", 1165), ("1\u00a0143 đồng chí", 1143),
    ("1 087 lượt", 1087), ("1 165 đ/c", 1165), ("1 165đ/c", 1165), ("1\u202f165", 1165),
    ("1\u2009165", 1165), ("1\u2007165 người", 1165), ("1 165 234", 1165234), ("12 345", 12345),
    ("123 456 789", 123456789), ("1 000 buổi", 1000), ("+1 165", 1165), ("１ １６５", 1165),
    ("12 buổi", 12), ("3 tập thể", 3), ("45 người", 45), ("2 gương", 2), ("7 cuộc", 7),
])
def test_count_grouped_with_spaces_and_unit_words(raw, value):
    _same(parse_count(raw), value, None)


def test_count_grouped_with_spaces_keeps_the_sign():
    _same(parse_count("-1 165"), -1165, "value_negative")


@pytest.mark.parametrize("raw", [
    "1 2", "12 34", "1 1650", "1 165 23", "1 16 500", "0 165", "1234 567", "2014 12",
    "1 2 đ/c", "12 34 người",
    # two numbers side by side, not a grouping: the gap is wider than one space
    "1  165", "1\t165", "1\n165", "120\n118", "1 \u00a0165", "1\u3000165",
])
def test_count_ambiguous_spacing_is_not_guessed(raw):
    assert parse_count(raw) == Parsed(None, "value_spacing_ambiguous")


@pytest.mark.parametrize("raw, problem", [
    ("1 165 (nữ 12)", "value_unparseable"), ("1 165,5", "value_unparseable"),
    ("1 165.000", "value_unparseable"), ("khoảng 1 165", "value_unparseable"),
    ("1 000%", "value_percent"), ("1 000 %", "value_percent"),
])
def test_count_spaced_near_misses(raw, problem):
    assert parse_count(raw) == Parsed(None, problem)


@pytest.mark.parametrize("raw", ["85 5", "85 5%", "1 165", "100 0 %", "8 55%"])
def test_percent_never_reads_spaces_as_grouping(raw):
    assert parse_percent(raw) == Parsed(None, "value_spacing_ambiguous")


# ---- percentages -----------------------------------------------------------------------------

@pytest.mark.parametrize("raw, value", [
    ("85%", 85.0), ("85,5%", 85.5), ("85.5 %", 85.5), ("85", 85.0), ("100%", 100.0),
    (85, 85.0), (85.5, 85.5), (0.855, 85.5), (1.0, 100.0), (0.5, 50.0), (1, 1.0), (0.0, 0.0),
    ("-", 0.0), ("không", 0.0), ("８５％", 85.0),
])
def test_percent_accepted(raw, value):
    _same(parse_percent(raw), value, None)


@pytest.mark.parametrize("raw, expected", [
    (None, Parsed(None)), ("", Parsed(None)),
    ("abc", Parsed(None, "value_unparseable")), ("85% (17/20)", Parsed(None, "value_unparseable")),
    ("12 đ/c", Parsed(None, "value_unparseable")), (True, Parsed(None, "value_unparseable")),
    (math.nan, Parsed(None, "value_not_finite")), ("-5%", Parsed(-5.0, "value_negative")),
])
def test_percent_other(raw, expected):
    assert parse_percent(raw) == expected


# ---- marks and yes/no ------------------------------------------------------------------------

YES = ["x", "X", " x ", "✓", "✔", "√", "v", "V", "Có", "có", "co", "CO", "1", 1, 1.0, "1.0",
       True, "Đã", "đã", "da", "rồi", "Đã thực hiện", "Có thực hiện", "yes", "ｘ", "×", "☑"]
NO = ["Không", "K", "k", "không", "khong", "0", 0, 0.0, False, "Chưa", "chưa", "no", "-"]
NOT_MARKS = [2, 0.5, -1, math.nan, "2", "abc", "?", "xx", "có lẽ", D(2014, 1, 1)]


@pytest.mark.parametrize("raw", YES)
def test_mark_yes(raw):
    _same(parse_mark(raw), True, None)
    _same(parse_yesno(raw), True, None)


@pytest.mark.parametrize("raw", NO)
def test_mark_no(raw):
    _same(parse_mark(raw), False, None)
    _same(parse_yesno(raw), False, None)


@pytest.mark.parametrize("raw", [None, "", "   ", "\u00a0"])
def test_blank_mark_is_no_but_blank_yesno_is_missing(raw):
    assert parse_mark(raw) == Parsed(False)
    assert parse_yesno(raw) == Parsed(None)


@pytest.mark.parametrize("raw", NOT_MARKS)
def test_mark_unparseable(raw):
    assert parse_mark(raw) == Parsed(None, "mark_unparseable")
    assert parse_yesno(raw) == Parsed(None, "mark_unparseable")


@pytest.mark.parametrize("raw", [
    "Rồi", "rồi", "Đã kiện toàn", "Đã có", "Có rồi", "Có, đã kiện toàn", "Có (đã kiện toàn)",
    "Kiện toàn rồi", "Đã kiện toàn xong", "Đã thành lập", "Có kiện toàn", "x rồi",
    "Đã kiện toàn rồi", "Thành lập rồi", "Có, đã thành lập xong",
])
def test_yes_in_words(raw):
    _same(parse_yesno(raw), True, None)
    _same(parse_mark(raw), True, None)


@pytest.mark.parametrize("raw", [
    "Chưa", "Chưa kiện toàn", "Chưa có", "Không có", "Không kiện toàn", "chưa thành lập",
    "Chưa, đang kiện toàn",
])
def test_no_in_words(raw):
    _same(parse_yesno(raw), False, None)
    _same(parse_mark(raw), False, None)


@pytest.mark.parametrize("raw", [
    # the form's options left as typed: no answer was chosen
    "Có/Không", "Không/Có", "Đã/Chưa", "Chưa / Đã", "Có hoặc Không", "có hay không", "1/0",
    # no word of an answer, or more than an answer
    "Kiện toàn", "Đang kiện toàn", "Có nhưng chưa đủ", "Có lẽ", "Có 2 lần", "Sẽ kiện toàn",
])
def test_words_that_are_not_an_answer(raw):
    assert parse_yesno(raw) == Parsed(None, "mark_unparseable")


# ---- dates -----------------------------------------------------------------------------------

JUNE_20 = D(2014, 6, 20)


@pytest.mark.parametrize("raw", [
    dt.datetime(2014, 6, 20), dt.datetime(2014, 6, 20, 15, 30), JUNE_20, 41810, 41810.0,
    41810.75, "20/6/2014", "20/06/2014", "20-06-2014", "20.6.2014", "2014-06-20", "20/6/14",
    "20 / 6 / 2014", "ngày 20 tháng 6 năm 2014", "Ngày 20 tháng 06 năm 2014",
    "ngay 20 thang 6 nam 2014", "NGÀY 20 THÁNG 6 NĂM 2014", "Tân Phú, ngày 20 tháng 6 năm 2014",
    "ngày 20/6/2014", "２０/６/２０１４", "2014-06-20 00:00:00", "20 tháng 6, 2014",
])
def test_date_accepted(raw):
    _same(parse_date(raw), JUNE_20, None)


@pytest.mark.parametrize("raw, hint", [("20/6", 2014), ("20/06", 2014), ("ngày 20 tháng 6", 2014)])
def test_date_without_year_uses_hint(raw, hint):
    _same(parse_date(raw, year_hint=hint), D(hint, 6, 20), None)
    assert parse_date(raw) == Parsed(None, "date_unparseable")


def test_date_year_in_text_wins_over_hint():
    _same(parse_date("20/6/2013", year_hint=2014), D(2013, 6, 20), None)


@pytest.mark.parametrize("raw", [None, "", "  "])
def test_date_blank_is_missing(raw):
    assert parse_date(raw) == Parsed(None)


@pytest.mark.parametrize("raw", [
    "31/2/2014", "32/1/2014", "20/13/2014", "abc", "20/6-2014", 12,
    100000, True, dt.time(8, 0), dt.timedelta(days=1), math.nan, "30.02.2014",
])
def test_date_unparseable(raw):
    assert parse_date(raw) == Parsed(None, "date_unparseable")


@pytest.mark.parametrize("raw", [
    "16 tháng 6 năm 2014", "ngày 16 tháng 6, năm 2014", "ngày 16, tháng 6, năm 2014",
    "Ngày 16 tháng 06 năm 2014.", "16 tháng 6 2014", "16 tháng 6 năm 14", "16-6-2014",
    "16.06.2014", "16/6/14", "16 - 06 - 2014", "16.06.14", "ngày 16/6 năm 2014",
    "ngày 16 tháng Sáu năm 2014", "NGÀY 16 THÁNG SÁU NĂM 2014", "Thứ Hai, ngày 16/6/2014",
])
def test_date_written_in_other_ways(raw):
    _same(parse_date(raw), D(2014, 6, 16), None)
    assert find_date_in_text(raw) == D(2014, 6, 16)


@pytest.mark.parametrize("raw", [
    "tháng 6/2014", "Tháng 6/2014", "06/2014", "6/2014", "6-2014", "06.2014", "tháng 6 năm 2014",
    "Tháng 6, năm 2014", "tháng 06 - 2014", "T6/2014", "Th.6/2014", "2014-06", "2014/6",
    "tháng Sáu năm 2014", "Tháng 6", "tháng sáu",
])
def test_month_without_day_is_imprecise_not_a_date(raw):
    assert parse_date(raw) == Parsed(None, "date_imprecise")
    assert parse_date(raw, year_hint=2014) == Parsed(None, "date_imprecise")


@pytest.mark.parametrize("raw", [
    "ngày ... tháng 6 năm 2014", "ngày    tháng 6 năm 2014",  # a day slot left blank
    "tháng 13/2014", "20/2014", "06/14", "16 tháng năm 2014", "6 tháng đầu năm 2014",
    "Quý II/2014", "tháng", "năm 2014",
])
def test_date_near_misses_stay_unparseable(raw):
    assert parse_date(raw) == Parsed(None, "date_unparseable")


@pytest.mark.parametrize("text, expected", [
    ("Tân Phú, 16 tháng 6 năm 2014", Parsed(D(2014, 6, 16))),
    ("Tân Phú, ngày 16 tháng 6, năm 2014", Parsed(D(2014, 6, 16))),
    ("Mỹ Lộc, 16.06.2014", Parsed(D(2014, 6, 16))),
    ("Tân Phú, tháng 6 năm 2014", Parsed(None, "date_imprecise")),
    ("Tân Phú, tháng 6/2014", Parsed(None, "date_imprecise")),
    ("Tân Phú, tháng Sáu năm 2014", Parsed(None, "date_imprecise")),
    ("Tân Phú, ngày … tháng 6 năm 2014", Parsed(None)),  # a blank day: title.py says so
    ("Tân Phú, ngày 16 tháng 6", Parsed(None)),
    ("Báo cáo 6 tháng đầu năm 2014", Parsed(None)),
    ("Sinh hoạt chi bộ tháng 6", Parsed(None)),
    ("Kính gửi: Ban Tuyên giáo Huyện ủy", Parsed(None)),
    ("", Parsed(None)), (None, Parsed(None)),
])
def test_read_date_in_text(text, expected):
    assert read_date_in_text(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Tân Phú, 16 tháng 6 năm 2014", True), ("Tân Phú, ngày 18 tháng 6 năm 2014", True),
    ("Mỹ Lộc, 16-06-2014", True), ("Ngày 18/6/2014", True), ("Tân Phú, tháng 6 năm 2014", True),
    ("16 tháng 6 năm 2014", True),
    ("Báo cáo 6 tháng đầu năm 2014", False), ("6 tháng đầu năm 2014", False),
    ("ĐẢNG ỦY XÃ TÂN PHÚ", False), ("Kết quả 6 tháng, phương hướng 6 tháng cuối năm", False),
    ("", False), (None, False),
])
def test_looks_like_place_date(text, expected):
    assert looks_like_place_date(text) is expected


@pytest.mark.parametrize("text, expected", [
    ("20/6/2014", True), ("ngày 20 tháng 6, năm 2014", True), ("20 tháng 6", True),
    ("20/6", True), ("tháng 6/2014", True), ("06/2014", True), ("2014-06-20", True),
    ("Phước Hòa, ngày 25 tháng 6 năm 2014", False), ("Chỉ thị 03 ngày 14/5/2011", False),
    ("Tổng cộng", False), ("Tháng", False), ("", False), (12, False),
])
def test_is_date_text(text, expected):
    assert is_date_text(text) is expected


def test_date_day_first_always():
    assert parse_date("05/06/2014").value == D(2014, 6, 5)
    assert parse_date("12/1/2014").value == D(2014, 1, 12)


@pytest.mark.parametrize("text, expected", [
    ("Tân Phú, ngày 18 tháng 6 năm 2014", D(2014, 6, 18)),
    ("TÂN PHÚ, NGÀY 18 THÁNG 6 NĂM 2014", D(2014, 6, 18)),
    ("Tan Phu, ngay 18 thang 06 nam 2014", D(2014, 6, 18)),
    ("Số 12-BC/ĐU, ngày 18/6/2014", D(2014, 6, 18)),
    ("Ngày báo cáo: 2014-12-19", D(2014, 12, 19)),
    ("Tân Phú, ngày ... tháng ... năm 2014", None),
    ("Báo cáo 6 tháng đầu năm 2014", None),
    ("ngày 31 tháng 2 năm 2014", None),
    ("", None), (None, None),
])
def test_find_date_in_text(text, expected):
    assert find_date_in_text(text) == expected


# ---- months ----------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, month", [
    ("Tháng 1", 1), ("tháng 01", 1), ("THÁNG 12", 12), ("Tháng 1:", 1), ("T1", 1), ("T.1", 1),
    ("Th1", 1), ("Th.12", 12), ("t 3", 3), ("1", 1), ("12", 12), (1, 1), (1.0, 1), (12, 12),
    ("01/2014", 1), ("1/2014", 1), ("01-2014", 1), ("Tháng 01/2014", 1), ("Tháng 1 năm 2014", 1),
    ("2014-01", 1), ("2014/12", 12), ("01/14", 1),
    (dt.datetime(2014, 3, 1), 3), (D(2014, 11, 30), 11), ("01/03/2014", 3),
    ("Tháng Một", 1), ("tháng một", 1), ("Tháng Hai", 2), ("Tháng Ba", 3), ("Tháng Tư", 4),
    ("Tháng Bốn", 4), ("Tháng Năm", 5), ("Tháng Sáu", 6), ("Tháng Bảy", 7), ("Tháng Tám", 8),
    ("Tháng Chín", 9), ("Tháng Mười", 10), ("Tháng Mười Một", 11), ("Tháng Mười Hai", 12),
    ("Tháng Giêng", 1), ("Tháng Chạp", 12), ("thang muoi hai", 12), ("Tháng Năm 2014", 5),
    ("I", 1), ("IV", 4), ("IX", 9), ("XII", 12), ("Tháng XII", 12), ("ｔｈáｎｇ １", 1),
])
def test_month_accepted(raw, month):
    _same(parse_month(raw), month, None)


@pytest.mark.parametrize("raw", [
    "Cộng", "Tổng", "Tổng cộng", "6 tháng", "Tháng 13", "13", 0, 13, 1.5, "0", "T13",
    "I. Sinh hoạt chi bộ", "XIII", "Hai", "Ba", "năm", "abc", "Tháng", True, dt.time(1, 0),
    "ì", "×",
    math.nan, "31/02/2014",
])
def test_month_unparseable(raw):
    assert parse_month(raw) == Parsed(None, "month_unparseable")


@pytest.mark.parametrize("raw", [None, "", "  "])
def test_month_blank_is_missing(raw):
    assert parse_month(raw) == Parsed(None)


def test_month_year_hint_does_not_check_year():
    assert parse_month("01/2013", year_hint=2014) == Parsed(1)


# ---- periods ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text, period", [
    ("BÁO CÁO KẾT QUẢ 6 THÁNG ĐẦU NĂM 2014", "2014-H1"),
    ("Báo cáo 6 tháng cuối năm 2014", "2014-H2"),
    ("sáu tháng đầu năm 2014", "2014-H1"),
    ("6 tháng đầu 2014", "2014-H1"),
    ("06 tháng đầu năm 2014", "2014-H1"),
    ("6 thang dau nam 2014", "2014-H1"),
    ("6 thang cuoi nam 2015", "2015-H2"),
    ("Kết quả năm 2014 (6 tháng đầu)", "2014-H1"),
    ("2014-H1", "2014-H1"),
    ("2015-H2", "2015-H2"),
    ("data/raw/2014-h2", "2014-H2"),
    ("Kết quả 6 tháng đầu năm 2014, phương hướng 6 tháng cuối năm 2014", "2014-H1"),
    ("Kết quả 6 tháng đầu năm, phương hướng nhiệm vụ 6 tháng cuối năm 2014", "2014-H1"),
])
def test_period_found(text, period):
    assert parse_period(text) == period


@pytest.mark.parametrize("text", [
    "", None, "Báo cáo năm 2014", "6 tháng đầu năm", "16 tháng đầu năm 2014", "I/2014",
    "Tháng 6 năm 2014", "Sinh hoạt chi bộ",
])
def test_period_not_found(text):
    assert parse_period(text) is None


@pytest.mark.parametrize("name, expected", [
    ("2014-H1", True), ("2014-H2", True), ("2014-H3", False), ("2014-h1", False),
    ("2014 H1", False), ("14-H1", False), (" 2014-H1", False), ("2014-H1x", False), (None, False),
])
def test_is_period_id(name, expected):
    assert is_period_id(name) is expected


def test_period_months_and_bounds():
    assert period_months("2014-H1") == [1, 2, 3, 4, 5, 6]
    assert period_months("2014-H2") == [7, 8, 9, 10, 11, 12]
    assert period_bounds("2014-H1") == (D(2014, 1, 1), D(2014, 6, 30))
    assert period_bounds("2014-H2") == (D(2014, 7, 1), D(2014, 12, 31))


@pytest.mark.parametrize("bad", ["2014", "2014-H3", "H1-2014"])
def test_period_helpers_reject_bad_ids(bad):
    with pytest.raises(ValueError):
        period_months(bad)
    with pytest.raises(ValueError):
        period_bounds(bad)
