"""Paths and settings.

A run works in a *working folder* (`Home`): the analyst's own folder with data/raw/,
data/processed/, reports/, notebooks/ and optionally its own settings.toml — the current
folder, or `--home`. A checkout of this repository is simply such a folder. What ships inside
the package (domain tables, settings defaults, notebooks, CSS) is found from the package's
own location, so an installed wheel works in any folder (docs/cau_truc.md).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field, fields, replace
from functools import cache
from pathlib import Path

from lib03.domain import read_table
from lib03.errors import SettingsError

PACKAGE_DIR = Path(__file__).resolve().parent
SETTINGS_FILE = PACKAGE_DIR / "settings.toml"
NOTEBOOKS_DIR = PACKAGE_DIR / "notebooks"  # shipped in the wheel; copied by `lib03 init`
# The wording of the draft báo cáo sơ kết, and where a working folder keeps its own copy.
DRAFT_TEMPLATE = PACKAGE_DIR / "report" / "templates" / "bao_cao_so_ket.txt"
DRAFT_TEMPLATE_IN_HOME = Path("mau_van_ban") / "bao_cao_so_ket.txt"


@dataclass(frozen=True)
class Home:
    """An analyst's working folder; every command reads and writes below it."""

    root: Path

    @property
    def raw(self) -> Path:
        return self.root / "data" / "raw"

    @property
    def processed(self) -> Path:
        return self.root / "data" / "processed"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def notebooks(self) -> Path:
        """The folder's own notebooks when it has them (an analyst may edit a copy), else
        the ones lib03 ships."""
        own = self.root / "notebooks"
        return own if any(own.glob("[0-9][0-9]_*.ipynb")) else NOTEBOOKS_DIR

    @property
    def draft_template(self) -> Path:
        """The wording of the draft báo cáo sơ kết: the folder's own copy when it has one
        (`mau_van_ban/bao_cao_so_ket.txt`), else the one lib03 ships."""
        own = self.root / DRAFT_TEMPLATE_IN_HOME
        return own if own.is_file() else DRAFT_TEMPLATE

    @property
    def settings_file(self) -> Path:
        """The folder's settings.toml (district name, deadlines), else lib03's defaults."""
        own = self.root / "settings.toml"
        return own if own.is_file() else SETTINGS_FILE


# This checkout's own working folder: its sample district and the tests use it.
PROJECT_ROOT = PACKAGE_DIR.parent
CHECKOUT = Home(PROJECT_ROOT)
RAW_DIR = CHECKOUT.raw
PROCESSED_DIR = CHECKOUT.processed
REPORTS_DIR = CHECKOUT.reports
TEMPLATES_DIR = CHECKOUT.templates

REGISTRY_FILE_NAME = "danh_muc_don_vi.xlsx"
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
# What a unit may send: a workbook, or a Word document whose tables hold the report.
REPORT_SUFFIXES = (*SPREADSHEET_SUFFIXES, ".docx")


@dataclass(frozen=True)
class Limits:
    """The bounds a file must keep before it is parsed (docs/assumptions_caveats.md §1)."""

    max_file_mb: int = 50
    max_unzipped_mb: int = 50
    max_sheets: int = 50
    max_sheet_rows: int = 5000
    max_sheet_cells: int = 2_000_000


@dataclass(frozen=True)
class Matching:
    """How close a hand-typed name or label must be to be taken (0–100 scores)."""

    unit_threshold: float = 88.0
    label_threshold: float = 90.0
    margin: float = 5.0


@dataclass(frozen=True)
class Settings:
    """Every threshold in one place; defaults live in settings.toml."""

    deadline_h1: str = "06-20"
    deadline_h2: str = "12-20"
    deadlines: dict[str, str] = field(default_factory=dict)
    fuzzy_unit_threshold: float = 88.0
    fuzzy_label_threshold: float = 90.0
    fuzzy_margin: float = 5.0
    district: str = "huyện"
    province: str = ""  # the province party committee over the district (document header)
    place: str = ""  # the place written before the date of the district's documents
    contact: str = ""  # who answers questions on the figures: the workbook's cover, the letters
    resend_by: str = ""  # YYYY-MM-DD a unit resends by; blank: the analyst writes it in
    # Report thresholds (docs/du_lieu.md §5); shares are in percent, as analysts say them.
    coverage_min: float = 50.0
    followup_min: float = 70.0
    overdue_days: int = 90
    change_share: float = 33.0
    change_min_base: int = 10
    outlier_z: float = 3.5
    target_rate: float = 90.0
    # Bounds checked before a file is parsed (docs/assumptions_caveats.md §1): a hostile or
    # runaway file is refused.
    max_file_mb: int = 50
    max_unzipped_mb: int = 50
    max_sheets: int = 50
    max_sheet_rows: int = 5000
    max_sheet_cells: int = 2_000_000

    @property
    def limits(self) -> Limits:
        """The slice of the settings that the pre-parse checks use."""
        return Limits(self.max_file_mb, self.max_unzipped_mb, self.max_sheets,
                      self.max_sheet_rows, self.max_sheet_cells)

    @property
    def matching(self) -> Matching:
        """The slice of the settings that name and label matching use."""
        return Matching(self.fuzzy_unit_threshold, self.fuzzy_label_threshold, self.fuzzy_margin)

    def deadline(self, period: str) -> str:
        """ISO deadline date for a period id such as ``2014-H1``.

        >>> Settings().deadline("2014-H1")
        '2014-06-20'
        """
        if period in self.deadlines:
            return self.deadlines[period]
        year, half = period.split("-")
        return f"{year}-{self.deadline_h1 if half == 'H1' else self.deadline_h2}"

    def with_overrides(self, **changes: object) -> Settings:
        """A copy with some values changed (a papermill parameter, a CLI option), checked like
        the file; ``None`` leaves a value as it is.

        >>> Settings().with_overrides(coverage_min=60, outlier_z=None).coverage_min
        60.0
        """
        values = {k: v for k, v in changes.items() if v is not None}
        deadlines = {**self.deadlines, **{str(k): str(v)
                                          for k, v in values.pop("deadlines", {}).items()}}
        return _checked(replace(self, deadlines=deadlines, **_typed(values, "tham số")))


