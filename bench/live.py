"""Save-to-reload latency of `invoke livereload` (bench/run.py --live): the time
from writing a file to the moment a headless Chromium shows the new text; and, as
the anchor, of `hugo server` on the same articles (bench/hugo/).

livereload runs on the benchmark corpus in a project folder of its own: tasks.py
builds content/ into output/ beside itself, so the folder holds a copy of tasks.py
(a link would resolve to this checkout), links to the rest of the checkout
(settings, plugin, theme) and its own content/, output/ and cache/. The project's
own output/ is never touched.
"""

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from corpus import write_corpus

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
# A first build of a large corpus comes before the server answers.
START_TIMEOUT = 1800
# One save, however slow its rebuild, is given up after this.
SAVE_TIMEOUT_MS = 300_000
# A page registers with livereload's server once loaded; the server is busy only
# while it builds.
REGISTER_TIMEOUT = 300
OWN = {"content", "output", "cache", "tasks.py"}


def project_folder(folder: Path, count: int) -> Path:
    """A project whose content/ is a corpus of `count` articles."""
    project = folder / "project"
    project.mkdir()
    for entry in ROOT.iterdir():
        if entry.name not in OWN and not entry.name.startswith("."):
            (project / entry.name).symlink_to(entry)
    shutil.copy2(ROOT / "tasks.py", project / "tasks.py")
    write_corpus(count, project / "content")
    return project


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("localhost", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def serving(command: list[str], cwd: Path, port: int, log: Path):
    """A preview server, from its start until it answers (its first build
    included), stopped with its builds afterwards."""
    with log.open("wb") as sink:
        server = subprocess.Popen(
            command,
            cwd=cwd,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, stopped as one
        )
    try:
        start = time.perf_counter()
        while not answers(f"http://localhost:{port}/"):
            if server.poll() is not None or time.perf_counter() - start > START_TIMEOUT:
                sys.exit(f"{command[0]} did not start:\n{log.read_text()[-4000:]}")
            time.sleep(0.5)  # waiting for the first build, not a measurement
        print(f"  first build and start: {time.perf_counter() - start:.1f} s")
        yield
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        server.wait()


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def until_shown(page, marker: str) -> None:
    """Wait until the page, reloaded by livereload, shows `marker`; Playwright
    evaluates the check again in every page the tab loads."""
    page.wait_for_function(
        "marker => document.body !== null && document.body.innerText.includes(marker)",
        arg=marker,
        polling=20,
        timeout=SAVE_TIMEOUT_MS,
    )


class Listening:
    """Whether the page in the tab has registered with livereload's server (its
    script's "info" message). A save before that would be lost for it: the server
    rebuilds without answering, then reloads only the pages registered."""

    def __init__(self, page):
        self.page, self.ready = page, False
        page.on("framenavigated", self._navigated)
        page.on("websocket", lambda socket: socket.on("framesent", self._sent))

    def _navigated(self, frame) -> None:
        if frame == self.page.main_frame:
            self.ready = False

    def _sent(self, payload) -> None:
        if isinstance(payload, str) and '"info"' in payload:
            self.ready = True

    def wait(self) -> None:
        # Short waits let Playwright deliver the page's events; not a measurement.
        deadline = time.perf_counter() + REGISTER_TIMEOUT
        while not self.ready:
            if time.perf_counter() > deadline:
                sys.exit(f"{self.page.url} never registered with livereload's server")
            self.page.wait_for_timeout(10)


def save(path: Path, text: str) -> None:
    """Write the file whole at once, as an editor saves by renaming: a watcher
    that saw it truncated would build, and reload for, an empty article. The
    draft is written outside the watched folders (in the temporary folder that
    holds the corpus too): Hugo rebuilds for any file it sees appear."""
    handle, draft = tempfile.mkstemp(suffix=".saving")
    with os.fdopen(handle, "w", encoding="utf-8") as sink:
        sink.write(text)
    os.replace(draft, path)


def timed_save(listening: Listening, path: Path, text: str, marker: str) -> float:
    """Seconds from writing `text` to `path` until the page shows `marker`."""
    listening.wait()
    page = listening.page
    start = time.perf_counter()
    save(path, text)
    until_shown(page, marker)
    return time.perf_counter() - start


class BuildsEnded:
    """How many builds the preview server's log says have ended: done, or
    given way to a newer save."""

    LINES = ("Done: Processed", "A newer save: this build gave way")

    def __init__(self, log: Path):
        self.log = log

    def count(self) -> int:
        text = self.log.read_text(encoding="utf-8", errors="replace")
        return sum(text.count(line) for line in self.LINES)

    def wait(self, count: int) -> None:
        deadline = time.perf_counter() + SAVE_TIMEOUT_MS / 1000
        while self.count() < count:
            if time.perf_counter() > deadline:
                sys.exit(f"the preview server's build never ended: see {self.log}")
            time.sleep(0.05)  # waiting for the build to end, not a measurement


def body_edits(
    listening: Listening,
    url: str,
    path: Path,
    saves: int,
    label: str,
    ended: BuildsEnded | None = None,
    prefix: str = "salvataggio",
) -> None:
    """Open `url`, then change the body of `path` `saves` times, each time
    until the page shows it (and, given `ended`, the save's whole build has
    ended); print the median and every value."""
    listening.page.goto(url)
    original = path.read_text(encoding="utf-8")
    latencies = []
    for number in range(saves):
        marker = f"{prefix}{number}verifica"
        text = original.replace("\n\n", f"\n\nControllo {marker}. ", 1)
        builds = ended.count() if ended else 0
        latencies.append(timed_save(listening, path, text, marker))
        if ended:
            ended.wait(builds + 1)
    shown = ", ".join(f"{seconds:.2f}" for seconds in latencies)
    print(
        f"  body edit of one article, {label}, median of {saves}:"
        f" {statistics.median(latencies):.2f} s ({shown})"
    )


@contextlib.contextmanager
def browser_tab():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-background-networking"],
        )
        page = browser.new_page()
        # Without the cache: a page saved twice within one second would be
        # revalidated by its Last-Modified time, whole seconds, and found fresh.
        devtools = page.context.new_cdp_session(page)
        devtools.send("Network.enable")
        devtools.send("Network.setCacheDisabled", {"cacheDisabled": True})
        try:
            yield Listening(page)
        finally:
            browser.close()


