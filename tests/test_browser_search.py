"""In Debian's Chromium (driven by Playwright): a reader searches the sample site
and follows the coverage map, on a static server that puts the site under a
sub-path, as a project site on GitHub Pages is."""

import functools
import http.server
import os
import threading
from pathlib import Path

import pytest
from conftest import ROOT, run_pelican

CHROMIUM = "/usr/bin/chromium"

if not Path(CHROMIUM).exists():
    if os.environ.get("RASSEGNA_REQUIRE_BROWSER"):
        raise RuntimeError("Debian's Chromium is required: apt-get install chromium")
    pytest.skip("Debian's Chromium is not installed", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def _served(folder, **overrides):
    """The sample site built and served at http://127.0.0.1:<port>/rassegna/."""
    site = run_pelican(
        ROOT / "content", folder / "rassegna", folder / "cache", **overrides
    )
    if overrides:
        assert len(list((site.output / "pagefind").glob("part-*"))) > 1
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/rassegna/"
    server.shutdown()


@pytest.fixture(scope="module")
def address(tmp_path_factory):
    yield from _served(tmp_path_factory.mktemp("served"))


@pytest.fixture(scope="module")
def address_in_parts(tmp_path_factory):
    """The same site with its search index in parts of two pages or more."""
    yield from _served(tmp_path_factory.mktemp("parts"), RASSEGNA_SEARCH_PART_PAGES=2)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A page that records the errors its console reports."""
    context = browser.new_context()
    page = context.new_page()
    # Generous for a loaded machine; every wait polls, so it costs nothing when
    # the page is quick.
    page.set_default_timeout(60_000)
    page.errors = []

    def record(message):
        if message.type == "error":
            page.errors.append(message.text)

    page.on("console", record)
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


def test_searching_kim_lands_on_kim_jong_un(address, page):
    page.goto(address + "cerca/")
    page.locator(".pagefind-ui__search-input").fill("Kim")
    first = page.locator(".pagefind-ui__result-link").first
    sync_api.expect(first).to_have_text("Kim Jong Un", timeout=60_000)
    first.click()
    page.wait_for_url("**/rassegna/entita/kim-jong-un/")
    assert page.locator("h1").inner_text() == "Kim Jong Un"
    assert page.errors == []


def test_a_query_in_the_address_is_searched_and_filters_work(address, page):
    page.goto(address + "cerca/?q=Kim")
    results = page.locator(".pagefind-ui__result-link")
    sync_api.expect(results.first).to_have_text("Kim Jong Un", timeout=60_000)
    # The rewritten (sorted) filter files are read by Pagefind itself.
    urls = page.evaluate(
        """async () => {
            const pagefind = await import("../pagefind/pagefind.js");
            const filters = {paese: "Corea del Sud"};
            const search = await pagefind.search("Kim", {filters});
            const pages = await Promise.all(search.results.map(r => r.data()));
            return pages.map(p => p.url).sort();
        }"""
    )
    assert urls == ["/rassegna/2025/12/seul-coordinamento-nato/"]
    assert page.errors == []


def test_an_index_in_parts_finds_what_one_index_finds(address, address_in_parts, page):
    """The search page merges the parts the first bundle lists."""

    def found(site):
        page.goto(site + "cerca/?q=Kim")
        results = page.locator(".pagefind-ui__result-link")
        sync_api.expect(results.first).to_be_visible(timeout=60_000)
        return sorted(results.evaluate_all("all => all.map(a => a.href)"))

    one = found(address)
    assert len(one) > 1
    assert [url.split("/rassegna/")[1] for url in found(address_in_parts)] == [
        url.split("/rassegna/")[1] for url in one
    ]
    assert page.errors == []


def test_the_map_links_each_country_to_its_page(address, page):
    page.goto(address + "paesi/")
    links = page.locator("figure.picture-map svg a")
    assert links.count() == 6
    for index in range(links.count()):
        target = links.nth(index).evaluate("a => a.href.baseVal ?? a.href")
        response = page.request.get(page.url + target)
        assert response.ok, target
    links.filter(has=page.locator("title", has_text="Germania")).click()
    page.wait_for_url("**/rassegna/paesi/germania/")
    assert page.locator("h1").inner_text() == "Germania"
    assert page.locator("figure.picture-locator svg path.pic-here").count() == 1
    assert page.errors == []


def test_without_javascript_the_site_still_works(address, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(address + "cerca/")
    page.locator("#search a", has_text="paesi").click()
    page.wait_for_url("**/rassegna/paesi/")
    page.locator("figure.picture-map svg a").filter(
        has=page.locator("title", has_text="Russia")
    ).click()
    page.wait_for_url("**/rassegna/paesi/russia/")
    context.close()
