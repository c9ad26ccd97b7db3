"""The one normaliser: NFC/NFD, whitespace, numbering, abbreviations, legacy encodings."""

import unicodedata

import pytest

from lib03 import legacy
from lib03.text import clean_text, fold_key, strip_numbering
from lib03.vocab import match_column, match_indicator, strip_options


@pytest.mark.parametrize("raw, key", [
    ("Tổng số đảng viên", "tong so dang vien"),
    ("TỔNG SỐ ĐẢNG VIÊN", "tong so dang vien"),
    ("tong so dang vien", "tong so dang vien"),
    ("  Tổng   số\nđảng\r\nviên ", "tong so dang vien"),
    (unicodedata.normalize("NFD", "Tổng số đảng viên"), "tong so dang vien"),
    ("1. Tổng số ĐV", "tong so dang vien"),
    ("2- TS đảng viên", "tong so dang vien"),
    ("a) SL ĐV", "so luong dang vien"),
    ("IV. Số cuộc KT", "so cuoc kiem tra"),
    ("1.2. Số cuộc GS", "so cuoc giam sat"),
    ("Số CB trực thuộc", "so chi bo truc thuoc"),
    ("25 đ/c", "25 dong chi"),
    (legacy.from_unicode("Tổng số đảng viên", "tcvn3"), "tong so dang vien"),
    (legacy.from_unicode("Tổng số đảng viên", "vni"), "tong so dang vien"),
])
def test_fold_key(raw, key):
    assert fold_key(raw) == key


def test_clean_text_keeps_letters_and_folds_space():
    assert clean_text(" Chi bộ\n ấp  3 ") == "Chi bộ ấp 3"
    assert clean_text(unicodedata.normalize("NFD", "Ấp")) == "Ấp"
    assert clean_text(None) == ""


def test_numbering_is_not_a_word():
    assert strip_numbering("Ấp 3") == "Ấp 3"
    assert strip_numbering("Xã Tân Phú") == "Xã Tân Phú"


@pytest.mark.parametrize("label, indicator", [
    ("Tổng số đảng viên", "tong_dang_vien"),
    ("Tổng số Đ/viên", "tong_dang_vien"),
    ("SL ĐV đã ĐK nêu gương", "dv_dang_ky"),
    ("Số đảng viên đã đăng ký nêu gương, gương mẫu thực hiện", "dv_dang_ky"),
    ("TS tập thể phải ĐK", "tong_tap_the"),
    ("Tổng số tập thể (cấp ủy, chi bộ) phải đăng ký", "tong_tap_the"),
    ("Số tập thể đã đăng ký", "tap_the_dang_ky"),
    ("Số ĐV viết BC thu hoạch / báo cáo kết quả học tập và làm theo", "dv_bao_cao"),
    ("Số lớp/buổi quán triệt chuyên đề năm 2014", "buoi_quan_triet"),
    ("Số đảng viên tham gia học tập chuyên đề", "dv_hoc_chuyen_de"),
    ("Gương NTVT được phát hiện", "guong_phat_hien"),
    ("Gương được khen thưởng, nhân rộng", "guong_nhan_rong"),
    ("BP giúp việc 03 đã được kiện toàn?", "bo_phan_03"),
    ("Số CB trực thuộc", "so_chi_bo_truc_thuoc"),
    ("Số cuộc KT đối với CB", "cuoc_kiem_tra"),
    ("Số cuộc GS", "cuoc_giam_sat"),
    ("Số KN sau KT, GS", "kien_nghi"),
    ("Số KN đã khắc phục xong", "kien_nghi_khac_phuc"),
    ("SO KIEN NGHI DA DUOC KHAC PHUC", "kien_nghi_khac_phuc"),
    (legacy.from_unicode("Số gương được biểu dương, nhân rộng", "tcvn3"), "guong_nhan_rong"),
])
def test_labels_match_their_indicator(label, indicator):
    assert match_indicator(label).id == indicator


@pytest.mark.parametrize("label", [
    "Số lượt đoàn viên thanh niên tham gia",
    "Ghi chú: số liệu tính đến 15/6",
    "T/M ĐẢNG ỦY",
])
def test_unknown_labels_never_match_silently(label):
    found = match_indicator(label)
    assert found.id is None and found.how in ("none", "ambiguous")


@pytest.mark.parametrize("table, header, column", [
    ("summary", "Số lượng", "value"),
    ("summary", "Kết quả thực hiện", "value"),
    ("summary", "Tỷ lệ (%)", "percent"),
    ("summary", "Nội dung (chỉ tiêu)", "label"),
    ("monthly", "Tháng", "month"),
    ("monthly", "Số chi bộ sinh hoạt", "cells_met"),
    ("monthly", "Kiểm điểm, đánh giá việc thực hiện bản đăng ký", "review"),
    ("monthly", "Nội dung thực hành tiết kiệm, chống lãng phí, phòng chống tham nhũng",
     "content_thrift"),
    ("monthly", "Nội dung học tập và làm theo tấm gương đạo đức Hồ Chí Minh", "content_hcm"),
    ("inspection", "Tên chi bộ", "cell_name"),
    ("inspection", "KT", "inspected"),
    ("inspection", "GS", "supervised"),
    ("inspection", "Thời gian", "date"),
    ("inspection", "Số KN", "findings"),
    ("inspection", "Đã KP", "resolved"),
    ("inspection", "Đã khắc phục", "resolved"),
])
def test_column_headers(table, header, column):
    assert match_column(table, header) == column


