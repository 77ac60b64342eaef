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
from conftest import project_copy

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
        output.wait_for("Start watching changes", 120)
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
    page.locator(".body a.entity", has_text="Kim").first.click()
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
    sync_api.expect(page.locator("main")).to_contain_text(
        "descrizione rivista", timeout=120_000
    )
