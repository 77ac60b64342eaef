"""In Debian's Chromium (driven by Playwright): a reader browses from an article
to its entities and countries, and a curator's edit reloads the open page."""

import os
import queue
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import MENTION, project_copy

CHROMIUM = "/usr/bin/chromium"
ARTICLE = "2025/12/kim-jong-un-putin-alleanza-corea-del-nord-russia/"

if not Path(CHROMIUM).exists():
    if os.environ.get("RASSEGNA_REQUIRE_BROWSER"):
        raise RuntimeError("Debian's Chromium is required: apt-get install chromium")
    pytest.skip("Debian's Chromium is not installed", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ServerOutput:
    """The lines a server process prints, read by a thread as they come."""

    def __init__(self, process: subprocess.Popen):
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, args=(process.stdout,), daemon=True).start()

    def _read(self, stream) -> None:
        for line in stream:
            self.lines.put(line)

    def wait_for(self, text: str, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                break
            self.seen.append(line)
            if text in line:
                return
        raise AssertionError(f"{text!r} never came; output:\n{''.join(self.seen)}")


@pytest.fixture
def preview(tmp_path):
    """`invoke livereload` serving a copy of the project."""
    project = project_copy(tmp_path)
    port = _free_port()
    invoke = Path(sys.executable).parent / "invoke"
    process = subprocess.Popen(
        [str(invoke), "livereload", "--port", str(port)],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = ServerOutput(process)
    try:
        output.wait_for("Watching for changes", 120)
        yield project, f"http://127.0.0.1:{port}/", output
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


def test_reader_goes_from_a_mention_to_its_entity_and_country(preview, browser):
    _, address, _ = preview
    page = browser.new_page()
    page.set_default_timeout(120_000)  # a loaded CI machine can be slow
    page.goto(address + ARTICLE)
    page.locator(f".body {MENTION}", has_text="Kim").first.click()
    page.wait_for_url("**/entita/kim-jong-un/")
    assert page.locator("h1").inner_text() == "Kim Jong Un"
    assert page.locator(".aliases").inner_text() == "Anche: Kim"
    page.locator("nav a", has_text="Paesi").click()
    page.wait_for_url("**/paesi/")
    page.locator(".index a", has_text="Germania").click()
    page.wait_for_url("**/paesi/germania/")
    assert page.locator("h1").inner_text() == "Germania"
    assert "Berlino il vertice" in page.locator(".articles").inner_text()


def test_an_edit_reloads_the_open_page(preview, browser):
    project, address, server = preview
    page = browser.new_page()
    page.goto(address + ARTICLE)
    server.wait_for("Browser Connected", 60)  # the page listens for reloads
    source = project / "content" / "notizie" / "2025-12-29-kim-putin-alleanza.md"
    text = source.read_text(encoding="utf-8")
    edited = source.with_suffix(".tmp")
    edited.write_text(
        text.replace("Title: Kim Jong Un a Putin", "Title: Kim scrive a Putin")
    )
    edited.replace(source)  # saved in one step, as editors do
    heading = page.locator("h1")
    sync_api.expect(heading).to_contain_text("Kim scrive a Putin", timeout=120_000)


def _save(path: Path, text: str) -> None:
    """Save in one step, as editors do."""
    edited = path.with_suffix(".tmp")
    edited.write_text(text, encoding="utf-8")
    edited.replace(path)


def test_a_failed_build_shows_in_the_page_until_it_is_fixed(preview, browser):
    project, address, server = preview
    page = browser.new_page()
    page.goto(address + ARTICLE)
    server.wait_for("Browser Connected", 60)
    source = project / "content" / "notizie" / "2025-12-29-kim-putin-alleanza.md"
    text = source.read_text(encoding="utf-8")
    _save(source, text.replace("Title: ", "Titolo mancante: ", 1))
    sync_api.expect(page.locator("h1")).to_have_text(
        "Build non riuscita", timeout=120_000
    )
    assert "2025-12-29-kim-putin-alleanza.md" in page.locator("pre").inner_text()
    _save(source, text)
    sync_api.expect(page.locator("h1")).to_contain_text(
        "Kim Jong Un a Putin", timeout=120_000
    )


def test_a_registry_edit_changes_the_entity_page(preview, browser):
    project, address, server = preview
    page = browser.new_page()
    page.goto(address + "entita/kim-jong-un/")
    server.wait_for("Browser Connected", 60)
    registry = project / "content" / "entities.yml"
    text = registry.read_text(encoding="utf-8")
    _save(
        registry,
        text.replace(
            "Leader supremo della Corea del Nord dal 2011.",
            "Guida della Corea del Nord, descrizione rivista.",
        ),
    )
    # The page the tab shows is rendered as soon as the build asks for it.
    server.wait_for("Previewed entita/kim-jong-un/index.html", 120)
    sync_api.expect(page.locator("main")).to_contain_text(
        "descrizione rivista", timeout=120_000
    )


def test_a_theme_edit_restarts_the_build_process(preview, browser):
    """A change to the theme starts a new build process, which shows it."""
    project, address, server = preview
    page = browser.new_page()
    page.goto(address + ARTICLE)
    server.wait_for("Browser Connected", 60)
    base = project / "theme" / "templates" / "base.html"
    text = base.read_text(encoding="utf-8")
    _save(base, text.replace("<footer>", "<footer><p>Piè di pagina nuovo</p>", 1))
    server.wait_for("a new build process", 60)
    sync_api.expect(page.locator("footer")).to_contain_text(
        "Piè di pagina nuovo", timeout=120_000
    )


@pytest.fixture(scope="module")
def static_site(tmp_path_factory):
    """The sample site, built once and served as static files."""
    import functools
    import http.server

    from conftest import ROOT, run_pelican

    folder = tmp_path_factory.mktemp("walk")
    site = run_pelican(ROOT / "content", folder / "output", folder / "cache")
    handler = functools.partial(
        http.server.SimpleHTTPRequestHandler, directory=str(site.output)
    )
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("width", [1280, 375])
def test_reader_walks_from_home_to_a_related_article(static_site, browser, width):
    page = browser.new_page(viewport={"width": width, "height": 800})
    problems = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "request",
        lambda r: r.url.startswith(static_site) or problems.append("request " + r.url),
    )
    # Every step waits for its address and its heading (Playwright retries them
    # until they hold), never for a fixed time.
    expect = sync_api.expect
    page.goto(static_site)
    page.locator(".digest-item h2 a", has_text="Kim Jong Un a Putin").click()
    page.wait_for_url("**/" + ARTICLE)
    page.locator(".entities a", has_text="Kim Jong Un").click()
    page.wait_for_url("**/entita/kim-jong-un/")
    expect(page.locator("h1")).to_have_text("Kim Jong Un")
    expect(page.locator(".kind")).to_have_text("Persona")
    page.locator("a.home-country").click()
    page.wait_for_url("**/paesi/corea-del-nord/")
    expect(page.locator("h1")).to_have_text("Corea del Nord")
    page.locator("section h2 a").first.click()
    page.wait_for_url("**/temi/*/")
    seed = page.locator(".articles .article-title", has_text="Kim Jong Un a Putin")
    seed.first.click()
    page.wait_for_url("**/" + ARTICLE)
    related = page.locator(".related a").first
    title = related.inner_text()
    target = related.evaluate("a => a.href")  # the absolute address
    related.click()
    page.wait_for_url(target)
    expect(page.locator("h1")).to_have_text(title)
    # Nothing is wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert problems == []


def test_keyboard_reader_skips_the_mentions(static_site, browser):
    page = browser.new_page()
    page.goto(static_site + ARTICLE)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    skip = page.locator(".skip-mentions")
    skip.focus()
    assert skip.is_visible()
    page.keyboard.press("Enter")
    page.wait_for_url("**#entita-citate")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.closest('aside')?.id")
    assert focused == "entita-citate"
