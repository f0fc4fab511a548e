"""Orchestrates a build: load, render, and swap the new site/ in only when everything succeeded."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from briefings import search
from briefings.config import Config
from briefings.content import load_content, make_slug
from briefings.errors import Problem, TemplateError
from briefings.markup import RenderedText, plain_text, render_text
from briefings.model import Article, Content
from briefings.pages import PageSpec, plan_site
from briefings.relate import RelateDoc, RelateIndex, Relations, snapshot
from briefings.render import Renderer, template_dirs


@dataclass(frozen=True)
class BuildResult:
    output: Path
    pages: int
    files: int
    seconds: float

    def summary(self, root: Path) -> str:
        try:
            where = self.output.relative_to(root)
        except ValueError:
            where = self.output
        return (
            f"Built {self.pages} pages ({self.files} files) in {self.seconds:.2f} s into {where}/"
        )


def build_site(config: Config, log: Callable[[str], None] = lambda _: None) -> BuildResult:
    """Build the whole site into config.output_dir; on any error the old site stays as it was."""
    started = time.perf_counter()
    content = load_content(config.content_dir, config.tz, config.root)
    log(f"Loaded {len(content.articles)} articles and {len(content.editions)} editions")
    texts = {a.slug: render_text(a.body, a.note, a.summary) for a in content.articles}
    relations = relate_articles(config, content, texts)
    pages = plan_site(config, content, texts, relations)
    rendered = render_pages(Renderer(config), pages)
    with staged_output(config.output_dir) as staging:
        for output, data in rendered.items():
            write_file(staging / output, data)
        copied = copy_static(config, staging)
        if config.settings.search:
            search.index_site(staging)
    return BuildResult(
        config.output_dir, len(pages), len(rendered) + copied, time.perf_counter() - started
    )


def relate_doc(article: Article, text: RenderedText) -> RelateDoc:
    """What the relate stage reads of an article: its words (as the reader sees them), time, tags."""
    return RelateDoc(
        article.slug,
        article.title,
        plain_text(text.body_html),
        article.date.timestamp(),
        article.tags,
        article.source,
    )


def relate_articles(config: Config, content: Content, texts: dict[str, RenderedText]) -> Relations:
    """Stories and related lists of every published article (empty when [related] is off)."""
    if not config.settings.related.enabled:
        return Relations()
    index = RelateIndex(config.settings.related)
    index.update(relate_doc(a, texts[a.slug]) for a in content.articles)
    return snapshot(index, {a.slug: a.title for a in content.articles}, make_slug)


def render_pages(renderer: Renderer, pages: list[PageSpec]) -> dict[str, bytes]:
    """Render every page, reporting all template problems together."""
    rendered: dict[str, bytes] = {}
    problems: list[Problem] = []
    for page in pages:
        try:
            rendered[page.output] = renderer.render(page)
        except TemplateError as exc:
            problems += exc.problems
    if problems:
        raise TemplateError(problems, summary="templates failed to render")
    return rendered


def write_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def copy_static(config: Config, staging: Path) -> int:
    """Copy theme static files (project's templates/static overriding the theme's), then static/."""
    count = 0
    for templates in reversed(template_dirs(config)):
        count += _copy_tree(templates / "static", staging / "static")
    count += _copy_tree(config.static_dir, staging)
    return count


def _copy_tree(source: Path, target: Path) -> int:
    if not source.is_dir():
        return 0
    count = 0
    for path in sorted(source.rglob("*")):
        if path.is_file() and not path.name.startswith(".") and not path.name.endswith("~"):
            destination = target / path.relative_to(source)
            count += 1
            if destination.is_file() and destination.read_bytes() == path.read_bytes():
                continue  # unchanged: keep its mtime, so browsers and rsync see no change
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, destination)
    return count


@contextmanager
def staged_output(output: Path) -> Iterator[Path]:
    """Yield an empty folder beside OUTPUT; replace OUTPUT with it only if the block succeeds."""
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.building-", dir=output.parent))
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    os.chmod(staging, 0o755)
    retired = None
    if output.exists():
        retired = Path(tempfile.mkdtemp(prefix=f".{output.name}.old-", dir=output.parent))
        os.rename(output, retired / output.name)
    os.rename(staging, output)
    if retired is not None:
        shutil.rmtree(retired, ignore_errors=True)
