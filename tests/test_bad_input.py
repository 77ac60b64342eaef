"""The bad-input corpus (tests/bad_input/): every case is built as `invoke build`
builds, and its exit code, messages and output are checked against its
expected.yml."""

import logging
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, Site, check_integrity
from invoke import Exit

from tasks import run_build

CORPUS = Path(__file__).parent / "bad_input"
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "expected.yml").is_file())


def _generate(content: Path, spec: dict) -> None:
    """Write a large article described by `spec` instead of storing it."""
    lines = [spec["line"].format(n=n % spec["distinct"]) for n in range(spec["count"])]
    header = f"Title: {spec['title']}\nDate: 2025-01-01 10:00\nCategory: Esteri\n\n"
    path = content / spec["file"]
    path.write_text(header + "\n\n".join(lines) + "\n", encoding="utf-8")


def _build(case: str, tmp_path: Path, caplog) -> tuple[int, str, Site]:
    content = tmp_path / "content"
    shutil.copytree(CORPUS / case / "content", content)
    (content / "notizie").mkdir(exist_ok=True)
    expected = yaml.safe_load((CORPUS / case / "expected.yml").read_text("utf-8"))
    if "generate" in expected:
        _generate(content, expected["generate"])
    output = tmp_path / "output"
    caplog.set_level(logging.WARNING)
    code, message = 0, ""
    try:
        run_build(
            ROOT / "pelicanconf.py",
            PATH=str(content),
            OUTPUT_PATH=str(output),
            CACHE_PATH=str(tmp_path / "cache"),
        )
    except Exit as stop:
        code, message = stop.code, stop.message
    return code, message + "\n" + caplog.text, Site(output)


def _visible_text(site: Site, page: str) -> str:
    return site.html(page).get_text(" ")


@pytest.mark.parametrize("case", CASES)
def test_bad_input_case(case, tmp_path, caplog):
    expected = yaml.safe_load((CORPUS / case / "expected.yml").read_text("utf-8"))
    code, log, site = _build(case, tmp_path, caplog)
    assert code == expected["exit"], log
    for message in expected.get("messages", []):
        assert message in log
    outside = [p for p in tmp_path.rglob("*") if p.is_file()]
    allowed = (tmp_path / "content", tmp_path / "output", tmp_path / "cache")
    assert all(any(p.is_relative_to(a) for a in allowed) for p in outside), outside
    if code != 0:
        written = list(site.output.rglob("*.html")) if site.output.exists() else []
        assert written == [], "a failed build must not leave pages behind"
        return

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
        links = site.html(page).select(".body a.entity")
        assert [a.get_text(" ", strip=True) for a in links] == names
    for path in expected.get("files", []):
        assert (site.output / path).is_file(), path
    for path in expected.get("absent", []):
        assert not (site.output / path).exists(), path
    if expected.get("clean_pages"):
        # The plugin's own pages and data never carry markup from a name; the
        # article, its summary on the home page and its feeds keep the curator's HTML.
        own = ("entita/", "paesi/", "temi/", "entities.json")
        for name in site.files():
            if not name.startswith(own):
                continue
            text = site.read(name).lower()
            assert "<script" not in text and "onerror" not in text, name
