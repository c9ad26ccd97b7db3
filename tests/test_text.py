"""The one normaliser: NFC/NFD, whitespace, numbering, abbreviations, legacy encodings."""

import unicodedata

import pytest

from lib03 import legacy
from lib03.text import clean_text, fold_key, strip_numbering
from lib03.vocab import match_column, match_indicator


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
