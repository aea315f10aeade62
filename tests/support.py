"""Shared helpers for the tests: seed paths, fixture texts, one-call checking."""

from __future__ import annotations

from pathlib import Path

from textcheck.config import Config
from textcheck.document import Source
from textcheck.engine import CheckResult, check_document
from textcheck.finding import Severity
from textcheck.parse import parse

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "corpora" / "samples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

SEEDS = {
    "000": "000_2e05589c4d1bf861.txt",
    "001": "001_8442b5afd2c71afd.txt",
    "002": "002_597f21caaa58e27d.txt",
    "003": "003_c09c82378b8e7991.txt",
    "004": "004_b4d69b5948b33890.txt",
}


def seed_path(num: str) -> Path:
    return SAMPLES / SEEDS[num]


def seed_text(num: str) -> str:
    return seed_path(num).read_text(encoding="utf-8")


def good_report() -> str:
    """A clean report written for the tests (嵩县人民政府办公室, 2022): every rule stays silent on it."""
    return (FIXTURES / "reports" / "good_county_office.txt").read_text(encoding="utf-8")


def check_text(text: str, path: str = "fixture.txt", config: Config | None = None) -> CheckResult:
    return check_document(parse(Source(text=text, path=path, format="txt", encoding="utf-8")), config)


def rules_of(result: CheckResult, severity: Severity | None = None) -> list[str]:
    return [f.rule for f in result.findings if severity is None or f.severity is severity]


def findings_of(result: CheckResult, rule_id: str):
    return [f for f in result.findings if f.rule == rule_id]
