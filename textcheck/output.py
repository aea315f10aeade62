"""Writing output files: always atomically (temporary file in the same folder, then rename)."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from textcheck.errors import InputError

_UMASK: int | None = None


def _new_file_mode(target: Path) -> int:
    """Mode for the written file: the existing file's, else what ``open()`` would give (0666 & ~umask).

    ``mkstemp`` creates 0600 files, which would lock other users (a shared folder, a web server)
    out of a report they could read before.
    """
    global _UMASK
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        pass
    if _UMASK is None:
        _UMASK = os.umask(0o022)  # read the umask: setting it is the only way
        os.umask(_UMASK)
    return 0o666 & ~_UMASK


def atomic_write_bytes(path: str | os.PathLike, data: bytes, *, durable: bool = True) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename; ``durable`` adds an fsync
    (skipped for the batch's thousands of cache files and report pages, which can be rebuilt)."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise InputError(f"无法写入输出文件：{exc.strerror or exc}", path=str(target)) from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.chmod(tmp, _new_file_mode(target))
        os.replace(tmp, target)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise InputError(f"无法写入输出文件：{exc.strerror or exc}", path=str(target)) from exc


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))
