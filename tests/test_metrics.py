"""Metrics on small hand-made tables; every expected value is worked out by hand in a comment."""

import math

import pandas as pd
import pytest

from lib03.config import RAW_DIR, Settings, load_settings
from lib03.contract import NUMERIC, read_table
from lib03.ingest.pipeline import run_clean
from lib03.report import checks, inspection, metrics, tallies

P = "2014-H1"
UNIT_COLS = ["unit_code", "unit_name", "unit_type", "parent_code", "sector", "members_ref",
             "active", "source"]


def _units(rows):
    return pd.DataFrame([dict(zip(UNIT_COLS, [*r, ""], strict=True)) for r in rows])


def _tables(units, subs=(), ind=(), mon=(), insp=(), log=()):
    """Tables shaped as metrics.load_tables returns them (numbers as floats)."""
    sub_cols = ["period", "unit_code", "unit_name", "source_file", "report_date", "deadline",
                "on_time", "status", "status_reason"]
    ind_cols = ["period", "unit_code", "indicator", "value", "source"]
    mon_cols = ["period", "unit_code", "month", "cells_met", "content_hcm", "content_thrift",
                "review", "source"]
    insp_cols = ["period", "unit_code", "cell_code", "cell_name_raw", "inspected",
                 "supervised", "date", "findings", "resolved", "source"]
    log_cols = ["period", "source_file", "sheet", "cell", "severity", "code", "message",
                "raw_value"]

    def frame(rows, cols):
        return pd.DataFrame([dict(zip(cols, r, strict=False)) for r in rows], columns=cols)

    t = {"units": units, "submissions": frame(subs, sub_cols).fillna(""),
         "indicators": frame(ind, ind_cols), "monthly": frame(mon, mon_cols),
         "inspections": frame(insp, insp_cols), "quality_log": frame(log, log_cols)}
    for name, cols in NUMERIC.items():  # as load_tables reads them (domain/schema.csv)
        for c in cols:
            if c in t[name]:
                t[name][c] = pd.to_numeric(t[name][c], errors="coerce").astype(float)
    for c in ("source", "cell_code", "cell_name_raw", "date"):
        t["inspections"][c] = t["inspections"][c].astype(object).fillna("")
    return t


def _sub(code, date="2014-06-10", status="ok", period=P, file=None):
    return [period, code, code, file or f"{period}/{code}.xlsx", date, "2014-06-20", "",
            status, ""]


UNITS = _units([
    ["DB1", "Đảng bộ xã A", "dang_bo_co_so", "", "Xã", 100, 1],
    ["DB1-1", "Chi bộ ấp 1", "chi_bo_truc_thuoc", "DB1", "Xã", 10, 1],
    ["DB1-2", "Chi bộ ấp 2", "chi_bo_truc_thuoc", "DB1", "Xã", 10, 1],
    ["DB1-3", "Chi bộ ấp 3", "chi_bo_truc_thuoc", "DB1", "Xã", 10, 0],
    ["CB1", "Chi bộ Phòng B", "chi_bo_co_so", "", "Cơ quan", 10, 1],
    ["CB2", "Chi bộ Phòng C", "chi_bo_co_so", "", "Cơ quan", 90, 1],
    ["CB3", "Chi bộ Trường D", "chi_bo_co_so", "", "Cơ quan", 20, 1],
    ["CB9", "Chi bộ đã giải thể", "chi_bo_co_so", "", "Cơ quan", 5, 0],
])


# --- reporting status ------------------------------------------------------------------------

def test_status_on_the_deadline_is_on_time_a_day_later_is_late():
    t = _tables(UNITS, subs=[_sub("DB1", "2014-06-20"), _sub("CB1", "2014-06-21"),
                             _sub("CB2", ""), _sub("CB3", status="quarantined")])
    st = metrics.reporting_status(t, P, Settings()).set_index("unit_code")["status"]
    # Expected units: DB1, CB1, CB2, CB3 (CB9 inactive, DB1-x are Chi bộ trực thuộc).
    assert st.to_dict() == {"DB1": "on_time", "CB1": "late", "CB2": "no_date",
                            "CB3": "unusable"}


