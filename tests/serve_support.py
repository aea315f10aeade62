"""Helpers for the ``textcheck serve`` tests: documents made at test time, an app, a live server."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

from support import seed_text

# A report that carries attacks in its text (and in a duplicated paragraph, so that they also appear
# in a finding's excerpt, "related" text and the pop-up). Every payload sets window.__xss if it runs.
XSS_LINES = [
    '<script>window.__xss = "script";</script>',
    '"><img src=x onerror="window.__xss=\'img\'">',
    "<svg/onload=window.__xss='svg'>",
    "</textarea><iframe srcdoc=\"<script>parent.__xss='iframe'</script>\"></iframe>",
]


def txt_to_docx(text: str, out: Path) -> Path:
    """A Word document of ``text`` as a drafter would have it: one paragraph per line, tab rows as a table."""
    from docx import Document

    doc = Document()
    rows: list[list[str]] = []

    def flush() -> None:
        if not rows:
            return
        width = max(len(r) for r in rows)
        table = doc.add_table(rows=len(rows), cols=width)
        for i, r in enumerate(rows):
            for j, cell in enumerate(r):
                table.cell(i, j).text = cell
        rows.clear()

    for line in text.split("\n"):
        if "\t" in line:
            rows.append(line.split("\t"))
            continue
        flush()
        if line.strip():
            doc.add_paragraph(line)
    flush()
    doc.save(str(out))
    return out


def seed_docx(num: str, out: Path) -> Path:
    return txt_to_docx(seed_text(num), out)


def xss_report_text() -> str:
    """Seed 003 with the payloads in its title line, in a paragraph of its own twice, and in a table cell."""
    lines = seed_text("003").split("\n")
    payload = "　".join(XSS_LINES)
    para = f"三是加强保密审查{payload}，严格执行“先审查、后公开”和“一事一审”制度，全年未发生失泄密事件。"
    out = []
    for i, line in enumerate(lines):
        out.append(line)
        if i == 2:
            out.extend(["", payload, ""])
    out.extend(["", para, "", para, "", "项目\t" + XSS_LINES[1] + "\t0"])
    return "\n".join(out) + "\n"


def corrupt_docx_bytes() -> bytes:
    """The start of a real .docx (a ZIP local header naming word/document.xml), cut off: a failed download."""
    return b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00word/document.xml" + b"\x00" * 64


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """``textcheck serve``'s app under uvicorn in a thread, on a free port of 127.0.0.1."""

    def __init__(self, root: Path, max_bytes: int = 20 * 1024 * 1024):
        import uvicorn

        from textcheck.config import Config
        from textcheck.serve.app import Settings, create_app
        from textcheck.serve.server import bind

        self.sock = bind("127.0.0.1", 0)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        app = create_app(Settings(root=root, max_bytes=max_bytes, config=Config()))
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def start(self, timeout: float = 120.0) -> "LiveServer":
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("textcheck serve did not start")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
        self.sock.close()
