"""``papersearch index --check``: is the index present, intact, and built from this corpus and model?"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..core.errors import PapersearchError
from ..core.models import paper_hash
from ..core.settings import Settings
from ..corpus.load import Corpus, load_corpus
from ..encode.model import model_fingerprint
from . import layout, store


def check(corpus_dir: Path, index_dir: Path, model: str, settings: Settings | None = None) -> tuple[bool, str]:
    """``papersearch index --check``: (ok, message)."""
    try:
        vdir = store.version_dir(index_dir)
        data = layout.read_version(vdir, settings, full_verify=True)
    except PapersearchError as exc:
        return False, str(exc)
    if data.manifest.get("model", {}).get("fingerprint") != model_fingerprint(model):
        return (
            False,
            f"index {vdir.name} was built with another model ({data.manifest['model']['name']}); run `papersearch index`",
        )
    try:
        corpus = load_corpus(corpus_dir)
    except PapersearchError as exc:
        return False, f"the corpus has errors, so staleness cannot be judged:\n{exc}"
    problem = stale_against(data.manifest, corpus)
    if problem is not None:
        return False, problem
    counts = data.manifest["counts"]
    return True, f"index {vdir.name} is up to date: {counts['papers']} papers, {counts['vectors']} vectors"


def corpus_state(corpus_dir: Path) -> tuple[str | None, str | None]:
    """(the corpus's content hash, None), or (None, why it cannot be computed): what staleness is judged by."""
    try:
        return load_corpus(corpus_dir).content_hash(), None
    except PapersearchError as exc:
        first = str(exc).splitlines()[:3]
        return None, f"cannot judge staleness: {' '.join(s.strip() for s in first)}"


def stale_against(manifest: dict[str, Any], corpus: Corpus) -> str | None:
    """Why the version with ``manifest`` no longer matches ``corpus`` (which papers changed), or None when it does."""
    if manifest.get("corpus_hash") == corpus.content_hash():
        return None
    changed = _changed_papers(manifest, corpus)
    version = manifest.get("version", "?")
    return f"index {version} is stale: the corpus changed since it was built ({changed}); run `papersearch index`"


def _changed_papers(manifest: dict[str, Any], corpus: Corpus) -> str:
    old = manifest.get("papers", {})
    new = {p.id: paper_hash(p) for p in corpus.papers}
    added = sorted(set(new) - set(old))
    removed = sorted(set(old) - set(new))
    edited = sorted(k for k in set(new) & set(old) if new[k] != old[k])
    parts = []
    for label, ids in (("edited", edited), ("added", added), ("removed", removed)):
        if ids:
            parts.append(f"{label}: {', '.join(ids[:5])}{' …' if len(ids) > 5 else ''}")
    return "; ".join(parts) or "eras changed"
