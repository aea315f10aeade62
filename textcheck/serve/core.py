"""What the web page asks of the pipeline: check, compare, batch and the reviewer's score.

This is the only module of ``textcheck.serve`` that calls the analysis, and it calls exactly what the
command line calls (``read_path`` -> ``parse`` -> ``check_document`` / ``compare_documents`` /
``run_batch``), so a page and ``textcheck check -f json`` can never disagree. The one difference:
an upload is read from a file in a temporary folder, and the report is labelled with the name the
user gave the file (``Source.path`` replaced), never with the temporary path.

Nothing here keeps state between requests except the lock that serialises batch runs (the batch
module keeps its worker state in a module-level dict, see ``_BATCH_LOCK``).
"""

from __future__ import annotations

import dataclasses
import os
import re
import threading
import unicodedata
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Sequence

from textcheck.config import Config
from textcheck.errors import InputError, TextcheckError

# textcheck.batch runs files in-process through a module-level worker state (``batch._W``) when it
# is given one job: two batches at once would overwrite each other's state. Batch runs take turns.
_BATCH_LOCK = threading.Lock()

MAX_NAME_CHARS = 120
BATCH_MAX_FILES = 500  # more than this: the command line (``textcheck batch``) is the right tool


@dataclass(frozen=True)
class Upload:
    """One uploaded file, saved in the request's temporary folder."""

    name: str  # what the user called it (basename only, cleaned): shown and reported as the path
    path: Path  # where it was saved (inside the temporary folder; never derived from the client)
    size: int


def display_name(filename: str | None, default: str = "上传的文件") -> str:
    """The client's file name reduced to a harmless label: last path component, no control characters."""
    # browsers send a '"' of the name as %22 and line breaks as %0D/%0A (WHATWG multipart encoding)
    name = (filename or "").replace("%22", '"').replace("%0D", "").replace("%0A", "")
    name = name.replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C").strip()
    name = name.lstrip(".") or default
    if len(name) > MAX_NAME_CHARS:
        stem, dot, suffix = name.rpartition(".")
        name = (stem[: MAX_NAME_CHARS - len(suffix) - 2] + "…" + dot + suffix) if dot and len(suffix) <= 10 else name[:MAX_NAME_CHARS]
    return name


def storage_suffix(name: str) -> str:
    """The suffix the saved copy gets (the reader uses it when the content does not tell the format)."""
    m = re.search(r"\.[A-Za-z0-9]{1,10}$", name)
    return m.group(0).lower() if m else ""


def _relabel(exc: TextcheckError, name: str) -> InputError:
    return InputError(exc.message, path=name)


def too_large(upload: Upload, max_bytes: int) -> bool:
    return upload.size > max_bytes


def read_upload(upload: Upload, max_bytes: int):
    """The upload as a ``Source`` labelled with its display name; ``InputError`` as the CLI words it."""
    from textcheck.readers import read_path

    try:
        source = read_path(str(upload.path), max_bytes=max_bytes)
    except TextcheckError as exc:
        raise _relabel(exc, upload.name) from None
    return dataclasses.replace(source, path=upload.name)


# ---------------------------------------------------------------------------------------------
# check


def check_upload(upload: Upload, config: Config, max_bytes: int):
    from textcheck.engine import check_source

    return check_source(read_upload(upload, max_bytes), config)


def check_json(result) -> str:
    """Exactly what ``textcheck check FILE -f json`` prints for one file."""
    from textcheck.render.json import render

    return render([result])


def narrative_chars(doc) -> int:
    """Narrative characters as ``batch`` counts them for the length item of the score."""
    from textcheck.document import BlockKind
    from textcheck.text import comparable

    return sum(len(comparable(b.text)) for b in doc.blocks if b.kind is BlockKind.PARAGRAPH)


def reviewer_score(result, config: Config, copy_ratio: float = 0.0) -> dict[str, Any] | None:
    """The batch rubric (docs/scoring.md) applied to one ``CheckResult``: total, and points per item."""
    from textcheck.batch.score import score, score_weights
    from textcheck.rules import all_rules

    if not result.is_report:
        return None
    weights = score_weights(config)
    categories = {s.id: s.category for s in all_rules()}
    total, parts = score(result.to_dict(), list(result.findings), narrative_chars(result.document), copy_ratio,
                         weights, categories)
    return score_view(total, parts, weights)


def score_view(total: float | None, parts: dict[str, float] | None, weights: dict[str, float] | None = None):
    from textcheck.batch.score import SCORE_LABEL, score_weights

    if total is None or parts is None:
        return None
    weights = weights or score_weights(Config())
    main = [k for k in parts if k != "other"]
    total_w = sum(weights[k] for k in main) or 1.0
    items = []
    for key, pts in parts.items():
        if key == "other":
            items.append({"key": key, "label": SCORE_LABEL.get(key, key), "points": pts, "max": None})
        else:
            items.append({"key": key, "label": SCORE_LABEL.get(key, key), "points": pts,
                          "max": round(100.0 * weights[key] / total_w, 1)})
    band = "good" if total >= 85 else "fair" if total >= 60 else "poor"
    return {"total": total, "items": items, "band": band}


# ---------------------------------------------------------------------------------------------
# compare


def compare_uploads(old: Upload, new: Upload, config: Config, max_bytes: int):
    from textcheck.compare import compare_documents
    from textcheck.parse import parse

    return compare_documents(parse(read_upload(old, max_bytes)), parse(read_upload(new, max_bytes)), config)


def compare_json(result) -> str:
    """Exactly what ``textcheck compare OLD NEW -f json`` prints."""
    from textcheck.render.json import dumps

    return dumps(result.to_dict())