def test_missing_unit_and_rates_per_sector_and_district():
    t = _tables(UNITS, subs=[_sub("DB1", "2014-06-20"), _sub("CB1", "2014-06-25")])
    st = metrics.reporting_status(t, P, Settings())
    assert st.set_index("unit_code").loc[["CB2", "CB3"], "status"].tolist() == ["missing"] * 2
    r = metrics.reporting_rates(st).set_index("group")
    # Xã: 1 of 1 reported, on time; Cơ quan: 1 of 3 reported (late); district 2/4, 1/4.
    assert r.loc["Xã", ["reporting_rate", "on_time_rate"]].tolist() == [1.0, 1.0]
    assert r.loc["Cơ quan", "reporting_rate"] == pytest.approx(1 / 3)
    assert r.loc["Cơ quan", "on_time_rate"] == 0.0
    assert r.loc["Toàn huyện", ["expected", "reported", "on_time"]].tolist() == [4, 2, 1]
    assert r.loc["Toàn huyện", ["reporting_rate", "on_time_rate"]].tolist() == [0.5, 0.25]


def test_deadline_override_changes_on_time():
    t = _tables(UNITS, subs=[_sub("CB1", "2014-06-25")])
    later = Settings().with_overrides(deadlines={P: "2014-06-30"})
    assert metrics.reporting_status(t, P, later).set_index("unit_code").loc["CB1", "status"] \
        == "on_time"


def test_no_expected_unit_gives_missing_rates_not_zero():
    t = _tables(_units([["CB9", "Chi bộ X", "chi_bo_co_so", "", "Cơ quan", 5, 0]]))
    r = metrics.reporting_rates(metrics.reporting_status(t, P, Settings()))
    assert r["expected"].tolist() == [0]
    assert math.isnan(r["reporting_rate"].iloc[0])


# --- rates -----------------------------------------------------------------------------------

def _member_tables():
    ind = [
        # CB1: 9 of 10 registered; CB2: 1 of 90; CB3: total 0 (zero denominator).
        [P, "CB1", "tong_dang_vien", 10], [P, "CB1", "dv_dang_ky", 9],
        [P, "CB2", "tong_dang_vien", 90], [P, "CB2", "dv_dang_ky", 1],
        [P, "CB3", "tong_dang_vien", 0], [P, "CB3", "dv_dang_ky", 0],
        # DB1: registered missing (blank cell) → excluded from the registration rate.
        [P, "DB1", "tong_dang_vien", 100], [P, "DB1", "dv_bao_cao", 50],
    ]
    return _tables(UNITS, subs=[_sub(c) for c in ("DB1", "CB1", "CB2", "CB3")], ind=ind)


def test_group_rate_is_a_ratio_of_sums_not_a_mean_of_rates():
    t = _member_tables()
    ur = metrics.unit_rates(t, P, Settings())
    reg = ur[ur["rate"] == "dang_ky"].set_index("unit_code")["value"]
    assert reg["CB1"] == 0.9 and reg["CB2"] == pytest.approx(1 / 90)
    assert math.isnan(reg["CB3"])  # 0/0 is missing, not 0 and not 100 %
    assert math.isnan(reg["DB1"])  # numerator blank
    g = metrics.group_rates(ur, by=None).set_index("rate").loc["dang_ky"]
    # (9 + 1 + 0) / (10 + 90 + 0) = 0.1; the mean of unit rates would be 0.456.
    assert (g["numerator"], g["denominator"], g["value"], g["units"]) == (10, 100, 0.1, 3)


def test_rate_with_every_denominator_zero_is_missing():
    t = _tables(UNITS, subs=[_sub("CB3")], ind=[[P, "CB3", "tong_dang_vien", 0],
                                                [P, "CB3", "dv_dang_ky", 0]])
    g = metrics.group_rates(metrics.unit_rates(t, P, Settings()), by=None).set_index("rate")
    assert math.isnan(g.loc["dang_ky", "value"]) and g.loc["dang_ky", "denominator"] == 0


