"""Finds internal links and assets in a built site that point at nothing."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

LINK_ATTRIBUTES = {
    "a": "href",
    "link": "href",
    "img": "src",
    "script": "src",
    "source": "src",
    "iframe": "src",
}


@dataclass(frozen=True)
class BrokenLink:
    page: str  # site-relative file the link is on
    target: str  # the link as written

    def __str__(self) -> str:
        return f"{self.page}: {self.target}"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = LINK_ATTRIBUTES.get(tag)
        for name, value in attrs:
            if name == wanted and value:
                self.found.append(value)


def links_in(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.found


def site_file_for(site: Path, url_path: str) -> Path | None:
    """The file under SITE that serves URL_PATH (a path relative to the site root), if any."""
    relative = unquote(url_path).lstrip("/")
    candidate = site / relative
    if relative == "" or relative.endswith("/") or candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def find_broken_links(site: Path, base_url: str) -> list[BrokenLink]:
    """Every link in SITE's HTML pages that should resolve inside the site but does not."""
    base = urlsplit(base_url)
    broken = []
    for page in sorted(site.rglob("*.html")):
        page_rel = page.relative_to(site).as_posix()
        page_url = base_url + page_rel
        for link in links_in(page.read_text(encoding="utf-8")):
            target = urlsplit(urljoin(page_url, link))
            if target.scheme not in ("http", "https") or target.netloc != base.netloc:
                continue  # mailto:, other sites
            if not target.path.startswith(base.path):
                broken.append(BrokenLink(page_rel, link))
                continue
            inside = posixpath.normpath("/" + target.path[len(base.path) :])
            inside = inside + "/" if target.path.endswith("/") and inside != "/" else inside
            if site_file_for(site, inside) is None:
                broken.append(BrokenLink(page_rel, link))
    return broken
