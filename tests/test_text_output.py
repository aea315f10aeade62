"""Text output for people and editors: wrapping (CJK widths, hanging indents, where lines may
break), ``-f concise``, the total line, ``-o`` confirmation, control characters shown visibly, the
compare ratio table aligned, the demo on one screen."""

import json
import os
import re
import subprocess
import sys

from rich.text import Text
from support import good_report, seed_path
from typer.testing import CliRunner
from wcwidth import width as cells

from textcheck.cli import app
from textcheck.render.wrap import clip, visible, wrap

runner = CliRunner()
S = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "seeds")

CLOSING = "，。、；：？！）」』》"
# a paragraph of report-like text: numbers, a Latin word, a web address, brackets and quotes
PARA = ("2021年，全镇认真拓展信息公开范围和途径，全年主动公开政府信息3126条，同比增长12.5%，"
        "在县政府门户网站（http://www.example.gov.cn/xxgk/）发布政策解读材料41篇，通过textcheck检查"
        "“五公开”落实情况，办理依申请公开12件，全部在法定期限内答复。")


def run(*args, env=None):
    return runner.invoke(app, list(args), env={"COLUMNS": "100", **(env or {})})


def plain(markup_line: str) -> str:
    return Text.from_markup(markup_line).plain


def test_wrap_fits_cjk_width_and_hangs():
    for width in (24, 37, 50, 80):
        lines = [plain(x) for x in wrap(PARA, width, indent=2, hang=6)]
        assert len(lines) > 1
        assert all(cells(x) <= width for x in lines), (width, lines)
        assert lines[0].startswith("  ") and lines[0][2] != " "
        assert all(x.startswith("      ") and x[6] != " " for x in lines[1:])
        # nothing lost or added: the lines put back together are the paragraph
        assert "".join(x.strip() for x in lines) == PARA
    # lines are filled (greedy, by display width): in Chinese text a line breaks almost anywhere
    cjk = PARA.replace("（http://www.example.gov.cn/xxgk/）", "").replace("textcheck", "")
    for width in (24, 37, 50, 80):
        lines = [plain(x) for x in wrap(cjk, width, indent=2, hang=6)]
        assert all(cells(x) >= width - 6 for x in lines[:-1]), (width, lines)


def test_wrap_never_breaks_numbers_latin_words_or_before_closing_marks():
    for width in range(24, 60):  # wider than the longest unbreakable run (www.example.gov.cn/)
        lines = [plain(x).strip() for x in wrap(PARA, width, indent=2, hang=4)]
        for a, b in zip(lines, lines[1:]):
            assert not (a[-1].isdigit() and (b[0].isdigit() or b[0] in ".%")), (width, a, b)
            assert not (a[-1].isascii() and a[-1].isalpha() and b[0].isascii() and b[0].isalpha()), (width, a, b)
            assert b[0] not in CLOSING, (width, a, b)
            assert a[-1] not in "（「『《“", (width, a, b)


def _reference_wrap(text, width):
    """Greedy filling over every break opportunity of the whole text (uniseg on all of it)."""
    from uniseg.linebreak import line_break_units

    lines, cur = [], ""
    for unit in line_break_units(text):
        if cur and cells((cur + unit).rstrip(" ")) > width:
            lines.append(cur.rstrip(" "))
            cur = ""
        cur += unit
    return lines + [cur.rstrip(" ")]


def test_wrap_window_gives_what_the_whole_text_gives():
    # wrap runs the line breaking algorithm on a window around each line's end only: same breaks
    import random

    rnd = random.Random(7)
    words = re.findall(r"\d+(?:[.,]\d+)*%?|[A-Za-z]+|.", PARA.replace("（http://www.example.gov.cn/xxgk/）", "（见 A 1 栏）"))
    for _ in range(60):
        text = "".join(rnd.choice(words) + (" " if rnd.random() < 0.05 else "") for _ in range(rnd.randint(20, 300)))
        text = " ".join(text.split())
        width = rnd.randint(24, 90)
        got = [plain(x) for x in wrap(text, width)]
        assert got == _reference_wrap(text, width), (text, width)


