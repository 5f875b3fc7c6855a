"""``papersearch index --check``: is the index present, intact, and built from this corpus and model?

The version in use is checked by ``reader.check_version`` (every check a searcher's load makes,
and every file's sha256), without loading it; then whether it was built with this model, by this
code (``layout.built_by_other_code``), and from this corpus, read a paper at a time
(``corpus.scan``), keeping only its hashes. Here is the wording of "stale" against the corpus.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..core.errors import PapersearchError
from ..core.settings import Settings
from ..corpus.scan import Scan, scan_corpus
from ..encode.model import model_fingerprint
from . import layout, store
from .reader import check_version


def check(corpus_dir: Path, index_dir: Path, model: str, settings: Settings | None = None) -> tuple[bool, str]:
    """``papersearch index --check``: (ok, message). ``settings``: how a searcher would open the vector index."""
    try:
        vdir = store.version_dir(index_dir)
        check_version(vdir, settings)
        manifest = layout.read_manifest(vdir)
    except PapersearchError as exc:
        return False, str(exc)
    if manifest.get("model", {}).get("fingerprint") != model_fingerprint(model):
        return (
            False,
            f"index {vdir.name} was built with another model ({manifest['model']['name']}); run `papersearch index`",
        )
    other_code = layout.built_by_other_code(manifest)
    if other_code is not None:
        return False, other_code
    try:
        corpus = scan_corpus(corpus_dir)
    except PapersearchError as exc:
        return False, f"the corpus has errors, so staleness cannot be judged:\n{exc}"
    problem = stale_against(manifest, corpus)
    if problem is not None:
        return False, problem
    counts = manifest["counts"]
    return True, f"index {vdir.name} is up to date: {counts['papers']} papers, {counts['vectors']} vectors"


def corpus_state(corpus_dir: Path) -> tuple[str | None, str | None]:
    """(the corpus's content hash, None), or (None, why it cannot be computed: the corpus's first problems, as one
    line): what staleness is judged by. Each face words what that means for it (``Searcher.status``: "cannot judge
    staleness"; the command line: whether what it shows is up to date is not known)."""
    try:
        return scan_corpus(corpus_dir).content_hash(), None
    except PapersearchError as exc:
        first = str(exc).splitlines()[:3]
        return None, " ".join(s.strip() for s in first)


def stale_against(manifest: dict[str, Any], corpus: Scan) -> str | None:
    """Why the version with ``manifest`` no longer matches ``corpus`` (which papers changed), or None when it does."""
    if manifest.get("corpus_hash") == corpus.content_hash():
        return None
    changed = _changed_papers(manifest, corpus)
    version = manifest.get("version", "?")
    return f"index {version} is stale: the corpus changed since it was built ({changed}); run `papersearch index`"


def _changed_papers(manifest: dict[str, Any], corpus: Scan) -> str:
    old = manifest.get("papers", {})
    new = corpus.hashes()
    added = sorted(set(new) - set(old))
    removed = sorted(set(old) - set(new))
    edited = sorted(k for k in set(new) & set(old) if new[k] != old[k])
    parts = []
    for label, ids in (("edited", edited), ("added", added), ("removed", removed)):
        if ids:
            parts.append(f"{label}: {', '.join(ids[:5])}{' …' if len(ids) > 5 else ''}")
    return "; ".join(parts) or "eras changed"