@pytest.mark.parametrize("label", [
    "Số đảng viên được miễn đăng ký",
    "Số đảng viên chưa báo cáo kết quả học tập và làm theo",
    "Số đảng viên chưa tham gia học tập chuyên đề",
    "Số gương chưa được nhân rộng",
    "Số chi bộ trực thuộc chưa được kiểm tra",
    "Số chi bộ không được giám sát",
    "Chưa kiện toàn Bộ phận giúp việc 03",
])
def test_a_negated_label_is_never_its_positive_indicator(label):
    assert match_indicator(label).id is None


@pytest.mark.parametrize("table, header", [
    ("inspection", "Số kiến nghị chưa khắc phục"),
    ("monthly", "Số chi bộ không sinh hoạt"),
    ("summary", "Kỳ trước"),
])
def test_a_negated_or_past_header_is_not_a_data_column(table, header):
    assert match_column(table, header) not in ("resolved", "cells_met", "value")


# ---- answer options written after a label ------------------------------------------------------
# "Không" or "Chưa" offered as an answer is not the label's own negation.

@pytest.mark.parametrize("label", [
    "Đã kiện toàn Bộ phận 03 (Có/Không)",
    "Đã kiện toàn Bộ phận 03 (Đã/Chưa)",
    "Đã kiện toàn Bộ phận 03 (x)",
    "Đã kiện toàn Bộ phận 03 (ghi Có hoặc Không)",
    "Đã kiện toàn Bộ phận 03 [Có/Không]",
    "Đã kiện toàn Bộ phận 03: Có/Không",
    "Đã kiện toàn Bộ phận 03 Có/Không",
    "Đã kiện toàn Bộ phận 03 - Có / Không",
    "Đã kiện toàn Bộ phận giúp việc 03 (đánh dấu x nếu có)",
    "Đã kiện toàn BPGV 03 (1: Có; 0: Không)",
    "Đã kiện toàn (Có/Không) Bộ phận giúp việc 03",
    "Đơn vị đã kiện toàn Bộ phận giúp việc 03 chưa?",
    "Có kiện toàn BP 03 hay không ?",
    "Đã kiện toàn Bộ phận giúp việc 03 (C/K)",
    "ĐÃ KIỆN TOÀN BỘ PHẬN 03 (CÓ/KHÔNG)",
    "Đã kiện toàn BP03 (Có/Không)",  # an abbreviation glued to its number
    "Kiện toàn BPGV03: Đã/Chưa",
])
def test_label_with_answer_options_matches_its_indicator(label):
    assert match_indicator(label).id == "bo_phan_03"


@pytest.mark.parametrize("label, indicator", [
    ("Số tập thể đã đăng ký (x)", "tap_the_dang_ky"),
    ("Số đảng viên đã đăng ký nêu gương (Có/Không)", "dv_dang_ky"),
    ("Số kiến nghị (đã thực hiện)", "kien_nghi_khac_phuc"),  # words, not options: kept
])
def test_options_are_dropped_only_when_they_are_options(label, indicator):
    assert match_indicator(label).id == indicator


@pytest.mark.parametrize("label", [
    "Số đảng viên chưa đăng ký",
    "Số đảng viên chưa đăng ký (Có/Không)",
    "Số đảng viên không báo cáo kết quả (x)",
    "Số đảng viên miễn sinh hoạt: Có/Không",
    "Chưa kiện toàn Bộ phận giúp việc 03 (Có/Không)",
    "Đã kiện toàn Bộ phận 03 (không)",  # a lone "không" is no offer: it may be the label's own
    "Bộ phận giúp việc 03: chưa",
    "Số đảng viên chưa đăng ký?",
])
def test_a_negated_label_with_options_is_still_refused(label):
    assert match_indicator(label).id is None


@pytest.mark.parametrize("label, stripped", [
    ("Đã kiện toàn Bộ phận 03 (Có/Không)", "Đã kiện toàn Bộ phận 03"),
    ("Đã kiện toàn Bộ phận 03 [Đã/Chưa]", "Đã kiện toàn Bộ phận 03"),
    ("Đã kiện toàn Bộ phận 03: ghi Có hoặc Không", "Đã kiện toàn Bộ phận 03"),
    ("Bộ phận 03 đã kiện toàn hay chưa?", "Bộ phận 03 đã kiện toàn"),
    ("Tổng số tập thể (cấp ủy, chi bộ) phải đăng ký",
     "Tổng số tập thể (cấp ủy, chi bộ) phải đăng ký"),
    ("Số đảng viên (không tính đảng viên miễn)", "Số đảng viên (không tính đảng viên miễn)"),
    ("Đã kiện toàn Bộ phận 03 (không)", "Đã kiện toàn Bộ phận 03 (không)"),
    ("Tổng số đảng viên: ghi số", "Tổng số đảng viên: ghi số"),  # "số" is no answer
    ("Có/Không", "Có/Không"),  # nothing would be left: kept as written
    ("(x)", "(x)"),
])
def test_strip_options(label, stripped):
    assert strip_options(label) == stripped


@pytest.mark.parametrize("table, header, column", [
    ("inspection", "Kiểm tra (Có/Không)", "inspected"),
    ("inspection", "Giám sát [x]", "supervised"),
    ("inspection", "Được giám sát: Có/Không", "supervised"),
    ("monthly", "Kiểm điểm, đánh giá việc thực hiện bản đăng ký (Có/Không)", "review"),
    ("monthly", "Nội dung học tập và làm theo tấm gương đạo đức Hồ Chí Minh (Đã/Chưa)",
     "content_hcm"),
    ("inspection", "Số kiến nghị chưa khắc phục (Có/Không)", None),
])
def test_column_headers_with_answer_options(table, header, column):
    assert match_column(table, header) == column