def test_wrap_keeps_styles_per_line_and_escapes_markup():
    pieces = [("第 13、31、37、55 行", None, True), ("  ", None), ("错误", "bold red", True), ("  ", None),
              ("[不是标记] " + PARA, None), ("  ", None), ("name-mismatch", "dim", True)]
    lines = wrap(pieces, 40, indent=2, hang=6)
    text = "".join(plain(x).strip() for x in lines).replace(" ", "")
    assert text.startswith("第13、31、37、55行错误[不是标记]") and text.endswith("name-mismatch")
    # a kept piece is never cut: the place and the rule id each sit on one line
    assert any("第 13、31、37、55 行" in plain(x) for x in lines)
    assert any(plain(x).strip().endswith("name-mismatch") for x in lines)
    styled = [Text.from_markup(x) for x in lines]
    assert any(span.style == "bold red" and t.plain[span.start:span.end] == "错误" for t in styled for span in t.spans)


def test_wrap_cuts_a_unit_longer_than_a_line():
    url = "http://www.example.gov.cn/" + "a" * 80
    lines = [plain(x) for x in wrap("见 " + url, 30, indent=0, hang=2)]
    assert all(cells(x) <= 30 for x in lines) and "".join(x.strip() for x in lines).replace(" ", "") == "见" + url
    assert any(len(x.strip()) == 30 - 2 for x in lines[1:])  # cut between letters, lines filled


def test_clip_and_visible():
    assert clip("一二三四五六七八九十", 9) == "一二三四…"
    assert cells(clip(PARA, 41)) <= 41 and clip(PARA, 41).endswith("…")
    assert clip("短", 10) == "短"
    assert visible("a\x1b[31mb\x07c\u202ed\x9b\te") == "a\\x1b[31mb\\x07c\\u202ed\\x9b e"


def test_text_output_wraps_to_columns():
    for cols in (60, 100, 140):
        res = run("check", str(seed_path("003")), "--no-color", env={"COLUMNS": str(cols)})
        lines = res.stdout.splitlines()
        assert max(cells(x) for x in lines) <= cols
        assert max(cells(x) for x in lines) > cols - 8  # it fills the width, it does not wrap early
    # the file written with -o is the same whatever the terminal
    assert res.exit_code == 1