# ---------------------------------------------------------------------------------------------
# batch


class FolderError(TextcheckError):
    """A folder path from the page that cannot be used (outside the root, missing, empty)."""


def confine(root: Path, user_path: str) -> Path:
    """``user_path`` (relative to ``root``, or absolute) resolved; ``FolderError`` unless inside ``root``."""
    text = (user_path or "").strip()
    if not text:
        raise FolderError("请填写要检查的文件夹（相对于服务的根文件夹）")
    if "\x00" in text:
        raise FolderError("文件夹路径无效")
    root = root.resolve()
    p = Path(text)
    target = (p if p.is_absolute() else root / p).resolve()
    try:
        target.relative_to(root)
    except ValueError:
        raise FolderError(f"只能检查服务根文件夹 {root} 之内的文件夹；“{text}”不在其中") from None
    if not target.exists():
        raise FolderError(f"文件夹不存在：{text}")
    if not target.is_dir():
        raise FolderError(f"这不是文件夹：{text}（检查单个文件请用“检查”页）")
    return target


def folder_files(root: Path, folder: Path) -> list[tuple[str, str]]:
    """(path to read, name to show) for every report file under ``folder`` that really lies inside ``root``."""
    from textcheck.batch.discover import discover

    root = root.resolve()
    files, _missing = discover([str(folder)])
    out = []
    for f in files:
        real = Path(os.path.realpath(f))
        try:
            rel = real.relative_to(root)  # a symbolic link pointing out of the root is skipped
        except ValueError:
            continue
        try:
            shown = Path(f).relative_to(root).as_posix()  # the name as found, symbolic links kept
        except ValueError:
            shown = rel.as_posix()
        out.append((str(real), shown))
    if not out:
        raise FolderError("该文件夹中没有可检查的报告文件（支持 .txt .docx .pdf .html .htm）")
    if len(out) > BATCH_MAX_FILES:
        raise FolderError(f"该文件夹中有 {len(out)} 个文件，网页一次最多检查 {BATCH_MAX_FILES} 个；"
                          "更多的报告请用命令行：textcheck batch 文件夹 -o 输出文件夹")
    return out


def run_batch_files(files: Sequence[tuple[str, str]], config: Config, max_bytes: int):
    """``run_batch`` over ``files`` (read path, shown name); every path in the result is the shown name.
    The reports' findings stay ``Finding`` objects."""
    from textcheck.batch.run import run_batch

    names = dict(files)
    with _BATCH_LOCK:
        result = run_batch([p for p, _ in files], config, jobs=1, cache_dir=None, use_cache=False, max_bytes=max_bytes)
    result.reports = _rename(result.reports, names)
    result.groups = _rename(result.groups, names)
    return result


def _rename(obj: Any, names: dict[str, str]) -> Any:
    """Every string equal to a read path replaced by its shown name, through dicts, lists and the
    frozen dataclasses of findings (``Finding``, ``Related``)."""
    if isinstance(obj, Enum):
        return obj
    if isinstance(obj, str):
        return names.get(obj, obj)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return dataclasses.replace(obj, **{f.name: _rename(getattr(obj, f.name), names)
                                           for f in dataclasses.fields(obj) if f.init})
    if isinstance(obj, list):
        return [_rename(x, names) for x in obj]
    if isinstance(obj, tuple):
        return tuple(_rename(x, names) for x in obj)
    if isinstance(obj, dict) and hasattr(obj, "materialise"):  # batch.store.ReportRow: findings, lines read lazily
        obj = obj.materialise()
    if isinstance(obj, dict):
        return {names.get(k, k) if isinstance(k, str) else k: _rename(v, names) for k, v in obj.items()}
    return obj


def document_from_lines(lines: Sequence[str], name: str):
    """A batch report's ``Document`` again from the lines batch kept (parse only: cheap, no rules)."""
    from textcheck.document import Source
    from textcheck.parse import parse

    return parse(Source(text="\n".join(lines), path=name, format="txt", encoding="utf-8"))


# ---------------------------------------------------------------------------------------------
# annotated docx (issue 15: ``textcheck check --annotate``)


def annotator():
    """The function that writes a commented copy of a document: ``(upload, result) -> bytes`` (the
    same as ``textcheck check FILE --annotate OUT``); the page shows its download button when this
    returns a callable."""
    return annotate_upload


def annotate_upload(upload: Upload, result) -> bytes:
    """The annotated Word copy of a checked upload (read while the upload is still on disk)."""
    from textcheck.render.docx_annotate import annotate

    doc = result.document
    original = upload.path.read_bytes() if doc.source.format == "docx" else None
    return annotate(doc, result.findings, original)


# ---------------------------------------------------------------------------------------------
# start-up


def warm_up(config: Config) -> None:
    """Load everything heavy once, before the first request: jieba, the gazetteer, rules, compare's models."""
    from textcheck.batch.score import score_weights
    from textcheck.compare import compare_documents
    from textcheck.engine import check_document
    from textcheck.parse import parse
    from textcheck.readers import read_path
    from textcheck.resources import corpus_path

    score_weights(config)  # a bad [score] table is an error at start, not on the first upload
    from textcheck.gazetteer import gazetteer

    gazetteer().speed_up()  # the server checks report after report: the Rust matcher pays for itself
    doc = parse(read_path(str(corpus_path("samples", "003_c09c82378b8e7991.txt"))))
    check_document(doc, config)
    compare_documents(doc, doc, config)
    import importlib

    importlib.import_module("docx")  # python-docx, imported now rather than on the first docx upload
