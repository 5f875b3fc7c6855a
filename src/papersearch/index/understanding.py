"""What query understanding reads of a version, made when the version is built: who each paper names, its
concepts' words, when each concept entered the list.

Reading a query ("Hinton's papers on backprop in the 1980s") needs the list's people (each paper's
authors, the outside works its summary cites, the authors of an entry its evidence names) and its
concepts (each term's stems, the year it first appears). At 100,000 papers building that on a
searcher's first query took 67 s and 252 MB; so the build writes it into the version's database
(``database``: ``names``, ``given_names``, ``concepts``, ``concept_years``) and a
searcher looks up only the words of each query (the tables below, which ``query.plan.PlanContext``
reads as mappings). The rules are the functions here, used by the build and by
``query.plan.build_context`` (the same context held in memory, for a list of records).
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Hashable, Iterator, Mapping, Sequence
from functools import cached_property
from itertools import combinations
from typing import Any, overload

import numpy as np

from ..core.kept import Kept
from ..core.names import PARTICLES, author_surname, given_names, name_key
from ..core.records import PaperRecord
from ..core.text import plain_words
from .found_terms import FoundTerms, Term
from .tokens import tokenize

NAME_WEIGHT = {"author": 1.0, "cited": 0.8}
REF_YEAR = re.compile(r"\s+\d{4}[a-z]?$")  # the year that ends an outside reference ("van den Oord 2017")
KEYS_A_QUERY = 500  # sets of stems looked up in one query
KEPT_LOOKUPS = 4096  # lookups by key a table keeps (a name, a concept's position, a query's stems)
HELD_ROWS = 1_000  # rows up to which a table is held whole, read on first use: ~0.3 MB at most (a list of ~150
# papers; 49 have 318 names and 236 concept terms), so what a searcher holds does not grow with the list
KEPT_ROWS = 1_000  # rows a kept lookup holds at most: a name of thousands of papers is looked up again, not held
KEPT_TERMS = 16_384  # concept terms kept, as ``within`` finds them (a few hundred bytes each; the last query's all)
KEPT_NAMES = 64  # names kept as arrays, however many papers each has (~12 bytes a paper)
SINGLE_LETTER = re.compile(r"(?<![\w'’])[a-z](?![\w'’])")  # "Q" of "Deep Q-Network": the tokenizer drops it


def name_keys(surname: str) -> set[str]:
    """Each key a person may be typed as: the whole surname ("Sohl-Dickstein") and each of its words of three
    letters or more but its particles ("Sohl", "Dickstein"; "Oord" of "van den Oord")."""
    words = [w for w in re.split(r"[-\s]", surname) if len(w) > 2 and w.lower() not in PARTICLES]
    return {key for key in {name_key(surname), *(name_key(w) for w in words)} if key}


def paper_names(record: PaperRecord) -> Iterator[tuple[str, float]]:
    """(key, weight) of each person a paper names itself: its authors, and the outside works its summary cites."""
    for author in record["authors"]:
        for key in name_keys(author_surname(author)):
            yield key, NAME_WEIGHT["author"]
    for x in record["references"]["external"]:
        for key in name_keys(REF_YEAR.sub("", x["ref"])):
            yield key, NAME_WEIGHT["cited"]


def given_keys(record: PaperRecord) -> Iterator[str]:
    """The keys of the given names of a paper's authors (initials left out)."""
    for author in record["authors"]:
        yield from (name_key(p) for p in given_names(author) if len(p) > 1 and not p.endswith("."))


def evidence_names(target_authors: Sequence[str], evidence: str) -> Iterator[str]:
    """The keys of the authors of an edge's target whom its evidence names: the edge's source names them."""
    for author in target_authors:
        surname = author_surname(author)
        if surname and _whole_word_in(surname, evidence):
            yield from name_keys(surname)


def _is_word(text: str, at: int) -> bool:
    """Whether ``text[at]`` is a character ``\\w`` matches (a place outside the text is not)."""
    return 0 <= at < len(text) and (text[at].isalnum() or text[at] == "_")


def _whole_word_in(word: str, text: str) -> bool:
    """Whether ``re.search(rf"\\b{re.escape(word)}\\b", text)`` finds ``word``, without a pattern compiled per word
    (a build asks it of every author of every edge's target: millions of surnames, and the regex cache holds 512)."""
    at = text.find(word)
    while at >= 0:
        end = at + len(word)
        if _is_word(text, at - 1) != _is_word(text, at) and _is_word(text, end - 1) != _is_word(text, end):
            return True
        at = text.find(word, at + 1)
    return False


