"""Turn a page in the reading list's format into corpus files (``papersearch import-seed``).

Idempotent: a second import writes nothing. A file a person has edited since the importer wrote
it (its hash differs from the one recorded in ``.import-state.json``: ``hand_edited``) is left alone
unless ``force``. An entry already in the corpus keeps its id, concepts and edge corrections.
``kept_id``, ``make_id`` and ``hand_edited`` are the rules every import follows (``corpus.imports`` too).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..core.errors import CorpusError, Problem
from ..core.ids import is_paper_id
from ..core.models import Concept, Era, Paper
from ..core.names import author_surname
from .concepts import extract_concepts
from .fields import parse_paper
from .files import ERAS_FILE, PAPERS_DIR, paper_names, read_corpus_file
from .render import render_eras, render_paper, slugify
from .seed import parse_seed

STATE_FILE = ".import-state.json"
_PART_CHARS = 48  # an id's surname and topic are each cut to this many characters, so ids stay short


@dataclass
class ImportReport:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept_edits: list[str] = field(default_factory=list)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def hand_edited(state: Mapping[str, str], key: str, current: str) -> bool:
    """Whether the text at ``key`` (a file, or a line of the bulk file) is not what an import last wrote there.

    A text no import wrote counts as a person's: an import may overwrite it only when forced.
    """
    return state.get(key) != _sha(current)


def fields_key(key: str) -> str:
    """Where the import state lists the fields an import wrote of the paper at ``key`` (its file or bulk line)."""
    return f"{key}@fields"


def imported_fields(state: Mapping[str, str], key: str) -> dict[str, str | None]:
    """The fields of the paper at ``key`` that an import wrote, each with the hash of the value it wrote (None in a
    state from before values were recorded); any other field is the list's own (or a person's).

    A forced import may replace only these, and of them only one that still holds what the import wrote
    (``untouched``): a summary the list wrote, or a person edited since, is never swapped for an abstract.
    """
    written: dict[str, str | None] = {}
    for item in state.get(fields_key(key), "").split(","):
        name, _, value_hash = item.partition("=")
        if name:
            written[name] = value_hash or None
    return written


EDITED = "!"  # the state's mark of a field an import wrote and a person edited since: theirs for good


def written_fields(values: Mapping[str, object], edited: Iterable[str] = ()) -> str:
    """The state's record of the fields an import wrote (``imported_fields`` reads it): "summary=<hash>,venue=<hash>",
    and "summary=!" for one a person has edited since (no value hashes to it, so it is never ``untouched``)."""
    marks = [f"{name}={value_hash(value)}" for name, value in values.items()]
    return ",".join(marks + [f"{name}={EDITED}" for name in edited if name not in values])


def value_hash(value: object) -> str:
    """What the import state records of one field's value (short: it tells an edit, it guards no secret)."""
    return _sha(json.dumps(value, ensure_ascii=False, sort_keys=True, default=list))[:16]


def untouched(written: Mapping[str, str | None], current: Mapping[str, object]) -> frozenset[str]:
    """The fields an import wrote that still hold what it wrote (``current``: each field's value now); a field
    recorded without its value's hash (an older state) counts as untouched."""
    return frozenset(
        name for name, was in written.items() if name in current and (was is None or was == value_hash(current[name]))
    )


def _state_file(key: str) -> str:
    """The corpus file a state key is about ("papers.jsonl#<id>@fields" is about papers.jsonl)."""
    return key.partition("#")[0].partition("@")[0]


def text_hash(text: str) -> str:
    """What the import state records of a text it wrote."""
    return _sha(text)


