"""Property tests of mention extraction, linking, folding and slugs: a few hundred
examples each in the default run, 10,000 each under `-m slow`."""

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2 import Environment, FileSystemLoader
from rassegna.i18n import translations_for
from rassegna.identity import MAX_SLUG, SAFE_SLUG, fold, slug_for, words
from rassegna.mentions import link_mentions, mention_name, scan
from rassegna.resolve import Entity
from rassegna.settings import read as read_settings

FEW = settings(max_examples=300, deadline=None)
MANY = settings(max_examples=10_000, deadline=None)

TAGS = [
    "<strong>", "</strong>", "<b>", "</b>", "<em>", "</em>", "<a href='x'>", "</a>",
    "<code>", "</code>", "<pre>", "</pre>", "<p>", "</p>", "<br>", "<br/>",
    "<script>", "</script>", "<span class=\"caps\">", "</span>", "&amp;",
    "&nbsp;", "&#8217;", "&lt;", "\n", "<!-- c -->", "<strong", "</",
]  # fmt: skip
html_like = st.lists(st.one_of(st.text(), st.sampled_from(TAGS)), max_size=30).map(
    "".join
)
names = st.text(min_size=1, max_size=120)


def check_scan(html: str) -> None:
    for strong in scan(html):
        assert 0 <= strong.start < strong.end <= len(html)
        if strong.linkable:
            assert html.startswith("<strong", strong.start)
            assert html[: strong.end].endswith("</strong>")


def check_linking_keeps_the_text(html: str) -> None:
    linked = link_mentions(html, 6, lambda name: {"class": "fuzz", "href": "#e"})
    before = BeautifulSoup(html, "html.parser").get_text()
    after = BeautifulSoup(linked, "html.parser")
    assert after.get_text() == before
    assert not after.select("a.fuzz a, a a.fuzz")


def check_mention_name(text: str) -> None:
    name = mention_name(text, 6)
    if name is not None:
        assert name == name.strip() and name.isprintable()
        assert 1 <= len(words(name)) <= 6
        assert any(c.isalnum() for c in name)


def check_fold(name: str) -> None:
    folded = fold(name)
    assert fold(folded) == folded
    assert fold(name.replace("'", "’")) == fold(name.replace("’", "'"))


def check_slug(name: str) -> None:
    slug = slug_for(name)
    assert SAFE_SLUG.match(slug) and len(slug) <= MAX_SLUG
    assert "/" not in slug and slug not in (".", "..")
    assert slug_for(name) == slug


ENVIRONMENT = Environment(
    loader=FileSystemLoader(str(ROOT / "theme" / "templates")),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    extensions=["jinja2.ext.i18n"],
)
# The theme's words, as the plugin installs them (rassegna/i18n.py).
ENVIRONMENT.install_gettext_translations(
    translations_for(str(ROOT / "theme"), "it"), newstyle=True
)
ENTITY_PAGE = ENVIRONMENT.get_template("entity.html")


def check_round_trip(text: str) -> None:
    name = mention_name(text, 6)
    if name is None:
        return
    entity = Entity(key="k", kind="other", country=None, name=name, slug="x")
    digest = {"settings": read_settings({})}
    page = ENTITY_PAGE.render(
        SITEURL="..", SITENAME="Rassegna", DEFAULT_LANG="it", THEME_STATIC_DIR="theme",
        rassegna=digest, entity=entity, country_page=None,
    )  # fmt: skip
    parsed = BeautifulSoup(page, "html.parser")
    assert parsed.h1.get_text() == name
    assert parsed.title.get_text().startswith(name)


CHECKS = [
    (check_scan, html_like),
    (check_linking_keeps_the_text, html_like),
    (check_mention_name, names),
    (check_fold, names),
    (check_slug, names),
    (check_round_trip, names),
]


@pytest.mark.parametrize(
    ("check", "strategy"), CHECKS, ids=[c.__name__ for c, _ in CHECKS]
)
def test_property(check, strategy):
    FEW(given(strategy)(check))()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("check", "strategy"), CHECKS, ids=[c.__name__ for c, _ in CHECKS]
)
def test_property_many(check, strategy):
    MANY(given(strategy)(check))()
