"""Paths and settings, built once from the package root (never from the current directory)."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field, fields
from functools import cache
from pathlib import Path

from lib03.errors import SettingsError

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
TABLES_DIR = PACKAGE_DIR / "tables"
SETTINGS_FILE = PACKAGE_DIR / "settings.toml"

DATA_DIR = PROJECT_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
PROCESSED_DIR = DATA_DIR / "processed"
REPORTS_DIR = PROJECT_ROOT / "reports"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
TEMPLATES_DIR = PROJECT_ROOT / "templates"

REGISTRY_FILE_NAME = "danh_muc_don_vi.xlsx"
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


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

    def deadline(self, period: str) -> str:
        """ISO deadline date for a period id such as ``2014-H1``.

        >>> Settings().deadline("2014-H1")
        '2014-06-20'
        """
        if period in self.deadlines:
            return self.deadlines[period]
        year, half = period.split("-")
        return f"{year}-{self.deadline_h1 if half == 'H1' else self.deadline_h2}"


@cache
def load_settings(path: Path = SETTINGS_FILE) -> Settings:
    """Read and check settings.toml; a wrong value stops with a Vietnamese SettingsError."""
    try:
        with open(path, "rb") as fh:
            raw = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"Không đọc được tệp thiết lập {path}: {exc}") from exc
    values = {**raw.get("clean", {}), **raw.get("template", {})}
    known = {f.name: f for f in fields(Settings) if f.name != "deadlines"}
    for key, value in values.items():
        if key not in known:
            raise SettingsError(f"Thiết lập «{key}» trong {path.name} không có; "
                                f"các thiết lập hợp lệ: {', '.join(sorted(known))}")
        expected = type(getattr(Settings(), key))
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            values[key] = value = float(value)
        if not isinstance(value, expected):
            raise SettingsError(f"Thiết lập «{key}» phải là "
                                f"{'số' if expected is float else 'chuỗi chữ'}: {value!r}")
    deadlines = {str(k): str(v) for k, v in raw.get("deadlines", {}).items()}
    settings = Settings(deadlines=deadlines, **values)
    for period, day in deadlines.items():
        _check_date(f"hạn nộp của kỳ {period}", day)
    for key in ("deadline_h1", "deadline_h2"):
        _check_date(key, f"2000-{getattr(settings, key)}")
    for key in ("fuzzy_unit_threshold", "fuzzy_label_threshold", "fuzzy_margin"):
        if not 0 <= getattr(settings, key) <= 100:
            raise SettingsError(f"Thiết lập «{key}» phải nằm trong khoảng 0–100")
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
