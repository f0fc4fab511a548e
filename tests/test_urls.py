import pytest

from briefings import urls


@pytest.mark.parametrize(
    ("target", "page", "expected"),
    [
        ("articles/a/", "articles/b/", "../a/"),
        ("", "articles/b/", "../../"),
        ("static/style.css", "articles/b/", "../../static/style.css"),
        ("articles/a/", "", "articles/a/"),
        ("", "", "./"),
        ("feed.xml", "topics/x/", "../../feed.xml"),
        ("topics/x/", "topics/", "x/"),
    ],
)
def test_relative_links(target: str, page: str, expected: str) -> None:
    assert urls.relative(target, page) == expected


def test_absolute_and_rooted_links_keep_the_sub_path() -> None:
    assert (
        urls.absolute("articles/a/", "https://user.github.io/repo/")
        == "https://user.github.io/repo/articles/a/"
    )
    assert urls.rooted("static/style.css", "/repo/") == "/repo/static/style.css"


def test_topic_paths_are_slugged() -> None:
    assert urls.topic("White House") == "topics/white-house/"
    assert urls.source("Le Monde") == "sources/le-monde/"
