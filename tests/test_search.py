"""The search index Pagefind writes at the end of every build, read back from its
files: what is indexed, with which filters, and that it is rebuilt cleanly."""

import gzip
import json
import sys

import pytest
from conftest import article, build_site, run_pelican, tree
from rassegna.errors import BuildError
from rassegna.search import NewerBuild, _read, _run

ARTICLES = {
    "a.md": article(
        "Vertice sul gas",
        "**Kim Jong Un** incontra la **Russia**; parola rara: zibaldone.",
        category="Esteri",
    ),
    "b.md": article(
        "Bozza segreta",
        "Una bozza su **Kim Jong Un**: parola rara bozzolario.",
        status="draft",
    ),
    "c.md": article(
        "Pagina nascosta",
        "Nascosta su **Kim Jong Un**: parola rara nascondiglio.",
        status="hidden",
    ),
    "d.md": article(
        "Economia di Berlino",
        "La **Germania**, l’**Austria** e **Kim** discutono di **inflazione**.",
        date="2025-02-01 10:00",
        category="Economia",
    ),
}
REGISTRY = """\
Kim Jong Un:
  kind: person
  country: KP
  aliases: [Kim]
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build_site(tmp_path_factory.mktemp("search"), ARTICLES, REGISTRY)


def bundles(site) -> list:
    """The index's bundles: the first, then the parts it lists."""
    first = site.output / "pagefind"
    parts = json.loads((first / "parts.json").read_text())
    return [first, *(first / part for part in parts)]


def fragments(site) -> dict[str, dict]:
    """Every indexed page: URL → the fragment Pagefind stored for it (a page
    is in one part only)."""
    found = {}
    for bundle in bundles(site):
        for path in sorted((bundle / "fragment").iterdir()):
            fragment = _read_json(path)
            assert fragment["url"] not in found
            found[fragment["url"]] = fragment
    return found


def changed_times(site) -> dict:
    return {
        path: path.stat().st_ctime_ns
        for path in (site.output / "pagefind").rglob("*")
        if path.is_file()
    }


def _read_json(path):
    data = gzip.decompress(path.read_bytes())
    return json.loads(data.removeprefix(b"pagefind_dcd"))


def test_published_articles_and_digest_pages_are_indexed(site):
    indexed = fragments(site)
    assert "/2025/01/vertice-sul-gas/" in indexed
    assert "/entita/kim-jong-un/" in indexed
    assert "/paesi/russia/" in indexed
    assert "/temi/esteri/" in indexed
    # Lists, indexes, the home page and the search page are not results.
    for url in ("/", "/paesi/", "/entita/", "/temi/", "/cerca/", "/404.html"):
        assert url not in indexed


def test_drafts_and_hidden_articles_are_never_indexed(site):
    text = " ".join(f["content"] + str(f["meta"]) for f in fragments(site).values())
    assert "zibaldone" in text
    assert "bozzolario" not in text and "Bozza segreta" not in text
    assert "nascondiglio" not in text and "Pagina nascosta" not in text
    # The hidden article's page exists, unindexed.
    assert (site.output / "2025/01/pagina-nascosta/index.html").is_file()


def test_an_entity_page_indexes_its_header_only(site):
    entity = fragments(site)["/entita/kim-jong-un/"]
    assert entity["meta"]["title"] == "Kim Jong Un"
    assert "Kim Jong Un" in entity["content"] and "Kim" in entity["content"]
    assert "Vertice sul gas" not in entity["content"]  # its article list is not
    assert entity["filters"] == {"tipo": ["Persone"]}


def test_articles_carry_topic_country_and_kind_filters(site):
    story = fragments(site)["/2025/01/vertice-sul-gas/"]
    assert story["filters"] == {
        "tipo": ["Notizia"],
        "tema": ["Esteri"],
        "paese": ["Russia"],
    }


def test_filters_are_stored_sorted(site):
    countries = set()
    for bundle in bundles(site):
        for path in (bundle / "filter").iterdir():
            key, values = _read(path)
            stored = [value for value, _ in values]
            assert stored == sorted(stored)
            if key == "paese":
                countries.update(stored)
    assert countries == {"Austria", "Germania", "Russia"}


def test_the_index_is_italian(site):
    for bundle in bundles(site):
        assert '"it"' in (bundle / "pagefind-entry.json").read_text()
        assert (bundle / "wasm.it.pagefind").is_file()


@pytest.fixture(scope="module")
def in_parts(tmp_path_factory):
    """The site indexed in parts of two pages or more: four parts."""
    folder = tmp_path_factory.mktemp("parts")
    return build_site(folder, ARTICLES, REGISTRY, **IN_PARTS)


