#!/usr/bin/env python3
"""Build ``corpora/traditional_chars.txt``: the characters OpenCC's t2s converts on their own.

    python scripts/build_traditional_chars.py

The checker converts a text from traditional to simplified characters only when the text holds
traditional characters (a report mirrored in 繁體 by a web site), so that OpenCC is not loaded for the
usual simplified report. This list is how it tells, without loading OpenCC: every CJK character of the
basic block (U+4E00-U+9FFF) that OpenCC's ``t2s`` configuration maps, taken alone, to a different
character. Deterministic: the same OpenCC version gives the same file.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "corpora" / "traditional_chars.txt"


def main() -> None:
    import opencc

    cc = opencc.OpenCC("t2s")
    chars = [chr(c) for c in range(0x4E00, 0xA000) if cc.convert(chr(c)) != chr(c)]
    version = getattr(opencc, "__version__", "?")
    lines = [
        "# Traditional characters that OpenCC t2s converts alone (built by scripts/build_traditional_chars.py,",
        f"# OpenCC {version}; {len(chars)} characters, 60 per line). Provenance: corpora/README.md.",
    ]
    lines += ["".join(chars[i : i + 60]) for i in range(0, len(chars), 60)]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT.relative_to(ROOT)}: {len(chars)} characters")


if __name__ == "__main__":
    main()
