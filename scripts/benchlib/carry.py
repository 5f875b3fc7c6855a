"""A copy of a format-3 index carried to format 4 for ``benchlib.ab``: the ``stems`` table added, nothing else.

``python -m benchlib.carry INDEX COPY`` (from ``scripts/``): copies INDEX to COPY (unless COPY exists), adds to its
version's database the stems the build now writes (``passages.why_stems`` of each stored record), and writes the
manifest again as format 4 with every file described anew, so that the code after a change reads the same list
as the code before reads the original. A shortcut for measuring, when the list cannot be built again in the time
there is: the build itself writes the same rows (``tests/test_scale_stems.py`` checks them against the records).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
from pathlib import Path


def carry(index: Path, copy: Path) -> Path:
    """COPY with the stems table and a format-4 manifest; returns its version folder."""
    from papersearch.index import layout, store
    from papersearch.index.passages import why_stems

    if not copy.exists():
        shutil.copytree(index, copy, symlinks=True)
    vdir = store.version_dir(copy)
    db = sqlite3.connect(vdir / layout.DATABASE, isolation_level=None)
    records = db.execute("SELECT row, record FROM papers ORDER BY row").fetchall()
    db.execute("BEGIN")
    db.execute("DROP TABLE IF EXISTS stems")
    db.execute("CREATE TABLE stems (paper INTEGER PRIMARY KEY, stems TEXT NOT NULL)")
    db.executemany("INSERT INTO stems VALUES (?, ?)", [(row, why_stems(json.loads(text))) for row, text in records])
    db.execute("COMMIT")
    db.close()
    manifest = json.loads((vdir / layout.MANIFEST).read_text(encoding="utf-8"))
    manifest.update(format_version=layout.FORMAT_VERSION, files=layout.describe_files(vdir))
    manifest["checksum"] = layout.manifest_checksum(manifest)
    (vdir / layout.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    (vdir / layout.VERDICT).unlink(missing_ok=True)
    return vdir


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Carry a copy of a format-3 index to format 4 (the stems table).")
    ap.add_argument("index", type=Path)
    ap.add_argument("copy", type=Path)
    args = ap.parse_args(argv)
    print(carry(args.index, args.copy))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