def measure_livereload(count: int, saves: int, folder: Path) -> None:
    print(f"\n{count} articles, invoke livereload, save to reload in headless Chromium")
    project = project_folder(folder, count)
    articles = sorted((project / "content" / "notizie").glob("*.md"))
    edited = articles[len(articles) // 2]
    original = edited.read_text(encoding="utf-8")
    port = free_port()
    command = [sys.executable, "-m", "invoke", "livereload", "--port", str(port)]
    with (
        serving(command, project, port, folder / "livereload.log"),
        browser_tab() as listening,
    ):
        site = f"http://localhost:{port}/"
        url = site + article_url(project, edited)
        ended = BuildsEnded(folder / "livereload.log")
        first = ended.count()
        label = "each save once the last build ended"
        body_edits(listening, url, edited, saves, label, ended, "dopo")
        label = "each save as soon as the page showed the last"
        body_edits(listening, url, edited, saves, label, prefix="subito")
        ended.wait(first + 2 * saves)  # one build a save, the last one's too

        listening.page.goto(site)
        marker = "nuovanotiziaverifica"
        added = edited.with_name("99999.md")
        seconds = timed_save(listening, added, new_article(marker), marker)
        print(f"  new article, on the home page: {seconds:.2f} s")

        entity = mentioned_entity(project, original)
        listening.page.goto(site + entity["url"])
        marker = "registroverifica"
        registry = project / "content" / "entities.yml"
        entry = {"kind": entity["kind"], "description": f"Voce {marker}."}
        text = json.dumps({entity["name"]: entry}, ensure_ascii=False)  # JSON is YAML
        seconds = timed_save(listening, registry, text, marker)
        print(f"  registry edit, on the entity's page: {seconds:.2f} s")


def measure_hugo_server(count: int, saves: int, folder: Path, hugo: Path) -> None:
    """The same body edits in `hugo server` (its defaults: pages in memory, fast
    render mode) on the corpus's Hugo flavour."""
    print(f"\n{count} articles, hugo server, save to reload in headless Chromium")
    site_folder, content = folder / "hugo-site", folder / "hugo-content"
    shutil.copytree(Path(__file__).parent / "hugo", site_folder)
    write_corpus(count, content, "hugo")
    edited = sorted((content / "notizie").glob("*.md"))[count // 2]
    port = free_port()
    command = [str(hugo), "server", "--source", str(site_folder)]
    command += ["--contentDir", str(content), "--port", str(port)]
    command += ["--cacheDir", str(folder / "hugo-cache")]
    with (
        serving(command, site_folder, port, folder / "hugo.log"),
        browser_tab() as listening,
    ):
        when = re.search(r"^date: (\d{4})-(\d{2})", edited.read_text("utf-8"), re.M)
        url = f"http://localhost:{port}/{when[1]}/{when[2]}/notizia-{edited.stem}/"
        label = "each save as soon as the page showed the last"
        body_edits(listening, url, edited, saves, label)


def article_url(project: Path, source: Path) -> str:
    """The address of the page built from `source` (its slug is notizia-NNNNN)."""
    slug = f"notizia-{source.stem}"
    [page] = (project / "output").glob(f"*/*/{slug}/index.html")
    return page.parent.relative_to(project / "output").as_posix() + "/"


def new_article(marker: str) -> str:
    """An article dated after the corpus's: first on the home page."""
    return (
        f"Title: Nuova notizia {marker}\nDate: 2099-12-31 10:00\n"
        "Category: Esteri\nSlug: nuova-notizia\n\n"
        "Il testo della notizia, con **Marco Rossi**.\n"
    )


def mentioned_entity(project: Path, article: str) -> dict:
    """An entity bold in `article`, as entities.json describes it; one whose
    kind needs no country, so that a registry entry may keep its kind."""
    built = json.loads((project / "output" / "entities.json").read_text("utf-8"))
    for entity in built["entities"]:
        if f"**{entity['name']}**" in article and entity["kind"] in (
            "person",
            "organization",
            "concept",
            "other",
        ):
            return entity
    sys.exit("no entity of the edited article in entities.json")
