"""What a paper id is: the one rule, for the corpus check, the parameters, the HTTP paths and the MCP tools.

An id names a paper's file and its URL (``/papers/1989-lecun-cnn``), so it is kept to lowercase
ASCII letters, digits and dashes, starting with a letter or digit, 3 to 121 characters long.
"""

from __future__ import annotations

import re

MIN_ID_CHARS, MAX_ID_CHARS = 3, 121
ID_PATTERN = rf"^[a-z0-9][a-z0-9-]{{{MIN_ID_CHARS - 1},{MAX_ID_CHARS - 1}}}$"  # also a JSON Schema's pattern
ID_RULE = (
    f"lowercase letters, digits and dashes ({MIN_ID_CHARS} to {MAX_ID_CHARS} characters, the first a letter or "
    "digit), like 1989-lecun-cnn"
)
_ID = re.compile(ID_PATTERN.removeprefix("^").removesuffix("$"))


def is_paper_id(text: str) -> bool:
    """Whether ``text`` is a well-formed paper id (``ID_RULE``); whether a paper has it is another question."""
    return _ID.fullmatch(text) is not None
