"""Is this document a 政府信息公开工作年度报告? A decision on several signals, with vetoes.

Signals that it is: a report title anywhere in the head (after page chrome, split over two lines, with a
date after it), the report speaking of itself (本报告…, 现将…年度报告公布如下, 如对本报告有疑问), a data
period, terms of the statutory tables, the part headings, sub-headings of 总体情况 (（一）主动公开…).
Vetoes, that it is another kind of document: a title ending with a document kind (…通知, …工作总结, …指南,
…解读) or naming an event (…召开…部署会), a letter titled 关于……的报告, an interpretation or graphic of a
report (图解：…), an addressee line (各乡镇人民政府、县直各单位：) with directive wording (印发给你们, 特此通知),
news wording (1月9日下午，… / 会议强调), a work summary's wording, a narrative mostly not in Chinese (an
English translation, a README about reports). The word lists are
``corpora/report_signals.toml``.

``report_kind(doc)`` returns ``ReportKind``: ``verdict`` is ``report`` (check it), ``unsure`` (check it as a
report and say so) or ``not-report`` (a claim about the whole file: only then are the other checks skipped).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from textcheck.document import BlockKind, Document
from textcheck.resources import corpus_toml

HEAD_BLOCKS = 16  # the head of a document: its first blocks (page chrome and metadata are already gone)
_TAG = re.compile(r"^[【\[][^】\]]{1,12}[】\]]\s*")
_ORG_ONLY = re.compile(r"(?:人民政府|政府|办公室|办公厅|局|委员会|委|办事处|管委会|街道|镇|乡|中心|小组)$")
_NUMBERED = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|[(（][一二三四五六七八九十]+[)）]|\d+[.、]|第[一二三四五六七八九十]+部分)")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
# a text mostly in another script is not the Chinese statutory report (an English translation, a README
# about reports): Chinese among the letters of the narrative. Real reports, web and crawler copies
# included, are at 0.91 or more (the development corpus, the seeds, the fixtures); the non-report files
# below 0.5 are all English or code. Judged only on enough letters.
MIN_CHINESE_SHARE, MIN_LETTERS = 0.5, 100
_SUB = re.compile(r"^[(（][一二三四五六七八九十][)）]\s*(?:主动公开|依申请公开|政府信息管理|平台建设|政府信息公开平台|监督保障)")


@dataclass(frozen=True)
class ReportKind:
    verdict: str  # report | unsure | not-report
    title: str = ""  # the title line the decision read ("" when none)
    title_line: int | None = None
    title_kind: str = ""  # report | kind:<word> | letter | news | interpretation | ""
    signals: dict = field(default_factory=dict)  # name -> (line, text) of the first evidence
    vetoes: dict = field(default_factory=dict)
    sections: int = 0

    @property
    def score(self) -> int:
        weights = {"title": 3, "self_reference": 3, "data_period": 2, "table_terms": 2, "subtopics": 1}
        return sum(weights.get(k, 0) for k in self.signals) + min(self.sections, 3)


@functools.lru_cache(maxsize=1)
def _lexicon():
    d = corpus_toml("report_signals.toml")

    def rx(key):
        return tuple(re.compile(p) for p in d[key])

    kinds = sorted(d["kind_title_words"], key=len, reverse=True)
    return {
        "report_title": re.compile(d["report_title"]),
        "self_reference": rx("self_reference"),
        "data_period": rx("data_period"),
        "table_terms": rx("table_terms"),
        "kinds": tuple(kinds),
        "news_title": re.compile(d["news_title"]),
        "letter": re.compile(d["letter_report_title"]),
        "interpretation": tuple(d["interpretation"]),
        "addressee": rx("addressee"),
        "directive": rx("directive"),
        "news": rx("news"),
        "summary": rx("summary"),
    }


def _title_kind(t: str) -> str:
    lex = _lexicon()
    t = _TAG.sub("", t).strip()
    t = re.sub(r"\s*[(（]\s*[\d.\-/年月日\s]{4,}[)）]\s*$|\s+\d{4}[-./]\d{1,2}[-./]\d{1,2}$", "", t)
    if any(re.match(rf"^{re.escape(w)}\s*[:：|·\s]", t) for w in lex["interpretation"]):
        return "interpretation"
    if lex["report_title"].search(t):
        return "report"
    if lex["letter"].search(t):
        return "letter"
    word = next((w for w in lex["kinds"] if t.endswith(w)), None)
    if word:
        return f"kind:{word}"
    if t.endswith("报告") and len(t) <= 70:
        return "other-report"  # 法治政府建设情况报告, 政府工作报告: a report, not on disclosure
    if lex["news_title"].search(t):
        return "news"
    return ""


def _head_titles(doc: Document) -> list[tuple[int, str]]:
    """(line, text) of the title-like lines of the head, and each pair of adjacent short ones joined
    (a title split over two lines)."""
    out: list[tuple[int, str]] = [(line, v) for k, v, line in doc.meta if k in ("标题", "名称", "题名") and v]
    head = [b for b in doc.blocks if b.text.strip()][:HEAD_BLOCKS]
    short = [
        (b.line, b.text.strip())
        for b in head
        if b.kind is not BlockKind.TABLE and len(b.text) <= 90 and "。" not in b.text[:-1] and not (b.heading_level and _NUMBERED.match(b.text))
    ]
    for (l1, t1), nxt in zip(short, short[1:] + [None]):
        out.append((l1, t1))
        if nxt and nxt[0] - l1 <= 3 and len(t1) <= 40:
            out.append((l1, t1 + nxt[1]))
    return out


def _first(patterns, texts, after: int = 0) -> tuple[int, str] | None:
    """(line, the matched words and ``after`` characters more) of the first text any pattern matches."""
    for line, t in texts:
        for p in patterns:
            m = p.search(t)
            if m:
                return line, t[m.start() : m.end() + after]
    return None


def report_kind(doc: Document) -> ReportKind:
    lex = _lexicon()
    texts = [(b.line, b.text) for b in doc.blocks if b.text.strip()]
    narrative = [(b.line, b.text) for b in doc.blocks if b.kind is not BlockKind.TABLE and b.text.strip()]
    signals: dict = {}
    vetoes: dict = {}

    title, title_line, kind = "", None, ""
    for line, t in _head_titles(doc):
        k = _title_kind(t)
        if k:
            title, title_line, kind = t, line, k
            break
        if not title and not _ORG_ONLY.search(t) and len(t) >= 8:
            title, title_line = t, line
    if kind == "report":
        signals["title"] = (title_line, title)
    elif kind:
        vetoes["title"] = (title_line, title)

    for name in ("self_reference", "data_period", "table_terms"):
        hit = _first(lex[name], texts)
        if hit:
            signals[name] = hit
    subs = [b for b in doc.blocks if b.section in ("overview", None) and _SUB.match(b.text)]
    if subs:
        signals["subtopics"] = (subs[0].line, subs[0].text[:40])

    head = narrative[:HEAD_BLOCKS]
    addressee = next(((ln, t) for ln, t in head if len(t) <= 90 and any(p.search(t) for p in lex["addressee"])), None)
    directive = _first(lex["directive"], narrative)
    if addressee:
        vetoes["addressee"] = addressee
    if directive:
        vetoes["directive"] = directive
    news = [p for p in lex["news"] if any(p.search(t) for _l, t in narrative)]
    if len(news) >= 2:
        vetoes["news"] = _first(news, narrative, after=12)
    summary = _first(lex["summary"], narrative)
    if summary:
        vetoes["summary"] = summary

    han = sum(len(_HAN.findall(t)) for _l, t in narrative)
    latin = sum(len(_LATIN.findall(t)) for _l, t in narrative)
    if han + latin >= MIN_LETTERS and han / (han + latin) < MIN_CHINESE_SHARE:
        first = next(((ln, t) for ln, t in narrative if _LATIN.search(t)), narrative[0])
        vetoes["language"] = (first[0], f"{han / (han + latin):.0%}")

    n_sections = len(doc.sections)
    result = dict(title=title, title_line=title_line, title_kind=kind, signals=signals, vetoes=vetoes, sections=n_sections)
    strong_other = ("title" in vetoes or "news" in vetoes or "summary" in vetoes or "language" in vetoes
                    or ("addressee" in vetoes and "directive" in vetoes))
    if strong_other:
        # a report title with the report speaking of itself outweighs stray wording, never a kind title
        # nor a text in another language
        if "title" not in vetoes and "language" not in vetoes and "title" in signals and "self_reference" in signals:
            return ReportKind(verdict="unsure", **result)
        return ReportKind(verdict="not-report", **result)
    probe = ReportKind(verdict="report", **result)
    if "title" in signals or "self_reference" in signals or n_sections >= 2 or probe.score >= 4:
        if vetoes:  # one weak veto (a directive phrase, an addressee line) against report signals
            return ReportKind(verdict="unsure", **result) if probe.score < 6 else probe
        return probe
    if probe.score >= 1:
        return ReportKind(verdict="unsure", **result)
    return ReportKind(verdict="not-report", **result)
