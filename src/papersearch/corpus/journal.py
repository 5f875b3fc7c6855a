"""Changes to a corpus folder put in place all together or not at all: staged, journalled, renamed, undone.

An import writes every new text into ``.import-staging/new/`` (mirroring the corpus's layout)
while nothing in the corpus changes. ``commit`` then keeps a hard link to each file it will
replace (``.import-staging/old/``), writes the journal (``.import-journal.json``: the files, and
whether the commit is under way or done), renames each staged file into place, and marks the
journal done before it removes the staging folder. A failure before the journal leaves the corpus
untouched; a failure (or a kill) during the renames is undone, then or by the next import
(``recover``), from the links; after the mark the commit stands. One import at a time holds the
corpus's lock (``flock``: a killed import lets go of it). A corpus with a journal is not read
(``scan_corpus`` says why), so a build never indexes half an import.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from ..core.errors import CorpusError, Problem
from ..core.files import fsync_dir, fsync_file

STAGING = ".import-staging"
JOURNAL = ".import-journal.json"
LOCK = ".import.lock"
INTERRUPTED = "an import is being put in place or was interrupted; run the import again to undo it"


class Transaction:
    """Files staged for one corpus, then put in place together (``commit``) or dropped (``close`` without it)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._lock = _take_lock(self.root)
        try:
            recover(self.root, locked=True)
            self.staging = self.root / STAGING
            shutil.rmtree(self.staging, ignore_errors=True)
            (self.staging / "new").mkdir(parents=True)
        except BaseException:
            self._lock.close()
            raise

    def __enter__(self) -> Transaction:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def staged(self, rel: str) -> Path:
        """Where the new text of ``rel`` (a path inside the corpus) is written before the commit."""
        path = self.staging / "new" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def write(self, rel: str, text: str) -> None:
        """Stage ``text`` as the new content of ``rel``."""
        self.staged(rel).write_text(text, encoding="utf-8")

    def open(self, rel: str) -> IO[str]:
        """The staged file of ``rel``, open for writing (for a text too large to build in memory)."""
        return self.staged(rel).open("w", encoding="utf-8")

    def scratch(self, name: str) -> Path:
        """A working file of the import, dropped with the staging folder and never put in place."""
        path = self.staging / "work" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def changes(self) -> list[str]:
        """Every staged path, relative to the corpus, in a stable order."""
        new = self.staging / "new"
        return sorted(str(p.relative_to(new)) for p in new.rglob("*") if p.is_file())

    def commit(self, on_step: Callable[[int], None] | None = None) -> list[str]:
        """Put every staged file in place; undo them all if any rename fails. Returns the paths changed.

        ``on_step(i)`` runs after the ``i``-th rename (a test stops an import half way through with it).
        """
        ops = self.changes()
        new, old = self.staging / "new", self.staging / "old"
        for rel in ops:
            fsync_file(new / rel)
            if os.path.lexists(self.root / rel):
                (old / rel).parent.mkdir(parents=True, exist_ok=True)
                _keep(self.root / rel, old / rel)
        _write_journal(self.root, {"state": "committing", "ops": ops})
        try:
            for i, rel in enumerate(ops):
                (self.root / rel).parent.mkdir(parents=True, exist_ok=True)
                os.replace(new / rel, self.root / rel)
                if on_step is not None:
                    on_step(i)
            for folder in {(self.root / rel).parent for rel in ops}:
                fsync_dir(folder)
        except BaseException:
            _roll_back(self.root, ops)
            _clean(self.root)
            raise
        _write_journal(self.root, {"state": "committed", "ops": ops})
        _clean(self.root)
        return ops

    def close(self) -> None:
        """Drop whatever is still staged and let go of the lock."""
        try:
            if not (self.root / JOURNAL).exists():
                shutil.rmtree(self.staging, ignore_errors=True)
        finally:
            self._lock.close()


def recover(root: Path, locked: bool = False) -> str | None:
    """Finish what an interrupted import left: undo a commit under way, or clean up one done.

    Returns "undone", "finished" or None (nothing to do). Takes the lock unless the caller holds it.
    """
    root = Path(root)
    if not (root / JOURNAL).exists():
        return None
    lock = None if locked else _take_lock(root)
    try:
        journal = _read_journal(root)
        outcome = "finished"
        if journal.get("state") != "committed":
            _roll_back(root, [str(rel) for rel in journal.get("ops", [])])
            outcome = "undone"
        _clean(root)
        return outcome
    finally:
        if lock is not None:
            lock.close()


def interrupted(root: Path) -> Problem | None:
    """The problem a reader of the corpus reports while an import is being put in place (or was cut short)."""
    return Problem(JOURNAL, "", INTERRUPTED) if os.path.lexists(Path(root) / JOURNAL) else None


def _roll_back(root: Path, ops: list[str]) -> None:
    """Each file back as it was: its kept link put back, or, if the import created it, removed."""
    staging = root / STAGING
    for rel in reversed(ops):
        kept, moved = staging / "old" / rel, not (staging / "new" / rel).exists()
        if kept.exists():
            os.replace(kept, root / rel)
        elif moved and os.path.lexists(root / rel):
            os.unlink(root / rel)
    for folder in {(root / rel).parent for rel in ops if (root / rel).parent.exists()}:
        fsync_dir(folder)


def _clean(root: Path) -> None:
    shutil.rmtree(root / STAGING, ignore_errors=True)
    (root / JOURNAL).unlink(missing_ok=True)
    fsync_dir(root)


def _keep(path: Path, link: Path) -> None:
    """A second name for the file at ``path`` (a copy where the file system has no hard links)."""
    try:
        os.link(path, link, follow_symlinks=False)
    except OSError:
        shutil.copy2(path, link, follow_symlinks=False)


def _write_journal(root: Path, journal: dict[str, Any]) -> None:
    tmp = root / f"{JOURNAL}.tmp"
    with tmp.open("w", encoding="utf-8") as fh:
        json.dump(journal, fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, root / JOURNAL)
    fsync_dir(root)


def _read_journal(root: Path) -> dict[str, Any]:
    try:
        journal = json.loads((root / JOURNAL).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        journal = {}
    if not isinstance(journal, dict):
        return {}
    if "ops" not in journal:  # unreadable: undo whatever the staging folder names
        journal["ops"] = sorted(set(_staged(root)))
    return journal


def _staged(root: Path) -> Iterator[str]:
    for sub in ("new", "old"):
        base = root / STAGING / sub
        yield from (str(p.relative_to(base)) for p in base.rglob("*") if p.is_file())


def _take_lock(root: Path) -> IO[bytes]:
    if not root.is_dir():
        raise CorpusError(
            [Problem(str(root), "", "corpus folder not found; create it with an eras.yaml, or set --corpus")]
        )
    fh = (root / LOCK).open("ab")
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        fh.close()
        raise CorpusError(
            [Problem(LOCK, "", "another import is running on this corpus; wait for it to finish")]
        ) from None
    return fh