# Each setting's section, use, Vietnamese label and help live in domain/settings.csv: the CLI
# help, the notebooks' parameter check and the report's list of settings all read it there.
SETTINGS_TABLE = {row["name"]: row for row in read_table("settings")}
# The report thresholds a single run may override (papermill parameters, CLI options).
OVERRIDABLE = tuple(n for n, r in SETTINGS_TABLE.items() if r["section"] == "report")
# What cleaning depends on: these (and only these) are part of the cleaning cache's key.
CLEANING_SETTINGS = tuple(n for n, r in SETTINGS_TABLE.items() if r["used_by"] == "clean")
# Which [section] of settings.toml each value is read from.
_SECTIONS = tuple(dict.fromkeys(r["section"] for r in SETTINGS_TABLE.values()
                                if r["section"] != "deadlines"))
_PERCENTS = ("fuzzy_unit_threshold", "fuzzy_label_threshold", "fuzzy_margin", "coverage_min",
             "followup_min", "change_share", "target_rate")


@cache
def load_settings(path: Path = SETTINGS_FILE) -> Settings:
    """Read and check settings.toml; a wrong value stops with a Vietnamese SettingsError."""
    try:
        with open(path, "rb") as fh:
            raw = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"Không đọc được tệp thiết lập {path}: {exc}") from exc
    values = {k: v for section in _SECTIONS for k, v in raw.get(section, {}).items()}
    deadlines = {str(k): str(v) for k, v in raw.get("deadlines", {}).items()}
    return _checked(Settings(deadlines=deadlines, **_typed(values, path.name)))


def _typed(values: dict[str, object], where: str) -> dict[str, object]:
    """Check names and types; whole numbers are accepted where a decimal is expected."""
    known = {f.name for f in fields(Settings) if f.name != "deadlines"}
    out = {}
    for key, value in values.items():
        if key not in known:
            raise SettingsError(f"Thiết lập «{key}» trong {where} không có; "
                                f"các thiết lập hợp lệ: {', '.join(sorted(known))}")
        expected = type(getattr(Settings(), key))
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, expected) or isinstance(value, bool):
            word = {float: "số", int: "số nguyên"}.get(expected, "chuỗi chữ")
            raise SettingsError(f"Thiết lập «{key}» phải là {word}: {value!r}")
        out[key] = value
    return out


def _checked(settings: Settings) -> Settings:
    for period, day in settings.deadlines.items():
        _check_date(f"hạn nộp của kỳ {period}", day)
    for key in ("deadline_h1", "deadline_h2"):
        _check_date(key, f"2000-{getattr(settings, key)}")
    if settings.resend_by:
        _check_date("resend_by", settings.resend_by)
    for key in _PERCENTS:
        if not 0 <= getattr(settings, key) <= 100:
            raise SettingsError(f"Thiết lập «{key}» phải nằm trong khoảng 0–100")
    if settings.overdue_days < 1:
        raise SettingsError("Thiết lập «overdue_days» phải là số ngày từ 1 trở lên")
    for key in ("max_file_mb", "max_unzipped_mb", "max_sheets", "max_sheet_rows",
                "max_sheet_cells"):
        if getattr(settings, key) < 1:
            raise SettingsError(f"Thiết lập «{key}» phải là số nguyên từ 1 trở lên")
    if not settings.outlier_z > 0:
        raise SettingsError("Thiết lập «outlier_z» phải lớn hơn 0")
    return settings


def _check_date(what: str, text: str) -> None:
    # Deadlines are compared as ISO text: "2014-6-25" would sort wrongly, so it is refused.
    try:
        if dt.date.fromisoformat(text).isoformat() == text:
            return
    except ValueError:
        pass
    raise SettingsError(f"{what} «{text}» phải viết dạng NĂM-THÁNG-NGÀY đủ hai chữ số, "
                        "ví dụ 2014-06-25 (hoặc 06-25 cho hạn mặc định)")