def read_state(corpus_root: Path) -> dict[str, str]:
    """The import state: the hash of each text an import wrote, by file (or ``papers.jsonl#<id>``); {} if none."""
    try:
        state = json.loads((corpus_root / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in state.items()} if isinstance(state, dict) else {}


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def kept_id(name: str, year: int, taken: set[str]) -> str | None:
    """An entry's own name as the new paper's id, when it is one: ``cite`` names each entry by its paper's id (the
    BibTeX key, the CSL id, RIS's ``ID``), so a list exported and imported elsewhere keeps its ids. A name counts when
    it is an id such as this list makes (a well-formed one, ``core.ids``, starting with the entry's year:
    "1986-rumelhart-backprop") that no paper has; EndNote's record number ("123") or Google Scholar's key
    ("he2016deep") is no id, and the id is made from the entry (``make_id``)."""
    if is_paper_id(name) and name.startswith(f"{year}-") and name not in taken:
        return name
    return None


def make_id(year: int, first_author: str, topic: str, taken: set[str], suffixes: dict[str, int] | None = None) -> str:
    """A readable, unique id such as ``1986-rumelhart-backpropagation`` (``-2``, ``-3``... when taken).

    ``suffixes`` (each base id's next number to try) spares a caller making many ids that share a
    base from trying every number again each time.
    """
    parts = (str(year), slugify(author_surname(first_author)), slugify(topic))
    base = "-".join(s[:_PART_CHARS].strip("-") for s in parts if s)
    n = 1 if suffixes is None else suffixes.get(base, 1)  # 1: the base itself
    while (pid := base if n == 1 else f"{base}-{n}") in taken:
        n += 1
    if suffixes is not None:
        suffixes[base] = n
    return pid


def id_topic(concepts: list[Concept] | tuple[Concept, ...], title: str) -> str:
    """The words of an id after the surname: a key concept's acronym or first words, else the title's first two."""
    if concepts:
        c = concepts[0]
        short = [a for a in c.aliases if a.isupper() and len(a) <= 6]
        return short[0] if short else " ".join(c.name.split()[:3])
    words = [w for w in title.split() if slugify(w) and slugify(w) not in ID_STOP_WORDS] or title.split()
    return " ".join(words[:2])


# words an id made from a title leaves out ("An Image is Worth 16x16 Words" -> image-worth, not image-is); only
# new papers' ids are made so: a paper's id never changes once made
_ID_STOP_TEXT = (
    "a an the of in on at for with by and or to from into onto using via is are was were be been being as its it "
    "this that these those we our you your do does can how what why when which who not no all than towards toward "
    "about through over under"
)
ID_STOP_WORDS = frozenset(_ID_STOP_TEXT.split())


def _existing(corpus_root: Path) -> dict[tuple[int, str], tuple[Path, Paper]]:
    """The papers already in the corpus, by (year, title); a file that cannot be read or parsed is skipped."""
    found: dict[tuple[int, str], tuple[Path, Paper]] = {}
    for name in paper_names(corpus_root, []):
        rel = f"{PAPERS_DIR}/{name}"
        text = read_corpus_file(corpus_root, rel, [])
        paper = None if text is None else parse_paper(text, name, [])
        if paper is not None:
            found[(paper.year, paper.title)] = (corpus_root / rel, paper)
    return found


def import_seed(seed_path: Path, corpus_root: Path, force: bool = False) -> ImportReport:
    """Import the page at ``seed_path`` into ``corpus_root``; see the module docstring."""
    try:
        text = Path(seed_path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CorpusError([Problem(str(seed_path), "", "seed file not found")]) from None
    except UnicodeDecodeError:
        raise CorpusError([Problem(str(seed_path), "", "seed file is not UTF-8")]) from None
    except OSError as exc:  # a folder, no permission
        raise CorpusError([Problem(str(seed_path), "", f"seed file cannot be read: {exc.strerror or exc}")]) from None
    seed_eras, entries, problems = parse_seed(text, str(seed_path))
    if problems:
        raise CorpusError(problems)
    corpus_root = Path(corpus_root)
    papers_dir = corpus_root / PAPERS_DIR
    state_path = corpus_root / STATE_FILE
    state = read_state(corpus_root)
    report = ImportReport()

    eras = [Era(slugify(e.name), e.name, e.start, e.end, e.intro) for e in seed_eras]
    era_id = {e.name: e.id for e in eras}
    _write_if_allowed(corpus_root / ERAS_FILE, ERAS_FILE, render_eras(eras), state, force, report)

    person_names = {w for e in entries for a in e.authors for w in a.replace(".", " ").split()}
    existing = _existing(corpus_root)
    taken = {p.id for _, p in existing.values()}
    for entry in entries:
        concepts = extract_concepts(entry.summary, person_names)
        fresh = Paper(
            id="",
            year=entry.year,
            title=entry.title,
            authors=entry.authors,
            era=era_id[entry.era],
            question=entry.question,
            summary=entry.summary,
            concepts=tuple(concepts),
        )
        old = existing.get((entry.year, entry.title))
        if old is not None:
            path, prev = old
            paper = replace(
                fresh, id=prev.id, concepts=prev.concepts, add_edges=prev.add_edges, remove_edges=prev.remove_edges
            )
        else:
            pid = make_id(entry.year, entry.authors[0], id_topic(concepts, entry.title), taken)
            taken.add(pid)
            paper = replace(fresh, id=pid)
            path = papers_dir / f"{pid}.md"
        rel = f"{PAPERS_DIR}/{path.name}"
        _write_if_allowed(path, rel, render_paper(paper), state, force, report)
    state = {key: h for key, h in state.items() if (corpus_root / _state_file(key)).is_file()}
    _atomic_write(state_path, json.dumps(state, indent=1, sort_keys=True) + "\n")
    return report


def _write_if_allowed(
    path: Path, rel: str, text: str, state: dict[str, str], force: bool, report: ImportReport
) -> None:
    if path.is_file():
        current = path.read_bytes().decode("utf-8", "replace")
        if current == text:
            state[rel] = _sha(text)
            report.unchanged.append(rel)
            return
        if hand_edited(state, rel, current) and not force:
            report.kept_edits.append(rel)
            return
    _atomic_write(path, text)
    state[rel] = _sha(text)
    state.pop(fields_key(rel), None)  # every field is now the list's own
    report.written.append(rel)
