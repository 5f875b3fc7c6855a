"""Import a researcher's file into the corpus: plan what it would change, then put it all in place or nothing.

``plan_import`` (a dry run: writes nothing) and ``run_import`` read the file's entries
(``sources``) one at a time and decide for each: **add** it (a new id made by ``make_id``, its era
chosen by year: ``choose_era``), **update** the paper it already is (same DOI, arXiv id, or title
and year: ``known``) with what the paper lacks (with ``force``, also replacing what an import wrote and
nobody has edited since, never the list's own text or a person's edit: ``merge``),
leave it **unchanged**, **keep** a paper a person has edited (``importer.hand_edited``; ``force``
overwrites it), skip a **duplicate** of an entry earlier in the file, or report it **bad** (its
problems name the entry and its line). Each paper is checked by rendering it and reading it back with the
corpus's own field checks. With ``on_error="all_or_nothing"`` (the default) one bad entry stops the
import before anything is written; with ``"skip_bad"`` the good ones are imported, the bad listed.

New papers go to one Markdown file each, or to the bulk file ``papers.jsonl`` (``into``). Every
change is staged and committed by a :class:`journal.Transaction`, so the corpus ends as it was or
with the whole import. Memory stays bounded: entries stream, and what is held is their identities
and one line of plan each.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

from ..core.errors import CorpusError, ImportFileError, Problem
from ..core.models import CITATION_FIELDS, Era, Paper
from .bulk import BulkWriter, parse_bulk_line, render_bulk_line
from .eras import parse_eras
from .fields import parse_paper
from .files import BULK_FILE, ERAS_FILE, PAPERS_DIR, oversized, read_corpus_file
from .import_plan import ImportOptions, ImportPlan, PlanFormat, PlanItem, choose_era
from .importer import (
    STATE_FILE,
    fields_key,
    hand_edited,
    id_topic,
    imported_fields,
    kept_id,
    make_id,
    read_state,
    text_hash,
    untouched,
    written_fields,
)
from .incoming import BadEntry, Incoming, Read, bad_problem, entry_label
from .journal import Transaction, interrupted
from .known import Identities, KnownPaper, KnownPapers, identity_keys
from .merge import MERGED, force_hint, forced_note, kept_note, merge
from .render import render_paper
from .sources import read_source
from .values import control_problem

Given = tuple[PlanFormat, Iterable[Read]]  # entries read already, and where from


def plan_import(source: Path, corpus_root: Path, options: ImportOptions | None = None) -> ImportPlan:
    """What importing ``source`` into ``corpus_root`` would do, entry by entry; nothing is written."""
    root = Path(corpus_root)
    problem = interrupted(root)
    if problem is not None:
        raise CorpusError([problem])
    return _Importer(Path(source), root, options or ImportOptions(), None).run()


def run_import(
    source: Path,
    corpus_root: Path,
    options: ImportOptions | None = None,
    on_step: Callable[[int], None] | None = None,
) -> ImportPlan:
    """Import ``source`` into ``corpus_root``: every change put in place together, or none.

    Raises :class:`ImportFileError` (nothing written) when the file cannot be read, or when an
    entry is bad and ``options.on_error`` is "all_or_nothing". ``on_step(i)`` runs after the
    commit's ``i``-th rename (a test's way to stop an import half way).
    """
    return _commit(Path(source), Path(corpus_root), options or ImportOptions(), None, on_step)


def import_entries(
    entries: Iterable[Read], source: str, corpus_root: Path, options: ImportOptions | None = None, dry_run: bool = False
) -> ImportPlan:
    """Import entries already read (``papersearch add``'s one paper, from flags or a prompt) as a file's are.

    The same plan, checks and commit as ``run_import``; ``source`` names them in problems and the plan
    (an entry of line 0 is named by ``source`` alone). ``dry_run``: plan only, as ``plan_import``.
    """
    root, options = Path(corpus_root), options or ImportOptions()
    given: Given = ("fields", entries)
    if dry_run:
        problem = interrupted(root)
        if problem is not None:
            raise CorpusError([problem])
        return _Importer(Path(source), root, options, None, given).run()
    return _commit(Path(source), root, options, given, None)


def _commit(
    source: Path, root: Path, options: ImportOptions, given: Given | None, on_step: Callable[[int], None] | None
) -> ImportPlan:
    """Plan and stage every entry in one transaction, then put the changes in place, or raise and write nothing."""
    with Transaction(root) as tx:
        plan = _Importer(source, root, options, tx, given).run()
        bad = [p for p in plan.problems if p.severity == "error"]
        if bad and options.on_error == "all_or_nothing":
            n = plan.count("bad")
            head = (
                f"{source}: {n} entr{'y' if n == 1 else 'ies'} cannot be imported, so nothing was "
                "(fix them, or import the rest and skip them with --skip-bad):"
            )
            if n == len(plan.items):  # no rest to import: --skip-bad would import nothing
                head = f"{source}: no entry of it can be imported as {plan.format}, so nothing was (fix them):"
            raise ImportFileError(head, bad)
        if plan.changes():
            plan.written = tx.commit(on_step)
    return plan


class _Importer:
    """One pass over a file's entries: each one's action decided, its text checked and (unless a dry run) staged."""

    def __init__(
        self, source: Path, root: Path, options: ImportOptions, tx: Transaction | None, given: Given | None = None
    ) -> None:
        self.source, self.root, self.options, self.tx, self.given = source, root, options, tx, given
        self.label = source.name
        self.eras = corpus_eras(root)
        options.check(self.eras)
        self.known = KnownPapers(root)
        self.state = read_state(root)
        self.batch = Identities()  # this file's entries, by identity, to their lines
        self.claimed: dict[int, int] = {}  # a known paper's slot -> the line of the entry that updates it
        self.suffixes: dict[str, int] = {}  # make_id's next number for each base id
        self.problems: list[Problem] = []
        self.bulk = None if tx is None else BulkWriter(root, tx)
        self.into = "files"

    def run(self) -> ImportPlan:
        """Read every entry, decide and stage it, and stage the bulk file and import state when anything changes."""
        unread: list[Problem] = []  # lines the reader could not read (too long)
        fmt, entries = self.given or read_source(self.source, self.options.format, unread, self.options.max_bytes)
        into = self.options.into
        if into == "auto":  # one paper a person adds is a file to edit, even in a list that keeps a bulk file
            into = "bulk" if fmt == "arxiv" or (self.known.bulk_lines and fmt != "fields") else "files"
        self.into = into
        plan = ImportPlan(str(self.source), fmt, into)
        try:
            plan.items = [self._decide(entry) for entry in entries]
            plan.items += [PlanItem("bad", _line_of(p), "", "", "", p.message) for p in unread]
            plan.problems = self.problems + unread
            if not plan.items:
                message = f"holds no entries; is it {fmt}? (say the format if not)"
                raise ImportFileError(f"{self.source} cannot be imported:", [Problem(self.label, "", message)])
            if self.tx is not None and plan.changes():
                if self.bulk is not None and self.bulk.touched:
                    self.bulk.finish()
                self.tx.write(STATE_FILE, json.dumps(self.state, indent=1, sort_keys=True) + "\n")
        finally:
            if self.bulk is not None:
                self.bulk.close()
        return plan

    def _decide(self, entry: Incoming | BadEntry) -> PlanItem:
        if isinstance(entry, BadEntry):
            self.problems.append(bad_problem(self.label, entry))
            return PlanItem("bad", entry.line, entry.name, "", "", _said(entry.field, entry.message))
        label = entry_label(self.label, entry.line, entry.name)
        self.problems += [Problem(label, f, m, "warning") for f, m in entry.warnings]
        refused = _control_character(entry)
        if refused is not None:
            return self._bad(entry, label, refused[1], refused[0])
        keys = identity_keys(entry.doi, entry.arxiv, entry.title, entry.year, tuple(entry.authors))
        work = (entry.year, entry.doi, entry.arxiv)
        earlier = self.batch.find(keys, work)
        if earlier is not None:
            return self._skip(entry, f"same {earlier[1]} as the entry at line {earlier[0]}")
        self.batch.add(keys, entry.line, work)
        match = self.known.find(keys, work)
        if match is None:
            return self._add(entry, label)
        slot, kind = match
        if slot in self.claimed:
            return self._skip(entry, f"the same paper (by {kind}) as the entry at line {self.claimed[slot]}")
        self.claimed[slot] = entry.line
        return self._update(entry, label, slot, kind)

    def _skip(self, entry: Incoming, note: str) -> PlanItem:
        return PlanItem("duplicate", entry.line, entry.name, "", "", note)

    def _bad(self, entry: Incoming, label: str, why: str, field: str = "") -> PlanItem:
        if why:
            self.problems.append(Problem(label, field, why))
            return PlanItem("bad", entry.line, entry.name, "", "", _said(field, why))
        found = next((p for p in self.problems if p.file == label and p.severity == "error"), None)
        note = _said(found.field, found.message) if found else "does not pass the corpus's checks"
        return PlanItem("bad", entry.line, entry.name, "", "", note)

    def _add(self, entry: Incoming, label: str) -> PlanItem:
        era, note = (entry.era, "") if entry.era else choose_era(self.eras, entry.year, self.options.era)
        if era is None:
            return self._bad(entry, label, note, "year")
        if era not in {e.id for e in self.eras}:
            return self._bad(entry, label, f"era {era!r} is not in eras.yaml", "era")
        pid = kept_id(entry.name, entry.year, self.known.ids) or make_id(
            entry.year, entry.authors[0], id_topic((), entry.title), self.known.ids, self.suffixes
        )
        paper = Paper(pid, entry.year, entry.title, entry.authors, era, entry.question, entry.summary)
        paper = replace(paper, **{f: getattr(entry, f) for f in CITATION_FIELDS})
        rel = BULK_FILE if self.into == "bulk" else f"{PAPERS_DIR}/{pid}.md"
        text = self._checked(paper, rel, label)
        if text is None:
            return self._bad(entry, label, "")
        self.known.ids.add(pid)
        self._stage(rel, pid, text, None, paper, self._wrote(f for f in MERGED if getattr(paper, f)))
        return PlanItem("add", entry.line, entry.name, pid, rel, note)

    def _update(self, entry: Incoming, label: str, slot: int, kind: str) -> PlanItem:
        known = self.known.read(slot)
        if known is None:
            return self._bad(entry, label, "its paper in the corpus changed while the import read it; import again")
        old, written = known.paper, imported_fields(self.state, known.state_key)
        ours = untouched(written, {f: getattr(old, f) for f in MERGED})
        merged, kept = merge(old, entry, self.options.force, ours)
        same = f"already in the list as {old.id} (same {kind})"
        edited = frozenset(written) - ours
        own = kept_note(kept, edited)
        text = self._checked(merged, known.file, label)
        if text is None:
            return self._bad(entry, label, "")
        changed = [f for f in MERGED if getattr(old, f) != getattr(merged, f)]
        sets = f"; sets {', '.join(changed)}" if changed else ""
        item = PlanItem("update", entry.line, entry.name, old.id, known.file, same + sets + own)
        if text == known.text:
            self.state[known.state_key] = text_hash(text)
            hint = "" if self.options.force else force_hint(old, entry, ours)
            return replace(item, action="unchanged", note=same + own + hint)
        if hand_edited(self.state, known.state_key, known.text) and not self.options.force:
            note = f"{same}, edited by hand: left as it is ({forced_note(old, entry, ours, edited)})"
            return replace(item, action="kept", note=note)
        self._stage(known.file, old.id, text, known, merged, ours | self._wrote(changed), edited)
        return item

    def _wrote(self, fields: Iterable[str]) -> frozenset[str]:
        """The fields this import writes as an import's: none for ``papersearch add``, whose fields a person typed (a
        later ``import --force`` must keep them, as it keeps the list's own)."""
        return frozenset() if self.given is not None and self.given[0] == "fields" else frozenset(fields)

    def _checked(self, paper: Paper, rel: str, label: str) -> str | None:
        """The paper's text in the corpus (a file, or a bulk line), if the corpus's checks read it back without error."""
        found: list[Problem] = []
        if rel == BULK_FILE:
            text = render_bulk_line(paper)
            back = parse_bulk_line(text, label, found)
        else:
            text = render_paper(paper)
            back = parse_paper(text, label, found)
        big = oversized(text, "a line of the bulk file" if rel == BULK_FILE else "a corpus file")
        if big:
            found.append(Problem(label, "", f"its paper {'line' if rel == BULK_FILE else 'file'} {big}"))
        self.problems += found
        return text if back is not None and not big else None

    def _stage(
        self,
        rel: str,
        pid: str,
        text: str,
        known: KnownPaper | None,
        paper: Paper,
        wrote: frozenset[str],
        edited: frozenset[str] = frozenset(),
    ) -> None:
        """Stage the paper's text, and record it and the fields an import has written of it (``wrote``), each with
        its value's hash, so that a person's later edit of one of them is told apart (``importer.untouched``)."""
        key = f"{BULK_FILE}#{pid}" if rel == BULK_FILE else rel
        self.state[key] = text_hash(text)
        self.state[fields_key(key)] = written_fields({f: getattr(paper, f) for f in MERGED if f in wrote}, edited)
        if self.tx is not None and rel != BULK_FILE:
            self.tx.write(rel, text)
        elif self.bulk is not None:
            self.bulk.put(text, None if known is None else known.offset)


def _control_character(entry: Incoming) -> tuple[str, str] | None:
    """The first field of the entry holding a control character, and the message; None when none does.

    Checked before the entry is rendered: YAML would write the character as an escape that the
    corpus's checks refuse, and the plan would print it to a terminal.
    """
    fields = (
        "title",
        "summary",
        "question",
        "venue",
        "doi",
        "arxiv",
        "url",
        "type",
        "genre",
        "volume",
        "issue",
        "pages",
    )
    texts = [(f, str(getattr(entry, f))) for f in fields]
    texts += [(f"authors[{i}]", name) for i, name in enumerate(entry.authors)]
    return next(((f, m) for f, text in texts if (m := control_problem(text))), None)


def corpus_eras(root: Path) -> list[Era]:
    """The corpus's eras; a corpus without a good eras list cannot take an import (:class:`CorpusError`)."""
    problems: list[Problem] = []
    text = read_corpus_file(root, ERAS_FILE, problems)
    eras = [] if text is None else parse_eras(text, ERAS_FILE, problems)
    errors = [p for p in problems if p.severity == "error"]
    if errors or not eras:
        raise CorpusError(errors or [Problem(ERAS_FILE, "", "lists no eras; the corpus needs at least one")])
    return eras


def _said(field: str, message: str) -> str:
    """A bad entry's problem in its plan line, with the field it is in ("year: 'twenty' is not a year: …")."""
    return f"{field}: {message}" if field and field != "entry" else message


def _line_of(problem: Problem) -> int:
    tail = problem.file.rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else 0
