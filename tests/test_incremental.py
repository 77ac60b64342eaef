"""A rebuild after an edit writes only what changed and gives exactly the site a
clean build of the same content gives."""

import importlib.util
import pickle
import shutil
import textwrap
from pathlib import Path

import pytest
from conftest import ROOT, article, run_pelican, tree, write_content
from rassegna.writer import MANIFEST, DigestWriter

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
    # Only the pages that show the article's text: the entity, country and topic
    # pages list its title, date and chips, which did not change; 404.html is
    # given every article by Pelican but does not read them.
    assert changed == ["2025/01/quattro/index.html", "index.html"]


def rebuild_equals_clean(tmp_path, content, edit, **overrides):
    """Build `content`, apply `edit`, rebuild; the rebuild must equal a clean
    build of the edited files with the same settings. `overrides` may be a
    function of nothing, called before each build (for settings that change)."""
    settings = overrides.pop("settings", dict)
    run_pelican(content, tmp_path / "out", tmp_path / "cache", **settings())
    edit(content)
    rebuilt = run_pelican(content, tmp_path / "out", tmp_path / "cache", **settings())
    clean_content = tmp_path / "clean"
    shutil.copytree(content, clean_content)
    clean = run_pelican(
        clean_content, tmp_path / "clean-out", tmp_path / "clean-cache", **settings()
    )
    assert tree(rebuilt.output) == tree(clean.output)
    return rebuilt


def theme_with(tmp_path: Path, extra: str) -> Path:
    """The project's theme with `extra` in a template that base.html includes."""
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    (theme / "templates" / "includes" / "extra.html").write_text(extra, "utf-8")
    base = theme / "templates" / "base.html"
    text = base.read_text("utf-8")
    base.write_text(
        text.replace("<footer>", '<footer>{% include "includes/extra.html" %}'),
        "utf-8",
    )
    return theme


def test_a_registry_edit_reaches_a_mention_inside_a_link(tmp_path):
    content = tmp_path / "content"
    write_content(
        content,
        {
            "a.md": article("Uno", "[**Gazprom**](https://gazprom.ru) e **Mosca**."),
            "b.md": article("Due", "**Gazprom** a **Roma**.", date="2025-01-02"),
        },
        REGISTRY,
    )

    def edit(content):
        registry = REGISTRY + "Gazprom:\n  kind: organization\n  country: RU\n"
        (content / "entities.yml").write_text(registry, encoding="utf-8")

    site = rebuild_equals_clean(tmp_path, content, edit)
    assert 'class="chips organization"' in site.read("2025/01/uno/index.html")


SHARED_CONTEXT = """
<nav class="menu">{% for p in pages %}
<a href="{{ SITEURL }}/{{ p.url }}">{{ p.title }}</a>
{% endfor %}</nav>
<ul class="latest">{% for a in articles[:2] %}<li>{{ a.title }}</li>{% endfor %}</ul>
{% if article %}{% for t in article.translations %}
<a hreflang="{{ t.lang }}" href="{{ SITEURL }}/{{ t.url }}">{{ t.lang }}</a>
{% endfor %}{% endif %}
"""


@pytest.mark.parametrize("what", ["page", "article", "translation"])
def test_a_theme_showing_shared_context_sees_new_content(tmp_path, what):
    theme = theme_with(tmp_path, SHARED_CONTEXT)
    content = tmp_path / "content"
    write_content(content, ARTICLES, REGISTRY)

    def edit(content):
        if what == "page":
            (content / "pagine").mkdir()
            page = "Title: Chi siamo\n\nLa redazione.\n"
            (content / "pagine" / "chi-siamo.md").write_text(page, "utf-8")
        elif what == "article":
            add_article(content)
        else:
            text = article("One", "**Mosca**.", slug="uno", lang="en")
            (content / "notizie" / "a-en.md").write_text(text, "utf-8")

    site = rebuild_equals_clean(
        tmp_path, content, edit, settings=lambda: {"THEME": str(theme)}
    )
    if what == "page":
        assert "chi-siamo/" in site.read("2025/01/due/index.html")


