"""The corpus folder on disk: its layout, which paths count as paper files, and reading them safely.

The layout: ``eras.yaml``, one Markdown file per paper under ``papers/``, and optionally the bulk
file ``papers.jsonl`` (one paper a line, for lists of many thousands; ``corpus.bulk``).

A corpus folder is edited by hand and may end up holding anything: a directory or a FIFO named
like a paper, a symlink to ``/dev/zero`` or out of the folder, a file that grows while it is read.
Only regular files inside the folder are read. Each path is checked with ``lstat`` (a symlink is
followed only when its target stays inside the folder), opened with ``O_NONBLOCK | O_NOFOLLOW``
(opening a FIFO cannot block; a path swapped for a symlink meanwhile is refused), checked again
with ``fstat`` on the open descriptor (a regular file within the size cap) and read for at most
cap + 1 bytes. Every failure becomes a :class:`Problem` for that path; nothing here raises.
The bulk file and a file given to import are read a line at a time (``read_lines``): never held
whole, a cap on the file (checked before the first byte is read) and on each line.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

from ..core.errors import Problem

PAPERS_DIR = "papers"
ERAS_FILE = "eras.yaml"
BULK_FILE = "papers.jsonl"
MAX_FILE_BYTES = 1_000_000  # a paper file, the eras, and one line of the bulk file
MAX_BULK_BYTES = 4_000_000_000  # the bulk file (a million papers of a few KB each)
INPUT = "a file to import"
_OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
_CHUNK = 1 << 16
Signature = tuple[tuple[str, int, int, int, int, int], ...]


def paper_names(root: Path, problems: list[Problem]) -> list[str]:
    """The ``*.md`` names in ``papers/``, sorted; hidden ones (an editor's ``.#x.md`` lock) are not papers."""
    folder = root / PAPERS_DIR
    if not os.path.lexists(folder):
        return []
    why = _folder_refusal(root, folder)
    if why is not None:
        problems.append(Problem(PAPERS_DIR, "", why))
        return []
    try:
        with os.scandir(folder) as entries:
            return sorted(e.name for e in entries if e.name.endswith(".md") and not e.name.startswith("."))
    except OSError as exc:
        problems.append(Problem(PAPERS_DIR, "", f"cannot be listed: {_reason(exc)}"))
    return []


def _folder_refusal(root: Path, folder: Path) -> str | None:
    """Why ``folder`` is not a folder of the corpus to list (a symlink out, a file, a FIFO...), or None."""
    if _outside(root, folder):
        return "is a symlink leading out of the corpus folder; make it a folder inside it"
    try:
        mode = os.stat(folder).st_mode
    except OSError as exc:
        return f"cannot be listed: {_reason(exc)}"
    return None if stat.S_ISDIR(mode) else f"is {file_kind(mode)}, not a folder; it must be a folder of paper files"


def read_corpus_file(root: Path, rel: str, problems: list[Problem], cap: int = MAX_FILE_BYTES) -> str | None:
    """The UTF-8 text of the regular file ``root/rel`` (at most ``cap`` bytes), or None with a problem saying why."""
    data = read_capped(root, rel, problems, cap)
    if data is None:
        return None
    if b"\x00" in data:
        problems.append(Problem(rel, "", "binary file (contains NUL bytes); expected UTF-8 text"))
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.append(Problem(rel, "", f"not UTF-8 (invalid byte at offset {exc.start}); save it as UTF-8"))
        return None


def read_capped(root: Path, rel: str, problems: list[Problem], cap: int = MAX_FILE_BYTES) -> bytes | None:
    """The bytes of ``root/rel`` if it is a regular file inside ``root`` of at most ``cap`` bytes."""
    fd = open_corpus_file(root, rel, problems)
    return None if fd is None else _read_and_close(fd, rel, cap, problems)


def open_corpus_file(root: Path, rel: str, problems: list[Problem]) -> int | None:
    """A descriptor of ``root/rel`` if it is a regular file inside ``root`` (or a symlink staying inside), or None."""
    path = root / rel
    why = _refusal(root, path)
    if why is not None:
        problems.append(Problem(rel, "", why))
        return None
    return _open(os.path.realpath(path), rel, problems)


def open_input(path: Path, problems: list[Problem]) -> int | None:
    """A descriptor of a file a person names (to import, anywhere): a regular file, never a FIFO or device."""
    rel = str(path)
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        problems.append(Problem(rel, "", "not found" if isinstance(exc, FileNotFoundError) else _unreadable(exc)))
        return None
    if not stat.S_ISREG(mode):
        problems.append(Problem(rel, "", f"is {file_kind(mode)}, not a regular file"))
        return None
    return _open(os.path.realpath(path), rel, problems)


def read_whole(fd: int, rel: str, problems: list[Problem], cap: int, what: str = INPUT) -> bytes | None:
    """The bytes of an open file of at most ``cap`` bytes (its size checked before reading); closes ``fd``."""
    refused = size_problem(fd, rel, cap, what)
    if refused is not None:
        os.close(fd)
        problems.append(refused)
        return None
    return _read_and_close(fd, rel, cap, problems)


def size_problem(fd: int, rel: str, cap: int, what: str = INPUT) -> Problem | None:
    """Why an open file is too large to read (by ``fstat``, reading nothing), or None."""
    try:
        size = os.fstat(fd).st_size
    except OSError as exc:
        return Problem(rel, "", _unreadable(exc))
    return Problem(rel, "", _too_big(size, cap, what)) if size > cap else None


def _open(real: str, rel: str, problems: list[Problem]) -> int | None:
    try:
        return os.open(real, _OPEN_FLAGS)
    except OSError as exc:
        problems.append(Problem(rel, "", _unreadable(exc)))
        return None


def _read_and_close(fd: int, rel: str, cap: int, problems: list[Problem]) -> bytes | None:
    try:
        return _read_fd(fd, rel, cap, problems)
    except OSError as exc:
        problems.append(Problem(rel, "", _unreadable(exc)))
        return None
    finally:
        os.close(fd)


def _refusal(root: Path, path: Path) -> str | None:
    """Why ``path`` is not a file the corpus may read (by ``lstat``/``stat``, opening nothing), or None."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return "not found (removed while the corpus was being read?)"
    except OSError as exc:
        return _unreadable(exc)
    if stat.S_ISLNK(st.st_mode):
        try:
            os.path.realpath(path, strict=True)
            st = os.stat(path)
        except OSError as exc:
            return f"is a symlink that leads nowhere ({_reason(exc)}); replace it with the file itself"
        if _outside(root, path):
            return (
                f"is a symlink leading out of the corpus folder (to {os.path.realpath(path)}); "
                "copy the file into the folder instead"
            )
    if not stat.S_ISREG(st.st_mode):
        return f"is {file_kind(st.st_mode)}, not a regular file; remove it or put a plain text file in its place"
    return None


def _read_fd(fd: int, rel: str, cap: int, problems: list[Problem]) -> bytes | None:
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):  # swapped between the check and the open
        problems.append(Problem(rel, "", f"is {file_kind(st.st_mode)}, not a regular file"))
        return None
    if st.st_size > cap:
        problems.append(Problem(rel, "", _too_big(st.st_size, cap)))
        return None
    chunks: list[bytes] = []
    total = 0
    while total <= cap:
        chunk = os.read(fd, min(_CHUNK, cap + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    if total > cap:  # it grew while being read
        problems.append(Problem(rel, "", f"file grew past {cap:,} bytes while being read; {_limit(cap)}"))
        return None
    return b"".join(chunks)


def read_lines(
    fd: int, rel: str, problems: list[Problem], cap: int, line_cap: int, what: str = "a corpus file"
) -> Iterator[tuple[int, int, bytes]]:
    """Each line of an open file as (line number from 1, byte offset, bytes without the line end); closes ``fd``.

    The file must be regular and at most ``cap`` bytes (checked by ``fstat`` before the first read, and
    again as it is read); a line longer than ``line_cap`` is a problem and is skipped, never held.
    """
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            problems.append(Problem(rel, "", f"is {file_kind(st.st_mode)}, not a regular file"))
            return
        if st.st_size > cap:
            problems.append(Problem(rel, "", _too_big(st.st_size, cap, what)))
            return
        yield from _split_lines(fd, rel, problems, cap, line_cap)
    except OSError as exc:
        problems.append(Problem(rel, "", _unreadable(exc)))
    finally:
        os.close(fd)


def _split_lines(
    fd: int, rel: str, problems: list[Problem], cap: int, line_cap: int
) -> Iterator[tuple[int, int, bytes]]:
    buffer, start, number, total, skipping = bytearray(), 0, 1, 0, False  # start: the buffer's offset in the file
    while True:
        chunk = os.read(fd, 1 << 20)
        total += len(chunk)
        if total > cap:
            problems.append(Problem(rel, "", f"file grew past {cap:,} bytes while being read; {_limit(cap)}"))
            return
        buffer += chunk
        lines = buffer.split(b"\n")
        tail = b"" if not chunk else lines.pop()  # at the end, the last line needs no line end
        if not chunk and lines and not lines[-1]:
            lines.pop()  # the file ends with a line end: there is no line after it
        for line in lines:
            if not skipping and len(line) <= line_cap:
                yield number, start, bytes(line).rstrip(b"\r")
            elif not skipping:
                problems.append(Problem(f"{rel}:{number}", "", f"line is longer than {line_cap:,} bytes"))
            start, number, skipping = start + len(line) + 1, number + 1, False
        if not chunk:
            return
        if len(tail) > line_cap and not skipping:
            problems.append(Problem(f"{rel}:{number}", "", f"line is longer than {line_cap:,} bytes"))
            skipping = True
        buffer = bytearray() if skipping else bytearray(tail)
        if skipping:
            start += len(tail)


def corpus_signature(root: Path) -> Signature:
    """(path, kind, mtime, ctime, size, inode) of ``eras.yaml`` and every paper path: ``stat`` only, never an open.

    The ctime changes with permissions and renames too, so any edit that can change what loads changes this.
    """
    names = [ERAS_FILE, *(f"{PAPERS_DIR}/{n}" for n in paper_names(root, []))]
    if os.path.lexists(root / BULK_FILE):
        names.append(BULK_FILE)
    sig: list[tuple[str, int, int, int, int, int]] = []
    for rel in names:
        try:
            st = os.stat(root / rel)
        except OSError:
            try:
                st = os.lstat(root / rel)
            except OSError:
                sig.append((rel, 0, 0, 0, -1, 0))
                continue
        sig.append((rel, stat.S_IFMT(st.st_mode), st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino))
    return tuple(sig)


def _outside(root: Path, path: Path) -> bool:
    """True when ``path``, symlinks resolved, is not inside ``root`` (itself resolved)."""
    return not Path(os.path.realpath(path)).is_relative_to(os.path.realpath(root))


def file_kind(mode: int) -> str:
    """What a file of this mode is, in words ("a directory", "a FIFO (named pipe)", ...)."""
    kinds = (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    )
    return next(
        (name for test, name in kinds if test(mode)), "a regular file" if stat.S_ISREG(mode) else "a special file"
    )


def oversized(text: str, what: str = "a corpus file") -> str:
    """Why a text about to be written as a corpus file (or a line of the bulk file) would be refused
    when read back (``MAX_FILE_BYTES``), or "": an import never writes what validate rejects."""
    size = len(text.encode("utf-8"))
    return f"would be {size:,} bytes; {_limit(MAX_FILE_BYTES, what)}" if size > MAX_FILE_BYTES else ""


def _too_big(size: int, cap: int, what: str = "a corpus file") -> str:
    return f"file is {size:,} bytes; {_limit(cap, what)}"


def _limit(cap: int, what: str = "a corpus file") -> str:
    return f"{what} may hold at most {cap:,} bytes (shorten or split it)"


def _unreadable(exc: OSError) -> str:
    return f"cannot be read: {_reason(exc)}; check the file and its permissions"


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)
