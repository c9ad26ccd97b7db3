"""The domain tables in lib03/tables are the one place for domain words: keep them sound."""

import csv
import re

import pytest

from lib03 import vocab
from lib03.config import PACKAGE_DIR
from lib03.domain import DOMAIN_DIR
from lib03.ingest.layout import ROW_KEYS
from lib03.quality import codes
from lib03.rules import _OPS, rules

TABLES = sorted(DOMAIN_DIR.glob("*.csv"))


@pytest.mark.parametrize("path", TABLES, ids=lambda p: p.name)
def test_every_row_has_every_column(path):
    rows = list(csv.reader(path.open(encoding="utf-8")))
    assert rows and all(len(r) == len(rows[0]) for r in rows), path.name


def test_quality_codes_are_complete():
    for code, entry in codes().items():
        assert entry["severity"] in ("error", "warning", "info"), code
        assert entry["message"] and entry["advice"], code
        entry["message"].format(detail="x")  # only {detail} may be a placeholder


def test_every_code_raised_in_the_source_is_in_the_table():
    source = "".join(p.read_text(encoding="utf-8") for p in PACKAGE_DIR.glob("*.py"))
    raised = set(re.findall(r'Problem\(\s*"([a-z0-9_]+)"', source))
    raised |= set(re.findall(r'WorkbookError\(\s*"([a-z0-9_]+)"', source))
    raised |= set(re.findall(r'quarantine\(\s*"([a-z0-9_]+)"', source))
    assert raised and raised <= set(codes()), sorted(raised - set(codes()))


def test_rules_name_known_fields():
    fields = set(vocab.indicator_ids()) | set(ROW_KEYS["monthly"]) | set(ROW_KEYS["inspection"])
    fields |= {"registry.subcells", "sheet.inspection_rows"}
    for rule in rules():
        assert rule.op in _OPS and rule.severity in ("error", "warning"), rule.code
        assert {rule.left, rule.right} <= fields, rule.code
        assert rule.code not in codes(), f"{rule.code} clashes with a quality code"
        rule.message.format(left=1, right=2)


def test_label_variants_point_at_indicators():
    with (DOMAIN_DIR / "label_variants.csv").open(encoding="utf-8") as fh:
        targets = {row["target"] for row in csv.DictReader(fh)}
    assert targets <= set(vocab.indicator_ids())


@pytest.mark.parametrize("term", vocab.indicators(), ids=lambda t: t.id)
def test_canonical_label_matches_its_indicator(term):
    assert vocab.match_indicator(term.label).id == term.id


@pytest.mark.parametrize("table", ["summary", "monthly", "inspection", "registry"])
def test_canonical_column_labels_match_their_column(table):
    for term in vocab.columns(table):
        assert vocab.match_column(table, term.label) == term.id, term.label


@pytest.mark.parametrize("toml, words", [
    ('[deadlines]\n"2014-H1" = "2014-6-25"\n', "NĂM-THÁNG-NGÀY"),
    ('[clean]\nfuzzy_margin = "năm"\n', "phải là số"),
    ('[clean]\nnguong_moi = 3\n', "không có"),
    ("[clean\n", "Không đọc được"),
])
def test_a_wrong_setting_is_refused_in_vietnamese(tmp_path, toml, words):
    from lib03.config import load_settings
    from lib03.errors import SettingsError

    path = tmp_path / "settings.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(SettingsError, match=words):
        load_settings(path)


def test_settings_table_describes_every_setting_where_settings_toml_puts_it():
    import tomllib
    from dataclasses import fields

    from lib03.config import SETTINGS_FILE, SETTINGS_TABLE, Settings

    assert list(SETTINGS_TABLE) == [f.name for f in fields(Settings)]
    with open(SETTINGS_FILE, "rb") as fh:
        shipped = tomllib.load(fh)
    for section, values in shipped.items():
        for name in values if section != "deadlines" else ():
            assert SETTINGS_TABLE[name]["section"] == section, name
    for name, row in SETTINGS_TABLE.items():
        assert row["used_by"] in ("clean", "report", "template"), name
        assert row["label"] and row["help"], name
        if row["section"] not in ("deadlines",):
            assert name in shipped[row["section"]], f"{name} missing from settings.toml"


def test_code_defaults_are_the_shipped_settings():
    """Functions called without settings (tests, a notebook cell) use the dataclass defaults:
    they must be what settings.toml ships, or a library call would differ from `lib03 clean`."""
    from lib03.config import Limits, Matching, Settings, load_settings

    shipped = load_settings()
    assert shipped.limits == Limits() and shipped.matching == Matching()
    for name in ("coverage_min", "followup_min", "overdue_days", "change_share",
                 "change_min_base", "outlier_z", "target_rate", "deadline_h1", "deadline_h2"):
        assert getattr(shipped, name) == getattr(Settings(), name), name


def test_schema_types_are_known_and_every_output_table_is_described():
    from lib03.contract import COLUMNS, SCHEMA

    assert {r["type"] for r in SCHEMA} <= {"text", "int", "float", "date", "bool"}
    assert all(r["description"] for r in SCHEMA)
    assert list(COLUMNS) == ["units", "submissions", "indicators", "monthly", "inspections",
                             "quality_log"]
