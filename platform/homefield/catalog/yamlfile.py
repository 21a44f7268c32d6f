"""YAML loading that remembers where every value came from, so errors can name file and line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from yaml.constructor import SafeConstructor

from homefield.catalog.untrusted import UntrustedInputError, compose_yaml

Loc = tuple[str | int, ...]
ModelT = TypeVar("ModelT", bound=BaseModel)


class CatalogError(Exception):
    """A catalog file is missing, malformed or inconsistent; the message names file and line."""

    def __init__(self, path: Path | str, line: int | None, message: str) -> None:
        self.path = str(path)
        self.line = line
        self.message = message
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {message}")


@dataclass
class LocatedYaml:
    """Plain data from a YAML document plus the 1-based line of every key path."""

    path: Path
    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)

    def line_of(self, loc: Sequence[str | int]) -> int | None:
        """The line of the deepest known prefix of ``loc``."""
        for end in range(len(loc), -1, -1):
            line = self.lines.get(tuple(loc[:end]))
            if line is not None:
                return line
        return None

    def error(self, loc: Sequence[str | int], message: str) -> CatalogError:
        where = ".".join(str(part) for part in loc)
        text = f"{where}: {message}" if where else message
        return CatalogError(self.path, self.line_of(loc), text)


def _to_data(node: yaml.Node, loc: Loc, lines: dict[Loc, int], scalars: SafeConstructor) -> Any:
    lines[loc] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = _to_data(key_node, loc, {}, scalars)
            if not isinstance(key, str):
                raise UntrustedInputError(
                    f"mapping keys must be strings, not {type(key).__name__}",
                    key_node.start_mark.line + 1,
                )
            child = (*loc, key)
            out[key] = _to_data(value_node, child, lines, scalars)
            lines[child] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [
            _to_data(item, (*loc, index), lines, scalars) for index, item in enumerate(node.value)
        ]
    return scalars.construct_object(node)


def parse_yaml(text: str, path: Path | str) -> LocatedYaml:
    """Parse YAML text; syntax errors and refused input become a CatalogError with the line."""
    path = Path(path)
    try:
        root = compose_yaml(text)
        lines: dict[Loc, int] = {}
        data = _to_data(root, (), lines, SafeConstructor()) if root is not None else None
    except UntrustedInputError as exc:
        raise CatalogError(path, exc.line, str(exc)) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        raise CatalogError(path, line, f"invalid YAML: {exc.problem}") from None
    except (yaml.YAMLError, ValueError) as exc:
        raise CatalogError(path, None, f"invalid YAML: {str(exc)[:200]}") from None
    return LocatedYaml(path=path, data=data, lines=lines)


def load_yaml(path: Path) -> LocatedYaml:
    """Read and parse a YAML file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CatalogError(path, None, "file not found") from None
    return parse_yaml(text, path)


def validate(doc: LocatedYaml, model: type[ModelT]) -> ModelT:
    """Validate a document against a pydantic model; the first problem becomes a CatalogError."""
    if not isinstance(doc.data, dict):
        raise CatalogError(doc.path, 1, "expected a mapping at the top level")
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(part for part in first["loc"] if isinstance(part, str | int))
        raise doc.error(loc, first["msg"]) from None
