"""Property tests of mention extraction, linking, folding and slugs, of related
articles against their definition, of Members against a list and of the
writer's local contexts against Pelican's: a few hundred examples each in the
default run, 10,000 each under `-m slow`."""

import contextlib
import datetime
import heapq
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2 import Environment, FileSystemLoader
from rassegna.i18n import translations_for
from rassegna.identity import MAX_SLUG, SAFE_SLUG, fold, slug_for, words
from rassegna.members import Members
from rassegna.mentions import link_mentions, mention_name, scan
from rassegna.related import SECONDS_A_DAY, rank
from rassegna.resolve import Entity
from rassegna.settings import read as read_settings
from rassegna.writer import Job, SharedContext

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


KINDS = ["country", "place", "person", "organization", "concept", "other"]
POOL = [SimpleNamespace(slug=f"e{n}", kind=KINDS[n % len(KINDS)]) for n in range(6)]
START = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)


@st.composite
def related_sites(draw):
    """A few articles naming entities of a small pool (now and then one twice),
    at times that often tie, under any ranking settings the plugin accepts."""
    articles = [
        SimpleNamespace(
            entities=draw(st.lists(st.sampled_from(POOL), max_size=5)),
            date=START
            + datetime.timedelta(
                seconds=draw(st.sampled_from([0, 3600, 86_400 * 3, 86_400 * 40]))
            ),
            url=f"u{draw(st.integers(0, 3))}",
        )
        for _ in range(draw(st.integers(0, 10)))
    ]
    numbers = st.sampled_from([0, 0.1, 0.7, 1, 1.5, 2, 3])
    conf = SimpleNamespace(
        related_weights=draw(st.dictionaries(st.sampled_from(KINDS), numbers)),
        related_recency_weight=draw(numbers),
        related_recency_days=draw(st.sampled_from([1, 7.5, 30])),
        related_threshold=draw(st.sampled_from([0, 1, 2, 4])),
        related_limit_articles=draw(st.sampled_from([0, 1, 3, 5])),
    )
    indexes = st.sets(st.integers(0, len(articles) - 1)) if articles else st.nothing()
    chosen = draw(st.none() | indexes)
    return articles, conf, None if chosen is None else sorted(chosen)


def related_by_definition(articles, conf, index) -> list[int]:
    """The related list of one article as the module's docstring defines it,
    one candidate at a time: the weights of the entities the two share, added
    in the article's order, plus the recency weight times the closeness."""
    weights, recency = conf.related_weights, conf.related_recency_weight
    article = articles[index]
    scored = []
    for other, candidate in enumerate(articles):
        slugs = [entity.slug for entity in candidate.entities]
        if other == index or not {e.slug for e in article.entities} & set(slugs):
            continue
        weighed = 0
        for entity in article.entities:
            for _ in range(slugs.count(entity.slug)):
                weighed += weights.get(entity.kind, 0)
        apart = abs(article.date.timestamp() - candidate.date.timestamp())
        closeness = max(0.0, 1.0 - apart / SECONDS_A_DAY / conf.related_recency_days)
        total = weighed + recency * closeness
        if total >= conf.related_threshold:
            stamp = candidate.date.timestamp()
            scored.append((-total, -stamp, candidate.url, other))
    return [item[3] for item in heapq.nsmallest(conf.related_limit_articles, scored)]


def check_related_rank(site) -> None:
    articles, conf, chosen = site
    ranked = rank(articles, conf, chosen)
    wanted = range(len(articles)) if chosen is None else chosen
    assert ranked == {i: related_by_definition(articles, conf, i) for i in wanted}


class Same:
    """Equal to every other Same, as a value with an `__eq__` of its own."""

    def __eq__(self, other):
        return isinstance(other, Same)

    __hash__ = None


MEMBERS_POOL = [object(), object(), object(), Same(), Same(), 3, 3.0, "a"]
some_members = st.lists(st.sampled_from(MEMBERS_POOL), max_size=6)
member = st.sampled_from(MEMBERS_POOL)
CHANGES = st.one_of(
    st.tuples(st.just("append"), member),
    st.tuples(st.just("extend"), some_members),
    st.tuples(st.just("insert"), st.integers(-3, 3), member),
    st.tuples(st.just("remove"), member),
    st.tuples(st.just("pop"), st.integers(-3, 3)),
    st.tuples(st.just("clear")),
    st.tuples(st.just("__setitem__"), st.integers(-3, 3), member),
    st.tuples(st.just("__delitem__"), st.integers(-3, 3)),
    st.tuples(st.just("__iadd__"), some_members),
    st.tuples(st.just("__imul__"), st.integers(0, 2)),
)


def check_members(case) -> None:
    start, changes = case
    members, plain = Members(start), list(start)
    for name, *arguments in changes:
        assert [x in members for x in MEMBERS_POOL] == [
            x in plain for x in MEMBERS_POOL
        ]
        for changing in (members, plain):
            with contextlib.suppress(ValueError, IndexError):
                getattr(changing, name)(*arguments)
    assert members == plain
    assert [x in members for x in MEMBERS_POOL] == [x in plain for x in MEMBERS_POOL]


CONTEXT_NAMES = st.sampled_from(["SITEURL", "articles", "article", "output_file", "x"])
CONTEXT_VALUES = st.sampled_from([object(), object(), None, "", Same()])
CONTEXT_STEPS = st.one_of(
    # The shared context changes: a name set, or taken out.
    st.tuples(st.just("set"), CONTEXT_NAMES, CONTEXT_VALUES),
    st.tuples(st.just("delete"), CONTEXT_NAMES),
    # A page is asked for: a copy of the shared context with names set on it,
    # as Pelican's write_file makes it, or a dict of its own.
    st.tuples(
        st.just("page"), st.lists(st.tuples(CONTEXT_NAMES, CONTEXT_VALUES), max_size=4)
    ),
    st.tuples(
        st.just("other"), st.lists(st.tuples(CONTEXT_NAMES, CONTEXT_VALUES), max_size=4)
    ),
)


def check_local_contexts(case) -> None:
    renew_after, steps = case
    context, shared = {}, SharedContext(renew_after)
    for step, *arguments in steps:
        if step == "set":
            context[arguments[0]] = arguments[1]
        elif step == "delete":
            context.pop(arguments[0], None)
        else:
            local = context.copy() if step == "page" else {}
            local.update(arguments[0])
            base, own = shared.split(context, local)
            job = Job("page.html", None, context, base, own, None)
            rebuilt = job.local()
            assert list(rebuilt) == list(local)
            assert all(rebuilt[name] is value for name, value in local.items())
            assert all(job.get(name) is value for name, value in local.items())


CHECKS = [
    (check_scan, html_like),
    (check_linking_keeps_the_text, html_like),
    (check_mention_name, names),
    (check_fold, names),
    (check_slug, names),
    (check_round_trip, names),
    (check_related_rank, related_sites()),
    (check_members, st.tuples(some_members, st.lists(CHANGES, max_size=8))),
    (
        check_local_contexts,
        st.tuples(st.integers(0, 3), st.lists(CONTEXT_STEPS, max_size=12)),
    ),
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
