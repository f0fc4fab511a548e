"""The Jinja environment and page rendering: a PageSpec in, bytes out."""

from __future__ import annotations

import traceback
from datetime import datetime
from pathlib import Path

import jinja2
from markupsafe import escape

from briefings import __version__, urls
from briefings.config import Config
from briefings.content import is_web_url
from briefings.errors import Problem, TemplateError
from briefings.pages import PageSpec

TEMPLATE_SUFFIXES = (".html", ".xml", ".txt")


def builtin_templates_dir() -> Path:
    """The default theme: inside the package when installed, at the repository top in a checkout."""
    packaged = Path(__file__).parent / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "templates"


def template_dirs(config: Config) -> list[Path]:
    """Where templates are looked up, the project's own first so they override file by file."""
    dirs = [config.templates_dir, builtin_templates_dir()]
    unique: list[Path] = []
    for d in dirs:
        if d.is_dir() and d.resolve() not in [u.resolve() for u in unique]:
            unique.append(d)
    return unique


def make_environment(config: Config) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs(config)]),
        autoescape=jinja2.select_autoescape(["html", "xml", "htm"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
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

    def render(self, page: PageSpec) -> bytes:
        """The page's bytes; raises TemplateError with the template's file and line."""
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
        except Exception as exc:
            raise TemplateError([self._runtime_problem(exc, page)]) from exc
        return text.encode("utf-8")

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
