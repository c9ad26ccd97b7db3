"""Paths and settings, built once from the package root (never from the current directory)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

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
    """Read settings.toml (flat keys plus a [deadlines] table)."""
    with open(path, "rb") as fh:
        raw = tomllib.load(fh)
    clean = raw.get("clean", {})
    return Settings(deadlines=dict(raw.get("deadlines", {})), **clean,
                    **raw.get("template", {}))
