"""Reads one front-matter Markdown file: bytes checks, safe YAML, and line numbers for fields."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler

from briefings.errors import BriefingsError
from briefings.hashes import digest

MAX_FILE_BYTES = 10 * 1024 * 1024
# Values in one file's front matter once YAML's aliases are expanded, and levels of nesting: far
# beyond any article's. An alias ("*name") repeats what its anchor holds, so nine lines of them
# stand for 387 million strings (a "billion laughs"): every page that read the field, or the
# build's fingerprint of it, would walk them all.
MAX_VALUES = 10_000
MAX_DEPTH = 20
UNALIASED = "write the values out, without aliases (*name)"


_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser when present: much faster


class _StrictLoader(_BASE):  # type: ignore[misc,valid-type]
    """SafeLoader that leaves timestamps as strings, so we validate dates ourselves.

    PyYAML turns `2025-02-31` into a ValueError deep inside the loader, and a naive
    datetime without telling us; parsing dates in one place gives one clear message.
    """


_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _Handler(YAMLHandler):
    def load(self, fm: str, **kwargs: object) -> Any:
        return yaml.load(fm, Loader=_StrictLoader)


class Markdown:
    """A file's Markdown body, as UTF-8 (one curly quote makes Python store a str in two or four
    bytes a character). A builder lets go of each once it is rendered (release): a large site's
    would stay in memory, and in the build cache, for nothing. Asked for after that, it is read
    again from its file, which must not have changed since. Equal when the bytes are."""

    __slots__ = ("_data", "digest", "display", "path")

    def __init__(self, data: bytes, path: str, display: str) -> None:
        self.path, self.display = path, display
        self._data: bytes | None = data
        self.digest = digest(data)

    @property
    def data(self) -> bytes:
        if self._data is not None:
            return self._data
        data = read_source(Path(self.path), self.display).markdown.data
        if digest(data) != self.digest:
            raise BriefingsError(
                "changed while the site was being built", path=self.display, hint="build again"
            )
        return data

    def release(self) -> None:
        self._data = None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Markdown) and other.digest == self.digest

    def __hash__(self) -> int:
        return hash(self.digest)

    def __repr__(
        self,
    ) -> str:  # what page fingerprints read of it (see briefings.build.fingerprint)
        return f"Markdown({self.digest.hex()})"

    def __getstate__(self) -> tuple:
        # With its bytes while they are held: files are read on every core, and a worker's
        # Markdown comes back whole (reading it again would parse the file twice). A build
        # lets go of them before it saves its cache: the cache holds none.
        return (self.path, self.display, self.digest, self._data)

    def __setstate__(self, state: tuple) -> None:
        self.path, self.display, self.digest, self._data = state


@dataclass(frozen=True)
class SourceFile:
    """A parsed file: its metadata, its Markdown body, and where the front matter starts."""

    path: Path
    display: str  # the path as shown in messages
    meta: dict[str, Any]
    markdown: Markdown  # the body (as model.Article holds it)
    front_matter: str = field(repr=False)
    first_line: int  # file line that YAML line 0 of the front matter is on

    @property
    def body(self) -> str:
        return self.markdown.data.decode()

    @cached_property
    def _key_lines(self) -> dict[str, int]:
        try:
            node = yaml.compose(self.front_matter, Loader=_StrictLoader)
        except yaml.YAMLError:
            return {}
        if not isinstance(node, yaml.MappingNode):
            return {}
        return {
            str(key.value): key.start_mark.line + self.first_line
            for key, _value in node.value
            if isinstance(key, yaml.ScalarNode)
        }

    def line_of(self, key: str) -> int | None:
        """The file line on which front-matter KEY is written, if it is."""
        return self._key_lines.get(key)

    def error(
        self, field_name: str | None, message: str, hint: str | None = None
    ) -> BriefingsError:
        line = self.line_of(field_name.split(".")[0].split("[")[0]) if field_name else None
        return BriefingsError(message, path=self.display, line=line, field=field_name, hint=hint)


def read_source(path: Path, display: str) -> SourceFile:
    """Read PATH, raising BriefingsError for unreadable, binary, non-UTF-8 or malformed files."""
    data = path.read_bytes()
    if not data.strip():
        raise BriefingsError("file is empty", path=display, hint="add front matter or delete it")
    if len(data) > MAX_FILE_BYTES:
        raise BriefingsError(
            f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB", path=display
        )
    if b"\x00" in data[:8192]:
        raise BriefingsError(
            "binary file, not Markdown", path=display, hint="move it out of content/"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise BriefingsError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x})",
            path=display,
            line=line,
            hint="save the file as UTF-8",
        ) from exc
    stripped = text.lstrip()
    if not stripped.startswith("---"):
        raise BriefingsError(
            "no front matter",
            path=display,
            line=1,
            hint="start the file with a '---' line, then title, date, ..., then '---'",
        )
    leading_lines = text[: len(text) - len(stripped)].count("\n")
    handler = _Handler()
    try:
        fm_text, body = handler.split(stripped)
    except ValueError as exc:
        raise BriefingsError(
            "front matter is not closed",
            path=display,
            line=leading_lines + 1,
            hint="end it with a line of '---'",
        ) from exc
    # The split keeps the rest of the opening "---" line, so YAML line 0 is that line.
    first_line = leading_lines + 1
    try:
        meta = handler.load(fm_text)
    except yaml.MarkedYAMLError as exc:
        raise _yaml_problem(exc, display, first_line) from exc
    except yaml.YAMLError as exc:
        raise BriefingsError(f"invalid YAML: {exc}", path=display) from exc
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise BriefingsError("front matter must be key: value pairs", path=display, line=first_line)
    markdown = Markdown(body.strip().encode(), str(path), display)
    source = SourceFile(path, display, meta, markdown, fm_text, first_line)
    _check_bounded(source)
    return source


def _check_bounded(source: SourceFile) -> None:
    """Raise when a field of SOURCE, its aliases expanded, holds more than MAX_VALUES values,
    is nested deeper than MAX_DEPTH or holds itself (an alias inside its own anchor)."""
    sizes: dict[int, int] = {}
    for key, value in source.meta.items():
        try:
            _count(value, sizes, set(), 0)
        except _Unbounded as exc:
            raise source.error(str(key), *exc.args) from None


class _Unbounded(Exception):
    """(what is wrong, what to do)"""


def _count(value: Any, sizes: dict[int, int], open_: set[int], depth: int) -> int:
    """How many values VALUE holds, itself included, with what aliases share counted at each
    place they stand (SIZES: per list or mapping, by id, as counted; OPEN: those being counted,
    which may not hold themselves)."""
    if isinstance(value, dict):
        children: Any = itertools.chain(value.keys(), value.values())
    elif isinstance(value, list):
        children = value
    else:
        return 1
    known = sizes.get(id(value))
    if known is not None:
        return known
    if id(value) in open_:
        raise _Unbounded("holds itself (an alias inside its own anchor)", UNALIASED)
    if depth >= MAX_DEPTH:
        raise _Unbounded(
            f"nested more than {MAX_DEPTH} levels deep", "front matter takes plain values and lists"
        )
    open_.add(id(value))
    total = 1
    for child in children:
        total += _count(child, sizes, open_, depth + 1)
        if total > MAX_VALUES:
            raise _Unbounded(
                f"holds more than {MAX_VALUES:,} values once its aliases are expanded", UNALIASED
            )
    open_.discard(id(value))
    sizes[id(value)] = total
    return total


def _yaml_problem(exc: yaml.MarkedYAMLError, display: str, first_line: int) -> BriefingsError:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + first_line if mark is not None else None
    problem = exc.problem or exc.context or "invalid YAML"
    if isinstance(exc, yaml.constructor.ConstructorError) and "tag" in problem:
        tag = problem.split("tag", 1)[1].strip(" '").replace("tag:yaml.org,2002:", "!!")
        return BriefingsError(
            f"YAML tag {tag} is not allowed",
            path=display,
            line=line,
            hint="front matter takes plain values only; remove the tag",
        )
    # The slip editors make most: a colon and a space inside a value ("note: Why: ...").
    hint = (
        'put the value in quotes: note: "Why: ..."'
        if "mapping values are not allowed" in problem
        else "front matter is YAML between --- lines: quote values holding ': ' or ' #', or"
        " starting with a character such as [ { > | * & ! % @"
    )
    return BriefingsError(f"invalid YAML: {problem}", path=display, line=line, hint=hint)
