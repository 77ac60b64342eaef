"""Helpers that build real sites from small content folders with the project's
own settings, theme and plugin."""

import json
import posixpath
import shutil
import textwrap
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from pelican import Pelican
from pelican.settings import read_settings
from rassegna import gazetteer, maps

from curator.warm import forget_logged_warnings

ROOT = Path(__file__).resolve().parent.parent
# A mention's link: its only class is its entity's kind.
MENTION = "a:is(.country, .place, .person, .organization, .concept, .other)"


@dataclass
class Site:
    """A built site: its output folder and ways to read it."""

    output: Path

    def read(self, path: str) -> str:
        return (self.output / path).read_text(encoding="utf-8")

    def html(self, path: str) -> BeautifulSoup:
        return BeautifulSoup(self.read(path), "html.parser")

    def json(self) -> dict:
        return json.loads(self.read("entities.json"))

    def entity(self, name: str) -> dict:
        matches = [e for e in self.json()["entities"] if e["name"] == name]
        assert len(matches) == 1, [e["name"] for e in self.json()["entities"]]
        return matches[0]

    def files(self) -> list[str]:
        return sorted(
            p.relative_to(self.output).as_posix()
            for p in self.output.rglob("*")
            if p.is_file()
        )


def article(title: str, body: str, date="2025-01-01 10:00", category="Esteri", **meta):
    """The Markdown source of one article."""
    lines = [f"Title: {title}", f"Date: {date}", f"Category: {category}"]
    lines += [f"{key.capitalize()}: {value}" for key, value in meta.items()]
    return "\n".join(lines) + "\n\n" + textwrap.dedent(body).strip() + "\n"


def write_content(folder: Path, articles: dict[str, str], registry: str | None):
    """Lay out a content folder the way the project's settings expect."""
    notes = folder / "notizie"
    notes.mkdir(parents=True)
    for name, text in articles.items():
        (notes / name).write_text(text, encoding="utf-8")
    if registry is not None:
        (folder / "entities.yml").write_text(textwrap.dedent(registry), "utf-8")


def run_pelican(content: Path, output: Path, cache: Path, **overrides) -> Site:
    """One build of `content` with the project's pelicanconf.py."""
    settings = read_settings(
        str(ROOT / "pelicanconf.py"),
        override={
            "PATH": str(content),
            "OUTPUT_PATH": str(output),
            "THEME": str(ROOT / "theme"),
            "PLUGIN_PATHS": [str(ROOT / "plugins")],
            "CACHE_PATH": str(cache),
            **overrides,
        },
    )
    Pelican(settings).run()
    return Site(output)


def build_site(
    tmp_path: Path,
    articles: dict[str, str],
    registry: str | None = "",
    **overrides,
) -> Site:
    """Build `articles` (file name → Markdown) with the project's pelicanconf.py."""
    content = tmp_path / "content"
    write_content(content, articles, registry)
    return run_pelican(content, tmp_path / "output", tmp_path / "cache", **overrides)


def check_integrity(site: Site) -> None:
    """Every internal href and src of every page resolves to a file of the site;
    no doubly escaped ampersand in a page, in entities.json or in the HTML a feed
    carries; no link inside a link."""
    files = set(site.files())
    for name in sorted(files):
        if name.endswith(".xml"):
            for element in ElementTree.parse(site.output / name).iter():
                assert "&amp;amp;" not in (element.text or ""), name
            continue
        if not name.endswith((".html", ".json")):
            continue
        text = site.read(name)
        assert "&amp;amp;" not in text, name
        if not name.endswith(".html"):
            continue
        page = BeautifulSoup(text, "html.parser")
        assert not page.select("a a"), name
        for element in page.find_all(["a", "link", "img", "script"]):
            target = element.get("href") or element.get("src") or ""
            if not target or target.startswith(("http:", "https:", "#", "mailto:")):
                continue
            path = posixpath.join(posixpath.dirname(name), target.split("#")[0])
            if target.endswith("/") or target in (".", "./"):
                path = posixpath.join(path, "index.html")
            # No symbolic link in an output: a target is a file of the site when
            # its normalised name is one of `files` (one outside starts "../").
            assert posixpath.normpath(path) in files, f"{name}: {target}"


def project_copy(tmp_path: Path) -> Path:
    """The project's content, theme, plugin, settings, tasks and curator
    modules, copied for a test that runs `invoke` the way a curator does."""
    copy = tmp_path / "project"
    for name in ("content", "theme", "plugins", "curator"):
        shutil.copytree(
            ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__")
        )
    for name in ("pelicanconf.py", "publishconf.py", "tasks.py"):
        shutil.copy(ROOT / name, copy / name)
    return copy


def tree(folder: Path) -> dict[str, bytes]:
    """Every file below `folder` with its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def load_reference_data() -> None:
    """Load in this process what every build draws from installed packages
    (GeoNames, CLDR, gender-guesser's names, the world map): builds forked from
    it then start with them, as each of its own builds after the first does."""
    gazetteer.warm_up()
    lookups = gazetteer.Lookups(None, ("it", "en"))
    lookups.country("Italia")
    lookups.regions("Lazio")
    maps.world()


@pytest.fixture(autouse=True)
def fresh_log_dedup():
    """Every test starts as a fresh `pelican` run would."""
    forget_logged_warnings()


@pytest.fixture
def make_site(tmp_path):
    """Build a site in this test's temporary folder."""

    def make(articles, registry="", **overrides):
        return build_site(tmp_path, articles, registry, **overrides)

    return make
