"""Reads and validates briefings.toml into a frozen settings object."""

from __future__ import annotations

import dataclasses
import re
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from briefings import urls
from briefings.errors import ConfigError

CONFIG_NAME = "briefings.toml"


@dataclass(frozen=True)
class Paths:
    content: str = "content"
    templates: str = "templates"
    static: str = "static"
    output: str = "site"


@dataclass(frozen=True)
class Feeds:
    content: str = (
        "summary"  # "summary" (default: the text is the outlets'), or "full" article text
    )
    entries: int = 50


@dataclass(frozen=True)
class Publish:
    remote: str = "origin"
    branch: str = "gh-pages"


@dataclass(frozen=True)
class Related:
    """Stories and related lists (see briefings.relate). Defaults need no tuning."""

    enabled: bool = True
    story_threshold: float = 0.13  # mean time-weighted similarity that makes one story
    related_count: int = 5
    related_floor: float = 0.05  # a related item is at least this similar: no padding
    same_story_count: int = 10  # listed on an article page; the story page lists them all
    neighbours: int = 30  # candidates kept per article
    min_weight: float = 0.03
    duplicate_cosine: float = 0.9  # at or above: a near-identical (syndicated) copy
    grace_days: float = 3.0  # closeness in time: full weight within this many days...
    half_life_days: float = 60.0  # ...then fading with this half-life...
    time_floor: float = 0.5  # ...to at least this share
    title_weight: float = 3.0
    lead_words: int = 200
    pair_weight: float = 0.8
    tag_weight: float = 2.0
    common_zipf: float = 5.5  # single words more common than this are left out (pairs keep them)
    common_articles: int = 100  # a feature in more articles links only those a few days apart
    story_neighbours: int = 10  # a story link needs each article among the other's closest N
    story_name_days: float = 3.0  # ...and, between articles further apart, a name both hold
    entity_topics: bool = True  # topic pages for names found in the text
    entity_min_articles: int = 3  # a name becomes a topic page when this many articles share it


@dataclass(frozen=True)
class DigestSettings:
    """The emailed digest. Secrets never live here: see BRIEFINGS_* environment variables."""

    from_address: str = ""
    from_name: str = ""
    reply_to: str = ""
    subject_prefix: str = ""
    list_id: str = ""  # default: made from the site's title and host
    unsubscribe_mailto: str = ""  # e.g. unsubscribe@example.org
    unsubscribe_url: str = ""  # an https endpoint that unsubscribes on POST (RFC 8058)
    max_kb: int = 102  # Gmail clips larger messages
    warn_kb: int = 80
    content: str = "summary"  # each item's summary and a link; "full": its text too, when it fits


@dataclass(frozen=True)
class Smtp:
    host: str = ""  # none by default: `digest --send` says so at once
    port: int = 587
    security: str = "starttls"  # "starttls", "tls" (implicit, usually port 465) or "none"
    username: str = ""  # the password comes from BRIEFINGS_SMTP_PASSWORD
    timeout: float = 30.0
    retries: int = 4  # attempts after the first, for temporary failures
    retry_base_seconds: float = 2.0  # backoff: base, 2x base, 4x base, ...
    rate_per_minute: float = 0.0  # 0: as fast as the server takes them
    max_consecutive_errors: int = 5  # then pause the run instead of burning through the list


