"""An edition as an email digest: HTML and plain-text parts from templates/email/, checked
against the built site and kept under the size at which Gmail clips messages."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import css_inline
from markupsafe import Markup

from briefings import urls
from briefings.config import Config
from briefings.errors import BriefingsError
from briefings.markup.markdown import plain_text
from briefings.render.renderer import make_environment
from briefings.site.links import links_in, site_file_for
from briefings.site.views import EditionView

HREF = re.compile(r'(href|src)="([^"]*)"')
IMAGE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
PARAGRAPH = re.compile(r"<p>.*?</p>", re.DOTALL)
LEAD_PARAGRAPHS = 3


@dataclass(frozen=True)
class DigestParts:
    """What every recipient gets, before per-recipient headers and unsubscribe links."""

    subject: str
    html: str
    text: str
    full: bool  # False when items were shortened to fit the size limit
    view_url: str


def render_parts(
    config: Config, edition: EditionView, unsubscribe_url: str = "", full: bool = True
) -> DigestParts:
    """Render both parts; FULL includes each item's first paragraphs, else only summaries."""
    env = make_environment(config)
    base = config.settings.base_url
    view_url = urls.absolute(edition.path, base)
    context = {
        "edition": edition,
        "full": full,
        "view_url": view_url,
        "unsubscribe_url": unsubscribe_url,
        "preheader": _preheader(edition),
        "intro_text": plain_text(edition.intro_html),
        "absolutize": lambda fragment: Markup(absolutize(str(fragment), base)),
        "lead_html": lead_html,
        "plain": plain_text,
        "page": None,
    }
    raw = env.get_template("email/digest.html").render(context)
    inlined = css_inline.CSSInliner(keep_style_tags=True, load_remote_stylesheets=False).inline(raw)
    text = env.get_template("email/digest.txt").render(context)
    prefix = config.settings.digest.subject_prefix
    subject = f"{prefix} {edition.edition.title}".strip() if prefix else edition.edition.title
    return DigestParts(subject, inlined, _tidy_text(text), full, view_url)


def lead_html(body_html: str) -> Markup:
    """The first paragraphs of a body, images left out (a digest carries no unsized images)."""
    paragraphs = PARAGRAPH.findall(IMAGE.sub("", str(body_html)))
    return Markup("\n".join(paragraphs[:LEAD_PARAGRAPHS]))


def absolutize(fragment: str, base_url: str) -> str:
    """Every link in FRAGMENT made absolute: mail clients have no page to resolve them against."""

    def fix(match: re.Match[str]) -> str:
        target = urljoin(base_url, html.unescape(match.group(2)))
        return f'{match.group(1)}="{html.escape(target, quote=True)}"'

    return HREF.sub(fix, fragment)


def _preheader(edition: EditionView) -> str:
    text = plain_text(edition.intro_html) or " · ".join(
        e.article.title for e in edition.entries[:3]
    )
    return text[:150]


def _tidy_text(text: str) -> str:
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def site_links(parts: DigestParts, base_url: str) -> list[str]:
    """Every link of the digest that points into the site."""
    base = urlsplit(base_url)
    found = []
    for link in links_in(parts.html):
        target = urlsplit(link)
        if target.netloc == base.netloc and target.path.startswith(base.path):
            found.append(link)
    return sorted(set(found))


def check_links(parts: DigestParts, config: Config) -> None:
    """Refuse a digest that points at a page the built site does not have."""
    site = config.output_dir
    missing = [
        link
        for link in site_links(parts, config.settings.base_url)
        if site_file_for(site, urlsplit(link).path[len(config.base_path) - 1 :]) is None
    ]
    if missing:
        raise BriefingsError(
            f"the digest links to {len(missing)} page(s) that {site.name}/ does not have, e.g. {missing[0]}",
            hint="run `briefings build` (and publish) first, so every link in the email works",
        )


def fit_to_size(
    render: Callable[[bool], tuple[DigestParts, int]],
    max_bytes: int,
    warn_bytes: int,
    log: Callable[[str], None],
    full: bool = False,
) -> DigestParts:
    """Summaries with 'read more' links; with FULL, full items if the message fits (else
    summaries, saying so)."""
    parts, size = render(full)
    if full and size > max_bytes:
        parts, size = render(False)
        log(
            f"The full digest is over {max_bytes // 1024} KB (Gmail clips larger mail): items shortened to summaries."
        )
    if size > max_bytes:
        raise BriefingsError(
            f"the digest is {size // 1024} KB even with summaries only, over the {max_bytes // 1024} KB limit",
            hint="split the edition into smaller ones",
        )
    if size > warn_bytes:
        log(f"Warning: the digest is {size // 1024} KB; Gmail clips messages over 102 KB.")
    return parts
