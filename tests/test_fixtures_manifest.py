"""The real-style fixtures and their manifests agree with each other.

These tests check the test data, not the checker: every fixture is listed, every listed file exists,
every field is valid, every heading, defect and silent mention the manifest names is really in the file
at the stated lines, every occurrence of a planted sibling name is accounted for, and the places named
resolve in the bundled gazetteer with the stated relations. A fixture edited without its manifest (or the
other way round) fails here, before it can mislead a rule's tests.
"""

from __future__ import annotations

import csv
import gzip
import re
import sys
import unicodedata
from functools import lru_cache
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "tests" / "fixtures" / "real_style"
NOT = ROOT / "tests" / "fixtures" / "not_reports"
GAZETTEER = ROOT / "corpora" / "gazetteer.tsv.gz"

MIN_CHARS, MAX_CHARS = 600, 3000

FORMS = {"web-page-text", "crawler-text", "mirror-traditional", "pdf-text", "pdf-markdown", "markdown", "html"}
LEVELS = {"township", "county", "city", "province", "department"}
DEPARTMENT_TIERS = {"county", "city", "province"}
ISSUER_SOURCES = {"title", "preamble-compiled-by", "preamble-xianjiang", "preamble-huizong", "contact", "publisher-line"}
YEAR_SOURCES = {"title", "data-period", "opening", "preamble"}
TEMPLATES = {"2017", "2019", "2021"}
SECTION_KEYS = ["overview", "active", "requests", "review", "problems", "other"]
EXTRA_SECTION_KEYS = {"fees"}
SUBTOPIC_KEYS = ["active", "requests", "management", "platform", "supervision"]
TABLE_KEYS = {"active", "requests", "review", "statistics-2017"}
TABLE_LAYOUTS = {"narrative", "tab", "pipe", "pipe-2019", "pipe-truncated", "markdown-pipe", "run-together", "pdf-columns", "html"}
CUTS = {"mid-sentence", "mid-table"}
RULES = {
    "section-numbering", "section-duplicate", "section-missing", "section-order", "subtopic-missing",
    "name-mismatch", "year-mismatch", "duplicate-paragraph", "repeated-word", "fee-statement-missing",
    "overview-too-long", "table-balance", "empty-section", "not-a-report",
}
POSITIONS = {
    "subject", "subject-with-year", "contact", "preamble-self-naming", "title", "compiled-by", "own-platform",
    "own-office", "rules-title", "document-number", "own-address", "data-period", "opening", "signature",
}
RELATIONS = {"sibling-township", "sibling-county", "sibling-city", "same-department-sibling-region"}
SILENT_REASONS = {
    "street-address", "own-address", "conjunction", "superior", "superior-document", "superior-document-number",
    "superior-platform", "parent-platform", "subordinate", "learning-visit", "exchange", "quoted-document",
    "regional", "future-plan", "document-title-year", "signature-within-county-deadline", "title-shown-twice",
    "table-header-repeated", "legitimate-compound", "fee-in-fees-section", "overview-item-not-section",
    "different-section-same-number", "restart-not-duplicate", "subtopic-heading-named-like-section",
}
NEGATIVE_KINDS = {
    "news", "work-summary", "notice", "interpretation", "graphic", "guide", "plan", "opinion", "task-table",
    "scoring-notice", "bulletin", "translation",
}
VETO_KINDS = {
    "document-kind-title", "addressee-line", "directive-wording", "interpretation", "graphic", "news-dateline",
    "news-wording", "news-byline", "summary-wording", "plan-section", "plan-wording", "guide-wording",
    "third-person-report", "derived-from-report", "task-table-header", "attachment-label", "foreign-language",
}
REPORT_FIELDS = {
    "file", "form", "exercises", "issuer", "issuer_level", "department_tier", "issuer_source", "issuer_path",
    "province", "city", "county", "report_year", "year_source", "template", "truncated", "cut",
    "missing_after_cut", "subtopics_after_cut", "sections", "extra_sections", "subtopics", "tables", "clean",
    "may_fire", "notes", "defects", "silent",
}
REQUIRED_REPORT_FIELDS = {
    "file", "form", "exercises", "issuer", "issuer_level", "issuer_source", "issuer_path", "province",
    "report_year", "year_source", "template", "truncated", "sections", "subtopics", "clean",
}
DEFECT_FIELDS = {
    "rule", "text", "lines", "position", "unit_path", "relation", "weak", "expected_year", "found_year",
    "section", "subtopic", "note",
}
SILENT_FIELDS = {"rule", "text", "lines", "reason", "note"}
NAME_RULE = "name-mismatch"