IN_PARTS = {"RASSEGNA_SEARCH_PART_PAGES": 2}


def test_an_index_in_parts_holds_every_page_once(site, in_parts):
    """Each part is a bundle the first lists, no part folder is unlisted, and
    the parts hold the pages one index would, with the same fragments."""
    first = in_parts.output / "pagefind"
    found = sorted(p.name + "/" for p in first.iterdir() if p.name.startswith("part-"))
    assert len(bundles(in_parts)) == 4
    assert json.loads((first / "parts.json").read_text()) == found
    for bundle in bundles(in_parts):
        assert (bundle / "pagefind-entry.json").is_file()
    assert fragments(in_parts) == fragments(site)


def test_a_small_site_has_one_index(site):
    """Parts of 1,000 pages (pelicanconf.py) start at 2,000 pages."""
    first = site.output / "pagefind"
    assert json.loads((first / "parts.json").read_text()) == []
    assert not [p for p in first.iterdir() if p.name.startswith("part-")]


def test_the_part_size_must_be_a_whole_number(tmp_path):
    with pytest.raises(BuildError, match="RASSEGNA_SEARCH_PART_PAGES is 0"):
        build_site(tmp_path, ARTICLES, REGISTRY, RASSEGNA_SEARCH_PART_PAGES=0)


def test_an_edit_indexes_again_only_the_part_of_its_pages(tmp_path):
    """An article's body edit rewrites its page alone: the part that page is in
    is indexed again, every other part is kept untouched, and the index equals
    a clean build's."""
    site = build_site(tmp_path, ARTICLES, REGISTRY, **IN_PARTS)
    before = changed_times(site)
    edited = ARTICLES["a.md"].replace("zibaldone", "ghirigoro")
    (tmp_path / "content" / "notizie" / "a.md").write_text(edited)
    run_pelican(tmp_path / "content", site.output, tmp_path / "cache", **IN_PARTS)
    after = changed_times(site)
    story = "/2025/01/vertice-sul-gas/"
    home = next(b for b in bundles(site) if story in _urls(b))
    rewritten = {p for p in after if after[p] != before.get(p)}
    assert rewritten and rewritten <= _files(home)
    assert len(rewritten) < len(after)
    assert "ghirigoro" in fragments(site)[story]["content"]
    clean = build_site(
        tmp_path / "clean", {**ARTICLES, "a.md": edited}, REGISTRY, **IN_PARTS
    )
    assert tree(site.output / "pagefind") == tree(clean.output / "pagefind")


def test_an_index_in_parts_equals_a_clean_builds_after_each_edit(tmp_path):
    """New, removed, withdrawn and edited articles move pages in and out of
    parts: after each, the index equals a clean build's."""
    content = tmp_path / "content"
    site = build_site(tmp_path, ARTICLES, REGISTRY, **IN_PARTS)
    articles = dict(ARTICLES)
    steps = [
        ("e.md", article("Nuovo vertice", "La **Francia** e la **Spagna**: pioppo.")),
        ("d.md", None),
        ("a.md", ARTICLES["a.md"].replace("\n\n", "\nStatus: draft\n\n", 1)),
        ("e.md", article("Nuovo vertice", "La **Francia** sola: platano.")),
    ]
    for number, (name, text) in enumerate(steps):
        if text is None:
            (content / "notizie" / name).unlink()
            del articles[name]
        else:
            (content / "notizie" / name).write_text(text)
            articles[name] = text
        run_pelican(content, site.output, tmp_path / "cache", **IN_PARTS)
        clean = build_site(tmp_path / f"clean{number}", articles, REGISTRY, **IN_PARTS)
        assert tree(site.output / "pagefind") == tree(clean.output / "pagefind"), name


def _files(bundle) -> set:
    """A bundle's own files: the first's hold the other parts' folders."""
    return {
        path
        for path in bundle.rglob("*")
        if path.is_file()
        and not path.relative_to(bundle).parts[0].startswith("part-")
        and path.name != "parts.json"
    }


def _urls(bundle) -> set[str]:
    fragment = bundle / "fragment"
    return {_read_json(path)["url"] for path in fragment.iterdir()}


def test_the_search_page_loads_the_ui_from_the_site(site):
    page = site.html("cerca/index.html")
    scripts = [s.get("src") for s in page.select("script[src]")]
    assert scripts == ["../pagefind/pagefind-ui.js"]
    box = page.select_one("#search")
    assert box["data-site-root"] == "../"
    assert box["data-bundle"] == "../pagefind/"
    assert page.select_one("#search noscript a")["href"] == "../paesi/"
    assert (site.output / "pagefind" / "pagefind-ui.js").is_file()


