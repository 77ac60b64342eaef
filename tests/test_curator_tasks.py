"""The curator's tasks run as a curator runs them: `invoke new`, `invoke import`
and the publishing guard, in a copy of the project."""

import io
import os
import shutil
import socket
import subprocess
import sys
import tarfile
import threading
import urllib.request
from datetime import datetime
from pathlib import Path
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

from bs4 import BeautifulSoup
from conftest import ROOT, project_copy, run_pelican

from curator.articles import parse_agency_text
from tasks import output_file

INVOKE = Path(sys.executable).parent / "invoke"
SEED = """\
ANSA. Il presidente **Sergio Mattarella** ha parlato a **Roma** di “futuro”.
L’incontro è durato un’ora. Si è parlato di **Europa**.
Le reazioni
I partiti hanno commentato l’intervento.
"""


def invoke(project: Path, *args, stdin=None, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(INVOKE), *args],
        cwd=project,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **env},
    )


def test_new_writes_an_empty_article_dated_today_and_never_overwrites(tmp_path):
    project = project_copy(tmp_path)
    days = {datetime.now(ZoneInfo("Europe/Rome")).date()}
    result = invoke(
        project, "new", "Vertice a Bruxelles: l’accordo", "--topic", "Esteri"
    )
    days.add(datetime.now(ZoneInfo("Europe/Rome")).date())
    assert result.returncode == 0, result.stderr
    printed = result.stdout.strip()
    assert printed.startswith("content/notizie/") and printed.endswith(
        "-vertice-a-bruxelles-l-accordo.md"
    )
    path = project / printed
    assert path.name[:10] in {day.isoformat() for day in days}
    title, date, category, blank, *body = path.read_text("utf-8").split("\n")
    assert title == "Title: Vertice a Bruxelles: l’accordo"
    assert date.startswith(f"Date: {path.name[:10]} ")
    assert (category, blank, body) == ("Category: Esteri", "", [""])

    path.write_text(path.read_text("utf-8") + "Testo scritto dal curatore.\n", "utf-8")
    again = invoke(project, "new", "Vertice a Bruxelles: l’accordo")
    assert again.returncode != 0
    assert path.name in again.stdout + again.stderr
    assert path.read_text("utf-8").endswith("Testo scritto dal curatore.\n")


def test_agency_text_becomes_source_headings_title_and_summary():
    draft = parse_agency_text(SEED)
    assert draft.source == "ANSA"
    assert (
        draft.title == "Il presidente Sergio Mattarella ha parlato a Roma di “futuro”"
    )
    assert draft.summary.startswith("Il presidente Sergio Mattarella")
    assert draft.headings == ["Le reazioni"]
    assert draft.paragraphs == [
        "Il presidente **Sergio Mattarella** ha parlato a **Roma** di “futuro”.",
        "L’incontro è durato un’ora. Si è parlato di **Europa**.",
        "## Le reazioni",
        "I partiti hanno commentato l’intervento.",
    ]


def test_import_of_the_seed_builds_with_the_shipped_articles_entities(tmp_path):
    project = project_copy(tmp_path)
    shipped = project / "content/notizie/2025-12-29-kim-putin-alleanza.md"
    seed = (ROOT / "tests/data/agency_seed.txt").read_text("utf-8")
    result = invoke(
        project, "import", "-", "--topic", "Esteri", "--date", "2025-12-29 09:00",
        stdin=seed,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Source:   AgenPress" in result.stdout
    assert "Headings: Rafforzamento della cooperazione militare, Implicazioni" in (
        result.stdout
    )
    written = project / result.stdout.split()[1]
    text = written.read_text("utf-8")
    assert "Source: AgenPress\n" in text and "Category: Esteri\n" in text
    assert "“anno davvero importante”" in text and "l’alleanza" in text
    assert "\n## Implicazioni geopolitiche\n" in text

    again = invoke(project, "import", "-", "--date", "2025-12-29", stdin=seed)
    assert again.returncode != 0 and written.name in again.stdout + again.stderr
    assert written.read_text("utf-8") == text

    builds = {}
    for name, keep in (("shipped", shipped), ("imported", written)):
        content = tmp_path / name
        (content / "notizie").mkdir(parents=True)
        (content / "entities.yml").write_bytes(
            (project / "content/entities.yml").read_bytes()
        )
        (content / "notizie" / keep.name).write_bytes(keep.read_bytes())
        site = run_pelican(content, tmp_path / f"{name}-out", tmp_path / f"{name}-c")
        builds[name] = {
            (e["name"], e["kind"], e["country"]) for e in site.json()["entities"]
        }
    assert builds["imported"] == builds["shipped"]
    assert ("Kim Jong Un", "person", "KP") in builds["imported"]


def test_publish_refuses_an_address_that_is_not_https(tmp_path):
    project = project_copy(tmp_path)
    for siteurl in ("", "http://example.org"):
        result = invoke(project, "publish", RASSEGNA_SITEURL=siteurl)
        assert result.returncode != 0
        assert "RASSEGNA_SITEURL" in result.stderr and "https://" in result.stderr
        assert not (project / "output").exists()


SITEURL = "https://example.github.io/rassegna"


def git(cwd: Path, *args) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True
    ).stdout