def _filters(folder: Path, body: str) -> dict:
    """JINJA_FILTERS from a module written now, imported fresh (as a new
    `pelican` process would read pelicanconf.py)."""
    path = folder / "site_filters.py"
    path.write_text(f"def shout(text):\n    return {body}\n", encoding="utf-8")
    spec = importlib.util.spec_from_file_location("site_filters", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {"shout": module.shout}


def test_an_edited_translation_catalog_renders_its_pages_again(tmp_path):
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    catalog = theme / "translations" / "en" / "LC_MESSAGES" / "messages.po"
    content = tmp_path / "content"
    write_content(content, ARTICLES, REGISTRY)

    def edit(content):
        text = catalog.read_text("utf-8")
        catalog.write_text(text.replace('msgstr "Atom feed"', 'msgstr "Feed"'), "utf-8")

    site = rebuild_equals_clean(
        tmp_path,
        content,
        edit,
        settings=lambda: {"THEME": str(theme), "DEFAULT_LANG": "en"},
    )
    assert "Atom feed" not in site.read("entita/mosca/index.html")


def test_sameas_compares_the_objects_a_template_reaches(tmp_path):
    theme = theme_with(
        tmp_path,
        "{% for other in articles %}{% if other is sameas article %}"
        "<p class=self>{{ other.title }}</p>{% endif %}{% endfor %}",
    )
    content = tmp_path / "content"
    write_content(content, ARTICLES, REGISTRY)
    site = rebuild_equals_clean(
        tmp_path, content, edit_title, settings=lambda: {"THEME": str(theme)}
    )
    assert "<p class=self>Primo</p>" in site.read("2025/01/primo/index.html")
    assert "<p class=self>" not in site.read("index.html")


def test_a_changed_filter_function_renders_its_pages_again(tmp_path):
    theme = theme_with(tmp_path, "<p>{{ SITENAME|shout }}</p>")
    content = tmp_path / "content"
    write_content(content, ARTICLES, REGISTRY)
    body = ["text.upper()"]

    def settings():
        return {"THEME": str(theme), "JINJA_FILTERS": _filters(tmp_path, body[0])}

    def edit(content):
        body[0] = "text.lower() + '!'"

    site = rebuild_equals_clean(tmp_path, content, edit, settings=settings)
    assert "<p>rassegna!</p>" in site.read("index.html")


NEIGHBOURS = """
from pelican import signals


def link(generator):
    articles = sorted(generator.articles, key=lambda a: a.source_path)
    for article, following in zip(articles, articles[1:] + articles[:1]):
        article.neighbour = following


def register():
    signals.article_generator_finalized.connect(link)
"""


def test_attributes_another_plugin_sets_are_seen(tmp_path):
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "neighbours.py").write_text(textwrap.dedent(NEIGHBOURS), "utf-8")
    theme = theme_with(
        tmp_path,
        "{% if article %}<p class=next>{{ article.neighbour.title }}</p>{% endif %}",
    )
    content = tmp_path / "content"
    write_content(content, ARTICLES, REGISTRY)

    def settings():
        return {
            "THEME": str(theme),
            "PLUGIN_PATHS": [str(ROOT / "plugins"), str(plugins)],
            "PLUGINS": ["rassegna", "neighbours"],
        }

    site = rebuild_equals_clean(tmp_path, content, edit_title, settings=settings)
    # a.md's title changed; d.md's page shows it as its neighbour.
    assert "<p class=next>Primo</p>" in site.read("2025/01/quattro/index.html")


