"""Read YAML files so that every error names the file, the key path and the line.

PyYAML's node tree keeps the line of every key; we walk it once alongside the data to build a map
from key path to line, then translate pydantic validation errors into :class:`InvalidInput`.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from weerbaar.errors import FieldProblem, InvalidInput

M = TypeVar("M", bound=BaseModel)
LineMap = dict[tuple[str | int, ...], int]
MAX_BYTES = 20 * 1024 * 1024
MAX_DEPTH = 100  # nesting of mappings and lists
MAX_ALIAS_NODES = 100_000  # nodes that aliases may add to a document (the "billion laughs" bomb)


_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available


class _SafeLoader(_Base):  # type: ignore[misc]
    """Safe loader that keeps keys such as ``2.1`` and ``"1"`` as strings and rejects duplicates.

    Uses libyaml's parser when PyYAML was built with it; constructs only plain data types. A value
    that cannot be constructed (a date such as ``2021-13-45``, an integer of thousands of digits)
    is a YAML error at that value's line, not a bare ``ValueError``.
    """

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, TypeError, OverflowError) as exc:
            value = node.value if isinstance(node, yaml.ScalarNode) else node.tag
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read {str(value)[:60]!r}: {str(exc).split(';')[0]}", node.start_mark
            ) from None


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if isinstance(key, float | int) and not isinstance(key, bool):
            key = key_node.value
        if not isinstance(key, Hashable):
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be a plain value, not a list or mapping", key_node.start_mark
            )
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen[key] = key_node.start_mark.line + 1
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node)
        if isinstance(key, float | int) and not isinstance(key, bool):
            key = key_node.value
        mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


_SafeLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_size(root: yaml.Node, path: Path) -> None:
    """Refuse a node tree nested deeper than MAX_DEPTH, with an alias that contains itself, or
    whose aliases add more than MAX_ALIAS_NODES nodes; walks each distinct node once."""
    done: dict[int, tuple[int, int]] = {}  # node -> (nodes with aliases expanded, depth)
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        line = node.start_mark.line + 1
        if finished:
            open_nodes.discard(key)
            below = [done[id(c)] for c in _children(node)]
            size = 1 + sum(n for n, _ in below)
            depth = 1 + max((d for _, d in below), default=0)
            if depth > MAX_DEPTH:
                raise InvalidInput("nested too deeply", source=path, line=line,
                                   expected=f"at most {MAX_DEPTH} levels of mappings and lists")
            if size - len(done) > MAX_ALIAS_NODES:
                raise InvalidInput("aliases expand the document too much", source=path, line=line,
                                   expected=f"aliases adding at most {MAX_ALIAS_NODES:,} values")
            done[key] = (size, depth)
        elif key in open_nodes:
            raise InvalidInput("an alias refers to a value that contains it", source=path,
                               line=line, expected="no recursive aliases")
        elif key not in done:
            open_nodes.add(key)
            stack.append((node, True))
            stack.extend((c, False) for c in _children(node))


def _lines(node: yaml.Node, path: tuple[str | int, ...], out: LineMap) -> None:
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = str(key_node.value)
            out[(*path, key)] = key_node.start_mark.line + 1
            _lines(value_node, (*path, key), out)
            out[(*path, key)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _lines(item, (*path, index), out)


def read_yaml(path: Path, *, text: str | None = None) -> tuple[Any, LineMap]:
    """Parse a YAML file; return the data and a map of key path -> line number."""
    if text is None:
        if not path.exists():
            raise InvalidInput("file not found", source=path, expected="an existing YAML file")
        if path.stat().st_size > MAX_BYTES:
            raise InvalidInput("file too large", source=path, expected=f"at most {MAX_BYTES} bytes")
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidInput("the file is not valid UTF-8", source=path,
                               line=raw[: exc.start].count(b"\n") + 1,
                               expected="a YAML file saved as UTF-8") from None
    try:
        loader = _SafeLoader(text)
        try:
            node = loader.get_single_node()  # parse once: the node tree keeps every line
            if node is not None:
                _check_size(node, path)
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise InvalidInput(
            f"not valid YAML: {exc.problem or exc}", source=path, line=line,
            expected="well-formed YAML",
        ) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow
        raise InvalidInput(
            f"not valid YAML: character #x{exc.character:04x} is not allowed ({exc.reason})"
            if isinstance(exc.character, int) else f"not valid YAML: {exc.reason}",
            source=path, line=text[: exc.position].count("\n") + 1, expected="well-formed YAML",
        ) from None
    except yaml.YAMLError as exc:
        raise InvalidInput(f"not valid YAML: {exc}", source=path) from None
    lines: LineMap = {}
    if node is not None:
        _lines(node, (), lines)
    return data, lines


def line_of(lines: LineMap, location: Sequence[str | int]) -> int | None:
    """The line of the deepest known prefix of a key path."""
    loc = tuple(location)
    while loc:
        if loc in lines:
            return lines[loc]
        loc = loc[:-1]
    return lines.get(())


def _clean_loc(loc: Sequence[str | int]) -> list[str | int]:
    # pydantic inserts union/generic branch names ("function-after[...]", "Fact[...]"); drop them.
    out: list[str | int] = []
    for part in loc:
        if isinstance(part, str) and ("[" in part or part.startswith("function-")):
            continue
        out.append(part)
    return out


def invalid_from_validation(
    exc: ValidationError, *, source: Path | str, lines: LineMap | None = None,
    prefix: Sequence[str | int] = (),
) -> InvalidInput:
    """Turn the first error of a pydantic ValidationError into an InvalidInput naming the key."""
    errors = exc.errors(include_url=False)
    first = errors[0]
    location = [*prefix, *_clean_loc(first["loc"])]
    cause = (first.get("ctx") or {}).get("error")
    if isinstance(cause, FieldProblem):
        location += cause.path
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] == "missing":
        message = "required key is missing"
    elif first["type"] == "extra_forbidden":
        message = "unknown key"
    more = f" ({len(errors) - 1} more problem(s) in this file)" if len(errors) > 1 else ""
    expected = _expected(first)
    return InvalidInput(
        message + more, source=source, location=location,
        line=line_of(lines or {}, location), expected=expected,
    )


def _expected(error: Any) -> str | None:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "enum":
        return f"one of {ctx.get('expected')}"
    if kind == "literal_error":
        return f"{ctx.get('expected')}"
    if kind in ("float_parsing", "float_type", "int_parsing", "int_type"):
        return "a number"
    if kind in ("string_type",):
        return "a text"
    if kind in ("dict_type", "model_type"):
        return "a mapping of keys to values"
    if kind in ("list_type", "tuple_type"):
        return "a list"
    return None


def validate_file(model: type[M], data: Any, *, source: Path | str, lines: LineMap) -> M:
    """Validate parsed YAML data against a pydantic model, mapping errors to the file."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise invalid_from_validation(exc, source=source, lines=lines) from None
