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


class LimitedLoader(yaml.SafeLoader):
    """PyYAML's safe loader that refuses aliases and nesting deeper than MAX_DEPTH."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise UntrustedInputError(ALIASES_REFUSED, event.start_mark.line + 1)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                event = self.peek_event()  # type: ignore[no-untyped-call]
                raise depth_error(event.start_mark.line + 1)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


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

    PyYAML's scanner is quadratic in the depth of flow collections, so brackets are counted
    first (any bracket, quoted or not: a file that needs 64 of them is refused all the same).
    """
    check_size(text)
    if _bracket_depth(text, _BRACKET) > MAX_DEPTH:
        raise depth_error()
    loader = LimitedLoader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def parse_json(text: str) -> Any:
    """JSON from an untrusted source; UntrustedInputError when too deep, ValueError when invalid.

    Brackets inside strings do not count towards the depth.
    """
    if _bracket_depth(text, _JSON_TOKEN) > MAX_DEPTH:
        raise depth_error()
    return json.loads(text)
