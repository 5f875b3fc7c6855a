"""YAML as corpus files use it: mappings, lists and plain values, read in one bounded pass.

``yaml.safe_load`` runs no code, but it still expands aliases (nine levels of nine ``*a`` make a
value of 9**9 items once anything walks it), nests as deep as libyaml allows, keeps the last of
two equal keys without a word, and raises ``ValueError`` (not a YAML error) on ``1989-02-30``.
Here libyaml's parser streams events and each one is checked as it arrives: anchors, aliases and
explicit tags (``!!python/...``) are refused, and so are duplicate keys, nesting deeper than
:data:`MAX_DEPTH` and more than :data:`MAX_NODES` values, before anything is built. Plain values
are resolved exactly as ``yaml.safe_load`` resolves them (the same resolver and constructors).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from .values import show

# libyaml's safe loader when PyYAML has it: the same documents and the same refusals, ~8x faster
SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_DEPTH = 10  # a paper's front matter nests 4 deep (edges → add → item → field)
MAX_NODES = 20_000  # values in one document; a paper has ~40
_RESOLVER: Any = Resolver()  # untyped in the stubs
_CONSTRUCTOR = SafeConstructor()
_NO_KEY = object()
_KINDS = {"tag:yaml.org,2002:timestamp": "a date", "tag:yaml.org,2002:int": "a number"}


class InvalidYamlError(Exception):
    """A document this module refuses; ``line`` is 0-based within the text given, when known."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass
class _Frame:
    """A mapping or list being filled; a mapping remembers the key waiting for its value."""

    value: dict[Any, Any] | list[Any]
    key: Any = _NO_KEY


@dataclass
class _Builder:
    """Builds the document from parser events, refusing what a corpus file has no use for."""

    stack: list[_Frame] = field(default_factory=list)
    result: Any = None
    nodes: int = 0
    documents: int = 0

    def feed(self, event: yaml.Event) -> None:
        if isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                raise InvalidYamlError(
                    "more than one YAML document; remove the extra '---' or '...' line", _line(event)
                )
        elif isinstance(event, yaml.AliasEvent):
            raise InvalidYamlError(f"alias *{event.anchor} is not allowed; write the value out in full", _line(event))
        elif isinstance(event, yaml.ScalarEvent):
            self._check_node(event)
            self._add(_scalar(event), event)
        elif isinstance(event, yaml.CollectionStartEvent):
            self._check_node(event)
            if len(self.stack) >= MAX_DEPTH:
                raise InvalidYamlError(f"nested more than {MAX_DEPTH} levels deep", _line(event))
            container: dict[Any, Any] | list[Any] = {} if isinstance(event, yaml.MappingStartEvent) else []
            self._add(container, event)
            self.stack.append(_Frame(container))
        elif isinstance(event, yaml.CollectionEndEvent):
            self.stack.pop()

    def _check_node(self, event: yaml.NodeEvent) -> None:
        if event.anchor is not None:
            raise InvalidYamlError(f"anchor &{event.anchor} is not allowed; write each value out in full", _line(event))
        tag = getattr(event, "tag", None)
        if tag not in (None, "!"):
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            raise InvalidYamlError(f"tag {shown} is not allowed; write the plain value", _line(event))
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise InvalidYamlError(f"more than {MAX_NODES:,} values in one document", _line(event))

    def _add(self, value: Any, event: yaml.NodeEvent) -> None:
        if not self.stack:
            self.result = value
            return
        frame = self.stack[-1]
        if isinstance(frame.value, list):
            frame.value.append(value)
        elif frame.key is _NO_KEY:
            if isinstance(value, (dict, list)):
                raise InvalidYamlError("a key must be a plain value, not a mapping or a list", _line(event))
            if value in frame.value:
                raise InvalidYamlError(f"duplicate key {show(value)}; keep only one", _line(event))
            frame.key = value
        else:
            frame.value[frame.key] = value
            frame.key = _NO_KEY


def _line(event: yaml.Event) -> int | None:
    mark = getattr(event, "start_mark", None)
    return mark.line if mark is not None else None


def _scalar(event: yaml.ScalarEvent) -> Any:
    """The value ``yaml.safe_load`` gives this scalar (a bad date or a 5,000-digit number is refused)."""
    tag = _RESOLVER.resolve(yaml.ScalarNode, event.value, event.implicit)
    construct = SafeConstructor.yaml_constructors.get(tag)
    if construct is None:  # "=" and "<<" resolve to tags safe_load cannot build either
        raise InvalidYamlError(f"{show(event.value)} cannot stand alone; quote it to keep it as text", _line(event))
    node = yaml.ScalarNode(tag, event.value)
    try:
        return construct(_CONSTRUCTOR, node)
    except (ValueError, OverflowError) as exc:
        kind = _KINDS.get(tag, tag.rsplit(":", 1)[-1])
        reason = str(exc).split(":")[0]
        raise InvalidYamlError(
            f"{show(event.value)} reads as {kind} but is not one ({reason}); quote it to keep it as text", _line(event)
        ) from None


def parse_yaml(text: str) -> Any:
    """The one document in ``text`` as plain dicts, lists and scalars; raise :class:`InvalidYamlError` if refused."""
    builder = _Builder()
    events: Any = yaml.parse(text, Loader=SAFE_LOADER)  # a generator: closed below to free libyaml's parser
    try:
        for event in events:
            builder.feed(event)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise InvalidYamlError(str(exc.problem or exc.context or exc), mark.line if mark else None) from None
    except yaml.YAMLError as exc:
        raise InvalidYamlError(str(exc), None) from None
    finally:
        events.close()
    return builder.result
