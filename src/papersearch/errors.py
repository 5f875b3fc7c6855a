"""The one error tree raised by papersearch's core.

PapersearchError            anything the user can fix; the CLI prints one line, the API a 4xx
├── CorpusError             the corpus folder has problems (each names its file and field)
├── IndexStateError         the index folder is missing, unreadable or stale
├── QueryError              a search or request parameter is invalid (names the parameter)
└── NotFoundError           an id that names no paper
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem found in the corpus: where it is and what is wrong."""

    file: str
    field: str
    message: str
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        where = f"{self.file}: {self.field}" if self.field else self.file
        return f"{self.severity}: {where}: {self.message}"


class PapersearchError(Exception):
    """Base of every error papersearch raises on purpose."""

    status = 400


class CorpusError(PapersearchError):
    """The corpus cannot be loaded; ``problems`` lists every error found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"]
        head = f"the corpus has {len(errors)} error(s)"
        super().__init__(head + ":\n" + "\n".join(f"  {p}" for p in errors))


class IndexStateError(PapersearchError):
    """The index is missing, damaged or stale; the message says which file and how to fix it."""

    status = 503


class QueryError(PapersearchError):
    """A parameter of a search or request is invalid."""

    status = 422

    def __init__(self, param: str, message: str) -> None:
        self.param = param
        super().__init__(f"{param}: {message}")


class NotFoundError(PapersearchError):
    """No paper has the given id."""

    status = 404

    def __init__(self, paper_id: str) -> None:
        self.param = "id"
        super().__init__(f"no paper with id {paper_id!r}; list the ids with `papersearch list` or GET /papers")
