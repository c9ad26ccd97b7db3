"""Matching reports and hand-typed cell names to the registry."""

import pandas as pd
import pytest

from lib03.ingest.match import cell_key, match_cells, match_name, match_report_unit, unit_key
from lib03.ingest.registry import index_registry

UNITS = pd.DataFrame({
    "unit_code": ["DB01", "DB01-01", "DB01-03", "DB01-13", "DB01-09", "DB02", "CB01"],
    "unit_name": ["Đảng bộ xã Tân Phú", "Chi bộ ấp 1", "Chi bộ ấp 3", "Chi bộ ấp Tân Hòa",
                  "Chi bộ ấp Phước Lợi", "Đảng bộ xã Tân Phước", "Chi bộ Trường THCS Tân Phú"],
})
CHILDREN = UNITS[UNITS["unit_code"].str.startswith("DB01-")].to_dict("records")
UNITS["unit_type"] = ["dang_bo_co_so", "chi_bo_truc_thuoc", "chi_bo_truc_thuoc",
                      "chi_bo_truc_thuoc", "chi_bo_truc_thuoc", "dang_bo_co_so", "chi_bo_co_so"]
UNITS["parent_code"] = [None, "DB01", "DB01", "DB01", "DB01", None, None]
UNITS["active"] = 1
REGISTRY = index_registry(UNITS)


@pytest.mark.parametrize("typed", ["CB ấp 3", "Chi bo Ap 3", "Chi bộ Ấp 03", "ấp 3", "CHI BỘ ẤP 3"])
def test_spelling_variants_of_a_cell_match_exactly(typed):
    found = match_cells([typed], CHILDREN)[0]
    assert (found.code, found.how) == ("DB01-03", "exact")


def test_near_miss_with_another_number_never_matches():
    found = match_cells(["Chi bộ ấp 13"], CHILDREN)[0]
    assert found.code is None and found.how == "none"
    assert "Chi bộ ấp 1" in found.detail  # the candidates are named for the analyst


def test_typo_in_a_long_name_is_a_reported_fuzzy_match():
    found = match_cells(["Chi bộ ấp Phước Lợii"], CHILDREN)[0]
    assert (found.code, found.how) == ("DB01-09", "fuzzy")
    assert "Phước Lợi" in found.detail


def test_unrelated_name_is_not_guessed():
    found = match_cells(["Chi bộ Công ty Cổ phần Sao Mai"], CHILDREN)[0]
    assert found.code is None


def test_close_candidates_are_ambiguous_not_guessed():
    cands = {"X1": "Chi bộ ấp Tân Hòa", "X2": "Chi bộ ấp Tân Hoà A"}
    assert match_name("Chi bộ ấp Tân Hoà", cands, cell_key).code == "X1"
    twins = {"X1": "Chi bộ ấp Tân Hòa", "X2": "Chi bộ Ấp Tân Hoà"}
    found = match_name("CB ấp Tân Hòa", twins, cell_key)
    assert found.code is None and found.how == "ambiguous" and "X1" in found.detail
    found = match_name("Chi bộ ấp Tân Hòa B", {"X1": "Chi bộ ấp Tân Hòa A",
                                               "X2": "Chi bộ ấp Tân Hòa C"}, cell_key)
    assert found.code is None


@pytest.mark.parametrize("typed, registry_name", [
    ("Chi bộ Trường THPT Tân Phú", "Chi bộ Trường THCS Tân Phú"),
    ("Chi bộ Trường TH Tân Phú", "Chi bộ Trường THCS Tân Phú"),
    ("Đảng bộ xã Phước Hòa Tây", "Đảng bộ xã Phước Hòa"),
    ("Đảng bộ xã Tân Phước", "Đảng bộ xã Tân Phú"),
])
def test_a_different_word_is_a_different_unit(typed, registry_name):
    assert match_name(typed, {"U1": registry_name}).code is None


def test_level_word_may_be_left_out():
    assert match_name("ĐẢNG ỦY XÃ MỸ LỘC", {"U1": "Đảng bộ Mỹ Lộc"}).how == "exact"
    assert match_name("ĐU TT Mẫu Sơn", {"U1": "Đảng bộ thị trấn Mẫu Sơn"}).how == "exact"


def test_cell_heading_under_its_dang_bo_is_the_cell():
    # Title block: "ĐẢNG BỘ XÃ TÂN PHÚ" above "CHI BỘ ẤP 3" — the sender is the lower line.
    hints = [("name", "CHI BỘ ẤP 3"), ("name", "ĐẢNG BỘ XÃ TÂN PHÚ")]
    assert match_report_unit(hints, "bc", REGISTRY).code == "DB01-03"


