"""briefings.toml's values into typed settings, checked: every error names the file, the line
of the key and what to do."""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from briefings.config.settings import Config, Settings
from briefings.errors import ConfigError


def settings_from(cls: type, table: dict[str, Any], path: Path, text: str, prefix: str) -> Any:
    """Instantiate dataclass CLS from TABLE, rejecting unknown keys and wrong types."""
    fields = {f.name: f for f in dataclasses.fields(cls)}
    hints = typing.get_type_hints(cls)
    values: dict[str, Any] = {}
    for key, value in table.items():
        name = prefix + key
        if key not in fields:
            known = ", ".join(sorted(fields))
            raise ConfigError(
                f"unknown key {name!r}",
                path=path,
                line=key_line(text, key),
                hint=f"known keys here: {known}",
            )
        values[key] = _coerce(hints[key], value, name, path, text)
    return cls(**values)


def _coerce(kind: Any, value: Any, name: str, path: Path, text: str) -> Any:
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        if not isinstance(value, dict):
            raise _type_error(name, "a table", value, path, text)
        return settings_from(kind, value, path, text, prefix=name + ".")
    origin = typing.get_origin(kind)
    if origin is dict:
        if not isinstance(value, dict):
            raise _type_error(name, "a table", value, path, text)
        of = typing.get_args(kind)[1]
        return {str(k): _coerce(of, v, f"{name}.{k}", path, text) for k, v in value.items()}
    if origin is tuple:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise _type_error(name, "a list of strings", value, path, text)
        return tuple(value)
    if origin in (types.UnionType, typing.Union):
        allowed = [a for a in typing.get_args(kind) if a is not type(None)]
        return _coerce(allowed[0], value, name, path, text)
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    # bool is an int in Python; a setting that wants a number never takes true/false.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise _type_error(name, _describe(kind), value, path, text)
    return value


def _describe(kind: type) -> str:
    return {str: "a string", int: "a whole number", float: "a number", bool: "true or false"}.get(
        kind, kind.__name__
    )


def _type_error(name: str, wanted: str, value: Any, path: Path, text: str) -> ConfigError:
    return ConfigError(
        f"{name} must be {wanted}, not {value!r}",
        path=path,
        line=key_line(text, name.rsplit(".", 1)[-1]),
    )


def check_settings(settings: Settings, path: Path, text: str) -> None:
    parts = urlsplit(settings.base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(
            f"base_url must be an absolute http(s) URL, not {settings.base_url!r}",
            path=path,
            line=key_line(text, "base_url"),
            hint="for example https://user.github.io/repo/",
        )
    if not settings.base_url.endswith("/"):
        raise ConfigError(
            f"base_url must end with '/': {settings.base_url!r}",
            path=path,
            line=key_line(text, "base_url"),
            hint=f"write {settings.base_url + '/'!r}",
        )
    try:
        ZoneInfo(settings.timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(
            f"unknown time zone {settings.timezone!r}",
            path=path,
            line=key_line(text, "timezone"),
            hint="use an IANA name such as 'Europe/London' or 'UTC'",
        ) from exc
    if settings.digest.content not in ("full", "summary"):
        raise ConfigError(
            f"digest.content must be 'full' or 'summary', not {settings.digest.content!r}",
            path=path,
            line=key_line(text, "content"),
        )
    if settings.feeds.content not in ("full", "summary"):
        raise ConfigError(
            f"feeds.content must be 'full' or 'summary', not {settings.feeds.content!r}",
            path=path,
            line=key_line(text, "content"),
        )
    if settings.feeds.entries < 1:
        raise ConfigError(
            "feeds.entries must be at least 1", path=path, line=key_line(text, "entries")
        )
    if "/" in settings.cname or " " in settings.cname:
        raise ConfigError(
            f"cname must be a bare domain such as news.example.org, not {settings.cname!r}",
            path=path,
            line=key_line(text, "cname"),
        )
    related = settings.related
    for name in (
        "related_count",
        "same_story_count",
        "neighbours",
        "lead_words",
        "entity_min_articles",
        "story_neighbours",
    ):
        if getattr(related, name) < 1:
            raise ConfigError(
                f"related.{name} must be at least 1", path=path, line=key_line(text, name)
            )
    for name in (
        "story_threshold",
        "min_weight",
        "related_floor",
        "duplicate_cosine",
        "time_floor",
    ):
        if not 0.0 <= getattr(related, name) <= 1.0:
            raise ConfigError(
                f"related.{name} must be between 0 and 1", path=path, line=key_line(text, name)
            )
    if not related.story_name_days >= 0:  # (inf: never asked)
        raise ConfigError(
            "related.story_name_days must be 0 or more (days; inf: no name is ever needed)",
            path=path,
            line=key_line(text, "story_name_days"),
        )
    if related.half_life_days <= 0:
        raise ConfigError(
            "related.half_life_days must be positive",
            path=path,
            line=key_line(text, "half_life_days"),
        )
    if settings.smtp.security not in ("starttls", "tls", "none"):
        raise ConfigError(
            f"smtp.security must be 'starttls', 'tls' or 'none', not {settings.smtp.security!r}",
            path=path,
            line=key_line(text, "security"),
        )
    if settings.digest.unsubscribe_url and not settings.digest.unsubscribe_url.startswith(
        "https://"
    ):
        raise ConfigError(
            "digest.unsubscribe_url must be an https:// URL",
            path=path,
            line=key_line(text, "unsubscribe_url"),
        )
    for name in ("page_size", "index_page_size"):
        if getattr(settings, name) < 1:
            raise ConfigError(f"{name} must be at least 1", path=path, line=key_line(text, name))
    if settings.editions_on_home < 1:
        raise ConfigError(
            "editions_on_home must be at least 1",
            path=path,
            line=key_line(text, "editions_on_home"),
        )


def check_paths(config: Config) -> None:
    """Refuse an output folder that would clobber the user's own files."""
    out = config.output_dir
    protected = [config.root, config.content_dir, config.templates_dir, config.static_dir]
    for folder in protected:
        if out == folder or out in folder.parents:
            raise ConfigError(
                f"paths.output {config.settings.paths.output!r} would overwrite {folder}",
                path=config.config_file,
                hint="build into a folder of its own, such as 'site'",
            )


def key_line(text: str, key: str) -> int | None:
    match = re.search(rf"^\s*{re.escape(key)}\s*=", text, re.MULTILINE)
    if match is None:
        match = re.search(rf"^\s*\[\s*{re.escape(key)}\s*\]", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else None


def toml_error_line(message: str) -> int | None:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None


def strip_position(message: str) -> str:
    return re.sub(r"\s*\(at line \d+, column \d+\)", "", message)
