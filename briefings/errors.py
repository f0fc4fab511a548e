"""The exception hierarchy: every user-facing problem carries where it is and what to do."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the user's input, located as precisely as we can."""

    message: str
    path: Path | str | None = None
    line: int | None = None
    field: str | None = None
    hint: str | None = None

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = str(self.path)
            if self.line is not None:
                where += f":{self.line}"
            where += ": "
        field = f"{self.field}: " if self.field else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}{field}{self.message}{hint}"


class BriefingsError(Exception):
    """A mistake in the user's input or environment; printed without a traceback."""

    def __init__(
        self,
        message: str,
        *,
        path: Path | str | None = None,
        line: int | None = None,
        field: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.problem = Problem(message, path, line, field, hint)
        super().__init__(str(self.problem))

    @property
    def problems(self) -> list[Problem]:
        return [self.problem]


class ProblemsError(BriefingsError):
    """Several problems found in one run, reported together."""

    def __init__(self, problems: Iterable[Problem], summary: str = "") -> None:
        self._problems = sorted(
            set(problems), key=lambda p: (str(p.path or ""), p.line or 0, p.field or "", p.message)
        )
        count = len(self._problems)
        head = summary or f"{count} problem{'s' if count != 1 else ''} found"
        Exception.__init__(self, "\n".join([head + ":", *(f"  {p}" for p in self._problems)]))
        self.problem = self._problems[0] if self._problems else Problem(head)

    @property
    def problems(self) -> list[Problem]:
        return list(self._problems)


class ConfigError(BriefingsError):
    """briefings.toml is unreadable or invalid."""


class ContentError(ProblemsError):
    """One or more files under content/ are invalid."""


class TemplateError(ProblemsError):
    """A template failed to load or render."""


class CacheDamaged(BriefingsError):
    """Something the build cache holds (.briefings/cache/) is missing or not what was written:
    `briefings build` then builds from scratch; anywhere else, this says what to do."""

    def __init__(self, message: str, path: Path | str | None = None) -> None:
        super().__init__(
            message,
            path=path,
            hint="run `briefings build --no-cache` to build from scratch",
        )
