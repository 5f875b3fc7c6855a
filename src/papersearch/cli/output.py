"""Where the command line's text goes: rich markup on a terminal, the same words as plain lines anywhere else.

At a terminal ``rich`` styles the markup the renderers write (``[bold]...[/]``); into a pipe or a file the
markup is taken out here without importing ``rich`` (a one-shot ``ask`` spends ~30 ms importing it), and
each line is written whole: rich would wrap it at 80 columns. ``escape`` and ``plain`` follow rich's own
markup rules (``rich.markup.escape`` and ``render``), so both ways show the same text.
"""

from __future__ import annotations

import re
import sys
from typing import Protocol

_TAG_TO_ESCAPE = re.compile(r"(\\*)(\[[a-z#/@][^[]*?])")  # rich.markup.escape's pattern
_TAG = re.compile(r"((\\*)\[([a-z#/@][^[]*?)])")  # rich.markup.RE_TAGS
_CONTROL = dict.fromkeys((7, 8, 11, 12, 13))  # what rich's Text drops: bell, backspace, VT, FF, CR


def escape(text: str) -> str:
    """``text`` with anything markup would read as a tag escaped (``rich.markup.escape``)."""
    text = _TAG_TO_ESCAPE.sub(lambda m: f"{m[1]}{m[1]}\\{m[2]}", text)
    return text + "\\" if text.endswith("\\") and not text.endswith("\\\\") else text


def plain(markup: str) -> str:
    """The text rich would show for ``markup``, without its styles (tags out, escapes undone)."""
    out: list[str] = []
    position = 0
    for m in _TAG.finditer(markup):
        start, end = m.span()
        out.append(markup[position:start].replace("\\[", "["))
        position = end
        slashes, escaped = divmod(len(m[2]), 2)
        out.append("\\" * slashes)
        if escaped:  # an escaped bracket: the tag's text, shown as it is
            out.append(m[1][len(m[2]) :])
    out.append(markup[position:].replace("\\[", "["))
    return "".join(out).translate(_CONTROL).expandtabs(8)


class Printer(Protocol):
    """What the renderers print through: one markup string a call (none: an empty line)."""

    def print(self, markup: str = "", /) -> None: ...


class PlainPrinter:
    """Markup printed as plain lines, never wrapped (stdout is a pipe or a file)."""

    def print(self, markup: str = "", /) -> None:
        """``markup``'s text and a newline, on stdout."""
        sys.stdout.write(plain(markup) + "\n")


def console() -> Printer:
    """Rich's console at a terminal (styled, wrapped to its width); plain lines anywhere else."""
    if not sys.stdout.isatty():
        return PlainPrinter()
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)
