"""The Jinja environment and page rendering: a PageSpec in, bytes out."""

from __future__ import annotations

import json
import traceback
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TypeVar

import jinja2
from markupsafe import escape

from briefings import __version__, urls
from briefings.config import Config
from briefings.errors import BriefingsError, Problem, TemplateError
from briefings.markup.markdown import RenderedText
from briefings.model import Article
from briefings.render.themes import template_dirs
from briefings.runtime.parallel import forked_results
from briefings.site.pages import PageSpec
from briefings.site.views import Entry
from briefings.urls import is_web_url

TEMPLATE_SUFFIXES = (".html", ".xml", ".txt")
S = TypeVar("S")
T = TypeVar("T")

# What a page can show of an article, and the names its reads are recorded under.
READ_KINDS: dict[type, str] = {Entry: "entry", Article: "article", RenderedText: "text"}
Read = tuple[str, str]  # (kind, attribute or key)
# What one page read of articles: which attributes of which articles (by slug; "" for an
# article the page reached some other way: then of any article).
Reads = tuple[tuple[frozenset[Read], frozenset[str]], ...]


def reads_to_json(reads: Reads) -> str:
    """READS as the site's ledger keeps them (build/ledger.py): [[[kind, name], ...], [slug, ...]]
    for each set of attributes and the articles it was read of."""
    return json.dumps(
        [[sorted(what), sorted(among)] for what, among in reads], separators=(",", ":")
    )


def reads_from_json(text: str) -> Reads:
    """What reads_to_json wrote; ValueError when TEXT is not that."""
    try:
        return tuple(
            (frozenset((str(kind), str(name)) for kind, name in what), frozenset(map(str, among)))
            for what, among in json.loads(text)
        )
    except (TypeError, AttributeError, RecursionError) as exc:  # (nested past Python's stack)
        raise ValueError(f"not a page's reads: {text[:80]!r}") from exc


class ReadingEnvironment(jinja2.Environment):
    """Records which attributes of which articles a template reads while it renders: a rebuild
    after an edit renders a page again only if something it read has changed."""

    def __init__(self, **options: object) -> None:
        super().__init__(**options)  # type: ignore[arg-type]
        self.reads: dict[str, set[Read]] | None = None  # slug -> what was read of it
        self.owners: dict[int, str] = {}  # id of an entry's article or text -> its slug

    def getattr(self, obj: object, attribute: str) -> object:
        try:  # what jinja2.Environment.getattr tries first, without its call: the hottest path
            value = getattr(obj, attribute)
        except AttributeError:
            value = super().getattr(obj, attribute)
        if self.reads is not None and type(obj) in READ_KINDS:
            self._note(obj, attribute, value)
        return value

    def getitem(self, obj: object, argument: object) -> object:
        value = super().getitem(obj, argument)
        if self.reads is not None and type(obj) in READ_KINDS:
            self._note(obj, str(argument), value)
        return value

    def _note(self, obj: object, name: str, value: object) -> None:
        kind = type(obj)
        slug = (
            obj.article.slug  # type: ignore[attr-defined]
            if kind is Entry
            else obj.slug  # type: ignore[attr-defined]
            if kind is Article
            else self.owners.get(id(obj), "")
        )
        if type(value) in READ_KINDS:  # entry.article, entry.text: read further, noted then
            self.owners[id(value)] = slug
        else:
            self.reads.setdefault(slug, set()).add((READ_KINDS[kind], name))  # type: ignore[union-attr]


