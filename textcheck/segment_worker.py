"""Segmentation in a second process, so that a command's start-up does not wait for the segmenter.

Building jieba-rs's dictionary (``import rjieba``) takes ~0.1 s and holds the GIL the whole time: a
thread cannot overlap it with anything (measured: the main thread ran at a third of its speed while
the import ran beside it). A child process can, on a second core. ``textcheck check``, ``compare``,
``fix`` and ``demo`` start one at once (:func:`start`, from textcheck/launch.py); it imports rjieba while the parent imports, reads and parses, then
segments the paragraphs the parent sends it (:meth:`Worker.send`, right after parsing) and hands back
the length of each word. The parent rebuilds the words from the lengths and goes on exactly as with
rjieba in-process (``resources._rjieba_segmenter``: the same routing to jieba, the same re-splitting),
so the words, and so the findings, are the same (tests/test_segment_worker.py).

Used only where it pays and cannot hurt: by those commands of the command line (not by batch, whose
workers are processes already, nor by serve or the library), with two or more usable cores, when
rjieba is installed, unless ``TEXTCHECK_SEGMENT_WORKER=0``. Anything that goes wrong with the child
(it cannot start, dies, answers nonsense, cannot segment a text) makes the parent segment that text
itself: slower, never different, never an error.

Protocol (binary, native byte order, both ends are this module on the same machine): the child first
writes ``MAGIC`` (an answer from anything else is not believed); a request is
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
MAGIC = b"textcheck-segment-worker 1\n"  # the child's first words: whatever else answers is not believed
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
    out.write(MAGIC)
    out.flush()
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
    (:meth:`lengths`). Used by one thread (the command's), helped by two of its own.

    Requests go out through a writer thread (a request larger than the pipe's buffer would otherwise
    hold the command until the child, still importing rjieba, starts reading) and answers come back
    through a reader thread, in the order the texts were sent; :meth:`lengths` waits for its own text's
    answer only, and at most ``timeout`` seconds plus a second per 200,000 characters sent: a child that
    hangs is ended and the parent segments itself."""

    def __init__(self, proc, timeout: float = 10.0) -> None:
        import queue
        import threading

        self._proc = proc
        self._timeout = timeout
        self._cond = threading.Condition()
        self._sent = 0  # texts sent so far; the child answers them in this order
        self._chars = 0  # characters sent so far
        self._pending: dict[str, int] = {}  # text -> its number in the sending order, answer not taken
        self._answers: dict[int, array | None] = {}  # number -> word lengths (None: the child could not)
        self._read = 0  # answers read so far
        self._requests = queue.SimpleQueue()
        self.alive = True
        for target, name in ((self._write_loop, "textcheck-segment-requests"),
                             (self._read_loop, "textcheck-segment-answers")):
            threading.Thread(target=target, name=name, daemon=True).start()

    # the helper threads

    def _write_loop(self) -> None:
        while True:
            payload = self._requests.get()
            if payload is None:
                return
            try:
                self._proc.stdin.write(payload)
                self._proc.stdin.flush()
            except (OSError, ValueError):
                self._fail()
                return

    def _read_loop(self) -> None:
        out = self._proc.stdout
        try:
            if _read_exact(out, len(MAGIC)) != MAGIC:
                raise ValueError("segment worker: not the worker answering")
            while True:
                head = _read_exact(out, 4)
                if head is None:
                    raise EOFError
                n = _U32.unpack(head)[0]
                lengths = None
                if n != ERROR:
                    body = _read_exact(out, n * _ITEM)
                    if body is None:
                        raise EOFError
                    lengths = array("I")
                    lengths.frombytes(body)
                with self._cond:
                    self._answers[self._read] = lengths
                    self._read += 1
                    self._cond.notify_all()
        except (OSError, ValueError, EOFError, struct.error):
            self._fail()

    def _fail(self) -> None:
        with self._cond:
            self.alive = False
            self._cond.notify_all()

    # the command's side

    def send(self, texts) -> None:
        """Ask for the words of ``texts`` (those not asked already), without waiting for them."""
        with self._cond:
            if not self.alive:
                return
            new = [t for t in dict.fromkeys(texts) if t and t not in self._pending]
            if not new:
                return
            parts = [_U32.pack(len(new))]
            for t in new:
                raw = t.encode("utf-8", "surrogatepass")
                parts += (_U32.pack(len(raw)), raw)
                self._pending[t] = self._sent
                self._sent += 1
                self._chars += len(t)
        self._requests.put(b"".join(parts))

    def forget_answered(self) -> None:
        """Drop the answers nobody took (texts sent ahead that the check did not need): called before
        the next report's texts are sent, so that a run over many files keeps only the current one's."""
        with self._cond:
            for text, k in list(self._pending.items()):
                if k in self._answers:
                    del self._answers[k], self._pending[text]

    def lengths(self, text: str) -> array | None:
        """The lengths of the words of ``text``, or None: then the caller segments it itself."""
        if not text:
            return None
        if text not in self._pending:
            self.send([text])
        with self._cond:
            k = self._pending.get(text)
            if k is None:  # not alive
                return None
            wait = self._timeout + self._chars / 200_000
            hung = not self._cond.wait_for(lambda: k in self._answers or not self.alive, timeout=wait)
            got = self._answers.pop(k, None)
            self._pending.pop(text, None)
        if hung:
            self.close()
            return None
        if got is not None and sum(got) != len(text):  # not this text's words: believe nothing more
            self.close()
            return None
        return got

    def close(self) -> None:
        """Stop using the child and end it (closing its input would too, but only once it has finished
        the paragraphs it was sent, which nobody needs any more)."""
        self._fail()
        self._requests.put(None)
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
    if getattr(sys, "frozen", False):  # a frozen program's executable is the program, not a Python
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
