"""The one error tree raised by papersearch's core; the faces (CLI, HTTP, MCP) only translate it.

PapersearchError            anything the user can fix; the message says what, where and how
├── CorpusError             the corpus folder has problems (each names its file and field)
├── IndexStateError         the index folder is missing, unreadable or stale
├── QueryError              a search or request parameter is invalid (names the parameter)
├── NotFoundError           an id that names no paper
├── SettingsError           an environment variable or setting has a value it cannot take
├── InputFileError          a file given on the command line is malformed (names line and field)
│   └── ImportFileError     a file to import has entries that cannot become papers (each named with its line)
├── EncoderError            the model cannot be exported or loaded as a query encoder
└── DiskError               a build could not write a file (a full or failing disk); nothing was published

No class here knows HTTP: ``serve.errors`` alone maps them to status codes. ``quotes_input`` says
which messages quote what a client sent (and so are passed back to it as they are); the others may
name files of this machine, which the service's faces write relative to its folders first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Problem:
    """One problem found in the corpus: where it is and what is wrong."""

    file: str
    field: str
    message: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        where = f"{self.file}: {self.field}" if self.field else self.file
        return f"{self.severity}: {where}: {self.message}"


class PapersearchError(Exception):
    """Base of every error papersearch raises on purpose."""

    param: str | None = None  # the request parameter at fault, when one is
    quotes_input = False  # whether the message quotes the client's own input, and nothing of this machine


class CorpusError(PapersearchError):
    """The corpus cannot be loaded; ``problems`` lists every error found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"]
        head = f"the corpus has {len(errors)} error(s)"
        super().__init__(head + ":\n" + "\n".join(f"  {p}" for p in errors))


class IndexStateError(PapersearchError):
    """The index is missing, damaged or stale; the message says which file and how to fix it."""


class QueryError(PapersearchError):
    """A parameter of a search or request is invalid."""

    quotes_input = True

    def __init__(self, param: str, message: str) -> None:
        self.param = param
        super().__init__(message if not param or message.startswith(param + " ") else f"{param}: {message}")


class NotFoundError(PapersearchError):
    """No paper has the given id."""

    quotes_input = True

    def __init__(self, paper_id: str) -> None:
        self.param = "id"
        super().__init__(f"no paper with id {paper_id!r}; list the ids with `papersearch list` or GET /papers")


class SettingsError(PapersearchError):
    """A setting (an environment variable) has a value it cannot take; the message names it and what it accepts."""

    def __init__(self, name: str, value: str, accepted: str) -> None:
        self.name = name
        super().__init__(f"{name}={value!r} is not valid: {accepted}")


class InputFileError(PapersearchError):
    """A file named on the command line (an evaluation query file) is malformed; the message names line and field."""


class ImportFileError(InputFileError):
    """A file to import (BibTeX, CSL-JSON, arXiv metadata) cannot be imported as asked; nothing was written.

    ``problems`` names each entry that cannot become a paper by its file, line and key (``refs.bib:45
    (vaswani2017)``) and says what is wrong with it.
    """

    def __init__(self, head: str, problems: list[Problem]) -> None:
        self.problems = problems
        shown = problems[:MAX_LISTED]
        more = f"\n  ... and {len(problems) - len(shown)} more" if len(problems) > len(shown) else ""
        super().__init__(head + "".join(f"\n  {p}" for p in shown) + more)


MAX_LISTED = 20  # problems an error's message lists; ``problems`` holds them all


class EncoderError(PapersearchError):
    """The model cannot be exported faithfully or loaded as a query encoder."""


class DiskError(PapersearchError):
    """A build could not write one of its files (no space left, a disk error); the message names the file,
    the space the build needs, and says that nothing was published."""
