"""`briefings publish`: build the site, then push it to a GitHub Pages branch."""

from __future__ import annotations

from collections.abc import Callable

from briefings.commands.build import build_site
from briefings.config import Config
from briefings.publish import PublishResult, check_remote, publish_site, repository_root


def publish_project(
    config: Config,
    remote: str | None,
    branch: str | None,
    message: str,
    dry_run: bool,
    log: Callable[[str], None],
) -> PublishResult:
    """Build CONFIG's site and publish it to REMOTE's BRANCH (the settings' by default)."""
    remote = remote or config.settings.publish.remote
    branch = branch or config.settings.publish.branch
    check_remote(repository_root(config.root), remote)  # fail before a long build
    log(build_site(config, log=log).summary(config.root))
    result = publish_site(
        config,
        config.output_dir,
        remote=remote,
        branch=branch,
        message=message,
        dry_run=dry_run,
        log=log,
    )
    if result.pushed:
        settings = config.settings
        url = f"https://{settings.cname}/" if settings.cname else settings.base_url
        log(f"Published {result.files} files to {remote}/{branch} ({result.commit[:10]}): {url}")
    return result