def test_report_back_uses_only_units_with_both_numbers():
    units = metrics.unit_rates(_member_tables(), P, Settings())
    g = metrics.group_rates(units, by=None).set_index("rate")
    # Only DB1 has dv_bao_cao: 50/100.
    assert g.loc["bao_cao", ["value", "units"]].tolist() == [0.5, 1]


def test_monthly_content_rates_sum_over_the_months():
    mon = [[P, "CB1", m, 1, 1, 1 if m <= 3 else 0, 0] for m in range(1, 7)]
    mon += [[P, "DB1", 1, 2, 1, 2, 2], [P, "DB1", 2, 2, 2, 2, None]]
    t = _tables(UNITS, subs=[_sub("CB1"), _sub("DB1")], mon=mon)
    g = metrics.group_rates(metrics.unit_rates(t, P, Settings()), by=None).set_index("rate")
    # cells met 6 + 4 = 10; HCM 6 + 3 = 9; thrift 3 + 4 = 7; review 0 + 2 = 2.
    assert g.loc[["nd_hcm", "nd_tiet_kiem", "kiem_diem"], "value"].tolist() == [0.9, 0.7, 0.2]


def test_change_since_previous_period():
    ind = [["2013-H2", "CB1", "tong_dang_vien", 10], ["2013-H2", "CB1", "dv_dang_ky", 8],
           [P, "CB1", "tong_dang_vien", 10], [P, "CB1", "dv_dang_ky", 9]]
    t = _tables(UNITS, subs=[_sub("CB1"), _sub("CB1", "2013-12-10", period="2013-H2")], ind=ind)
    assert metrics.previous_of(t, P) == "2013-H2" and metrics.previous_of(t, "2013-H2") is None
    now = metrics.group_rates(metrics.unit_rates(t, P, Settings()), by=None)
    before = metrics.group_rates(metrics.unit_rates(t, "2013-H2", Settings()), by=None)
    ch = metrics.with_change(now, before, ["group", "rate"]).set_index("rate").loc["dang_ky"]
    assert (ch["previous"], ch["value"]) == (0.8, 0.9)
    assert ch["change"] == pytest.approx(0.1)
    none = metrics.with_change(now, None, ["group", "rate"])
    assert none["previous"].isna().all() and none["change"].isna().all()


def test_consistent_reporters_across_all_periods():
    subs = [_sub("CB1"), _sub("CB1", period="2013-H2"), _sub("CB2"), _sub("DB1", period="2013-H2")]
    c = tallies.consistent_reporters(_tables(UNITS, subs=subs), Settings()).set_index("unit_code")
    assert c.loc["CB1", "consistent"] and not c.loc["CB2", "consistent"]
    assert c.loc[["CB1", "CB2", "CB3"], "periods_reported"].tolist() == [2, 1, 0]


# --- weak inspection flags -------------------------------------------------------------------

def _insp_tables(rows, ind, report_date="2014-06-10"):
    units = _units([["DB1", "Đảng bộ xã A", "dang_bo_co_so", "", "Xã", 100, 1]]
                   + [[f"DB1-{i}", f"Chi bộ ấp {i}", "chi_bo_truc_thuoc", "DB1", "Xã", 5, 1]
                      for i in range(1, 11)])
    insp = [[P, "DB1", *r] for r in rows]
    ind = [[P, "DB1", k, v] for k, v in ind.items()]
    return _tables(units, subs=[_sub("DB1", report_date)], ind=ind, insp=insp)


def _row(i, date="2014-05-01", findings=0, resolved=0, inspected=1, supervised=0):
    return [f"DB1-{i}", f"Chi bộ ấp {i}", inspected, supervised, date, findings, resolved]


def _flags(t, **overrides):
    s = Settings().with_overrides(**overrides)
    row = inspection.inspection_summary(t, P, s).iloc[0]
    return set(filter(None, row["flags"].split(";"))), row


