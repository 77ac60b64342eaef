"""The pictures: the countries index's coverage map, each country's locator map
and the timelines of mentions by month, read from real builds."""

import pytest
from conftest import article, build_site, check_integrity, run_pelican, tree
from rassegna import maps, timeline

ARTICLES = {
    "a.md": article(
        "Vertice a Berlino",
        "La **Germania** e la **Russia** discutono; **Andorra** osserva.",
        date="2025-01-10 10:00",
    ),
    "b.md": article(
        "Gas russo",
        "La **Russia** taglia il gas; **Mosca** conferma.",
        date="2025-03-02 10:00",
    ),
    "c.md": article(
        "Ancora Mosca",
        "A **Mosca** si vota; la **Germania** protesta.",
        date="2025-03-20 10:00",
    ),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build_site(tmp_path_factory.mktemp("pictures"), ARTICLES)


def _svg_names(svg) -> tuple[str, str]:
    """The texts an assistive technology gives an SVG: its label and description."""
    ids = (svg.get("aria-labelledby") or "").split()
    ids += (svg.get("aria-describedby") or "").split()
    texts = [svg.find(id=i).get_text() for i in ids]
    return texts[0], " ".join(texts[1:])


def test_the_countries_index_opens_with_a_map_of_coverage(site):
    page = site.html("paesi/index.html")
    figure = page.select_one("main figure.picture-map")
    assert figure is not None
    assert page.select_one("main h1").find_next("figure") is figure
    svg = figure.svg
    title, description = _svg_names(svg)
    assert title == "Mappa delle notizie per paese"
    assert "3 paesi hanno notizie" in description
    assert svg.title.get_text() == title and svg.desc.get_text() == description
    links = {a.title.get_text(): a for a in svg.find_all("a")}
    assert set(links) == {
        "Andorra: 1 notizia",
        "Germania: 2 notizie",
        "Russia: 3 notizie",
    }
    assert links["Russia: 3 notizie"]["href"] == "../paesi/russia/"
    assert links["Germania: 2 notizie"]["tabindex"] == "-1"  # the table has them too
    # More articles, darker shade; a country too small to see gets a ring.
    shades = {name: a.path["class"][0] for name, a in links.items()}
    assert shades["Russia: 3 notizie"] == "pic-shade-5"
    assert shades["Andorra: 1 notizia"] < shades["Germania: 2 notizie"]
    assert links["Andorra: 1 notizia"].circle is not None
    assert links["Russia: 3 notizie"].circle is None
    check_integrity(site)


def test_the_map_has_its_numbers_in_a_table(site):
    figure = site.html("paesi/index.html").select_one("figure.picture-map")
    rows = [
        [cell.get_text() for cell in row.find_all("td")]
        for row in figure.select("table tbody tr")
    ]
    assert rows == [["Andorra", "1"], ["Germania", "2"], ["Russia", "3"]]
    assert figure.select_one("table a")["href"] == "../paesi/andorra/"
    legend = [
        item.get_text(" ", strip=True) for item in figure.select(".pic-legend li")
    ]
    assert legend[-1] == "3 notizie"


def test_a_country_page_shows_its_place_and_its_months(site):
    page = site.html("paesi/germania/index.html")
    locator = page.select_one("figure.picture-locator svg")
    assert locator["role"] == "img"
    title, description = _svg_names(locator)
    assert title == "Germania sulla mappa"
    assert "Germania" in description
    here = locator.select("path.pic-here")
    assert len(here) == 1
    assert here[0]["d"] == maps.outlines(None)["countries"]["DE"]["d"]
    assert not locator.find("a")
    bars = page.select("figure.picture-timeline rect.pic-bar")
    assert [bar.title.get_text() for bar in bars] == [
        "gennaio 2025: 1",
        "marzo 2025: 1",
    ]


def test_an_entity_page_shows_its_mentions_by_month(site):
    page = site.html("entita/russia/index.html")
    svg = page.select_one("figure.picture-timeline svg")
    title, description = _svg_names(svg)
    assert title == "Notizie per mese"
    assert description == (
        "3 notizie da aprile 2024 a marzo 2025; il mese con più notizie è"
        " marzo 2025, con 2."
    )
    rows = [
        [cell.get_text() for cell in row.find_all("td")]
        for row in page.select("figure.picture-timeline tbody tr")
    ]
    assert len(rows) == 12  # a year at least, empty months included
    assert rows[-3:] == [
        ["gennaio 2025", "1"],
        ["febbraio 2025", "0"],
        ["marzo 2025", "2"],
    ]
    heights = [float(bar["height"]) for bar in svg.select("rect.pic-bar")]
    assert heights == [timeline.HEIGHT / 2, timeline.HEIGHT]


def test_the_pictures_speak_the_sites_language(tmp_path):
    """Every word a reader or a screen reader gets from a map or a timeline
    comes from the catalog of DEFAULT_LANG, month names from CLDR."""
    site = build_site(tmp_path, ARTICLES, DEFAULT_LANG="en")
    figure = site.html("paesi/index.html").select_one("figure.picture-map")
    title, description = _svg_names(figure.svg)
    assert title == "Map of stories by country"
    assert description.startswith("3 countries have stories in the digest:")
    names = sorted(a.title.get_text() for a in figure.svg.find_all("a"))
    assert names == ["Andorra: 1 story", "Germania: 2 stories", "Russia: 3 stories"]
    assert figure.select_one(".pic-legend")["aria-label"] == "Key"
    legend = [li.get_text(" ", strip=True) for li in figure.select(".pic-legend li")]
    assert legend[0] == "1 story" and legend[-1] == "3 stories"
    assert figure.summary.get_text() == "The map as a table"
    assert [th.get_text() for th in figure.select("th")] == ["Country", "News"]

    country = site.html("paesi/germania/index.html")
    title, description = _svg_names(country.select_one(".picture-locator svg"))
    assert title == "Germania on the map"
    assert description == "The map shows Germania, in red, among its neighbours."

    figure = site.html("entita/russia/index.html").select_one(".picture-timeline")
    title, description = _svg_names(figure.svg)
    assert title == "Stories by month"
    assert description == (
        "3 stories from April 2024 to March 2025; the busiest month is"
        " March 2025, with 2."
    )
    assert figure.summary.get_text() == "Stories by month as a table"
    assert [th.get_text() for th in figure.select("th")] == ["Month", "News"]
    assert figure.select("tbody td")[-2].get_text() == "March 2025"
    one_month = build_site(
        tmp_path / "one", {"a.md": ARTICLES["a.md"]}, DEFAULT_LANG="en"
    ).html("entita/andorra/index.html")
    _, description = _svg_names(one_month.select_one(".picture-timeline svg"))
    assert description == (
        "1 story from February 2024 to January 2025; the busiest month is"
        " January 2025, with 1."
    )
    # Nothing Italian is left in any picture of the English site.
    for name in ("paesi/index.html", "paesi/russia/index.html"):
        for figure in site.html(name).select("figure.picture"):
            words = figure.get_text(" ").lower()
            for italian in ("notizi", "mappa", "mese", "paes", "tabella"):
                assert italian not in words, (name, italian)


def test_pictures_have_no_script_and_load_nothing(site):
    for name in (
        "paesi/index.html",
        "paesi/russia/index.html",
        "entita/mosca/index.html",
    ):
        page = site.html(name)
        for figure in page.select("figure.picture"):
            assert not figure.find(["script", "img", "image", "use", "foreignObject"])
            assert "http" not in str(figure.find("style"))


def test_articles_carry_no_picture(site):
    page = site.read("2025/03/ancora-mosca/index.html")
    assert "<svg" not in page and "pic-" not in page


def test_pictures_are_the_same_bytes_in_every_build(site, tmp_path):
    """A second build from scratch (outlines drawn afresh, not read from the
    cache) writes byte-identical pages."""
    again = build_site(tmp_path, ARTICLES)
    assert tree(again.output) == tree(site.output)


def test_outlines_are_kept_in_the_cache_and_read_back(tmp_path):
    maps.outlines.cache_clear()
    drawn = maps.outlines(str(tmp_path))
    assert (tmp_path / "rassegna-world.json").is_file()
    maps.outlines.cache_clear()
    assert maps.outlines(str(tmp_path)) == drawn


def test_a_site_without_countries_has_no_map(make_site):
    site = make_site({"a.md": article("Un concetto", "Parliamo di **inflazione**.")})
    assert "<svg" not in site.read("paesi/index.html")


def test_the_shades_of_coverage():
    assert [maps.shade(n, 50) for n in (1, 2, 5, 20, 50)] == [1, 2, 3, 4, 5]
    assert maps.shade(1, 1) == maps.SHADES
    assert maps.legend(3) == [
        {"shade": 3, "low": 1, "high": 1},
        {"shade": 4, "low": 2, "high": 2},
        {"shade": 5, "low": 3, "high": 3},
    ]
    assert [step["low"] for step in maps.legend(100)] == [1, 2, 6, 15, 40]


def test_path_data_is_read_as_svg_means_it():
    rings = maps._rings("m 10,10 c 1,1 2,2 5,0 l 0,5 h -5 z M 100 100 L 110 100 V 90 z")
    assert rings == [
        [(10, 10), (15, 10), (15, 15), (10, 15)],
        [(100, 100), (110, 100), (110, 90)],
    ]
    assert maps._affine("translate(5,6) scale(2)") == (2, 0, 0, 2, 5, 6)


def test_every_country_is_drawn_or_named_in_the_table():
    world = maps.outlines(None)
    assert {"IT", "DE", "RU", "KP", "US", "AD"} <= set(world["countries"])
    assert maps.locator_map("ZZ", world) is None


def test_a_locator_frames_the_country_not_its_far_islands():
    world = maps.outlines(None)
    x, y, width, height = map(int, maps.locator_map("US", world)["view_box"].split())
    x1, y1, x2, y2 = world["countries"]["US"]["focus"]
    assert x <= x1 and x2 <= x + width and width < maps.WIDTH / 2
    assert y <= y1 and y2 <= y + height
    assert world["countries"]["US"]["box"][2] > x + width  # Guam is left out
    # A small country is ringed, a large one not.
    assert maps.locator_map("AD", world)["marker"] is not None
    assert maps.locator_map("DE", world)["marker"] is None


def test_a_map_is_redrawn_only_when_what_it_draws_changes(tmp_path):
    content = tmp_path / "content"
    site = build_site(tmp_path, ARTICLES)
    index = site.output / "paesi" / "index.html"
    drawn = index.stat().st_mtime_ns
    source = content / "notizie" / "a.md"
    source.write_text(source.read_text().replace("discutono", "trattano"))
    run_pelican(content, site.output, tmp_path / "cache")
    assert index.stat().st_mtime_ns == drawn  # same counts: not rendered again
    source.write_text(source.read_text().replace("osserva", "e **Francia** no"))
    run_pelican(content, site.output, tmp_path / "cache")
    assert index.stat().st_mtime_ns != drawn
    titles = [a.title.get_text() for a in site.html("paesi/index.html").select("svg a")]
    assert "Francia: 1 notizia" in titles
