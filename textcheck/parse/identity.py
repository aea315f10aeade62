"""Who issued the report and for which year, as the text states it: title, opening, data period, signature."""

from __future__ import annotations

import re

from textcheck.document import BlockKind, Identity
from textcheck.parse.blocks import RawBlock, is_title

_ORG_TAIL = re.compile(r"(人民政府|政府|办公室|办公厅|局|委员会|委|办事处|管委会|管理委员会|中心|院|厅|部|署|所|镇|乡|街道|公司|队|站|馆)$")
_TITLE_A = re.compile(r"^(?P<issuer>.+?)(?P<year>(?:19|20)\d{2})\s*年度?\s*(?:度)?(?:的)?(?:政府)?(?:信息公开|政务公开)")
_TITLE_B = re.compile(r"(?P<year>(?:19|20)\d{2})\s*年度?\s*(?P<issuer>[^\s,，。、《》“”]*?)(?:政府)?(?:信息公开|政务公开)\S{0,6}年度?报告")
_DATE = re.compile(r"((?:19|20)\d{2})\s*[年.\-/]\s*(\d{1,2})\s*[月.\-/]\s*(\d{1,2})\s*日?")
_PERIOD = re.compile(r"((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日\s*(?:至|到|—|-|~)+\s*((?:19|20)\d{2})\s*年\s*12\s*月\s*31\s*日")


def _clean_issuer(s: str) -> str:
    s = s.strip(" ：:,，。、")
    s = re.sub(r"^(关于|现公布|公布)", "", s)
    return s


def extract_identity(norm: list[str], blocks: list[RawBlock], texts: list[str]) -> Identity:
    """Issuer, year, title and signature read from the normalised lines and the first blocks."""
    kw: dict = {}
    nonempty = [i for i, s in enumerate(norm) if s.strip()]
    # title: the first short line naming the annual report, within the first lines
    for i in nonempty[:8]:
        s = norm[i]
        if is_title(s) and "\t" not in s:
            kw.update(title=s, title_line=i + 1)
            m = _TITLE_A.match(s)
            if m and _clean_issuer(m.group("issuer")):
                kw.update(issuer=_clean_issuer(m.group("issuer")), issuer_source="title", issuer_line=i + 1)
                kw.update(year=int(m.group("year")), year_source="title", year_line=i + 1)
            else:
                m = _TITLE_B.search(s)
                if m:
                    kw.update(year=int(m.group("year")), year_source="title", year_line=i + 1)
                    iss = _clean_issuer(m.group("issuer"))
                    if iss and _ORG_TAIL.search(iss):
                        kw.update(issuer=iss, issuer_source="title", issuer_line=i + 1)
                    else:  # issuer on the line above the title ("攀枝花市人民政府办公室" / "2021 年...年度报告")
                        prev = [p for p in nonempty if p < i]
                        if prev and _ORG_TAIL.search(norm[prev[-1]]) and len(norm[prev[-1]]) <= 30:
                            kw.update(issuer=norm[prev[-1]].strip(), issuer_source="title", issuer_line=prev[-1] + 1)
            break
    # opening paragraph: "现公布2020年资阳市人民政府办公室信息公开工作年度报告"
    if "issuer" not in kw or "year" not in kw:
        for (kind, a, b, _, _), text in zip(blocks[:6], texts[:6]):
            if kind is not BlockKind.PARAGRAPH:
                continue
            m = _TITLE_B.search(text)
            if m:
                iss = _clean_issuer(m.group("issuer"))
                if "issuer" not in kw and iss and _ORG_TAIL.search(iss):
                    kw.update(issuer=iss, issuer_source="opening", issuer_line=a + 1)
                if "year" not in kw:
                    kw.update(year=int(m.group("year")), year_source="opening", year_line=a + 1)
                break
    # data period: "统计期限为2020年1月1日至2020年12月31日"
    if "year" not in kw:
        for i in nonempty:
            m = _PERIOD.search(norm[i])
            if m and m.group(1) == m.group(2):
                kw.update(year=int(m.group(1)), year_source="period", year_line=i + 1)
                break
    # signature: a date in the last lines, the issuing body just above it
    tail = nonempty[-4:]
    for pos, i in enumerate(reversed(tail)):
        s = norm[i]
        m = _DATE.fullmatch(s.strip())
        if m:
            y, mo, d = (int(g) for g in m.groups())
            if 1 <= mo <= 12 and 1 <= d <= 31:
                kw.update(signature_date=f"{y:04d}-{mo:02d}-{d:02d}", signature_line=i + 1)
                above = [p for p in tail if p < i]
                if above and "issuer" not in kw:
                    cand = norm[above[-1]].strip()
                    if _ORG_TAIL.search(cand) and len(cand) <= 30 and "\t" not in cand:
                        kw.update(issuer=cand, issuer_source="signature", issuer_line=above[-1] + 1)
            break
    return Identity(**kw)