@pytest.mark.parametrize(("acted", "flagged"), [(5, False), (4, True), (6, False)])
def test_coverage_threshold_is_strict(acted, flagged):
    # 10 Chi bộ trực thuộc; 5/10 = 50 % sits on the threshold and is not flagged.
    t = _insp_tables([_row(i) for i in range(1, acted + 1)], {"so_chi_bo_truc_thuoc": 10})
    found, row = _flags(t)
    assert row["coverage"] == acted / 10
    assert ("low_coverage" in found) is flagged


def test_a_cell_inspected_twice_counts_once_and_unmatched_names_do_not_count():
    rows = [_row(1), _row(1, supervised=1), ["", "Chi bộ lạ", 1, 0, "2014-05-01", 0, 0]]
    found, row = _flags(_insp_tables(rows, {"so_chi_bo_truc_thuoc": 4}))
    assert row["cells_acted"] == 1 and row["coverage"] == 0.25
    assert found == {"low_coverage"}  # active, so not no_activity


@pytest.mark.parametrize(("resolved", "flagged"), [(70, False), (69, True), (100, False)])
def test_followup_threshold_is_strict(resolved, flagged):
    t = _insp_tables([_row(i) for i in range(1, 11)],
                     {"so_chi_bo_truc_thuoc": 10, "kien_nghi": 100,
                      "kien_nghi_khac_phuc": resolved})
    found, row = _flags(t)
    assert row["followup"] == resolved / 100
    assert ("low_followup" in found) is flagged


def test_no_findings_means_no_followup_judgement():
    t = _insp_tables([_row(i) for i in range(1, 11)],
                     {"so_chi_bo_truc_thuoc": 10, "kien_nghi": 0, "kien_nghi_khac_phuc": 0})
    found, row = _flags(t)
    assert math.isnan(row["followup"]) and not found


@pytest.mark.parametrize(("days", "flagged"), [(90, False), (91, True)])
def test_overdue_finding_counts_days_to_the_report_date(days, flagged):
    import datetime as dt
    when = (dt.date(2014, 6, 10) - dt.timedelta(days=days)).isoformat()
    rows = [_row(1, date=when, findings=2, resolved=1)] + [_row(i) for i in range(2, 11)]
    found, row = _flags(_insp_tables(rows, {"so_chi_bo_truc_thuoc": 10}))
    assert ("overdue_finding" in found) is flagged
    if flagged:
        assert "Chi bộ ấp 1" in row["reasons"] and "91 ngày" in row["reasons"]


def test_overdue_uses_period_end_without_a_report_date_and_ignores_resolved_findings():
    rows = [_row(1, date="2014-03-01", findings=2, resolved=2),  # all resolved: fine
            _row(2, date="2014-03-01", findings=2, resolved=1)]  # 121 days to 30/06
    found, row = _flags(_insp_tables(rows, {"so_chi_bo_truc_thuoc": 2}, report_date=""))
    assert found == {"overdue_finding"} and row["as_of"] == "2014-06-30"
    assert "121 ngày" in row["reasons"]


def test_no_activity_and_its_settings_override():
    unmarked = [_row(i, inspected=0) for i in range(1, 11)]
    t = _insp_tables(unmarked, {"so_chi_bo_truc_thuoc": 10, "cuoc_kiem_tra": 0})
    found, row = _flags(t)
    assert found == {"no_activity", "low_coverage"} and row["coverage"] == 0
    assert "Không kiểm tra, giám sát" in row["reasons"]
    # Visits told in the summary are activity (not coverage): no "no_activity".
    told = _insp_tables(unmarked, {"so_chi_bo_truc_thuoc": 10, "cuoc_kiem_tra": 2})
    assert _flags(told)[0] == {"low_coverage"}
    assert _flags(t, coverage_min=0)[0] == {"no_activity"}


def test_no_inspection_table_means_unknown_coverage_not_zero():
    found, row = _flags(_insp_tables([], {"so_chi_bo_truc_thuoc": 10}))
    assert math.isnan(row["coverage"]) and row["listed"] == 0
    assert found == {"no_activity"}  # nothing says any cell was inspected


@pytest.mark.parametrize(("acted", "cells", "threshold", "flagged"),
                         [(57, 100, 57.0, False), (29, 50, 58.0, False), (28, 50, 57.0, True)])
