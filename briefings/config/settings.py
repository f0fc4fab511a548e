"""The settings of a project: what briefings.toml may hold, as frozen dataclasses with their
defaults (Settings), and a project's whole configuration (Config)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

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
