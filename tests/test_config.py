from pathlib import Path

import pytest

from briefings.config import load_config
from briefings.errors import ConfigError
from tests.conftest import write


def test_missing_or_empty_config_means_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    assert config.settings.title == "Briefings"
    assert config.output_dir == (tmp_path / "site").resolve()
    write(tmp_path / "briefings.toml", "")
    assert load_config(tmp_path).settings.timezone == "UTC"


def test_settings_are_read(tmp_path: Path) -> None:
    write(
        tmp_path / "briefings.toml",
        """
        title = "Morning Brief"
        base_url = "https://user.github.io/repo/"
        timezone = "Europe/Berlin"
        [paths]
        output = "public"
    """,
    )
    config = load_config(tmp_path)
    assert config.settings.title == "Morning Brief"
    assert config.base_path == "/repo/"
    assert config.output_dir.name == "public"
    assert str(config.tz) == "Europe/Berlin"


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ('title = "x"\ncolour = "red"\n', "briefings.toml:2: unknown key 'colour'"),
        ('[paths]\nout = "x"\n', "briefings.toml:2: unknown key 'paths.out'"),
        ("title = 3\n", "briefings.toml:1: title must be a string, not 3"),
        ('base_url = "example.org"\n', "base_url must be an absolute http(s) URL"),
        ('base_url = "https://example.org/repo"\n', "base_url must end with '/'"),
        ('timezone = "Mars/Olympus"\n', "unknown time zone 'Mars/Olympus'"),
        ('title = "x\n', "briefings.toml:1: invalid TOML"),
        ('[paths]\noutput = "content"\n', "paths.output 'content' would overwrite"),
        ('[paths]\noutput = "."\n', "would overwrite"),
        ("editions_on_home = true\n", "editions_on_home must be a whole number"),
        (
            "[related]\nstory_name_days = -1\n",
            "briefings.toml:2: related.story_name_days must be 0",
        ),
        ("x = " + "[" * 5000 + "]" * 5000 + "\n", "invalid TOML: values nested deeper"),
    ],
)
def test_invalid_config_names_the_key(tmp_path: Path, toml: str, expected: str) -> None:
    write(tmp_path / "briefings.toml", toml)
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert expected in str(caught.value)


def test_story_name_days_may_be_infinite(tmp_path: Path) -> None:
    write(tmp_path / "briefings.toml", "[related]\nstory_name_days = inf\n")
    assert load_config(tmp_path).settings.related.story_name_days == float("inf")
