"""A version's paper records read alone, for faces that show or cite papers and search nothing.

The database (``papers.sqlite``) is checked against the manifest (its size, and its sha256 under the
rule of a one-shot command: ``integrity.verify_one``) and opened read-only; records are fetched by id
or read in order (``record_store``). Nothing else of the version is opened, and nothing heavy is
imported (no numpy, FAISS or model), so ``papersearch cite`` starts in a fraction of the time a
search does.
"""

from __future__ import annotations

import threading
from pathlib import Path

from ..core.errors import IndexStateError
from . import integrity, layout, store
from .database import connect
from .layout import DATABASE, FIX
from .record_store import RecordStore


def current_records(index_dir: Path) -> tuple[str, RecordStore]:
    """The version in use and its records (a sequence by row; ``citable`` fetches some without their neighbourhoods), once its manifest and
    database are checked. Raises :class:`IndexStateError` naming the file, as loading the version would."""
    vdir = store.version_dir(Path(index_dir))
    manifest = layout.read_manifest(vdir)
    integrity.verify_one(vdir, manifest, DATABASE)
    n = manifest.get("counts", {}).get("papers")
    try:
        db = connect(vdir / DATABASE)
        held = db.execute("SELECT count(*) FROM papers").fetchone()[0]
    except Exception as exc:  # sqlite3.Error, OSError: named as damage, as loading would
        raise IndexStateError(f"{vdir / DATABASE} is damaged ({exc.__class__.__name__}); {FIX}") from None
    if held != n:
        raise IndexStateError(f"{vdir / DATABASE} does not hold the papers its manifest counts; {FIX}")
    return vdir.name, RecordStore(db, threading.Lock(), int(held))
