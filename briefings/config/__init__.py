"""Reads and validates briefings.toml into a frozen settings object: what it may hold and its
defaults (settings.py), its values checked with the line of each mistake (checks.py)."""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

from briefings import urls
from briefings.config.checks import (
    check_paths,
    check_settings,
    settings_from,
    strip_position,
    toml_error_line,
)
from briefings.config.settings import (
    CONFIG_NAME,
    Config,
    DigestSettings,
    Feeds,
    Paths,
    Publish,
    Related,
    Settings,
    Smtp,
)
from briefings.errors import ConfigError

__all__ = [
    "CONFIG_NAME",
    "Config",
    "DigestSettings",
    "Feeds",
    "Paths",
    "Publish",
    "Related",
    "Settings",
    "Smtp",
    "find_project",
    "load_config",
    "require_public_base",
    "with_base_url",
]


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
        line = toml_error_line(str(exc))
        raise ConfigError(
            f"invalid TOML: {strip_position(str(exc))}", path=path, line=line
        ) from exc
    except RecursionError:  # tomllib reads nested arrays and tables by recursion
        raise ConfigError(
            "invalid TOML: values nested deeper than any setting",
            path=path,
            hint="settings take plain values, lists and tables",
        ) from None
    settings = settings_from(Settings, table, path, text, prefix="")
    return _validated(root, settings, path, text)


def with_base_url(config: Config, base_url: str) -> Config:
    """CONFIG with base_url replaced (e.g. from `build --base-url` in a CI workflow)."""
    if not base_url.endswith("/"):
        base_url += "/"
    settings = dataclasses.replace(config.settings, base_url=base_url)
    return _validated(config.root, settings, config.config_file, "")


def _validated(root: Path, settings: Settings, path: Path, text: str) -> Config:
    check_settings(settings, path, text)
    config = Config(root=root, settings=settings)
    check_paths(config)
    return config
