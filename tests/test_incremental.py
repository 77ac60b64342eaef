"""A rebuild after an edit writes only what changed and gives exactly the site a
clean build of the same content gives."""

import shutil

import pytest
from conftest import article, run_pelican, tree, write_content

REGISTRY = """
Kim Jong Un:
  kind: person
  country: KP
"""

ARTICLES = {
    "a.md": article("Uno", "**Kim Jong Un** a **Mosca**.", date="2025-01-01"),
    "b.md": article("Due", "**Mosca** e **Seul**, poi **Kim**.", date="2025-01-02"),
    "c.md": article("Tre", "[Vedi]({filename}a.md) e **gas**.", category="Economia"),
    "d.md": article("Quattro", "**Berlino** e **missili**.", date="2025-01-04"),
}


def edit_body(content):
    path = content / "notizie" / "b.md"
    path.write_text(path.read_text().replace("poi", "infine"), encoding="utf-8")


def edit_title(content):
    path = content / "notizie" / "a.md"
    path.write_text(path.read_text().replace("Title: Uno", "Title: Primo"), "utf-8")


def add_article(content):
    text = article("Cinque", "**Roma** e **Mosca**.", date="2025-02-01")
    (content / "notizie" / "e.md").write_text(text, encoding="utf-8")


def delete_article(content):
    (content / "notizie" / "d.md").unlink()


def rename_linked_article(content):
    path = content / "notizie" / "a.md"
    path.write_text(path.read_text().replace("Title: Uno", "Title: Uno\nSlug: uno-bis"))


def make_draft(content):
    path = content / "notizie" / "b.md"
    path.write_text(path.read_text().replace("Title: Due", "Title: Due\nStatus: draft"))


def change_registry(content):
    text = REGISTRY + "Mosca:\n  kind: place\n  country: RU\n  description: Capitale.\n"
    (content / "entities.yml").write_text(text, encoding="utf-8")


EDITS = [
    edit_body,
    edit_title,
    add_article,
    delete_article,
    rename_linked_article,
    make_draft,
    change_registry,
]


@pytest.mark.parametrize("edit", EDITS, ids=[e.__name__ for e in EDITS])
def test_rebuild_after_an_edit_equals_a_clean_build(tmp_path, edit):
    content = tmp_path / "content"
    write_content(content, ARTICLES, REGISTRY)
    run_pelican(content, tmp_path / "out", tmp_path / "cache")
    edit(content)
    rebuilt = run_pelican(content, tmp_path / "out", tmp_path / "cache")

    clean_content = tmp_path / "clean"
    shutil.copytree(content, clean_content)
    clean = run_pelican(clean_content, tmp_path / "clean-out", tmp_path / "clean-cache")
    assert tree(rebuilt.output) == tree(clean.output)


def test_an_unchanged_rebuild_writes_nothing(tmp_path):
    content = tmp_path / "content"
    write_content(content, ARTICLES, REGISTRY)
    site = run_pelican(content, tmp_path / "out", tmp_path / "cache")
    before = {p: p.stat().st_mtime_ns for p in site.output.rglob("*.html")}
    run_pelican(content, tmp_path / "out", tmp_path / "cache")
    after = {p: p.stat().st_mtime_ns for p in site.output.rglob("*.html")}
    assert after == before


def test_an_edit_rewrites_only_the_pages_that_show_it(tmp_path):
    content = tmp_path / "content"
    write_content(content, ARTICLES, REGISTRY)
    site = run_pelican(content, tmp_path / "out", tmp_path / "cache")
    before = {p: p.stat().st_mtime_ns for p in site.output.rglob("*.html")}
    path = content / "notizie" / "d.md"
    path.write_text(path.read_text().replace("e **missili**", "e i **missili**"))
    run_pelican(content, tmp_path / "out", tmp_path / "cache")
    changed = sorted(
        p.relative_to(site.output).as_posix()
        for p in site.output.rglob("*.html")
        if p.stat().st_mtime_ns != before[p]
    )
    # 404.html and the search page are given every article by Pelican (direct
    # templates), so any edit renders them again.
    assert changed == [
        "2025/01/quattro/index.html",
        "404.html",
        "cerca/index.html",
        "entita/berlino/index.html",
        "entita/missili/index.html",
        "index.html",
        "paesi/germania/index.html",
        "temi/esteri/index.html",
    ]
