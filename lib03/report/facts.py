"""The figures of one period, computed once and read by every part of the report.

The notebooks, the summary workbook and the HTML front page show the same reporting status,
rates, changes and flags. Each used to recompute them (the workbook alone ran the reporting
status eight times, and the wiring of the previous period was written out four times); now
they read them from one `PeriodFacts`. A figure is computed the first time it is read and
kept (`functools.cached_property`), so building one is cheap and a notebook that shows only
the quality checks never computes a rate. The definitions are those of docs/du_lieu.md §5.

The settings of the run are handed in, never read here. Every frame is shared by all who read
it: a consumer must not change one in place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from lib03.config import Settings
from lib03.quality import ATTENTION_CODES
from lib03.report import checks, inspection, metrics, tallies, trend
from lib03.report.formatting import period_label


@dataclass(frozen=True, eq=False)
class PeriodFacts:
    """Every figure of `period` the report shows, each computed on first use."""

    tables: dict[str, pd.DataFrame] = field(repr=False)  # as `metrics.load_tables` reads them
    period: str
    settings: Settings = field(repr=False)
    previous: str | None  # the half-year before, when the data holds it

    @classmethod
    def build(cls, tables: dict[str, pd.DataFrame], period: str,
              settings: Settings) -> PeriodFacts:
        """The facts of `period`; nothing is computed until it is read."""
        return cls(tables, period, settings, metrics.previous_of(tables, period))

    @property
    def label(self) -> str:
        """The period as the report names it ("6 tháng đầu năm 2014")."""
        return period_label(self.period)

    @property
    def deadline(self) -> str:
        """This run's deadline for the period (a `--deadline` given to the run included)."""
        return self.settings.deadline(self.period)

    @cached_property
    def before(self) -> PeriodFacts | None:
        """The previous half-year's facts, from the same tables and settings; None without."""
        if self.previous is None:
            return None
        return PeriodFacts.build(self.tables, self.previous, self.settings)

    # --- the files of the period -------------------------------------------------------------

    @cached_property
    def files(self) -> pd.DataFrame:
        """Every file found in the period's folder (submissions.csv), whatever its status."""
        subs = self.tables["submissions"]
        return subs[subs["period"] == self.period]

    @cached_property
    def file_counts(self) -> pd.Series:
        """Files per status (ok, quarantined, superseded)."""
        return self.files["status"].value_counts()

    @cached_property
    def usable_reports(self) -> int:
        """How many of the period's files are usable reports."""
        return len(self.files[self.files["status"] == "ok"])

    @cached_property
    def newest_report_date(self) -> str:
        """The date of the newest usable report ("" when none has a date)."""
        ok = self.files[self.files["status"] == "ok"]
        dates = sorted(d for d in ok["report_date"] if d)
        return dates[-1] if dates else ""

    # --- reporting ----------------------------------------------------------------------------

    @cached_property
    def status(self) -> pd.DataFrame:
        """Each expected unit's reporting status against this run's deadline."""
        return metrics.reporting_status(self.tables, self.period, self.settings)

    @cached_property
    def reporting_rates(self) -> pd.DataFrame:
        """Reporting and on-time rates per sector, then the district."""
        return metrics.reporting_rates(self.status)

    def status_of(self, period: str) -> pd.DataFrame:
        """Any period's reporting status, reusing this period's and the previous one's."""
        if period == self.period:
            return self.status
        if self.before is not None and period == self.before.period:
            return self.before.status
        return metrics.reporting_status(self.tables, period, self.settings)

    @cached_property
    def consistency(self) -> pd.DataFrame:
        """Which expected units reported in every period up to this one."""
        return tallies.consistent_reporters(self.tables, self.settings, up_to=self.period,
                                            status_of=self.status_of)

    # --- rates and counts ---------------------------------------------------------------------

    @cached_property
    def inputs(self) -> pd.DataFrame:
        """Per reporting unit, every number a rate needs."""
        return metrics.unit_inputs(self.tables, self.period, self.settings, status=self.status)

    @cached_property
    def unit_rates(self) -> pd.DataFrame:
        """Every rate of every reporting unit (one row per unit and rate)."""
        return metrics.unit_rates(self.tables, self.period, self.settings, inputs=self.inputs)

    @cached_property
    def group_rates(self) -> pd.DataFrame:
        """Every rate per sector (khối), then the district: ratios of sums."""
        return metrics.group_rates(self.unit_rates)

    @cached_property
    def district_rates(self) -> pd.Series:
        """The district's value of each rate, by rate id."""
        district = self.group_rates[self.group_rates["group"] == metrics.DISTRICT]
        return district.set_index("rate")["value"]

    @cached_property
    def trend(self) -> pd.DataFrame:
        """Reporting and every rate, per period up to this one, for each sector and the
        district (shown from `trend.MIN_PERIODS` periods)."""
        return trend.period_trend(self.tables, self.settings, self.period, self.status_of)

    @cached_property
    def over_total(self) -> pd.DataFrame:
        """Unit rates above 100 %: kept as reported, left out of every group figure."""
        return metrics.rates_over_total(self.unit_rates)

    @cached_property
    def group_changes(self) -> pd.DataFrame:
        """`group_rates` with the previous period's value and the change (NaN without one)."""
        before = self.before.group_rates if self.before is not None else None
        return metrics.with_change(self.group_rates, before, ["group", "rate"])

    @cached_property
    def unit_changes(self) -> pd.DataFrame:
        """`unit_rates` with each unit's previous value and change (NaN without one)."""
        before = self.before.unit_rates if self.before is not None else None
        return metrics.with_change(self.unit_rates, before, ["unit_code", "rate"])

    @cached_property
    def totals(self) -> pd.DataFrame:
        """Study sessions and good examples summed per sector and for the district."""
        return tallies.count_totals(self.inputs)

    @cached_property
    def without_unit_03(self) -> pd.DataFrame:
        """Reporting units that have not set up their Bộ phận 03, or did not say."""
        return tallies.without_unit_03(self.inputs)

    @cached_property
    def monthly(self) -> pd.DataFrame:
        """The monthly cell meetings of the units that reported, with their names."""
        return tallies.monthly_table(self.tables, self.period, self.status)

    # --- inspection ---------------------------------------------------------------------------

    @cached_property
    def inspection(self) -> pd.DataFrame:
        """Each reporting Đảng bộ cơ sở's coverage, follow-up and weak-inspection flags."""
        return inspection.inspection_summary(self.tables, self.period, self.settings,
                                             inputs=self.inputs)

    @cached_property
    def flagged(self) -> pd.DataFrame:
        """The Đảng bộ flagged as weak on inspection."""
        return self.inspection[self.inspection["flagged"]]

    @cached_property
    def dang_bo_not_reported(self) -> pd.DataFrame:
        """Đảng bộ cơ sở without a usable report: not judged on inspection at all."""
        status = self.status
        return status[(status["unit_type"] == "dang_bo_co_so")
                      & ~status["unit_code"].isin(self.inspection["unit_code"])]

    # --- checks before the meeting ------------------------------------------------------------

    @cached_property
    def attention(self) -> list[str]:
        """What the analyst must read before trusting the report, whatever period it names:
        folders not read, empty period folders, files outside the periods (their log
        messages). An empty folder of another period may hold the files meant for this one."""
        log = self.tables["quality_log"]
        return list(dict.fromkeys(log.loc[log["code"].isin(ATTENTION_CODES), "message"]))

    @cached_property
    def quarantined(self) -> pd.DataFrame:
        """Files of the period that could not be used, with the reason and what to do."""
        return checks.quarantined_files(self.tables, self.period)

    @cached_property
    def warnings(self) -> pd.DataFrame:
        """The period's warnings, each with its file, sheet and cell."""
        return checks.warnings_to_check(self.tables, self.period)

    @property
    def warned_files(self) -> int:
        """How many files of the period carry a warning (the summary and the draft say it)."""
        return int(self.warnings["source_file"].nunique())

    @cached_property
    def problem_counts(self) -> pd.DataFrame:
        """How many problems of each kind, most serious first."""
        return checks.problem_counts(self.tables, self.period)

    @cached_property
    def unexpected_reports(self) -> pd.DataFrame:
        """Usable reports from units not expected to report."""
        return checks.unexpected_reports(self.tables, self.period)

    @cached_property
    def count_changes(self) -> pd.DataFrame:
        """Counts that moved more than `change_share` % since the unit's previous period."""
        return checks.changes_from_previous(self.tables, self.period, self.settings)

    @cached_property
    def outliers(self) -> pd.DataFrame:
        """Unit rates far from those of the same type of unit."""
        return checks.outliers(self.unit_rates, self.settings)

    @cached_property
    def unit_names(self) -> pd.Series:
        """Every registry unit's name, by unit code."""
        return self.tables["units"].set_index("unit_code")["unit_name"]
