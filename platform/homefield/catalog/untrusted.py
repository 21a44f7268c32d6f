"""Limits for YAML and JSON that a change or a pull request supplies: the one place they live.

Every catalog file, reviews file and verdict note may come from an attacker. PyYAML expands
aliases without limit (a few hundred bytes can take minutes) and both parsers recurse once per
level of nesting, so deep input ends in a RecursionError. Aliases are refused, nesting is capped
before the recursive parse runs, and mapping keys must be strings; each refusal names the file
and the limit it hit.
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

MAX_DEPTH = 64
MAX_BYTES = 1024 * 1024
ALIASES_REFUSED = "YAML aliases (*name) are not allowed in Homefield files"

_JSON_TOKEN = re.compile(r'"(?:\\.|[^"\\])*"|[\[\]{}]')
_BRACKET = re.compile(r"[\[\]{}]")


class UntrustedInputError(ValueError):
    """Input over one of the limits above; the message names the limit and, if known, the line."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.line = line
        super().__init__(message)


def depth_error(line: int | None = None) -> UntrustedInputError:
    return UntrustedInputError(f"nested deeper than the limit of {MAX_DEPTH} levels", line)


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _line(event: yaml.Event) -> int | None:
    mark = event.start_mark
    return mark.line + 1 if mark is not None else None


def _check_events(text: str) -> None:
    """Refuse aliases and deep nesting from the event stream, before anything is composed."""
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            raise UntrustedInputError(ALIASES_REFUSED, _line(event))
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise depth_error(_line(event))
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _bracket_depth(text: str, tokens: re.Pattern[str]) -> int:
    depth = deepest = 0
    for match in tokens.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif token in "]}":
            depth -= 1
    return deepest


def check_size(text: str) -> None:
    if len(text) > MAX_BYTES:
        raise UntrustedInputError(f"larger than the limit of {MAX_BYTES} bytes")


def compose_yaml(text: str) -> yaml.Node | None:
    """The YAML node tree of ``text``; UntrustedInputError or yaml.YAMLError when refused.

    Brackets are counted first (any bracket, quoted or not: a file that needs 64 of them is
    refused all the same), so no parser meets deep flow nesting; then the event stream is
    checked for aliases and depth; only then are nodes composed (by libyaml when present).
    """
    check_size(text)
    if _bracket_depth(text, _BRACKET) > MAX_DEPTH:
        raise depth_error()
    _check_events(text)
    return yaml.compose(text, Loader=_Loader)


def parse_json(text: str) -> Any:
    """JSON from an untrusted source; UntrustedInputError when too deep, ValueError when invalid.

    Brackets inside strings do not count towards the depth.
    """
    if _bracket_depth(text, _JSON_TOKEN) > MAX_DEPTH:
        raise depth_error()
    return json.loads(text)
