"""The bad-input corpus (tests/bad_input/): every case is built as `invoke build`
builds, and its exit code, messages and output are checked against its
expected.yml. A case with `rebuild: true` is built a second time over the first
build's cache and output, and its messages must be said again."""

import logging
import shutil
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml
from conftest import MENTION, ROOT, Site, check_integrity, forget_logged_warnings
from invoke import Exit

from tasks import run_build

CORPUS = Path(__file__).parent / "bad_input"
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "expected.yml").is_file())


def _param(case: str):
    """A case; one whose expected.yml says `slow: true` (a build of thousands of
    pages, each checked) runs under `-m slow`."""
    expected = yaml.safe_load((CORPUS / case / "expected.yml").read_text("utf-8"))
    return pytest.param(case, marks=[pytest.mark.slow] if expected.get("slow") else [])


def _generate(content: Path, spec: dict) -> None:
    """Write a large article described by `spec` instead of storing it."""
    lines = [spec["line"].format(n=n % spec["distinct"]) for n in range(spec["count"])]
    header = f"Title: {spec['title']}\nDate: 2025-01-01 10:00\nCategory: Esteri\n\n"
    path = content / spec["file"]
    path.write_text(header + "\n\n".join(lines) + "\n", encoding="utf-8")


def _lay_out(case: str, tmp_path: Path, expected: dict) -> Path:
    content = tmp_path / "content"
    shutil.copytree(CORPUS / case / "content", content)
    (content / "notizie").mkdir(exist_ok=True)
    if "generate" in expected:
        _generate(content, expected["generate"])
    return content


def _build(tmp_path: Path, expected: dict, caplog) -> tuple[int, str, Site]:
    """One build as a fresh `invoke build` process would run it."""
    forget_logged_warnings()
    caplog.clear()
    output = tmp_path / "output"
    caplog.set_level(logging.WARNING)
    code, message = 0, ""
    try:
        run_build(
            ROOT / "pelicanconf.py",
            PATH=str(tmp_path / "content"),
            OUTPUT_PATH=str(output),
            CACHE_PATH=str(tmp_path / "cache"),
            **expected.get("settings", {}),
        )
    except Exit as stop:
        code, message = stop.code, stop.message
    return code, message + "\n" + caplog.text, Site(output)


def _check_messages(expected: dict, log: str) -> None:
    for message in expected.get("messages", []):
        assert message in log
    for message in expected.get("no_messages", []):
        assert message not in log


def _published_text(site: Site, name: str) -> str:
    """What a browser or a feed reader gets from a file: a feed's HTML is
    escaped inside its XML, so its elements' text is read unescaped."""
    if name.endswith(".xml"):
        root = ElementTree.parse(site.output / name).getroot()
        parts = [*root.itertext()]
        parts += [value for e in root.iter() for value in e.attrib.values()]
        return "\n".join(parts)
    return site.read(name)


def _visible_text(site: Site, page: str) -> str:
    return site.html(page).get_text(" ")


@pytest.mark.parametrize("case", [_param(case) for case in CASES])
def test_bad_input_case(case, tmp_path, caplog):
    expected = yaml.safe_load((CORPUS / case / "expected.yml").read_text("utf-8"))
    _lay_out(case, tmp_path, expected)
    code, log, site = _build(tmp_path, expected, caplog)
    assert code == expected["exit"], log
    _check_messages(expected, log)
    if expected.get("rebuild"):
        code, log, site = _build(tmp_path, expected, caplog)
        assert code == expected["exit"], log
        _check_messages(expected, log)
    outside = [p for p in tmp_path.rglob("*") if p.is_file()]
    allowed = (tmp_path / "content", tmp_path / "output", tmp_path / "cache")
    assert all(any(p.is_relative_to(a) for a in allowed) for p in outside), outside
    if code != 0:
        written = list(site.output.rglob("*.html")) if site.output.exists() else []
        assert written == [], "a failed build must not leave pages behind"
        return

    if expected.get("integrity", True):
        check_integrity(site)
    data = site.json()
    entities = {e["name"]: e["kind"] for e in data["entities"]}
    slugs = [e["slug"] for e in data["entities"]]
    if "entities" in expected:
        assert entities == expected["entities"]
    if "entity_count" in expected:
        assert len(entities) == expected["entity_count"]
    assert set(expected.get("slugs", [])) <= set(slugs), slugs
    assert all(len(slug) <= expected.get("slug_max", 80) for slug in slugs)
    titles = {a["title"] for topic in data["topics"] for a in topic["articles"]}
    if "titles" in expected:
        assert titles == set(expected["titles"])
    if "topics" in expected:
        assert [t["name"] for t in data["topics"]] == expected["topics"]
    for page, fragments in expected.get("text", {}).items():
        text = _visible_text(site, page)
        for fragment in fragments:
            assert fragment in text, (page, fragment)
    for page, names in expected.get("linked", {}).items():
        links = site.html(page).select(f".body {MENTION}")
        assert [a.get_text(" ", strip=True) for a in links] == names
    for path in expected.get("files", []):
        assert (site.output / path).is_file(), path
    for path in expected.get("absent", []):
        assert not (site.output / path).exists(), path
    for page, fragments in expected.get("contains", {}).items():
        for fragment in fragments:
            assert fragment in site.read(page), (page, fragment)
    if "forbidden" in expected:
        # Nothing from content may run on the site: not on a page, in a feed
        # or in entities.json.
        for name in site.files():
            if name.endswith((".html", ".xml", ".json")):
                text = _published_text(site, name).lower()
                for fragment in expected["forbidden"]:
                    assert fragment.lower() not in text, (name, fragment)
    if expected.get("clean_pages"):
        # The plugin's own pages and data never carry markup from a name; the
        # article, its summary on the home page and its feeds keep the curator's HTML.
        own = ("entita/", "paesi/", "temi/", "entities.json")
        for name in site.files():
            if not name.startswith(own):
                continue
            text = site.read(name).lower()
            assert "<script" not in text and "onerror" not in text, name