def test_unit_named_only_in_the_file_name():
    found = match_report_unit([], "bao cao CT03 Tan Phuoc 6T dau nam", REGISTRY)
    assert (found.code, found.how) == ("DB02", "filename")
    assert match_report_unit([], "bao cao Truong THCS Tan Phu", REGISTRY).code == "CB01"
    assert match_report_unit([], "bao cao tong hop", REGISTRY).code is None


def test_committee_title_matches_organisation():
    assert unit_key("ĐẢNG ỦY XÃ TÂN PHÚ") == unit_key("Đảng bộ xã Tân Phú")
    found = match_report_unit([("name", "ĐẢNG ỦY XÃ TÂN PHÚ")], "bao cao", REGISTRY)
    assert (found.code, found.how) == ("DB01", "exact")


def test_report_unit_order_of_evidence():
    # A stated code wins over everything; a code in the file name over a fuzzy name.
    assert match_report_unit([("code", "cb01"), ("name", "Đảng bộ xã Tân Phú")], "x",
                             REGISTRY).code == "CB01"
    assert match_report_unit([], "DB02_bao_cao_6T", REGISTRY).code == "DB02"
    assert match_report_unit([], "DB01-03 bao cao", REGISTRY).code == "DB01-03"
    unknown = match_report_unit([("name", "Đảng bộ xã Hòa Bình")], "bc", REGISTRY)
    assert unknown.code is None and unknown.how == "none"


def test_codes_in_file_names_are_whole_and_never_picked_at_random():
    names = {"DB01": "a", "CB05": "b", "CB07": "c", "H02-DB01": "d"}
    assert match_report_unit([], "H02-DB01", index_registry_like(names)).code == "H02-DB01"
    assert match_report_unit([], "H03-DB01", index_registry_like(names)).code is None
    both = match_report_unit([], "CB05 va CB07", index_registry_like(names))
    assert (both.code, both.how) == (None, "ambiguous")


def index_registry_like(names):
    import pandas as pd

    return index_registry(pd.DataFrame({
        "unit_code": list(names), "unit_name": list(names.values()),
        "unit_type": "chi_bo_co_so", "parent_code": None, "active": 1}))


CELLS = [{"unit_code": c, "unit_name": n} for c, n in [
    ("A2", "Chi bộ ấp 2"), ("A3", "Chi bộ ấp 3"), ("A13", "Chi bộ ấp 13"),
    ("LH", "Chi bộ Trường THCS Long Hòa"), ("TN", "Chi bộ Phòng Tài nguyên và Môi trường"),
    ("KP", "Chi bộ Khu phố 3"), ("B1", "Chi bộ Trường Tiểu học An Bình"),
    ("B2", "Chi bộ Phòng Tiểu học An Bình"),
]]


@pytest.mark.parametrize(("typed", "code"), [
    ("C/b ấp 2", "A2"), ("C.bộ ấp 3", "A3"), ("CB ấp 2", "A2"), ("Chibo ap 13", "A13"),
    ("Chi bộ ấp III", "A3"), ("ấp XIII", "A13"), ("ấp 03", "A3"), ("Khu phố III", "KP"),
    ("THCS Long Hòa", "LH"), ("Trường THCS Long Hoà", "LH"),
    ("Phòng Tài nguyên - Môi trường", "TN"), ("Tài nguyên & Môi trường", "TN"),
    ("Phòng TN&MT", "TN"), ("P. TN-MT", "TN"), ("KP III", "KP"), ("kp 3", "KP"),
])
def test_cell_names_as_units_type_them(typed, code):
    from lib03.ingest.match import match_cells

    assert match_cells([typed], CELLS)[0].code == code


@pytest.mark.parametrize("typed", ["THPT Long Hòa", "ấp 23", "Long Hòa", "ấp IIII"])
def test_near_misses_of_cell_names_are_not_taken(typed):
    from lib03.ingest.match import match_cells

    assert match_cells([typed], CELLS)[0].code is None


def test_a_short_name_that_fits_two_cells_is_ambiguous_not_guessed():
    from lib03.ingest.match import match_cells

    found = match_cells(["Tiểu học An Bình"], CELLS)[0]
    assert (found.code, found.how) == (None, "ambiguous")
    assert "B1" in found.detail and "B2" in found.detail


@pytest.mark.parametrize("typed, registry", [
    ("Phòng VH-TT", "Phòng Văn hóa - Thông tin"),
    ("Phòng VH&TT", "Phòng Văn hóa và Thông tin"),
    ("Phòng LĐ-TB&XH", "Phòng Lao động - Thương binh và Xã hội"),
    ("C/b ấp số 2", "Chi bộ ấp 2"),
])
def test_office_abbreviations_and_numbered_places_fold_to_the_registry_name(typed, registry):
    assert cell_key(typed) == cell_key(registry)