def _load(path: Path) -> dict:
    with path.open("rb") as fh:
        return tomllib.load(fh)


REPORTS = _load(REAL / "manifest.toml")["report"]
DOCUMENTS = _load(NOT / "manifest.toml")["document"]


def _ids(entries):
    return [e["file"] for e in entries]


def raw_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")  # strict: a fixture that is not UTF-8 fails here


def visible_text(path: Path) -> str:
    text = raw_text(path)
    if path.suffix == ".html":
        soup = BeautifulSoup(text, "html.parser")
        for tag in soup(["script", "style"]):
            tag.decompose()
        return soup.get_text()
    return text


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


# ---------------------------------------------------------------- gazetteer

@lru_cache(maxsize=1)
def gazetteer() -> tuple[dict[str, list[tuple[str, str, str]]], dict[str, tuple[str, str]]]:
    """(children by parent code, (parent code, level) by code) from corpora/gazetteer.tsv.gz."""
    children: dict[str, list[tuple[str, str, str]]] = {}
    up: dict[str, tuple[str, str]] = {}
    with gzip.open(GAZETTEER, "rt", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            children.setdefault(row["parent"], []).append((row["code"], row["name"], row["level"]))
            up[row["code"]] = (row["parent"], row["level"])
    return children, up


def _kids(code: str) -> list[tuple[str, str, str]]:
    """Children of a unit, looking through placeholders (市辖区, 县 of the 直辖市)."""
    out = []
    for child in gazetteer()[0].get(code, []):
        if child[2] == "placeholder":
            out.extend(_kids(child[0]))
        else:
            out.append(child)
    return out


def resolve(path: str) -> list[str]:
    """Codes along a '/'-separated path of names from the province down, or an AssertionError."""
    codes, parent = [], ""
    for name in path.split("/"):
        found = [c for c, n, _ in _kids(parent) if n == name]
        assert found, f"{name!r} (in {path!r}) is not a child of {codes[-1] if codes else 'the root'} in the gazetteer"
        parent = found[0]
        codes.append(parent)
    return codes


def parent_of(code: str) -> str:
    """The nearest parent that is not a placeholder."""
    up = gazetteer()[1]
    parent = up[code][0]
    while parent in up and up[parent][1] == "placeholder":
        parent = up[parent][0]
    return parent


# ---------------------------------------------------------------- listing

@pytest.mark.parametrize("folder,entries", [(REAL, REPORTS), (NOT, DOCUMENTS)], ids=["real_style", "not_reports"])
def test_manifest_lists_every_fixture_once(folder, entries):
    on_disk = sorted(p.name for p in folder.iterdir() if p.is_file() and p.name != "manifest.toml")
    listed = _ids(entries)
    assert len(listed) == len(set(listed)), "a file is listed twice"
    assert sorted(listed) == on_disk


def test_enough_fixtures_of_each_kind():
    assert len(REPORTS) >= 24
    assert len(DOCUMENTS) >= 10
    assert {r["issuer_level"] for r in REPORTS} >= {"township", "county", "city", "department"}
    assert {r["template"] for r in REPORTS} == TEMPLATES
    assert sum(r["truncated"] for r in REPORTS) >= 2


@pytest.mark.parametrize("entry", REPORTS + DOCUMENTS, ids=_ids(REPORTS + DOCUMENTS))
def test_fixture_length_in_range(entry):
    folder = REAL if entry in REPORTS else NOT
    n = len(visible_text(folder / entry["file"]))
    assert MIN_CHARS <= n <= MAX_CHARS, f"{n} characters"


# ---------------------------------------------------------------- report fields

@pytest.mark.parametrize("rep", REPORTS, ids=_ids(REPORTS))
def test_report_fields_valid(rep):
    assert set(rep) <= REPORT_FIELDS, set(rep) - REPORT_FIELDS
    assert REQUIRED_REPORT_FIELDS <= set(rep), REQUIRED_REPORT_FIELDS - set(rep)
    assert rep["form"] in FORMS
    assert rep["issuer_level"] in LEVELS
    assert ("department_tier" in rep) == (rep["issuer_level"] == "department")
    if "department_tier" in rep:
        assert rep["department_tier"] in DEPARTMENT_TIERS
    assert rep["issuer_source"] in ISSUER_SOURCES
    assert rep["year_source"] in YEAR_SOURCES
    assert rep["template"] in TEMPLATES
    assert isinstance(rep["report_year"], int) and 2008 <= rep["report_year"] <= 2026
    assert rep["template"] == ("2017" if rep["report_year"] <= 2018 else "2019" if rep["report_year"] <= 2020 else "2021")
    assert rep["exercises"] and all(re.fullmatch(r"[a-z0-9][a-z0-9/\u4e00-\u9fff-]*", x) for x in rep["exercises"])
    assert set(rep["sections"]) <= set(SECTION_KEYS)
    assert set(rep.get("extra_sections", {})) <= EXTRA_SECTION_KEYS
    assert set(rep["subtopics"]) <= set(SUBTOPIC_KEYS)
    for key, layout in rep.get("tables", {}).items():
        assert key in TABLE_KEYS and layout in TABLE_LAYOUTS, (key, layout)
    for rule in rep.get("may_fire", []):
        assert rule in RULES
    assert rep["clean"] == (not rep.get("defects")), "clean means no planted defect, and the other way round"
    for d in rep.get("defects", []):
        assert set(d) <= DEFECT_FIELDS and d["rule"] in RULES, d
        if "position" in d:
            assert d["position"] in POSITIONS, d
    for s in rep.get("silent", []):
        assert set(s) <= SILENT_FIELDS and s["rule"] in RULES and s["reason"] in SILENT_REASONS, s


@pytest.mark.parametrize("rep", REPORTS, ids=_ids(REPORTS))
def test_report_sections_and_subtopics_accounted_for(rep):
    """Every canonical section/subtopic is present, lost to the cut, or a planted *-missing defect."""
    missing_sections = {d["section"] for d in rep.get("defects", []) if d["rule"] == "section-missing"}
    missing_subtopics = {d["subtopic"] for d in rep.get("defects", []) if d["rule"] == "subtopic-missing"}
    cut_sections = set(rep.get("missing_after_cut", []))
    cut_subtopics = set(rep.get("subtopics_after_cut", []))
    if rep["truncated"]:
        assert rep.get("cut") in CUTS
    else:
        assert not ({"cut", "missing_after_cut", "subtopics_after_cut"} & set(rep))
    present = set(rep["sections"])
    assert not (present & cut_sections) and not (present & missing_sections)
    assert present | cut_sections | missing_sections == set(SECTION_KEYS)
    if rep["template"] == "2021":
        subs = set(rep["subtopics"])
        assert subs | cut_subtopics | missing_subtopics == set(SUBTOPIC_KEYS)
        assert not (subs & (cut_subtopics | missing_subtopics))
    else:  # the five subtopics were prescribed by the 2021 format only
        assert not missing_subtopics and not cut_subtopics


@pytest.mark.parametrize("rep", REPORTS, ids=_ids(REPORTS))
def test_report_headings_issuer_and_year_are_in_the_file(rep):
    path = REAL / rep["file"]
    raw = raw_text(path)
    for table in ("sections", "extra_sections", "subtopics"):
        for key, heading in rep.get(table, {}).items():
            assert heading in raw, f"{table}.{key}: {heading!r} not in the file"
    text = squeeze(visible_text(path))
    assert squeeze(rep["issuer"]) in text
    assert str(rep["report_year"]) in text


@pytest.mark.parametrize("rep", [r for r in REPORTS if r["truncated"]], ids=_ids([r for r in REPORTS if r["truncated"]]))
def test_truncated_files_really_end_mid_text(rep):
    raw = raw_text(REAL / rep["file"])
    assert not raw.endswith("\n"), "a cut file has no final newline"
    last = raw.splitlines()[-1]
    assert last[-1] not in "。！？；）", "ends at a sentence end"
    if rep["cut"] == "mid-table":
        assert "|" in last or "\t" in last


# ---------------------------------------------------------------- defects and silent mentions

def _entries_with_text(rep):
    for kind in ("defects", "silent"):
        for e in rep.get(kind, []):
            if "text" in e:
                yield kind, e


@pytest.mark.parametrize("rep", REPORTS, ids=_ids(REPORTS))
def test_defect_and_silent_texts_are_on_their_lines(rep):
    lines = raw_text(REAL / rep["file"]).split("\n")
    for kind, e in _entries_with_text(rep):
        assert e["lines"] and e["lines"] == sorted(set(e["lines"])), e
        for n in e["lines"]:
            assert 1 <= n <= len(lines) and e["text"] in lines[n - 1], f"{kind} {e['text']!r} not on line {n}"
    for d in rep.get("defects", []):
        if d["rule"] in ("section-missing",):
            assert d["section"] in SECTION_KEYS
        elif d["rule"] == "subtopic-missing":
            assert d["subtopic"] in SUBTOPIC_KEYS
        else:
            assert "text" in d, d


@pytest.mark.parametrize("rep", REPORTS, ids=_ids(REPORTS))
def test_every_occurrence_of_a_planted_name_is_explained(rep):
    """Each line holding a planted sibling name is listed as a defect or as a silent mention of it."""
    lines = raw_text(REAL / rep["file"]).split("\n")
    planted = {d["text"] for d in rep.get("defects", []) if d["rule"] == NAME_RULE}
    for name in planted:
        explained = set()
        for _, e in _entries_with_text(rep):
            if e["rule"] == NAME_RULE and (e["text"] == name or name in e["text"]):
                explained.update(e["lines"])
        found = {i + 1 for i, line in enumerate(lines) if name in line}
        assert found == explained, f"{name!r}: on lines {sorted(found)}, manifest explains {sorted(explained)}"
    own = rep["issuer_path"].split("/")[-1]
    for d in rep.get("defects", []):
        if d["rule"] == NAME_RULE and "unit_path" in d:
            assert own not in d["text"], "a planted leftover must not spell the issuer's own name"


@pytest.mark.parametrize("rep", REPORTS, ids=_ids(REPORTS))
def test_duplicate_and_year_defects_are_what_they_claim(rep):
    lines = raw_text(REAL / rep["file"]).split("\n")
    for d in rep.get("defects", []):
        if d["rule"] in ("duplicate-paragraph", "section-duplicate"):
            assert len(d["lines"]) == 2, d
            first, second = (lines[n - 1].strip() for n in d["lines"])
            assert first == second, f"{d['rule']}: lines {d['lines']} differ"
        if d["rule"] == "year-mismatch":
            assert d["expected_year"] == rep["report_year"] != d["found_year"]
            assert str(d["found_year"]) in d["text"]
        if d["rule"] == "repeated-word":
            half = len(d["text"]) // 2
            assert len(d["text"]) % 2 == 0 and d["text"][:half] == d["text"][half:], d["text"]


# ---------------------------------------------------------------- places

@pytest.mark.parametrize("rep", REPORTS, ids=_ids(REPORTS))
def test_places_resolve_in_the_gazetteer(rep):
    codes = resolve(rep["issuer_path"])
    names = rep["issuer_path"].split("/")
    assert names[0] == rep["province"]
    if rep.get("city"):
        assert rep["city"] in names
    if rep.get("county"):
        assert rep["county"] in names
    level_depth = {"province": 1, "city": 2, "county": 3, "township": 4}
    if rep["issuer_level"] != "department":
        municipality = rep["province"].endswith("市") and not rep.get("city")
        assert len(codes) == level_depth[rep["issuer_level"]] - (1 if municipality else 0)
    for d in rep.get("defects", []):
        if d["rule"] != NAME_RULE:
            continue
        assert d["relation"] in RELATIONS
        unit = resolve(d["unit_path"])
        assert unit[-1] != codes[-1], "a leftover must be another unit"
        assert parent_of(unit[-1]) == parent_of(codes[-1]), f"{d['unit_path']} is not a sibling of {rep['issuer_path']}"


# ---------------------------------------------------------------- negatives

@pytest.mark.parametrize("doc", DOCUMENTS, ids=_ids(DOCUMENTS))
def test_negative_entries_valid_and_in_the_file(doc):
    assert set(doc) <= {"file", "form", "kind", "title", "issuer", "lures", "vetoes", "notes"}
    assert doc["form"] in FORMS and doc["kind"] in NEGATIVE_KINDS
    raw = raw_text(NOT / doc["file"])
    for text in (doc["title"], doc["issuer"], *doc["lures"]):
        assert text in raw, text
    assert doc["vetoes"] and doc["lures"]
    for veto in doc["vetoes"]:
        assert veto["kind"] in VETO_KINDS and veto["text"] in raw, veto


def test_negatives_cover_the_kinds_issue_12_names():
    assert {d["kind"] for d in DOCUMENTS} >= {
        "news", "work-summary", "notice", "interpretation", "graphic", "guide", "plan", "opinion", "task-table",
        "scoring-notice",
    }