def concept_terms(record: PaperRecord) -> Iterator[tuple[str, str, frozenset[str]]]:
    """(concept name, ``plain_words`` of the term, the term's stems) of each term of each of a paper's concepts."""
    for c in record["concepts"]:
        for term in (c["name"], *c["aliases"]):
            stems = frozenset(tokenize(term)) | frozenset(SINGLE_LETTER.findall(term.lower()))
            yield c["name"], plain_words(term), stems


class _Table:
    """Lookups in one table of a version's database, serialised on one lock shared by every table of it; the last
    ``KEPT_LOOKUPS`` lookups by key are kept (the version is read-only: what a key finds never changes)."""

    def __init__(self, db: sqlite3.Connection, lock: threading.Lock) -> None:
        self._db, self._lock = db, lock
        self._kept: Kept[list[tuple[Any, ...]]] = Kept(KEPT_LOOKUPS)

    def _all(self, query: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._db.execute(query, args).fetchall()

    def _by_key(self, key: Hashable, query: str, args: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        """The rows of a lookup (``key`` names it): kept from before, or queried and kept. A query's words are
        looked up more than once (its plan, its candidates, its scores), and the same words come again."""
        rows = self._kept.get(key)
        if rows is None:
            rows = self._all(query, args)
            self._keep(key, rows)
        return rows

    def _small(self, table: str, query: str) -> list[tuple[Any, ...]] | None:
        """The rows of ``query`` (all of ``table``'s) when ``table`` has at most ``HELD_ROWS``; else None. Counted no
        further than one row past the bound: a count of a million papers' names took a first query 0.2 s."""
        count = int(self._all(f"SELECT count(*) FROM (SELECT 1 FROM {table} LIMIT {HELD_ROWS + 1})")[0][0])
        return self._all(query) if count <= HELD_ROWS else None

    def _keep(self, key: Hashable, rows: list[tuple[Any, ...]]) -> None:
        if len(rows) <= KEPT_ROWS:
            self._kept.put(key, rows)


class NameTable(_Table, Mapping[str, dict[int, float]]):
    """``name_key`` of a surname -> {paper row: how strongly it is that person's}; held whole when small.

    A name of many papers (a common surname: thousands at 100,000 papers) is read as two arrays (``papers``) and
    the last ``KEPT_NAMES`` of more than ``KEPT_ROWS`` papers are kept, so a query that names it reads it once, not once a step."""

    def __init__(self, db: sqlite3.Connection, lock: threading.Lock) -> None:
        super().__init__(db, lock)
        self._few: Kept[tuple[np.ndarray, np.ndarray]] = Kept(KEPT_LOOKUPS)  # most names, and words that are none
        self._many: Kept[tuple[np.ndarray, np.ndarray]] = Kept(KEPT_NAMES)

    @cached_property
    def _held(self) -> dict[str, dict[int, float]] | None:
        """Every name, held, when the table has at most ``HELD_ROWS`` (read on first use); else None."""
        rows = self._small("names", "SELECT key, paper, weight FROM names ORDER BY key, paper")
        if rows is None:
            return None
        whole: dict[str, dict[int, float]] = {}
        for key, paper, weight in rows:
            whole.setdefault(str(key), {})[int(paper)] = float(weight)
        return whole

    def papers(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        """The rows of the papers of the person ``key`` (ascending) and how strongly each is theirs; empty for a key
        no paper names."""
        held = self._held
        if held is not None:
            found = held.get(key, {})
            return np.fromiter(found, np.int64, len(found)), np.fromiter(found.values(), np.float64, len(found))
        arrays = self._few.get(key) or self._many.get(key)
        if arrays is None:
            rows = self._all("SELECT paper, weight FROM names WHERE key = ? ORDER BY paper", (key,))
            arrays = (np.array([p for p, _ in rows], dtype=np.int64), np.array([w for _, w in rows], dtype=np.float64))
            for kept in arrays:
                kept.flags.writeable = False  # shared by every query that names the person
            (self._few if len(rows) <= KEPT_ROWS else self._many).put(key, arrays)
        return arrays

    def __getitem__(self, key: str) -> dict[int, float]:
        held = self._held
        if held is not None:
            return dict(held[key])
        rows, weights = self.papers(key)
        if not len(rows):
            raise KeyError(key)
        return dict(zip(rows.tolist(), weights.tolist(), strict=True))

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        held = self._held
        if held is not None:
            return key in held
        return len(self.papers(key)[0]) > 0

    def __iter__(self) -> Iterator[str]:
        return iter([k for (k,) in self._all("SELECT DISTINCT key FROM names ORDER BY key")])

    def __len__(self) -> int:
        return int(self._all("SELECT count(DISTINCT key) FROM names")[0][0])


def name_papers(names: Mapping[str, dict[int, float]], key: str) -> tuple[np.ndarray, np.ndarray]:
    """``NameTable.papers`` of any mapping of names (a ``NameTable``, or the same held in memory)."""
    if isinstance(names, NameTable):
        return names.papers(key)
    found = names[key]
    return np.fromiter(found, np.int64, len(found)), np.fromiter(found.values(), np.float64, len(found))


class KeySet(_Table):
    """The given names of the list's authors that are no one's surname; held whole when few."""

    @cached_property
    def _held(self) -> frozenset[str] | None:
        """Every given name, held, when there are at most ``HELD_ROWS`` (read on first use); else None."""
        rows = self._small("given_names", "SELECT key FROM given_names")
        return None if rows is None else frozenset(str(k) for (k,) in rows)

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        held = self._held
        if held is not None:
            return key in held
        return bool(self._by_key(key, "SELECT 1 FROM given_names WHERE key = ?", (key,)))


class HeldTerms:
    """Every term of a small list's concepts, held: by position, and the positions of the terms of each stem."""

    def __init__(self, rows: list[tuple[Any, ...]]) -> None:
        self.terms: dict[int, Term] = {int(p): _term(name, stems, paper) for p, name, stems, paper in rows}
        by_stem: dict[str, list[int]] = {}
        for position, (_, stems, _) in self.terms.items():
            for stem in stems:
                by_stem.setdefault(stem, []).append(position)
        self.by_stem = by_stem
        self._found: Kept[tuple[int, ...]] = Kept(KEPT_LOOKUPS)  # a query's plan, scores and order ask the same

    def within(self, stems: frozenset[str]) -> list[int]:
        """The positions of the terms all of whose stems are among ``stems``, in order."""
        kept = self._found.get(stems)
        if kept is None:
            near = {position for stem in stems for position in self.by_stem.get(stem, ())}
            kept = self._found.put(stems, tuple(p for p in sorted(near) if self.terms[p][1] <= stems))
        return list(kept)


def _term(name: object, stems: object, paper: object) -> Term:
    return str(name), frozenset(str(stems).split(" ")) - {""}, int(paper)  # type: ignore[call-overload]


def _terms(rows: Sequence[tuple[Any, ...]]) -> list[Term]:
    """``_term`` of each (name, stems, paper) row, each term's words parsed once for all the rows that list it."""
    parsed: dict[tuple[object, object], tuple[str, frozenset[str]]] = {}  # a common term is one row a paper
    return [(*(parsed.get((n, s)) or parsed.setdefault((n, s), _term(n, s, 0)[:2])), int(p)) for n, s, p in rows]


class ConceptTable(_Table, Sequence[Term]):
    """(concept, stems of one of its terms, paper row) by position. A table of at most ``HELD_ROWS`` terms is read
    whole on first use (``HeldTerms``); a larger one is looked up per query."""

    def __init__(self, db: sqlite3.Connection, lock: threading.Lock, most: int | None = None) -> None:
        """``most``: the most stems a term has, as the build counted it (None: counted here, over every term)."""
        super().__init__(db, lock)
        self._found = FoundTerms(KEPT_TERMS)  # what ``within`` found for the last few sets of stems, terms and all
        if most is None:
            query = "SELECT coalesce(max(length(stems) - length(replace(stems, ' ', '')) + 1), 0) FROM concepts"
            most = int(self._all(query)[0][0])
        self._most = most

    @cached_property
    def _held(self) -> HeldTerms | None:
        """Every term, held, when the table has at most ``HELD_ROWS`` (read on first use); else None."""
        rows = self._small("concepts", "SELECT position, name, stems, paper FROM concepts")
        return None if rows is None else HeldTerms(rows)

    @overload
    def __getitem__(self, position: int) -> tuple[str, frozenset[str], int]: ...
    @overload
    def __getitem__(self, position: slice) -> Sequence[tuple[str, frozenset[str], int]]: ...
    def __getitem__(self, position: int | slice) -> Any:
        if isinstance(position, slice):
            return self._run(position)
        held = self._held
        if held is not None:
            if position not in held.terms:
                raise IndexError(position)
            return held.terms[position]
        term = self._found.term(position)
        if term is not None:
            return term
        rows = self._by_key(position, "SELECT name, stems, paper FROM concepts WHERE position = ?", (position,))
        if not rows:
            raise IndexError(position)
        return _term(*rows[0])

    def _run(self, positions: slice) -> list[Term]:
        """The terms of a slice; a run of positions from the start on (a named term's neighbours, where its concept's
        other terms are) in one statement, not one a term, and kept like a look-up by key."""
        first, end, step = positions.start, positions.stop, positions.step
        if first is None or end is None or first < 0 or end < 0 or step not in (None, 1):
            return [self[i] for i in range(*positions.indices(len(self)))]
        held = self._held
        if held is not None:
            return [held.terms[p] for p in range(first, end) if p in held.terms]
        kept = self._kept.get(("run", first, end))
        if kept is None:  # kept parsed: a common concept's neighbours are walked again on every query that names it
            query = "SELECT name, stems, paper FROM concepts WHERE position >= ? AND position < ? ORDER BY position"
            self._keep(("run", first, end), kept := _terms(self._all(query, (first, end))))
        return list(kept)

    def __len__(self) -> int:
        return int(self._all("SELECT count(*) FROM concepts")[0][0])

    def rows(self, positions: Sequence[int]) -> list[Term]:
        """The terms at ``positions``, in that order: held, kept from ``within`` (which read them), or read together,
        a few hundred positions a statement; not one item a position (a common concept named in full is a term a
        paper: hundreds of positions at 100,000 papers, one apart or more: a position is a paper's place in the
        build, so one term's papers are seldom consecutive)."""
        held = self._held
        if held is not None:
            try:
                return [held.terms[p] for p in positions]
            except KeyError as exc:
                raise IndexError(exc.args[0]) from None
        found = self._found.terms(positions)
        if len(found) < len(positions):  # some not found by ``within`` (or a position asked twice)
            missing = sorted({p for p in positions if p not in found})
            for part in (missing[lo : lo + KEYS_A_QUERY] for lo in range(0, len(missing), KEYS_A_QUERY)):
                query = (
                    f"SELECT position, name, stems, paper FROM concepts WHERE position IN ({','.join('?' * len(part))})"
                )
                rows = self._all(query, tuple(part))
                found.update(zip([int(row[0]) for row in rows], _terms([row[1:] for row in rows]), strict=True))
        try:
            return [found[p] for p in positions]
        except KeyError as exc:
            raise IndexError(exc.args[0]) from None

    def read_near(self, positions: Sequence[int], near: int) -> None:
        """Keep the ``near`` terms each side of each of ``positions`` as the runs a walk from each reads first
        (``self[p - near : p]``, ``self[p + 1 : p + near + 1]``), read a few hundred positions a statement."""
        sides = [(max(0, p - near), p) for p in positions] + [(p + 1, p + near + 1) for p in positions]
        runs = [run for run in dict.fromkeys(sides) if self._held is None and self._kept.get(("run", *run)) is None]
        wanted = sorted({q for first, end in runs for q in range(first, end)})
        found: dict[int, tuple[Any, ...]] = {}
        for part in (wanted[lo : lo + KEYS_A_QUERY] for lo in range(0, len(wanted), KEYS_A_QUERY)):
            query = f"SELECT position, name, stems, paper FROM concepts WHERE position IN ({','.join('?' * len(part))})"
            found.update((int(row[0]), row[1:]) for row in self._all(query, tuple(part)))
        terms = dict(zip(found, _terms(list(found.values())), strict=True))
        for first, end in runs:  # what ``_run``'s range query finds: the positions held between, in order
            self._keep(("run", first, end), [terms[q] for q in range(first, end) if q in terms])

    def within(self, stems: frozenset[str]) -> list[int]:
        """The positions of the terms all of whose stems are among ``stems``: each set of them looked up whole (a
        term's stems are stored as one sorted key), up to the most stems any term has."""
        held = self._held
        if held is not None:
            return held.within(stems)
        kept = self._found.positions(stems)
        if kept is not None:
            return kept
        words = sorted(stems)
        keys = [" ".join(c) for size in range(1, min(self._most, len(words)) + 1) for c in combinations(words, size)]
        terms: dict[int, Term] = {}
        for lo in range(0, len(keys), KEYS_A_QUERY):
            part = keys[lo : lo + KEYS_A_QUERY]
            query = f"SELECT position, name, stems, paper FROM concepts WHERE stems IN ({','.join('?' * len(part))})"
            rows = self._all(query, tuple(part))  # the terms themselves, not only where: the caller reads them next
            terms.update(zip([int(row[0]) for row in rows], _terms([row[1:] for row in rows]), strict=True))
        return self._found.put(stems, terms)


class YearTable(_Table, Mapping[str, int]):
    """``plain_words`` of a concept term -> the year of the earliest entry that has it."""

    def __getitem__(self, term: str) -> int:
        rows = self._by_key(term, "SELECT year FROM concept_years WHERE term = ?", (term,))
        if not rows:
            raise KeyError(term)
        return int(rows[0][0])

    def __iter__(self) -> Iterator[str]:
        return iter([t for (t,) in self._all("SELECT term FROM concept_years ORDER BY term")])

    def __len__(self) -> int:
        return int(self._all("SELECT count(*) FROM concept_years")[0][0])