@dataclass(frozen=True)
class Settings:
    title: str = "Briefings"
    description: str = ""
    base_url: str = "http://127.0.0.1:8000/"
    language: str = "en"
    timezone: str = "UTC"
    author: str = ""
    editions_on_home: int = 10
    page_size: int = 20  # articles per page of a topic, a source or a month of the archive
    index_page_size: int = 100  # lines per page of the stories and editions indexes
    search: bool = True  # a Pagefind index and a search page
    cname: str = ""  # custom domain for GitHub Pages, written to CNAME
    paths: Paths = field(default_factory=Paths)
    feeds: Feeds = field(default_factory=Feeds)
    publish: Publish = field(default_factory=Publish)
    related: Related = field(default_factory=Related)
    digest: DigestSettings = field(default_factory=DigestSettings)
    smtp: Smtp = field(default_factory=Smtp)
    # Outlet names: a domain ("newsletter.mcj.vc") or a spelling ("LinkedInEditors") -> the name
    # the site shows ("MCJ"), applied by ingest.
    sources: dict[str, str] = field(default_factory=dict)
    # Topics the editor allows beside the tags they set: name -> aliases. An article whose
    # keywords (the page's own tags) match a name or an alias is listed under that topic.
    topics: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Config:
    """Validated settings plus the project root they were read from."""

    root: Path
    settings: Settings

    def path(self, name: str) -> Path:
        """Absolute path of one of the configured project folders."""
        return (self.root / getattr(self.settings.paths, name)).resolve()

    @property
    def content_dir(self) -> Path:
        return self.path("content")

    @property
    def templates_dir(self) -> Path:
        return self.path("templates")

    @property
    def static_dir(self) -> Path:
        return self.path("static")

    @property
    def output_dir(self) -> Path:
        return self.path("output")

    @property
    def config_file(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.settings.timezone)

    @property
    def base_path(self) -> str:
        """The URL path the site is served under, e.g. '/repo/'."""
        return urlsplit(self.settings.base_url).path or "/"


def require_public_base(config: Config, given: bool) -> None:
    """Refuse to ship links to a placeholder base_url (see urls.placeholder_base): what
    `publish` and `digest --send` check, unless the address was GIVEN with --base-url."""
    reason = urls.placeholder_base(config.settings.base_url)
    if reason and not given:
        raise ConfigError(
            f"base_url {config.settings.base_url!r} is {reason}: every link, feed and email "
            "would point there",
            path=config.config_file,
            hint="set base_url to the site's public address, or pass --base-url URL",
        )


def find_project(given: Path | None) -> Path:
    """The project folder: GIVEN (it must hold briefings.toml), or the nearest folder from here
    upward that holds one, as git, Hugo and MkDocs find theirs."""
    if given is not None:
        if not given.is_dir():
            raise ConfigError(f"project folder {given} does not exist")
        if not (given / CONFIG_NAME).is_file():
            raise ConfigError(
                f"{given} is not a briefings project: it has no {CONFIG_NAME}",
                hint="pass the project folder with -C, or make one with `briefings init FOLDER`",
            )
        return given
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    raise ConfigError(
        f"not in a briefings project: no {CONFIG_NAME} in {here} or any folder above it",
        hint="cd into your project, pass it with -C, or make one with `briefings init FOLDER`",
    )


def load_config(root: Path) -> Config:
    """Read ROOT/briefings.toml (a missing or empty file means all defaults)."""
    root = root.resolve()
    if not root.is_dir():
        raise ConfigError(f"project folder {root} does not exist")
    path = root / CONFIG_NAME
    text = ""
    if path.exists():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise ConfigError("not valid UTF-8", path=path, hint="save it as UTF-8") from exc
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = _toml_error_line(str(exc))
        raise ConfigError(
            f"invalid TOML: {_strip_position(str(exc))}", path=path, line=line
        ) from exc
    settings = _build(Settings, table, path, text, prefix="")
    return _validated(root, settings, path, text)


def with_base_url(config: Config, base_url: str) -> Config:
    """CONFIG with base_url replaced (e.g. from `build --base-url` in a CI workflow)."""
    if not base_url.endswith("/"):
        base_url += "/"
    settings = dataclasses.replace(config.settings, base_url=base_url)
    return _validated(config.root, settings, config.config_file, "")


def _validated(root: Path, settings: Settings, path: Path, text: str) -> Config:
    _check_settings(settings, path, text)
    config = Config(root=root, settings=settings)
    _check_paths(config)
    return config


def _build(cls: type, table: dict[str, Any], path: Path, text: str, prefix: str) -> Any:
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
                line=_key_line(text, key),
                hint=f"known keys here: {known}",
            )
        values[key] = _coerce(hints[key], value, name, path, text)
    return cls(**values)


