"""In Debian's Chromium (driven by Playwright): a reader browses from an article
to its entities and countries, and a curator's edit reloads the open page."""

import os
import selectors
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT

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


def _wait_for_line(process: subprocess.Popen, text: str, seconds: float) -> str:
    """Read the process's output until a line holds `text`."""
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    seen, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        if selector.select(timeout=deadline - time.monotonic()):
            line = process.stdout.readline()
            if not line:
                break
            seen.append(line)
            if text in line:
                return line
    raise AssertionError(f"{text!r} never came; output:\n{''.join(seen)}")


@pytest.fixture
def preview(tmp_path):
    """`invoke livereload` serving a copy of the project."""
    project = tmp_path / "project"
    for name in ("content", "theme", "plugins"):
        shutil.copytree(ROOT / name, project / name)
    for name in ("pelicanconf.py", "tasks.py"):
        shutil.copy(ROOT / name, project / name)
    port = _free_port()
    invoke = Path(sys.executable).parent / "invoke"
    process = subprocess.Popen(
        [str(invoke), "livereload", "--port", str(port)],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _wait_for_line(process, "Start watching changes", 120)
        yield project, f"http://127.0.0.1:{port}/"
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
    _, address = preview
    page = browser.new_page()
    page.goto(address + ARTICLE)
    page.locator(".body a.entity", has_text="Kim").first.click()
    page.wait_for_url("**/entita/kim-jong-un/")
    assert page.locator("h1").inner_text() == "Kim Jong Un"
    assert page.locator(".aliases").inner_text() == "Anche: Kim"
    page.locator("nav a", has_text="Paesi").click()
    page.wait_for_url("**/paesi/")
    page.locator(".index a", has_text="Germania").click()
    assert page.locator("h1").inner_text() == "Germania"
    assert "Berlino il vertice" in page.locator(".articles").inner_text()


def test_an_edit_reloads_the_open_page(preview, browser):
    project, address = preview
    page = browser.new_page()
    page.goto(address + ARTICLE)
    source = project / "content" / "notizie" / "2025-12-29-kim-putin-alleanza.md"
    text = source.read_text(encoding="utf-8")
    with page.expect_navigation(timeout=120_000):
        source.write_text(
            text.replace("Title: Kim Jong Un a Putin", "Title: Kim scrive a Putin")
        )
    assert page.locator("h1").inner_text().startswith("Kim scrive a Putin")
