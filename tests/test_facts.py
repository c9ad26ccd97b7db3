"""The period's figures (`PeriodFacts`): computed once, on first use, and the same frames as
the metrics functions give when each is called on its own."""

from unittest import mock

import pandas as pd
import pytest

from lib03.config import load_settings
from lib03.report import checks, inspection, metrics, tallies
from lib03.report.facts import PeriodFacts
from lib03.report.html import index_page
from lib03.report.notebook import setup
from lib03.report.summary import write_summary

PERIODS = ["2014-H1", "2013-H2"]  # with a previous period in the data, and without


@pytest.fixture(scope="module")
def sample(sample_processed):
    return metrics.load_tables(sample_processed)


def _direct(t: dict[str, pd.DataFrame], period: str, s) -> dict[str, pd.DataFrame]:
    """Every figure the report shows, each from its own metrics call, as before `PeriodFacts`."""
    before = metrics.previous_of(t, period)
    units = metrics.unit_rates(t, period, s)
    groups = metrics.group_rates(units)
    prev_units = metrics.unit_rates(t, before, s) if before else None
    prev_groups = metrics.group_rates(prev_units) if before else None
    return {
        "status": metrics.reporting_status(t, period, s),
        "reporting_rates": metrics.reporting_rates(metrics.reporting_status(t, period, s)),
        "consistency": tallies.consistent_reporters(t, s, up_to=period),
        "inputs": metrics.unit_inputs(t, period, s),
        "unit_rates": units,
        "group_rates": groups,
        "group_changes": metrics.with_change(groups, prev_groups, ["group", "rate"]),
        "unit_changes": metrics.with_change(units, prev_units, ["unit_code", "rate"]),
        "totals": tallies.count_totals(metrics.unit_inputs(t, period, s)),
        "without_unit_03": tallies.without_unit_03(metrics.unit_inputs(t, period, s)),
        "monthly": tallies.monthly_table(t, period, metrics.reporting_status(t, period, s)),
        "inspection": inspection.inspection_summary(t, period, s),
        "quarantined": checks.quarantined_files(t, period),
        "warnings": checks.warnings_to_check(t, period),
        "problem_counts": checks.problem_counts(t, period),
        "unexpected_reports": checks.unexpected_reports(t, period),
        "count_changes": checks.changes_from_previous(t, period, s),
        "outliers": checks.outliers(metrics.unit_rates(t, period, s), s),
    }


@pytest.mark.parametrize("period", PERIODS)
def test_facts_built_once_are_the_figures_of_the_metrics_functions(sample, period):
    s = load_settings()
    facts = PeriodFacts.build(sample, period, s)
    # Every figure read first: one that changed a shared frame in place would show below.
    read = {name: getattr(facts, name) for name in _direct(sample, period, s)}
    for name, expected in _direct(sample, period, s).items():
        pd.testing.assert_frame_equal(read[name], expected, obj=name)
    assert facts.previous == metrics.previous_of(sample, period)
    district = metrics.group_rates(metrics.unit_rates(sample, period, s), by=None)
    pd.testing.assert_series_equal(facts.district_rates, district.set_index("rate")["value"],
                                   check_names=False)


def test_facts_of_the_previous_period_are_built_from_the_same_tables(sample):
    s = load_settings()
    facts = PeriodFacts.build(sample, "2014-H1", s)
    assert facts.before.period == "2013-H2" and facts.before.tables is sample
    pd.testing.assert_frame_equal(facts.status_of("2013-H2"),
                                  metrics.reporting_status(sample, "2013-H2", s))
    assert facts.before.before is None and facts.before.group_changes["previous"].isna().all()


def test_the_newest_report_and_usable_count_come_from_the_period_files(sample):
    facts = PeriodFacts.build(sample, "2014-H1", load_settings())
    ok = facts.files[facts.files["status"] == "ok"]
    assert facts.usable_reports == len(ok) == facts.file_counts["ok"]
    assert facts.newest_report_date == max(d for d in ok["report_date"] if d)


def _counting():
    """Count the calls of the two costly figures while still computing them."""
    return (mock.patch.object(metrics, "reporting_status", wraps=metrics.reporting_status),
            mock.patch.object(metrics, "unit_inputs", wraps=metrics.unit_inputs))


def test_building_computes_nothing(sample):
    status_patch, inputs_patch = _counting()
    with status_patch as status, inputs_patch as inputs:
        PeriodFacts.build(sample, "2014-H1", load_settings())
    assert status.call_count == inputs.call_count == 0


@pytest.mark.parametrize("period", PERIODS)
def test_workbook_and_front_page_compute_each_period_once(sample, period, tmp_path):
    facts = PeriodFacts.build(sample, period, load_settings())
    status_patch, inputs_patch = _counting()
    with status_patch as status, inputs_patch as inputs:
        write_summary(facts, tmp_path / "bang_tong_hop.xlsx")
        index_page(facts, [], "test")
    # The period itself, and the previous one for the changes and the consistency table.
    wanted = sorted(p for p in {period, metrics.previous_of(sample, period)} if p)
    assert sorted(c.args[1] for c in status.call_args_list) == wanted
    assert sorted(c.args[1] for c in inputs.call_args_list) == wanted


def test_notebook_setup_reads_the_parameters_cell(sample_processed):
    processed = sample_processed
    namespace = {"period": "2013-H2", "processed_dir": str(processed), "charts_dir": None,
                 "deadline": "2013-12-01", "coverage_min": 60, "outlier_z": None,
                 "print": print}  # a notebook's globals hold more than its parameters
    ctx = setup(namespace)
    facts = ctx.facts
    assert facts.period == "2013-H2" and facts.previous is None and ctx.charts_dir is None
    assert facts.settings.coverage_min == 60 and facts.deadline == "2013-12-01"
    assert facts.settings.outlier_z == load_settings().outlier_z  # None keeps the default
    assert setup({"processed_dir": str(processed)}).facts.period == "2014-H2"  # the latest


@pytest.mark.parametrize("period", PERIODS)
def test_no_group_figure_is_above_100_percent(sample, period):
    """A unit claiming more than its total is left out of its group and the district, for
    that rate only, and listed; every group figure stays within 0–100 %."""
    facts = PeriodFacts.build(sample, period, load_settings())
    groups, over = facts.group_rates, facts.over_total
    assert groups["value"].dropna().between(0, 1).all()
    if period == "2014-H1":  # the sample plants a follow-up and a content count above total
        assert {"khac_phuc", "nd_hcm"} <= set(over["rate"])
    counted = groups[groups["group"] == metrics.DISTRICT].set_index("rate")["over"]
    assert counted.to_dict() == {r: int((over["rate"] == r).sum()) for r in counted.index}
    units = facts.unit_rates
    for rate, part in units.groupby("rate"):
        kept = part[(part["numerator"] <= part["denominator"])]
        row = groups[(groups["group"] == metrics.DISTRICT) & (groups["rate"] == rate)].iloc[0]
        assert row["numerator"] == kept["numerator"].sum() or pd.isna(row["numerator"])
