"""The trend over every period: each period's figure equals the one its own report prints,
and the section appears only once the data holds three periods."""

import pandas as pd
import pytest

from lib03.config import load_settings
from lib03.report import metrics, present
from lib03.report.charts_trend import plot_trend
from lib03.report.facts import PeriodFacts
from lib03.report.trend import MIN_PERIODS, ON_TIME, REPORTING, shown_periods


@pytest.fixture(scope="module")
def tables(sample_processed):
    return metrics.load_tables(sample_processed)


def test_each_period_of_the_trend_equals_its_own_report(tables):
    settings = load_settings()
    newest = metrics.periods_in(tables)[-1]
    trend = PeriodFacts.build(tables, newest, settings).trend
    assert shown_periods(trend) >= MIN_PERIODS  # the sample holds three half-years
    for period in metrics.periods_in(tables):
        own = PeriodFacts.build(tables, period, settings)
        part = trend[trend["period"] == period].set_index(["group", "measure"])["value"]
        for _, g in own.group_rates.iterrows():
            assert part[(g["group"], g["rate"])] == pytest.approx(g["value"], nan_ok=True)
        for _, r in own.reporting_rates.iterrows():
            assert part[(r["group"], REPORTING)] == pytest.approx(r["reporting_rate"])
            assert part[(r["group"], ON_TIME)] == pytest.approx(r["on_time_rate"])


def test_an_older_report_never_sees_a_later_period(tables):
    periods = metrics.periods_in(tables)
    trend = PeriodFacts.build(tables, periods[1], load_settings()).trend
    assert list(pd.unique(trend["period"])) == periods[:2]
    assert shown_periods(trend) < MIN_PERIODS  # two periods: the change column says it all


def test_trend_tables_and_chart(tables):
    trend = PeriodFacts.build(tables, metrics.periods_in(tables)[-1], load_settings()).trend
    district = present.trend_table(trend).frame
    assert list(district.columns) == ["Chỉ tiêu", "6T cuối 2013", "6T đầu 2014", "6T cuối 2014"]
    assert district.iloc[:, 1:].stack().between(0, 1).all()
    sectors = present.trend_by_sector_table(trend, REPORTING).frame
    assert sectors["Khối"].iloc[-1] == metrics.DISTRICT
    fig = plot_trend(trend)
    texts = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
    assert "Diễn biến qua các kỳ — Toàn huyện" in texts
    assert sum("%" in t and "," in t for t in texts) >= 3 * len(district)  # every value read
