"""A batch's output folder: one run at a time (a lock file), marked as output (never read back as
input), files written atomically and only when their bytes changed.

- ``output_folder(outdir, wait=False)``: takes ``OUTDIR/.textcheck.lock`` (``filelock``, an OS lock
  released by the kernel if the process dies, so a crash leaves no stale lock); a second run
  refuses (``OutputLocked``, exit 2) or, with ``wait``, waits. Writes the marker
  ``OUTDIR/.textcheck-output``: ``discover`` skips every folder holding it, wherever ``-o`` points.
- ``write_if_changed`` / ``write_chunks_if_changed``: an unchanged file is not rewritten (a cached
  rerun rewrote thousands of identical pages); a changed one is replaced atomically.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

from textcheck.errors import InputError, TextcheckError
from textcheck.output import _new_file_mode, atomic_write_bytes

MARKER = ".textcheck-output"
LOCK = ".textcheck.lock"
_MARKER_TEXT = ("这是 textcheck batch 的输出文件夹。批量检查不会把这个文件夹（及其子文件夹）中的文件当作报告读取。\n"
                "This folder holds textcheck batch output; batch never reads it as input.\n")


class OutputLocked(TextcheckError):
    """Another batch is writing into the same output folder."""


def is_output_folder(path: str | os.PathLike) -> bool:
    """Whether ``path`` is a folder a batch wrote its outputs into (holds the marker file)."""
    try:
        return stat.S_ISREG(os.lstat(os.path.join(path, MARKER)).st_mode)
    except OSError:
        return False


@contextmanager
def output_folder(outdir: str | os.PathLike, *, wait: bool = False) -> Iterator[Path]:
    """Create ``outdir``, lock it for this run, mark it as output (see module docstring)."""
    from filelock import FileLock, Timeout

    out = Path(outdir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"无法创建输出文件夹：{exc.strerror or exc}", path=str(out)) from exc
    if not out.is_dir():
        raise InputError("输出路径已存在且不是文件夹", path=str(out))
    lock = FileLock(str(out / LOCK), timeout=-1 if wait else 0)
    try:
        lock.acquire()
    except Timeout:
        raise OutputLocked("另一个 textcheck batch 正在向这个输出文件夹写入结果；请等它结束后再运行，"
                           "或加 --wait 排队等待，或换一个输出文件夹（-o）", path=str(out)) from None
    except OSError as exc:
        raise InputError(f"无法在输出文件夹中创建锁文件：{exc.strerror or exc}", path=str(out)) from exc
    try:
        if not is_output_folder(out):
            atomic_write_bytes(out / MARKER, _MARKER_TEXT.encode("utf-8"))
        yield out
    finally:
        lock.release()


def _same_file_bytes(path: Path, size: int, digest: bytes) -> bool:
    """Whether the regular file at ``path`` (not a symlink, FIFO...) has ``size`` bytes hashing to ``digest``."""
    try:
        st = os.lstat(path)
        if not stat.S_ISREG(st.st_mode) or st.st_size != size:
            return False
        h = hashlib.blake2b()
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        return h.digest() == digest
    except OSError:
        return False


def write_if_changed(path: str | os.PathLike, data: bytes, *, durable: bool = True) -> bool:
    """Write ``data`` to ``path`` atomically unless the file already holds exactly these bytes
    (content hashes compared). True when written."""
    target = Path(path)
    if _same_file_bytes(target, len(data), hashlib.blake2b(data).digest()):
        return False
    atomic_write_bytes(target, data, durable=durable)
    return True


def write_chunks_if_changed(path: str | os.PathLike, chunks: Iterable[bytes]) -> bool:
    """``write_if_changed`` for output produced piece by piece (never held whole in memory): written
    to a temporary file in the same folder, renamed over ``path`` only if its bytes differ."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise InputError(f"无法写入输出文件：{exc.strerror or exc}", path=str(target)) from exc
    try:
        h = hashlib.blake2b()
        size = 0
        with os.fdopen(fd, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
                h.update(chunk)
                size += len(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        if _same_file_bytes(target, size, h.digest()):
            os.unlink(tmp)
            return False
        os.chmod(tmp, _new_file_mode(target))
        os.replace(tmp, target)
        return True
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise InputError(f"无法写入输出文件：{exc.strerror or exc}", path=str(target)) from exc
        raise
