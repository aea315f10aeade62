"""Writing output files: never over an input, never replacing what is not a regular file, and
atomically (temporary file in the same folder, then rename) when it is one.

- ``refuse_inputs_as_outputs``: an output path that is, or resolves to (symbolic links, ``..``,
  hard links: the same file), one of the inputs is refused (``ConfigError``, exit code 2) before
  anything is checked or written: ``check r.txt -o r.txt`` would replace the report with its findings.
- ``atomic_write_bytes`` decides by what is at the output path now:
  * nothing, or a regular file: temporary file + ``os.replace`` (readers never see half a file);
  * a character device (``/dev/null``, ``/dev/stdout``, a terminal): written to in place, never
    replaced (renaming over ``/dev/null`` as root would turn the device into a file);
  * a FIFO (``-o >(gzip > x.gz)``): written to in place when a reader is waiting, refused otherwise
    (writing would block forever);
  * a symbolic link to a file (or to nothing): refused. Replacing it would break the link, writing
    through it would change a file the link's author chose, possibly not the user (a link planted
    in a shared folder). Name the target itself. A link to a character device or FIFO
    (``/dev/stdout``, ``/dev/fd/63`` of ``-o >(…)``) is written through, as above;
  * a folder, block device, socket: refused.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path
from typing import Callable, Iterable

from textcheck.errors import ConfigError, InputError
from textcheck.text import visible_path

_UMASK: int | None = None



def _same_file(a: str, b: str) -> bool:
    try:
        if os.path.samefile(a, b):  # hard links, bind mounts, any spelling of the path
            return True
    except (OSError, ValueError):
        pass
    try:
        return os.path.realpath(a) == os.path.realpath(b)
    except (OSError, ValueError):
        return False


def _inside(path: str, folder: str) -> bool:
    try:
        rp, rf = os.path.realpath(path), os.path.realpath(folder)
    except (OSError, ValueError):
        return False
    return rp == rf or rp.startswith(rf.rstrip(os.sep) + os.sep)


def refuse_inputs_as_outputs(outputs: Iterable["str | os.PathLike[str]"], inputs: Iterable["str | os.PathLike[str]"],
                             *, folders: Iterable["str | os.PathLike[str]"] = ()) -> None:
    """``ConfigError`` (exit code 2) when an output file is an input, or an input lies inside one of
    ``folders`` (folders the command rewrites or prunes, e.g. batch's ``reports/``).

    ``inputs`` may hold ``-`` (standard input), which is never a file. Call it before any work."""
    ins = [os.fspath(i) for i in inputs if os.fspath(i) != "-"]
    for out in outputs:
        o = os.fspath(out)
        for i in ins:
            if _same_file(o, i):
                raise ConfigError(f"输出文件不能是输入文件：{visible_path(i)}（写入结果会覆盖要检查的报告；请换一个输出文件名）")
    for folder in folders:
        f = os.fspath(folder)
        for i in ins:
            if _inside(i, f):
                raise ConfigError(f"输入文件位于输出文件夹中会被改写的位置：{visible_path(i)}（请换一个输出文件夹）")


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


def _fail(target: Path, message: str) -> InputError:
    return InputError(message, path=visible_path(target))


def _write_in_place(target: Path, data: bytes, mode: int) -> None:
    """Write to an existing character device or FIFO without replacing it."""
    flags = os.O_WRONLY | getattr(os, "O_BINARY", 0)
    if stat.S_ISFIFO(mode):
        flags |= os.O_NONBLOCK  # no reader: ENXIO at once instead of blocking forever
    try:
        fd = os.open(target, flags)
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise _fail(target, "输出路径是管道（FIFO），但没有程序在读取它；不会写入") from exc
        raise _fail(target, f"无法写入输出文件：{exc.strerror or exc}") from exc
    try:
        if stat.S_ISFIFO(mode):
            os.set_blocking(fd, True)
        view = memoryview(data)
        while view:
            n = os.write(fd, view)
            view = view[n:]
    except OSError as exc:
        if exc.errno != errno.EPIPE:
            raise _fail(target, f"无法写入输出文件：{exc.strerror or exc}") from exc
    finally:
        os.close(fd)


def atomic_write_bytes(path: str | os.PathLike, data: bytes, *, durable: bool = True) -> None:
    """Write ``data`` to ``path`` (see the module docstring for what is at ``path`` already):
    a regular file through a temporary file and a rename; ``durable`` adds an fsync (skipped for
    the batch's thousands of cache files and report pages, which can be rebuilt)."""
    target = Path(path)
    try:
        st = os.lstat(target)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise _fail(target, f"无法写入输出文件：{exc.strerror or exc}") from exc
    if st is not None:
        mode = st.st_mode
        if stat.S_ISLNK(mode):
            try:
                followed = os.stat(target).st_mode
            except OSError:
                followed = 0
            if stat.S_ISCHR(followed) or stat.S_ISFIFO(followed):  # /dev/stdout, /dev/fd/N of >(...)
                _write_in_place(target, data, followed)
                return
            raise _fail(target, "输出路径是符号链接，不会写入（以免改写链接指向的其他文件）；请直接指定要写入的文件")
        if stat.S_ISDIR(mode):
            raise _fail(target, "输出路径是一个文件夹；请指定文件名")
        if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
            _write_in_place(target, data, mode)
            return
        if not stat.S_ISREG(mode):
            raise _fail(target, "输出路径是设备或其他特殊文件，不会写入；请指定普通文件")
    folder = target.parent if str(target.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise _fail(target, f"无法写入输出文件：{exc.strerror or exc}") from exc
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
        raise _fail(target, f"无法写入输出文件：{exc.strerror or exc}") from exc


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    """``text`` as UTF-8; a lone surrogate (a file name that was not UTF-8, shown unescaped) is
    written as ``\\udcNN`` rather than failing the whole output."""
    atomic_write_bytes(path, text.encode("utf-8", "backslashreplace"))


def fixed_zip(data: bytes, date_time: tuple[int, int, int, int, int, int],
              rewrite: "Callable[[str, bytes], bytes] | None" = None) -> bytes:
    """The same ZIP archive (a docx, an xlsx) with every member stamped ``date_time`` instead of the
    clock, so that the same content gives the same bytes; ``rewrite(name, member)`` may change a
    member on the way (the modification time a library writes into ``docProps/core.xml``)."""
    import io
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=date_time)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = info.external_attr
            member = src.read(info.filename)
            dst.writestr(zi, rewrite(info.filename, member) if rewrite else member)
    return out.getvalue()