def test_thresholds_hold_exactly_whatever_the_floating_point(acted, cells, threshold, flagged):
    # 0,57 × 100 is 56,99999… in floating point: an exact hit must still not be flagged.
    rows = [_row(i) for i in range(1, acted + 1)]
    units = _units([["DB1", "Đảng bộ xã A", "dang_bo_co_so", "", "Xã", 100, 1]]
                   + [[f"DB1-{i}", f"Chi bộ ấp {i}", "chi_bo_truc_thuoc", "DB1", "Xã", 5, 1]
                      for i in range(1, cells + 1)])
    t = _tables(units, subs=[_sub("DB1")], ind=[[P, "DB1", "so_chi_bo_truc_thuoc", cells]],
                insp=[[P, "DB1", *r] for r in rows])
    assert ("low_coverage" in _flags(t, coverage_min=threshold)[0]) is flagged


def test_subcells_fall_back_to_the_registry():
    found, row = _flags(_insp_tables([_row(i) for i in range(1, 4)], {}))
    # Registry: 10 active Chi bộ trực thuộc; 3 inspected → 30 %.
    assert (row["subcells"], row["subcells_from"], row["coverage"]) == (10, "registry", 0.3)
    assert found == {"low_coverage"}


# --- pre-meeting checks ----------------------------------------------------------------------

@pytest.mark.parametrize(("now", "listed"), [(13.3, False), (13.4, True), (6.6, True)])
def test_change_from_previous_period(now, listed):
    ind = [["2013-H2", "CB1", "tong_dang_vien", 10], [P, "CB1", "tong_dang_vien", now],
           ["2013-H2", "CB1", "buoi_quan_triet", 2], [P, "CB1", "buoi_quan_triet", 9]]
    t = _tables(UNITS, subs=[_sub("CB1"), _sub("CB1", period="2013-H2")], ind=ind)
    found = checks.changes_from_previous(t, P, Settings())
    # ±33 % of 10; buoi_quan_triet's previous 2 is under the base of 10, never compared.
    assert found["indicator"].tolist() == (["tong_dang_vien"] if listed else [])


def test_outliers_need_peers_and_a_far_value():
    rows = [{"unit_code": f"C{i}", "unit_name": f"C{i}", "unit_type": "chi_bo_co_so",
             "rate": "dang_ky", "value": v} for i, v in enumerate([0.9, 0.92, 0.95, 0.93, 0.2])]
    ur = pd.DataFrame(rows)
    found = checks.outliers(ur, Settings())
    assert found["unit_code"].tolist() == ["C4"] and found["z"].iloc[0] < -3.5
    assert checks.outliers(ur.iloc[1:], Settings()).empty  # 4 units: too few to compare


# --- the sample district ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    out = tmp_path_factory.mktemp("processed")
    run_clean(RAW_DIR, out, progress=False)
    return metrics.load_tables(out)


def test_sample_flags_exactly_the_planted_weak_dang_bo(sample):
    truth = read_table(RAW_DIR / ".ground_truth" / "weak_inspection.csv")
    found = []
    for period in metrics.periods_in(sample):
        summary = inspection.inspection_summary(sample, period, load_settings())
        found += [(period, r.unit_code, f) for r in summary.itertuples()
                  for f in r.flags.split(";") if f]
    assert sorted(found) == sorted(map(tuple, truth.values.tolist()))


def test_sample_reporting_names_the_missing_and_late_units(sample):
    st = metrics.reporting_status(sample, P, load_settings())
    assert st.loc[st["status"] == "missing", "unit_code"].tolist() == ["CB21"]
    assert st.loc[st["status"] == "late", "unit_code"].tolist() == ["CB09"]
    r = metrics.reporting_rates(st).set_index("group").loc["Toàn huyện"]
    assert (r["expected"], r["reported"], r["on_time"]) == (40, 39, 38)


def test_load_tables_says_what_to_do_when_nothing_was_cleaned(tmp_path):
    with pytest.raises(metrics.ReportError, match="lib03 clean"):
        metrics.load_tables(tmp_path)