def checkout_state(clone: Path) -> tuple[str, ...]:
    """What publishing must not change: working tree and index, branches, HEAD."""
    return (
        git(clone, "status", "--porcelain", "--ignored=no"),
        git(clone, "for-each-ref", "refs/heads"),
        git(clone, "symbolic-ref", "HEAD"),
        git(clone, "rev-parse", "HEAD"),
        git(clone, "ls-files", "--stage"),
    )


def assert_links_lead_into(site: Path, path: Path) -> None:
    """Every link of the published page `path` leads to a file of `site`: pages
    link relatively, the canonical link is absolute under SITEURL, and so is
    every link of 404.html, which GitHub Pages serves at any missing address."""
    page = BeautifulSoup(path.read_bytes(), "html.parser")
    assert page.find("link", rel="canonical")["href"].startswith(SITEURL + "/"), path
    for element in page.find_all(["a", "link", "img", "script", "form"]):
        target = element.get("href") or element.get("src") or element.get("action")
        if not target or target.startswith("#"):
            continue
        if "wikidata.org" in target or "github.com" in target:
            continue
        absolute = target.startswith(("https://", "http://"))
        if absolute:
            assert target.startswith(SITEURL + "/"), (path, target)
            file = site / target.removeprefix(SITEURL + "/")
        else:
            assert path.name != "404.html" and "canonical" not in element.get(
                "rel", []
            ), (path, target)
            file = path.parent / target
        if target.endswith("/") or target == ".":
            file = file / "index.html"
        assert file.resolve().is_file(), (path, target)
        assert file.resolve().is_relative_to(site.resolve()), (path, target)