def test_removed_and_renamed_outputs_disappear(tmp_path):
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    (theme / "static" / "css" / "old.css").write_text("p {}", "utf-8")
    content = tmp_path / "content"
    write_content(content, ARTICLES, REGISTRY)
    (content / "immagini").mkdir()
    (content / "immagini" / "foto.png").write_bytes(b"\x89PNG foto")
    (content / "immagini" / "altra.png").write_bytes(b"\x89PNG altra")
    # Linked from an article, so Pelican still lists it once it is gone.
    linking = article("Foto", "**Roma**.\n\n![foto]({static}/immagini/foto.png)")
    (content / "notizie" / "foto.md").write_text(linking, "utf-8")
    json_name = ["entities.json"]

    def settings():
        return {
            "THEME": str(theme),
            "STATIC_PATHS": ["immagini"],
            "ENTITIES_JSON_SAVE_AS": json_name[0],
        }

    def edit(content):
        (content / "immagini" / "foto.png").unlink()
        (theme / "static" / "css" / "old.css").unlink()
        json_name[0] = "dati/entita.json"

    site = rebuild_equals_clean(tmp_path, content, edit, settings=settings)
    files = site.files()
    assert "immagini/altra.png" in files and "dati/entita.json" in files
    assert not {"immagini/foto.png", "theme/css/old.css", "entities.json"} & set(files)


def test_output_retention_is_respected(tmp_path):
    content = tmp_path / "content"
    write_content(content, ARTICLES, REGISTRY)
    site = run_pelican(content, tmp_path / "out", tmp_path / "cache")
    (site.output / ".git").mkdir()
    (site.output / ".git" / "HEAD").write_text("ref", "utf-8")
    delete_article(content)
    run_pelican(
        content, tmp_path / "out", tmp_path / "cache", OUTPUT_RETENTION=[".git"]
    )
    assert (site.output / ".git" / "HEAD").is_file()
    assert not (site.output / "2025" / "01" / "quattro").exists()


class Stopped(BaseException):
    """Stops a build between two pages, as a newer save stops a warm build."""


def test_a_build_stopped_part_way_leaves_no_stale_file(tmp_path):
    """A build that stops between two pages (the warm process's, for a newer
    save) has written some of its pages; the next build, after an edit that
    removes one of them, still makes exactly a clean build's site."""
    content, output, cache = tmp_path / "content", tmp_path / "out", tmp_path / "cache"
    write_content(content, ARTICLES, REGISTRY)
    run_pelican(content, output, cache)
    add_article(content)
    written = output / "entita" / "roma" / "index.html"

    def between_pages():
        if written.exists():
            raise Stopped

    DigestWriter.between_pages = between_pages
    try:
        with pytest.raises(Stopped):
            run_pelican(content, output, cache, RASSEGNA_PROCESSES=1)
    finally:
        DigestWriter.between_pages = None
    (content / "notizie" / "e.md").unlink()
    run_pelican(content, output, cache)
    assert not written.exists()
    run_pelican(content, tmp_path / "clean", tmp_path / "clean-cache")
    assert tree(output) == tree(tmp_path / "clean")


def test_the_manifest_keeps_each_read_once(tmp_path):
    """The pages of one template read the same paths: in the manifest an
    entry read by many pages is one object, which pickle writes once (before,
    a manifest held an object per page and entry, four times its size)."""
    content, cache = tmp_path / "content", tmp_path / "cache"
    write_content(content, ARTICLES, REGISTRY)
    run_pelican(content, tmp_path / "out", cache, RASSEGNA_PROCESSES=2)
    with (cache / MANIFEST).open("rb") as manifest:
        pages = pickle.load(manifest)["pages"]
    objects, entries = set(), set()
    shapes = [record[0] for record in pages.values()]
    while shapes:
        for entry in shapes.pop():
            objects.add(id(entry))
            entries.add((*entry[:2], id(entry[2])) if entry[0] == "o" else entry)
            if entry[0] == "o":
                shapes.append(entry[2])
    assert len(pages) > 20
    assert len(objects) == len(entries)
