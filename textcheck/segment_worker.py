"""Segmentation in a second process, so that a command's start-up does not wait for the segmenter.

Building jieba-rs's dictionary (``import rjieba``) takes ~0.1 s and holds the GIL the whole time: a
thread cannot overlap it with anything (measured: the main thread ran at a third of its speed while
the import ran beside it). A child process can, on a second core. ``textcheck check`` and ``compare``
start one at once (:func:`start`); it imports rjieba while the parent imports, reads and parses, then
segments the paragraphs the parent sends it (:meth:`Worker.send`, right after parsing) and hands back
the length of each word. The parent rebuilds the words from the lengths and goes on exactly as with
rjieba in-process (``resources._rjieba_segmenter``: the same routing to jieba, the same re-splitting),
so the words, and so the findings, are the same (tests/test_segment_worker.py).

Used only where it pays and cannot hurt: by the command line's check and compare (not by batch, whose
workers are processes already, nor by serve or the library), with two or more usable cores, when
rjieba is installed, unless ``TEXTCHECK_SEGMENT_WORKER=0``. Anything that goes wrong with the child
(it cannot start, dies, answers nonsense, cannot segment a text) makes the parent segment that text
itself: slower, never different, never an error.

Protocol (binary, native byte order, both ends are this module on the same machine): a request is
``N`` then ``N`` times (byte length, UTF-8 with surrogates passed); the answer, once the whole request
is read, is for each text the number of words then their lengths (``array('I')``), or ``ERROR``.
"""

from __future__ import annotations

import os
import struct
import sys
from array import array

WORKER_ENV = "TEXTCHECK_SEGMENT_WORKER"
ERROR = 0xFFFFFFFF
_U32 = struct.Struct("=I")
_ITEM = array("I").itemsize
# the child imports this very copy of textcheck (sys.path[0], the current folder under -c, replaced by
# the folder holding the package) and nothing of textcheck but this module
_BOOT = "import sys; sys.path[0] = {root!r}; from textcheck.segment_worker import child_main; child_main()"


# -- the child ---------------------------------------------------------------------------------


def _read_exact(fh, n: int) -> bytes | None:
    buf = b""
    while len(buf) < n:
        chunk = fh.read(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def child_main() -> None:
    """The worker process: segment what stdin asks until it closes."""
    import signal

    try:  # Ctrl-C in the terminal reaches the whole process group: the parent decides, not the child
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    except (ValueError, OSError, AttributeError):  # pragma: no cover
        pass
    import rjieba

    rin, out = sys.stdin.buffer, sys.stdout.buffer
    rjieba.cut("")
    while True:
        head = _read_exact(rin, 4)
        if head is None:
            return
        texts = []
        for _ in range(_U32.unpack(head)[0]):
            size = _read_exact(rin, 4)
            raw = _read_exact(rin, _U32.unpack(size)[0]) if size is not None else None
            if raw is None:
                return
            texts.append(raw)
        for raw in texts:
            try:
                lengths = array("I", map(len, rjieba.cut(raw.decode("utf-8", "surrogatepass"))))
            except Exception:  # noqa: BLE001 - the parent segments this one itself
                out.write(_U32.pack(ERROR))
                continue
            out.write(_U32.pack(len(lengths)))
            out.write(lengths.tobytes())
        out.flush()


# -- the parent ---------------------------------------------------------------------------------


def _usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on every platform
        return os.cpu_count() or 1


class Worker:
    """The parent's end: texts sent ahead (:meth:`send`), word lengths fetched when needed
    (:meth:`lengths`). Not thread-safe: one command's main thread uses it.

    Each request is written, and its answer read, by a thread of its own (a request larger than the
    pipe's buffer would otherwise hold the parent until the child, still importing rjieba, starts reading);
    the main thread waits for that thread only when it needs a word, and at most ``timeout`` seconds
    (plus a second per 200,000 characters): a child that hangs is ended and the parent segments itself."""

    def __init__(self, proc, timeout: float = 10.0) -> None:
        self._proc = proc
        self._timeout = timeout
        self._known: dict[str, array] = {}
        self._owed: list[str] = []  # asked, answer not taken yet (in order)
        self._exchange = None  # the thread writing the request and reading its answer
        self._answers: list[array | None] = []
        self._failed = False
        self.alive = True

    def send(self, texts) -> None:
        """Ask for the words of ``texts`` (those not asked before), without waiting for them."""
        if not self.alive:
            return
        owed = set(self._owed)
        new = [t for t in dict.fromkeys(texts) if t and t not in self._known and t not in owed]
        if not new:
            return
        self._collect()  # the previous answer first: the child answers one request at a time
        if not self.alive:
            return
        parts = [_U32.pack(len(new))]
        for t in new:
            raw = t.encode("utf-8", "surrogatepass")
            parts += (_U32.pack(len(raw)), raw)
        self._owed = new
        self._answers = []
        self._wait = self._timeout + sum(map(len, new)) / 200_000
        import threading

        self._exchange = threading.Thread(target=self._talk, args=(b"".join(parts), len(new)),
                                          name="textcheck-segment-request", daemon=True)
        self._exchange.start()

    def _talk(self, payload: bytes, count: int) -> None:
        try:
            self._proc.stdin.write(payload)
            self._proc.stdin.flush()
            out = self._proc.stdout
            for _ in range(count):
                head = _read_exact(out, 4)
                if head is None:
                    raise EOFError
                n = _U32.unpack(head)[0]
                if n == ERROR:
                    self._answers.append(None)
                    continue
                body = _read_exact(out, n * _ITEM)
                if body is None:
                    raise EOFError
                lengths = array("I")
                lengths.frombytes(body)
                self._answers.append(lengths)
        except (OSError, ValueError, EOFError, struct.error):
            self._failed = True

    def _collect(self) -> None:
        if self._exchange is None:
            return
        self._exchange.join(self._wait)
        hung = self._exchange.is_alive()
        self._exchange = None
        if hung or self._failed or len(self._answers) != len(self._owed):
            self.close()
            return
        for text, lengths in zip(self._owed, self._answers):
            if lengths is None:
                continue
            if sum(lengths) != len(text):  # not this text's words: believe nothing more from it
                self.close()
                return
            self._known[text] = lengths
        self._owed, self._answers = [], []

    def lengths(self, text: str) -> array | None:
        """The lengths of the words of ``text``, or None: then the caller segments it itself."""
        if text not in self._known and self.alive:
            if text not in self._owed:
                self.send([text])
            self._collect()
        return self._known.pop(text, None)

    def close(self) -> None:
        """Stop using the child and end it (closing its input would too, but only once it has finished
        the paragraphs it was sent, which nobody needs any more)."""
        self.alive = False
        self._owed, self._answers = [], []
        try:
            if self._proc.poll() is None:
                self._proc.kill()
        except OSError:  # pragma: no cover - already gone
            pass
        for fh in (self._proc.stdin, self._proc.stdout):
            try:
                fh.close()
            except (OSError, ValueError):
                pass


def start() -> Worker | None:
    """A worker process, or None where one does not pay or cannot run (see the module's docstring)."""
    if os.environ.get(WORKER_ENV, "").strip() == "0" or _usable_cores() < 2 or not sys.executable:
        return None
    import importlib.util

    if importlib.util.find_spec("rjieba") is None:
        return None
    import atexit
    import subprocess

    try:
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        proc = subprocess.Popen([sys.executable, "-c", _BOOT.format(root=root)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, close_fds=True)
    except (OSError, ValueError):
        return None
    worker = Worker(proc)
    atexit.register(worker.close)
    return worker