def test_output_file_does_not_depend_on_the_terminal(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    run("check", str(seed_path("003")), "-o", str(a), env={"COLUMNS": "60"})
    run("check", str(seed_path("003")), "-o", str(b), env={"COLUMNS": "150"})
    assert a.read_bytes() == b.read_bytes()
    assert max(cells(x) for x in a.read_text(encoding="utf-8").splitlines()) <= 100


CONCISE = re.compile(r"^(?P<path>.+?):(?P<line>\d+): (?P<sev>错误|警告|提示) (?P<rule>[a-z0-9-]+) (?P<msg>\S.*)$")


def test_concise_one_line_per_finding():
    res = run("check", str(seed_path("003")), str(seed_path("004")), "-f", "concise")
    assert res.exit_code == 1
    data = json.loads(run("check", str(seed_path("003")), str(seed_path("004")), "-f", "json").stdout)["reports"]
    lines = res.stdout.splitlines()
    findings = [f for d in data for f in d["findings"]]
    assert len(lines) == len(findings) + 1
    labels = {"error": "错误", "warning": "警告", "info": "提示"}
    for line, f, in zip(lines, [(d["path"], f) for d in data for f in d["findings"]]):
        m = CONCISE.match(line)
        assert m, line
        path, finding = f
        assert m["path"] == path and int(m["line"]) == (finding["line"] or 1)
        assert m["sev"] == labels[finding["severity"]] and m["rule"] == finding["rule"]
        assert m["msg"].startswith(finding["message"])
    assert lines[-1].startswith("共检查 2 份报告：") and not CONCISE.match(lines[-1])


def test_concise_for_compare():
    res = run("compare", str(seed_path("003")), str(seed_path("003")), "-f", "concise")
    lines = res.stdout.splitlines()
    assert lines and all(CONCISE.match(x) for x in lines[:-1]) and lines[-1].startswith("共 ")
    assert len(lines) >= 2 and all(x.startswith(str(seed_path("003")) + ":") for x in lines[:-1])


def test_total_line_across_files(tmp_path):
    clean = tmp_path / "clean.txt"
    clean.write_text(good_report(), encoding="utf-8")
    files = [str(seed_path("003")), str(seed_path("004")), str(clean)]
    data = json.loads(run("check", *files, "-f", "json").stdout)["reports"]
    sums = {k: sum(d["summary"][k] for d in data) for k in ("error", "warning", "info")}
    expected = f"共检查 3 份报告：错误 {sums['error']}，警告 {sums['warning']}，提示 {sums['info']}"
    res = run("check", *files, "--no-color")
    assert res.stdout.rstrip().splitlines()[-1] == expected
    # one report: its own totals only, no "共检查" line
    assert "共检查" not in run("check", str(seed_path("003")), "--no-color").stdout
    # a file that could not be read is counted, exit 2
    res = run("check", *files, str(tmp_path / "nope.txt"), "--no-color")
    assert res.exit_code == 2
    assert res.stdout.rstrip().splitlines()[-1] == expected + "；另有 1 份无法读取"


def test_output_file_confirmed_on_stderr(tmp_path):
    for fmt in ("text", "json", "concise"):
        out = tmp_path / f"r.{fmt}"
        res = run("check", str(seed_path("003")), "-f", fmt, "-o", str(out))
        assert res.exit_code == 1 and out.stat().st_size > 100
        assert res.stdout == "" and f"已写入 {out}" in res.stderr
    out = tmp_path / "cmp.txt"
    res = run("compare", str(seed_path("003")), str(seed_path("003")), "-o", str(out))
    assert res.stdout == "" and f"已写入 {out}" in res.stderr and "沿用比例" in out.read_text(encoding="utf-8")


# every kind of character a terminal acts on: ESC (CSI, OSC), BEL, backspace, carriage return, a C1
# control (CSI as one byte), direction overrides and isolates
HOSTILE = "（六）其他情况，比例1:b:2。\x1b[2J\x1b]0;标题\x07本年度开展\x08\x08政务公开\u202e培训\x9b31m两次，\u2066覆盖\u2069全县\r各单位。"
RAW = set(chr(c) for c in range(0x20) if c not in (0x0A,)) | {chr(0x7F)} | set(chr(c) for c in range(0x80, 0xA0)) | set(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _hostile_report(tmp_path, name="report.txt"):
    lines = good_report().split("\n")
    # the same paragraph twice: a duplicate-paragraph finding quotes it (原文 and 对照)
    lines[15:15] = ["", HOSTILE, "", HOSTILE, ""]
    path = tmp_path / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "textcheck", *args], capture_output=True, timeout=120,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": "100", **(env or {})})


def test_control_characters_shown_visibly(tmp_path):
    path = _hostile_report(tmp_path, "报告\x1b[31m\u202e.txt")
    for fmt in ("text", "concise"):
        p = _cli("check", str(path), "-f", fmt, "--color", env={"COLUMNS": "250"})
        out = p.stdout.decode("utf-8")
        assert p.returncode == 1, p.stderr.decode("utf-8")
        if fmt == "text":
            # colour is on: the only escapes are rich's own SGR sequences
            out = re.sub(r"\x1b\[[0-9;]*m", "", out)
            assert "\\x1b[2J\\x1b]0;标题\\x07" in out and "\\u202e" in out and "\\x9b" in out
            assert "比例1:b:2" in out  # not an emoji code for rich
        assert not RAW & set(out.replace("\n", "")), [c for c in out if c in RAW]
        assert "报告\\x1b[31m\\u202e.txt" in out
    # JSON keeps the text exactly (escaped by JSON itself), valid UTF-8
    p = _cli("check", str(path), "-f", "json")
    data = json.loads(p.stdout.decode("utf-8"))["reports"][0]
    texts = [f["text"] for f in data["findings"] if f["rule"] == "duplicate-paragraph"]
    assert texts and "\x1b[2J\x1b]0;标题\x07" in texts[0] and "\u202e" in texts[0]


def test_compare_ratio_table_aligned():
    old, new = os.path.join(S, "001_8442b5afd2c71afd.txt"), os.path.join(S, "004_b4d69b5948b33890.txt")
    if not (os.path.exists(old) and os.path.exists(new)):  # the shared seeds are not there: the packaged ones
        old, new = str(seed_path("001")), str(seed_path("004"))

    def starts(line):
        # display column where each cell after the first begins (cells are separated by 2+ spaces)
        return [cells(line[:m.end()]) for m in re.finditer(r" {2,}", line.rstrip())][1:]

    for cols, counts in ((100, True), (70, False)):
        res = run("compare", old, new, "--no-color", env={"COLUMNS": str(cols)})
        lines = res.stdout.splitlines()
        i = next(k for k, x in enumerate(lines) if x.strip().startswith("部分"))
        table = lines[i:next(k for k in range(i, len(lines)) if lines[k].strip().startswith("全文")) + 1]
        assert len(table) == 9  # header, six sections, 开头及其他位置, 全文
        assert all(cells(x) <= cols for x in table) and (("字）" in table[-1]) is counts), table
        full = [starts(x) for x in table if "%" in x or x.strip().startswith("部分")]
        assert len(full) >= 3 and all(len(s) == 2 for s in full) and len({tuple(s) for s in full}) == 1, table
        notes = [starts(x) for x in table if "（缺少该部分）" in x or "（该部分无正文）" in x]
        assert all(s == full[0][:1] for s in notes), table


def test_places_and_duplicate_block_on_seed_003():
    out = run("check", str(seed_path("003")), "--no-color").stdout
    lines = out.splitlines()
    # name-mismatch: all four places in the message, the three others on one 对照 line
    i = next(k for k, x in enumerate(lines) if "name-mismatch" in x)
    head = " ".join(x.strip() for x in lines[i - 1:i + 1])  # the head wraps onto two lines
    assert head.startswith("第 13 行  错误") and "13、31、37、55 行" in head
    assert lines[i + 2].strip() == "对照：第 31、37、55 行"
    # the pasted block: one finding, both copies' spans, the paragraph count, one excerpt
    dup = [k for k, x in enumerate(lines) if "duplicate-paragraph" in x]
    assert len(dup) == 1
    head = lines[dup[0]]
    assert head.strip().startswith("第 33–55 行") and "第 9–31 行" in head and "（共 8 段）" in head
    detail = lines[dup[0] + 1]
    assert detail.strip().startswith("原文：一是成立政务信息公开领导小组") and "对照：第 9–31 行（文字相同）" in detail
    assert lines[dup[0] + 2].strip().startswith("建议：")


def test_demo_fits_one_screen():
    # 50 lines of 100 columns, the prompt included: every finding of seed 003 still there
    p = _cli("demo", env={"COLUMNS": "100"})
    assert p.returncode == 0, p.stderr.decode("utf-8")
    lines = p.stdout.decode("utf-8").splitlines()
    assert len(lines) <= 49, "\n".join(lines)
    assert max(cells(x) for x in lines) <= 100
    data = json.loads(_cli("demo", "-f", "json").stdout.decode("utf-8"))["reports"][0]
    text = p.stdout.decode("utf-8")
    for f in data["findings"]:
        assert f["rule"] in text
    assert sum(1 for x in lines if re.match(r"^  第 \d+(–\d+)? 行  (错误|警告|提示)  ", x)) == len(data["findings"])


def test_docx_places_in_text_and_concise(tmp_path):
    import docx

    from support import seed_text

    d = docx.Document()
    for line in seed_text("003").split("\n"):
        if line.strip() and "\t" not in line:  # every text line a paragraph (tables left out)
            d.add_paragraph(line)
    path = tmp_path / "大章镇.docx"
    d.save(str(path))
    text = run("check", str(path), "--no-color").stdout
    concise = run("check", str(path), "-f", "concise").stdout.splitlines()
    data = json.loads(run("check", str(path), "-f", "json").stdout)["reports"][0]
    (dup,) = [f for f in data["findings"] if f["rule"] == "duplicate-paragraph"]
    label = f"第 {dup['paragraph']}–{dup['end_paragraph']} 段"
    assert f"  {label}  错误  " in text and " 行  " not in text.split("【", 1)[1]
    (line,) = [x for x in concise if " duplicate-paragraph " in x]
    assert line.startswith(f"{path}:{dup['line']}: 错误 duplicate-paragraph {label}：")


def test_east_asian_console_counts_ambiguous_characters_wide():
    # a GBK (cp936) console draws “ ” … – full width: the lines still fit its 100 columns
    p = _cli("check", str(seed_path("003")), env={"PYTHONIOENCODING": "gbk"})
    assert p.returncode == 1, p.stderr.decode("gbk", "replace")
    lines = p.stdout.decode("gbk").splitlines()
    assert max(cells(x, ambiguous_width=2) for x in lines) <= 100
    # the same report on a UTF-8 terminal fills the lines counting them narrow
    lines = _cli("check", str(seed_path("003"))).stdout.decode("utf-8").splitlines()
    assert max(cells(x, ambiguous_width=2) for x in lines) > 100 >= max(cells(x) for x in lines)


def test_places_in_messages_are_never_split():
    for cols in range(60, 101, 4):
        lines = run("check", str(seed_path("003")), "--no-color", env={"COLUMNS": str(cols)}).stdout.splitlines()
        for a, b in zip(lines, lines[1:]):
            assert not re.search(r"第 ?[\d、–]*$", a) or not re.match(r"\s*[\d、–]* ?[行段页]", b), (cols, a, b)


def test_control_characters_shown_visibly_in_compare(tmp_path):
    old = _hostile_report(tmp_path, "旧\x1b]0;x\x07.txt")
    new = _hostile_report(tmp_path, "新.txt")
    for fmt in ("text", "concise"):
        p = _cli("compare", str(old), str(new), "-f", fmt, "--no-color")
        out = p.stdout.decode("utf-8")
        assert p.returncode in (0, 1), p.stderr.decode("utf-8")
        assert not RAW & set(out.replace("\n", "")), [c for c in out if c in RAW]
    assert "旧\\x1b]0;x\\x07.txt" in _cli("compare", str(old), str(new), "--no-color").stdout.decode("utf-8")


def test_safe_fixes_are_announced_with_the_command_to_apply_them(tmp_path):
    # seed 003: the repeated heading, the pasted block and 纸房镇 have safe fixes; seed 004 has none
    out = run("check", str(seed_path("003")), env={"COLUMNS": "200"}).stdout
    hint = [ln for ln in out.splitlines() if "可以自动修改" in ln]
    assert len(hint) == 1 and "其中 3 条" in hint[0]
    assert f"textcheck fix {seed_path('003')} -o {seed_path('003').stem}_修改稿.txt" in hint[0]
    assert "可以自动修改" not in run("check", str(seed_path("004"))).stdout
    # a name with a space is quoted for the shell; a Chinese one is not
    spaced = tmp_path / "大章镇 报告.txt"
    spaced.write_bytes(seed_path("003").read_bytes())
    out = run("check", str(spaced), env={"COLUMNS": "200"}).stdout
    assert f"textcheck fix '{spaced}' -o '大章镇 报告_修改稿.txt'" in out


def test_demo_names_the_fix_command_once():
    out = run("demo", env={"COLUMNS": "100"}).stdout
    assert out.count("textcheck fix") == 1 and "可以自动修改" not in out