def test_published_under_a_path_the_search_page_knows_its_root(tmp_path):
    site = build_site(
        tmp_path,
        ARTICLES,
        REGISTRY,
        SITEURL="https://example.org/rassegna",
        RELATIVE_URLS=False,
    )
    page = site.html("cerca/index.html")
    assert (
        page.select_one("#search")["data-site-root"] == "https://example.org/rassegna/"
    )


def test_a_rebuild_leaves_no_stale_index_files(site, tmp_path):
    """The index of a rebuild after an edit equals a clean build's: same files,
    same bytes."""
    edited = {**ARTICLES, "a.md": ARTICLES["a.md"].replace("zibaldone", "ghirigoro")}
    first = tmp_path / "incremental"
    build_site(first, ARTICLES, REGISTRY)
    (first / "content" / "notizie" / "a.md").write_text(edited["a.md"])
    rebuilt = run_pelican(first / "content", first / "output", first / "cache")
    clean = build_site(tmp_path / "clean", edited, REGISTRY)
    assert tree(rebuilt.output / "pagefind") == tree(clean.output / "pagefind")


def test_a_rebuild_with_the_same_pages_keeps_the_index_untouched(tmp_path):
    """Pagefind would write the same bytes from the same pages: the bundle is
    kept, not rewritten, and counted as the build's (not removed as stale); a
    bundle changed by hand is written again."""
    site = build_site(tmp_path, ARTICLES, REGISTRY)
    bundle = site.output / "pagefind"
    written = {p: p.stat().st_ctime_ns for p in bundle.rglob("*") if p.is_file()}
    content = tmp_path / "content"
    run_pelican(content, site.output, tmp_path / "cache")
    assert {p: p.stat().st_ctime_ns for p in bundle.rglob("*") if p.is_file()} == (
        written
    )
    clean = build_site(tmp_path / "clean", ARTICLES, REGISTRY)
    assert tree(bundle) == tree(clean.output / "pagefind")
    fragment = next((bundle / "fragment").iterdir())
    fragment.unlink()
    run_pelican(content, site.output, tmp_path / "cache")
    assert tree(bundle) == tree(clean.output / "pagefind")


def test_the_index_does_not_replace_a_folder_it_did_not_write(tmp_path):
    mine = tmp_path / "output" / "pagefind"
    mine.mkdir(parents=True)
    (mine / "notes.txt").write_text("mine")
    with pytest.raises(BuildError, match="not a search index Pagefind wrote"):
        build_site(tmp_path, ARTICLES, REGISTRY)
    assert (mine / "notes.txt").read_text() == "mine"


def test_no_index_when_the_setting_is_off(tmp_path):
    site = build_site(tmp_path, ARTICLES, REGISTRY, RASSEGNA_SEARCH_BUNDLE=None)
    assert not (site.output / "pagefind").exists()


def test_with_nothing_published_nothing_is_indexed(tmp_path, caplog):
    """Pagefind indexes every page when none is marked; a site of drafts and
    hidden articles gets no index instead."""
    drafts = {name: ARTICLES[name] for name in ("b.md", "c.md")}
    site = build_site(tmp_path, drafts, REGISTRY)
    assert not (site.output / "pagefind").exists()
    assert "No published page to index" in caplog.text


def test_published_pages_are_indexed_hidden_ones_not(tmp_path):
    content = tmp_path / "content"
    pages = content / "pagine"
    pages.mkdir(parents=True)
    (pages / "chi-siamo.md").write_text("Title: Chi siamo\n\nRedazione quercia.\n")
    (pages / "bozza.md").write_text("Title: Riservata\nStatus: hidden\n\nIl tasso.\n")
    (content / "notizie").mkdir()
    (content / "notizie" / "a.md").write_text(ARTICLES["a.md"])
    (content / "entities.yml").write_text(REGISTRY)
    site = run_pelican(content, tmp_path / "output", tmp_path / "cache")
    indexed = fragments(site)
    assert indexed["/chi-siamo/"]["filters"] == {"tipo": ["Pagina"]}
    assert "quercia" in indexed["/chi-siamo/"]["content"]
    assert "tasso" in site.read("riservata/index.html")  # written, never indexed
    assert not any("tasso" in f["content"] for f in indexed.values())


def test_pagefind_stops_when_a_newer_build_waits():
    """The preview's warm process asks, while Pagefind runs, whether a newer
    build waits: the run is killed at once rather than waited for (here a
    command that would never end by itself)."""
    answers = iter([False, False, True])
    never_ends = [sys.executable, "-c", "import signal; signal.pause()"]
    with pytest.raises(NewerBuild):
        _run(never_ends, lambda: next(answers))
    with pytest.raises(NewerBuild):  # already waiting: nothing is started
        _run(["/nonexistent/pagefind"], lambda: True)
