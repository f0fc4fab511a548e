"""`briefings serve` and `briefings watch`: build, then rebuild on every change; serve with live reload."""

from __future__ import annotations

import sqlite3
import threading
import webbrowser
from collections.abc import Callable
from pathlib import Path

from briefings.build import ledger, manifest
from briefings.build.builder import RebuildResult, SiteBuilder
from briefings.build.output import remove_leftovers
from briefings.build.state import load_builder
from briefings.config import Config
from briefings.content.load import left_out_warning
from briefings.preview.livereload import LiveState
from briefings.preview.server import PreviewServer
from briefings.preview.watch import Watcher


def run_preview(
    config: Config,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    open_browser: bool = False,
    watch: bool = True,
    serve: bool = True,
    echo: Callable[[str], None] = print,
    preview: tuple[bool, bool] = (False, False),
) -> None:
    remove_leftovers(config.output_dir)  # what is served is one build's site, whatever follows
    if any(preview):
        shown = " and ".join(
            w for w, on in zip(("drafts", "future articles"), preview, strict=True) if on
        )
        echo(f"Previewing {shown}, marked as such: the next `briefings build` leaves them out")
    live = LiveState(1)  # the generation the first rebuild below gives, when it succeeds
    stop = threading.Event()
    server: PreviewServer | None = None
    serving: threading.Thread | None = None
    watcher: Watcher | None = None
    try:  # from the moment anything serves, Ctrl-C ends it all, whatever is under way
        # Note what the files are before the first build reads them: a save made meanwhile is
        # rebuilt next, never missed. (Watching threads start after that build, which may then
        # fork workers: see preview.watch.Watcher.)
        watcher = Watcher(config) if watch else None
        # When site/ is as the last build left it, serve it at once, as fast as `build` says
        # "Nothing changed", and load the build cache (seconds on a large site) while serving.
        if serve and not any(preview) and manifest.check(config).unchanged:
            server = _server(config, host, port, live, None, echo)
            serving = server.start_background()
            echo(
                f"Serving {config.output_dir.name}/ (up to date) on {server.url}; loading the build cache"
            )
        builder = _first_build(config, echo, preview, live, serve)
        _record(builder, config, preview)

        def rebuilt(batch: set[Path], result: RebuildResult) -> None:
            names = sorted(_relative(p, config.root) for p in batch)
            echo(f"Changed: {', '.join(names[:5])}{' and more' if len(names) > 5 else ''}")
            echo(result.summary())
            live.publish(
                result.generation, str(result.error) if result.error else None, _warning(builder)
            )
            if result.error is None:
                _record(builder, config, preview)

        # Rebuilds run on this, the main thread, and serving on another: only the main thread
        # can stop an article's Markdown that runs past its time limit (runtime.limits).
        if not serve:
            echo("Watching for changes (Ctrl-C to stop)")
            if watcher is not None:
                watcher.run(builder, rebuilt, stop)
            return
        if server is None or serving is None:
            server = _server(config, host, port, live, builder, echo)
            serving = server.start_background()
        else:
            server.snapshot = builder.snapshot  # pages rebuilt from now on are served from memory
        echo(
            f"Serving {config.output_dir.name}/ on {server.url}"
            + (" with live reload (Ctrl-C to stop)" if watch else "")
        )
        if open_browser:
            webbrowser.open(server.url)
        if watcher is not None:
            watcher.run(builder, rebuilt, stop)
        else:
            while serving.is_alive():
                serving.join(0.5)
    except KeyboardInterrupt:
        echo("\nStopped.")
    finally:
        stop.set()
        if watcher is not None:
            watcher.close()
        if server is not None:
            _close(server, started=serving is not None)


def _first_build(
    config: Config,
    echo: Callable[[str], None],
    preview: tuple[bool, bool],
    live: LiveState,
    serve: bool,
) -> SiteBuilder:
    """The builder, from the last build's cache (what did not change since is not rendered
    again), brought up to date. A failed first build is raised unless a site is there to serve
    meanwhile (its error is then shown in open pages)."""
    builder = load_builder(config, echo, serving=True, preview=preview)
    first = builder.rebuild()
    if first.error and not (serve and config.output_dir.is_dir()):
        raise first.error
    echo(
        first.summary()
        if first.error
        else f"Built {len(builder.outputs)} pages ({first.rendered} rendered) in {first.seconds:.2f} s"
    )
    if first.error or first.rendered or first.written or first.removed or builder.left_out:
        live.publish(
            builder.generation, str(first.error) if first.error else None, _warning(builder)
        )  # else the pages loaded stand as they are
    return builder


def _warning(builder: SiteBuilder) -> str | None:
    """What open pages show at their foot: the articles the last build left out, and why."""
    return "\n".join(left_out_warning(builder.left_out, "save")) or None


def _record(builder: SiteBuilder, config: Config, preview: tuple[bool, bool]) -> bool:
    """What serving changed in site/, recorded in the site's ledger (build.ledger), so that
    the next `briefings build` knows site/ as it is: not a preview's pages (drafts, future
    articles), which the next build leaves out. Whether it was recorded."""
    if any(preview) or builder.last_error is not None or not builder.unrecorded:
        return False
    try:
        ledger.record(builder, config, manifest.code_key())
    except (OSError, sqlite3.Error):  # the next build finds the pages changed on disk: slower
        return False
    return True


def _close(server: PreviewServer, started: bool) -> None:
    """Stop serving (which also ends the live-reload event streams) and close the socket,
    waiting at most CLOSE_SECONDS: Ctrl-C must end the command whatever a connection does."""
    if started:  # shutdown() waits for serve_forever(): forever, if it never ran
        closing = threading.Thread(target=server.shutdown, daemon=True)
        closing.start()
        closing.join(CLOSE_SECONDS)
    server.server_close()


CLOSE_SECONDS = 3.0


def _server(
    config: Config,
    host: str,
    port: int,
    live: LiveState,
    builder: SiteBuilder | None,
    echo: Callable[[str], None],
) -> PreviewServer:
    from briefings.errors import BriefingsError

    snapshot = builder.snapshot if builder is not None else None  # None: files on disk
    try:
        return PreviewServer(config.output_dir, host, port, live=live, snapshot=snapshot)
    except OSError as exc:
        raise BriefingsError(
            f"cannot listen on {host}:{port}: {exc.strerror}", hint="pick another --port"
        ) from exc


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
