"""One content file's front matter read field by field, typed: each bad field is a problem with
the file's path, the field's line and what to do, collected (every problem at once), never raised."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from briefings.content.source import SourceFile
from briefings.errors import Problem
from briefings.urls import is_web_url

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
DATE_HINT = "use YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][+HH:MM]"


class Fields:
    """Reads typed fields from one file's front matter, collecting a problem per bad field."""

    def __init__(self, source: SourceFile, problems: list[Problem]) -> None:
        self.source = source
        self.meta = source.meta
        self.problems = problems

    def fail(self, key: str, message: str, hint: str | None = None) -> None:
        self.problems.append(self.source.error(key, message, hint).problem)

    def text(self, key: str, required: bool = False) -> str:
        value = self.meta.get(key)
        if value is None or value == "":
            if required:
                self.fail(key, "required field is missing", f"add '{key}: ...' to the front matter")
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.fail(key, f"must be text, not {kind_of(value)}")
            return ""
        return str(value).strip()

    def text_list(self, key: str) -> tuple[str, ...]:
        value = self.meta.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
            self.fail(key, f"must be a list of text, not {kind_of(value)}", f"write {key}: [a, b]")
            return ()
        seen: dict[str, None] = {}
        for item in value:
            text = str(item).strip()
            if text:
                seen.setdefault(text, None)
        return tuple(seen)

    def flag(self, key: str) -> bool:
        value = self.meta.get(key, False)
        if not isinstance(value, bool):
            self.fail(key, f"must be true or false, not {value!r}")
            return False
        return value

    def story(self) -> bool | str:
        """`story:` true (relating decides), false (a story of its own) or an article's or a
        story's slug (that story)."""
        value = self.meta.get("story", True)
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and SLUG_RE.match(value.strip()):
            return value.strip()
        self.fail(
            "story",
            f"must be true, false or a slug, not {value!r}",
            "write story: false to keep it out of any story, or story: <slug> to put it in that"
            " article's (or story's) story",
        )
        return True

    def when(self, key: str, tz: ZoneInfo) -> tuple[datetime, bool] | None:
        value = self.meta.get(key)
        if value is None or value == "":
            self.fail(key, "required field is missing", DATE_HINT)
            return None
        try:
            return parse_when(str(value), tz)
        except ValueError as exc:
            self.fail(key, f"{str(value)!r} is not a valid date: {exc}", DATE_HINT)
            return None

    def link(self, key: str) -> str:
        value = self.text(key)
        if value and not is_web_url(value):
            self.fail(key, f"{value!r} is not an http(s) URL", "use the full https://... address")
            return ""
        return value

    def slug(self, default: Callable[[], str]) -> str:
        value = self.text("slug")
        if not value:
            return default()
        if not SLUG_RE.match(value):
            self.fail(
                "slug", f"{value!r} is not a valid slug", "use lowercase letters, digits and '-'"
            )
        return value


def parse_when(value: str, tz: ZoneInfo) -> tuple[datetime, bool]:
    """Parse an ISO 8601 date or datetime; naive values are in TZ. Returns (moment, has_time)."""
    value = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return datetime.combine(date.fromisoformat(value), time(0), tz), False
    if not re.match(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}", value):
        raise ValueError("not in ISO 8601 form")
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment, True


def kind_of(value: Any) -> str:
    return {dict: "a mapping", list: "a list", bool: "true/false"}.get(
        type(value), type(value).__name__
    )
