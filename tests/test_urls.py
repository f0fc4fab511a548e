import posixpath
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

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


segment = st.text(alphabet="ab é#?%.-_~", min_size=1, max_size=4).filter(
    lambda s: s not in (".", "..")
)
# A folder ends in '/'; a file has a name no folder has (segments are shorter).
site_path = st.builds(
    lambda parts, folder: "/".join(parts) + ("/" if folder else ".html") if parts else "",
    st.lists(segment, max_size=4),
    st.booleans(),
)


@given(site_path, site_path)
def test_relative_links_agree_with_relpath(target: str, page: str) -> None:
    here = posixpath.dirname(urls.output_file(page)) or "."
    expected = posixpath.relpath(urls.output_file(target), here)
    if target == "" or target.endswith("/"):
        expected = posixpath.dirname(expected)
        expected = "./" if expected in ("", ".") else expected + "/"
    assert urls.relative(target, page) == quote(expected, safe="/#?=&.-_~")


def test_absolute_and_rooted_links_keep_the_sub_path() -> None:
    assert (
        urls.absolute("articles/a/", "https://user.github.io/repo/")
        == "https://user.github.io/repo/articles/a/"
    )
    assert urls.rooted("static/style.css", "/repo/") == "/repo/static/style.css"


def test_topic_paths_are_slugged() -> None:
    assert urls.topic("White House") == "topics/white-house/"
    assert urls.source("Le Monde") == "sources/le-monde/"


@pytest.mark.parametrize(
    "title, slug",
    [
        ("Runner's World", "runners-world"),  # as Hugo, Pelican and WordPress write it
        ("Iran’s drone plant", "irans-drone-plant"),
        ("'Quoted' words", "quoted-words"),  # quotes around words are not apostrophes
        ("A Farmgirl's Kitchen®", "a-farmgirls-kitchen"),  # not '...-kitchen-r'
        ("NoGood™: Growth", "nogood-growth"),
        ("Launch 🚀 day", "launch-day"),
        ("Caffè Nero", "caffe-nero"),
    ],
)
def test_slugs_drop_apostrophes_and_symbols(title: str, slug: str) -> None:
    assert urls.make_slug(title) == slug