def make_environment(config: Config) -> ReadingEnvironment:
    env = ReadingEnvironment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs(config)]),
        autoescape=jinja2.select_autoescape(["html", "xml", "htm"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # Templates are not checked on disk at each use (three stats a page): the builder
        # makes a new environment whenever a template file appears, goes or changes.
        auto_reload=False,
    )
    settings = config.settings
    env.globals.update(
        site=settings,
        paths=urls,
        url=_url,
        abs_url=lambda target: urls.absolute(target, settings.base_url),
        # A URL from front matter: kept when it is already absolute, else made absolute.
        absolute=lambda link: (
            link if is_web_url(link) else urls.absolute(link.lstrip("/"), settings.base_url)
        ),
        generator=f"briefings {__version__}",
    )
    env.filters.update(
        day=format_day,
        when=format_when,
        iso=lambda d: d.isoformat(timespec="seconds") if d else "",
        xml_text=lambda value: escape(str.__str__(value)),
    )
    return env


@jinja2.pass_context
def _url(context: jinja2.runtime.Context, target: str) -> str:
    """A link to TARGET from the page being rendered (root-relative on pages served anywhere)."""
    page: PageSpec = context["page"]
    if page.path == urls.NOT_FOUND:
        return urls.rooted(target, context["base_path"])
    return urls.relative(target, page.path)


def format_day(moment: datetime) -> str:
    return f"{moment.day} {moment.strftime('%B %Y')}"


def format_when(moment: datetime, has_time: bool = True) -> str:
    day = format_day(moment)
    return f"{day}, {moment.strftime('%H:%M')}" if has_time else day


class Renderer:
    """Renders pages with one environment; problems are collected, not raised one by one."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.env = make_environment(config)
        self.base_path = config.base_path
        self.last_reads: Reads = ()  # what the last page rendered read of articles
        self._interned: dict[frozenset, frozenset] = {}

    def render(self, page: PageSpec) -> bytes:
        """The page's bytes; raises TemplateError with the template's file and line."""
        reads: dict[str, set[Read]] = {}
        self.env.reads, self.env.owners = reads, {}
        try:
            template = self.env.get_template(page.template)
            text = template.render({**page.context, "page": page, "base_path": self.base_path})
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError([self._syntax_problem(exc)]) from exc
        except jinja2.TemplateNotFound as exc:
            raise TemplateError(
                [
                    Problem(
                        f"template {exc.name!r} not found",
                        path=self._display(self.config.templates_dir),
                    )
                ]
            ) from exc
        except BriefingsError:
            raise  # not the template's doing, and it says where and what to do itself (a
            # damaged build cache, a content file changed while the site was being built)
        except Exception as exc:
            raise TemplateError([self._runtime_problem(exc, page)]) from exc
        finally:
            self.env.reads, self.env.owners = None, {}
        self.last_reads = self._group(reads)
        return text.encode("utf-8")

    def _group(self, reads: dict[str, set[Read]]) -> Reads:
        """READS kept small: slugs grouped by what was read of them (a listing reads the same
        of every article in it), each set kept once across pages."""
        by_what: dict[frozenset[Read], list[str]] = {}
        for slug, what in reads.items():
            by_what.setdefault(self.intern(frozenset(what)), []).append(slug)
        return tuple((what, self.intern(frozenset(slugs))) for what, slugs in by_what.items())

    def intern(self, value: frozenset) -> frozenset:
        """One copy of each set of reads (pages of a kind read alike)."""
        return self._interned.setdefault(value, value)

    def _display(self, path: Path | str) -> str:
        path = Path(path)
        try:
            return str(path.resolve().relative_to(self.config.root))
        except ValueError:
            return str(path)

    def _syntax_problem(self, exc: jinja2.TemplateSyntaxError) -> Problem:
        return Problem(
            exc.message or "syntax error",
            path=self._display(exc.filename or exc.name or "?"),
            line=exc.lineno,
        )

    def _runtime_problem(self, exc: Exception, page: PageSpec) -> Problem:
        # Jinja rewrites tracebacks so that template frames carry the template's file and line.
        frames = [
            f
            for f in traceback.extract_tb(exc.__traceback__)
            if f.filename.endswith(TEMPLATE_SUFFIXES)
        ]
        message = f"{type(exc).__name__}: {exc} (while rendering /{page.path})"
        if frames:
            return Problem(message, path=self._display(frames[-1].filename), line=frames[-1].lineno)
        return Problem(message, path=page.template)


RENDER_CHUNK = 250
RENDER_PARALLEL_FROM = 1000  # fewer pages render faster here than workers start


def render_all(
    renderer: Renderer,
    pages: list[PageSpec],
    sign: Callable[[PageSpec], tuple[S, bool]],
    store: Callable[[PageSpec, bytes], T],
) -> Iterator[tuple[S, T | None, Reads, list]]:
    """Each page's signature from SIGN and, unless SIGN says its last rendering stands, what
    STORE makes of its bytes (writes them, say), what it read and its problems. On every core
    for a large build (a first build, or a change to a template or the config): signing is
    half the work of a page, and storing spares sending its bytes back."""

    def work(indexes: range) -> list[tuple[S, T | None, Reads, list]]:
        done: list[tuple[S, T | None, Reads, list]] = []
        for i in indexes:
            key, stands = sign(pages[i])
            if stands:
                done.append((key, None, (), []))
                continue
            try:
                data = renderer.render(pages[i])
            except TemplateError as exc:
                done.append((key, None, (), exc.problems))
                continue
            done.append((key, store(pages[i], data), renderer.last_reads, []))
        return done

    return forked_results(work, len(pages), RENDER_CHUNK, RENDER_PARALLEL_FROM)