def test_gh_pages_pushes_the_published_site_and_leaves_the_checkout_alone(tmp_path):
    """A bare repository stands in for GitHub; the project, with a draft, is a
    git repository of its own whose origin is that bare repository."""
    clone = project_copy(tmp_path)
    shutil.copy(ROOT / ".gitignore", clone / ".gitignore")
    (clone / "content/notizie/bozza.md").write_text(
        "Title: Bozza riservata\nDate: 2025-12-31 10:00\nCategory: Esteri\n"
        "Status: draft\n\n"
        "Testo della bozza con **Marte Segreto**.\n",
        "utf-8",
    )
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(clone, "init", "-q", "-b", "main")
    git(clone, "add", "-A")
    git(clone, "-c", "user.name=T", "-c", "user.email=t@t", "commit", "-qm", "site")
    git(clone, "remote", "add", "origin", str(remote))
    before = checkout_state(clone)

    result = invoke(
        clone, "gh-pages", RASSEGNA_SITEURL=SITEURL, RASSEGNA_CNAME="news.example.org"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"to gh-pages of origin ({remote})" in result.stdout
    assert checkout_state(clone) == before

    site = tmp_path / "published"
    site.mkdir()
    archive = subprocess.run(
        ["git", "archive", "gh-pages"], cwd=remote, capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as files:
        files.extractall(site, filter="data")
    for name in ("index.html", ".nojekyll", "entities.json", "CNAME", "sitemap.xml"):
        assert (site / name).is_file(), name
    sitemap = (site / "sitemap.xml").read_text("utf-8")
    assert f"<loc>{SITEURL}/entita/kim-jong-un/</loc>" in sitemap
    assert (site / "CNAME").read_text().strip() == "news.example.org"
    files = [p for p in site.rglob("*") if p.is_file()]
    for path in files:
        data = path.read_bytes()
        assert b"Bozza riservata" not in data and b"Marte Segreto" not in data, path
        assert b"localhost" not in data and b"127.0.0.1" not in data, path
        if path.suffix == ".html":
            assert_links_lead_into(site, path)
    assert SITEURL in (site / "feeds/tutte.atom.xml").read_text("utf-8")

    # A second publication without RASSEGNA_CNAME keeps the remote's CNAME and
    # adds to the branch's history instead of replacing it.
    again = invoke(clone, "gh-pages", RASSEGNA_SITEURL=SITEURL, RASSEGNA_CNAME="")
    assert again.returncode == 0, again.stdout + again.stderr
    assert git(remote, "show", "gh-pages:CNAME").strip() == "news.example.org"
    assert git(remote, "rev-list", "--count", "gh-pages").strip() == "2"
    assert checkout_state(clone) == before


def test_preview_serves_the_publishing_build_under_the_local_address(tmp_path):
    clone = project_copy(tmp_path)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [str(INVOKE), "preview", "--port", str(port)],
        cwd=clone,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        log = []
        for line in process.stdout:  # ends when the process does
            log.append(line)
            if "Serving output/" in line:
                break
        assert f"http://127.0.0.1:{port}/" in "".join(log), "".join(log)
        address = f"http://127.0.0.1:{port}/"
        with urllib.request.urlopen(address, timeout=30) as response:
            home = BeautifulSoup(response.read(), "html.parser")
        # The canonical link gives the address served; pages link relatively,
        # and every link but the skip link (a place on the same page) is served.
        assert home.find("link", rel="canonical")["href"] == address
        links = {a["href"] for a in home.select("a[href]:not(.skip-link)")}
        links.update(link["href"] for link in home.select("link:not([rel=canonical])"))
        assert "./paesi/" in links and not any(":" in link for link in links), links
        for link in sorted(links):
            with urllib.request.urlopen(urljoin(address, link), timeout=30) as page:
                assert page.status == 200, link
        with urllib.request.urlopen(address + "404.html", timeout=30) as response:
            missing = BeautifulSoup(response.read(), "html.parser")
        back = missing.select_one("main a")["href"]
        assert back == address and "localhost" not in str(missing)
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_livereload_rebuilds_an_entity_page_when_the_registry_changes(tmp_path):
    project = project_copy(tmp_path)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [str(INVOKE), "livereload", "--port", str(port)],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    page = project / "output/entita/kim-jong-un/index.html"
    # Reading the log blocks; a server that never rebuilds is stopped instead.
    watchdog = threading.Timer(120, process.kill)
    watchdog.start()
    try:
        for line in process.stdout:
            if "Watching for changes" in line:
                break
        assert "Leader supremo" in page.read_text("utf-8")
        registry = project / "content/entities.yml"
        registry.write_text(
            registry.read_text("utf-8").replace(
                "Leader supremo della Corea del Nord dal 2011.",
                "Descrizione cambiata dal curatore.",
            ),
            "utf-8",
        )
        # The rebuild's log line "Done: Processed …" says the new page is written.
        for line in process.stdout:
            if line.startswith("Done: Processed"):
                break
        assert "Descrizione cambiata dal curatore." in page.read_text("utf-8")
    finally:
        watchdog.cancel()
        process.terminate()
        process.wait(timeout=30)


def test_a_preview_address_names_the_page_it_serves():
    """What livereload.js reports a tab shows, as the build names the page."""
    home = "http://127.0.0.1:8000"
    assert output_file(home) == output_file(home + "/") == "index.html"
    assert output_file(home + "/entita/mosca/?x=1#a") == "entita/mosca/index.html"
    assert output_file(home + "/entit%C3%A0/citt%C3%A0.html") == "entità/città.html"
    assert output_file(home + "/pagefind/pagefind.js") is None