def _coerce(kind: Any, value: Any, name: str, path: Path, text: str) -> Any:
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        if not isinstance(value, dict):
            raise _type_error(name, "a table", value, path, text)
        return _build(kind, value, path, text, prefix=name + ".")
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
        line=_key_line(text, name.rsplit(".", 1)[-1]),
    )


def _check_settings(settings: Settings, path: Path, text: str) -> None:
    parts = urlsplit(settings.base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(
            f"base_url must be an absolute http(s) URL, not {settings.base_url!r}",
            path=path,
            line=_key_line(text, "base_url"),
            hint="for example https://user.github.io/repo/",
        )
    if not settings.base_url.endswith("/"):
        raise ConfigError(
            f"base_url must end with '/': {settings.base_url!r}",
            path=path,
            line=_key_line(text, "base_url"),
            hint=f"write {settings.base_url + '/'!r}",
        )
    try:
        ZoneInfo(settings.timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(
            f"unknown time zone {settings.timezone!r}",
            path=path,
            line=_key_line(text, "timezone"),
            hint="use an IANA name such as 'Europe/London' or 'UTC'",
        ) from exc
    if settings.digest.content not in ("full", "summary"):
        raise ConfigError(
            f"digest.content must be 'full' or 'summary', not {settings.digest.content!r}",
            path=path,
            line=_key_line(text, "content"),
        )
    if settings.feeds.content not in ("full", "summary"):
        raise ConfigError(
            f"feeds.content must be 'full' or 'summary', not {settings.feeds.content!r}",
            path=path,
            line=_key_line(text, "content"),
        )
    if settings.feeds.entries < 1:
        raise ConfigError(
            "feeds.entries must be at least 1", path=path, line=_key_line(text, "entries")
        )
    if "/" in settings.cname or " " in settings.cname:
        raise ConfigError(
            f"cname must be a bare domain such as news.example.org, not {settings.cname!r}",
            path=path,
            line=_key_line(text, "cname"),
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
                f"related.{name} must be at least 1", path=path, line=_key_line(text, name)
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
                f"related.{name} must be between 0 and 1", path=path, line=_key_line(text, name)
            )
    if not related.story_name_days >= 0:  # (inf: never asked)
        raise ConfigError(
            "related.story_name_days must be 0 or more (days; inf: no name is ever needed)",
            path=path,
            line=_key_line(text, "story_name_days"),
        )
    if related.half_life_days <= 0:
        raise ConfigError(
            "related.half_life_days must be positive",
            path=path,
            line=_key_line(text, "half_life_days"),
        )
    if settings.smtp.security not in ("starttls", "tls", "none"):
        raise ConfigError(
            f"smtp.security must be 'starttls', 'tls' or 'none', not {settings.smtp.security!r}",
            path=path,
            line=_key_line(text, "security"),
        )
    if settings.digest.unsubscribe_url and not settings.digest.unsubscribe_url.startswith(
        "https://"
    ):
        raise ConfigError(
            "digest.unsubscribe_url must be an https:// URL",
            path=path,
            line=_key_line(text, "unsubscribe_url"),
        )
    for name in ("page_size", "index_page_size"):
        if getattr(settings, name) < 1:
            raise ConfigError(f"{name} must be at least 1", path=path, line=_key_line(text, name))
    if settings.editions_on_home < 1:
        raise ConfigError(
            "editions_on_home must be at least 1",
            path=path,
            line=_key_line(text, "editions_on_home"),
        )


def _check_paths(config: Config) -> None:
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


def _key_line(text: str, key: str) -> int | None:
    match = re.search(rf"^\s*{re.escape(key)}\s*=", text, re.MULTILINE)
    if match is None:
        match = re.search(rf"^\s*\[\s*{re.escape(key)}\s*\]", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _toml_error_line(message: str) -> int | None:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None


def _strip_position(message: str) -> str:
    return re.sub(r"\s*\(at line \d+, column \d+\)", "", message)
