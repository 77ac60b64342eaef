"""The warm build process of `invoke livereload` (curator/warm.py): after every
kind of edit, a build in the process that built before gives, byte for byte,
what a clean build of the same files gives.

The warm process here is forked from the test process and spoken to over a
pipe, so it starts in no time; one test runs it as livereload does, a child
`python -m curator.warm` spoken to in JSON lines. The state machine of
test_rebuild_property.py runs its random edits against a warm process too,
restarting it, as livereload does, when code, settings or theme change.
"""

import hashlib
import json
import multiprocessing
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from conftest import (
    ROOT,
    article,
    load_reference_data,
    run_pelican,
    tree,
    write_content,
)
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import rule
from pelican.urlwrappers import Category
from test_rebuild_property import _COMMON, RebuildMachine

from curator.warm import WarmProcess, WarmSite, fresh, serve


def _serve_forked(conf: str, overrides: dict, connection) -> None:
    site = WarmSite(conf, overrides)
    serve(site, iter(connection.recv, None), connection.send)


class ForkedWarm:
    """A warm build process forked from this one."""

    def __init__(self, conf: Path, overrides: dict):
        self.output = Path(overrides["OUTPUT_PATH"])
        load_reference_data()
        context = multiprocessing.get_context("fork")
        self.connection, theirs = context.Pipe()
        self.process = context.Process(
            target=_serve_forked, args=(str(conf), overrides, theirs)
        )
        self.process.start()
        theirs.close()

    def build(self, shown=()) -> dict:
        """The build's last reply, once it has ended, with the name of the page
        previewed before it ("previewed"), which must be as the build left it.
        `shown`: the pages a browser shows."""
        self.connection.send(f"build {json.dumps(list(shown))}" if shown else "build")
        shown = None
        while (reply := self.connection.recv())["stage"] != "done":
            if reply["stage"] == "preview":
                shown = reply["page"], (self.output / reply["page"]).read_bytes()
        if shown is not None and reply["ok"]:
            page, text = shown
            assert (self.output / page).read_bytes() == text, f"{page} previewed"
        reply["previewed"] = shown[0] if shown else None
        return reply

    def stop(self) -> None:
        self.connection.send("quit")
        self.process.join(timeout=60)
        self.connection.close()


def _settings(content: Path, output: Path, cache: Path) -> dict:
    """What tests/conftest.py's run_pelican overrides, for the warm process."""
    return {
        "PATH": str(content),
        "OUTPUT_PATH": str(output),
        "THEME": str(ROOT / "theme"),
        "PLUGIN_PATHS": [str(ROOT / "plugins")],
        "CACHE_PATH": str(cache),
        "RASSEGNA_SEARCH_BUNDLE": None,
    }


ARTICLES = {
    "uno.md": article("Uno", "Incontro a **Mosca** con **Gazprom**.", slug="uno"),
    "due.md": article(
        "Due",
        "**Kim Jong Un** a **Seul**.\n\n![foto]({static}/immagini/foto.png)",
        date="2025-01-02 10:00",
        slug="due",
    ),
}
REGISTRY = "Mosca:\n  kind: place\n  country: RU\n  description: Capitale.\n"


@pytest.fixture
def warm_site(tmp_path):
    """A small site, built once by a warm process; `check()` builds it again
    there and compares it with a clean build."""
    content = tmp_path / "content"
    write_content(content, ARTICLES, REGISTRY)
    (content / "immagini").mkdir()
    (content / "immagini" / "foto.png").write_bytes(b"\x89PNG foto")
    output = tmp_path / "output"
    warm = ForkedWarm(
        ROOT / "pelicanconf.py", _settings(content, output, tmp_path / "cache")
    )

    def check(shown=()):
        reply = warm.build(shown)
        assert reply["ok"], reply["message"]
        clean = Path(tempfile.mkdtemp(dir=tmp_path))
        overrides = {"RASSEGNA_SEARCH_BUNDLE": None}
        run_pelican(content, clean / "out", clean / "cache", **overrides)
        rebuilt, expected = tree(output), tree(clean / "out")
        shutil.rmtree(clean)
        assert sorted(rebuilt) == sorted(expected)
        for name, data in expected.items():
            assert rebuilt[name] == data, name
        check.previewed = reply["previewed"]
        return rebuilt

    check()
    try:
        yield content, check
    finally:
        warm.stop()


def test_a_body_edit(warm_site):
    content, check = warm_site
    source = content / "notizie" / "uno.md"
    source.write_text(source.read_text("utf-8").replace("Incontro", "Vertice"))
    assert b"Vertice a" in check()["2025/01/uno/index.html"]
    assert check.previewed == "2025/01/uno/index.html"


def test_an_edit_of_metadata_or_mentions_waits_for_the_build(warm_site):
    """Only the build can say where a new title or a new mention goes."""
    content, check = warm_site
    source = content / "notizie" / "uno.md"
    source.write_text(source.read_text("utf-8").replace("Title: Uno", "Title: Un"))
    assert b"Un</h1>" in check()["2025/01/uno/index.html"]
    assert check.previewed is None
    source.write_text(source.read_text("utf-8").replace("Incontro", "**Berlino**"))
    assert b"entita/berlino/" in check()["2025/01/uno/index.html"]
    assert check.previewed is None
    source.write_text(source.read_text("utf-8").replace("**Berlino**", "Incontro"))
    check()
    assert check.previewed is None


def _two_saves(warm: WarmProcess) -> list[dict]:
    """Two build requests at once, as two quick saves send them: every reply,
    up to the second build's end."""
    warm.process.stdin.write("build\nbuild\n")
    warm.process.stdin.flush()
    replies, ended = [], 0
    while ended < 2:
        replies.append(json.loads(warm.process.stdout.readline()))
        ended += replies[-1]["stage"] == "done"
    return replies


def _clean_build(tmp_path: Path, overrides: dict) -> dict:
    """The files a warm process of its own builds from the same content into
    an empty folder."""
    elsewhere = {
        "OUTPUT_PATH": str(tmp_path / "clean"),
        "CACHE_PATH": str(tmp_path / "clean-cache"),
    }
    clean = WarmProcess(ROOT / "pelicanconf.py", overrides | elsewhere)
    try:
        assert clean.build() == "" and clean.settle() == ""
    finally:
        clean.stop()
    return tree(tmp_path / "clean")


@pytest.mark.parametrize("others", [False, True], ids=["alone", "with-sitemap"])
def test_a_build_gives_way_to_a_newer_save(tmp_path, others):
    """A save while a build runs stops that build before it writes anything;
    the next one previews the page from the last build that ended, and ends as
    a clean build does. With another plugin (pelican-sitemap keeps state from a
    build's start to its end) every build runs to its end. In a new
    interpreter: plugins other tests loaded stay connected in this one."""
    content = tmp_path / "content"
    write_content(content, ARTICLES, REGISTRY)
    overrides = _settings(content, tmp_path / "output", tmp_path / "cache")
    if others:
        overrides |= {"PLUGINS": ["rassegna", "pelican.plugins.sitemap"]}
    warm = WarmProcess(ROOT / "pelicanconf.py", overrides)
    source = content / "notizie" / "uno.md"
    try:
        assert warm.build() == "" and warm.settle() == ""
        for word in ("Vertice", "Summit"):
            text = source.read_text("utf-8")
            source.write_text(re.sub("Incontro|Vertice", word, text), "utf-8")
            replies = _two_saves(warm)
            stages = [reply["stage"] for reply in replies]
            if others:
                assert stages == ["preview", "pages", "done", "pages", "done"]
            else:
                assert stages == ["preview", "done", "preview", "pages", "done"]
                assert replies[1]["superseded"]
            assert all(reply.get("ok", True) for reply in replies)
            page = tmp_path / "output" / replies[0]["page"]
            assert f"{word} a".encode() in page.read_bytes()
    finally:
        warm.stop()
    built, expected = tree(tmp_path / "output"), _clean_build(tmp_path, overrides)
    sitemap = built.pop("sitemap.xml").decode()
    assert "2025/01/uno/" in sitemap
    if others:  # its <lastmod> of a page that is not an article is the time now
        expected.pop("sitemap.xml")
    else:
        assert sitemap.encode() == expected.pop("sitemap.xml")
    assert built == expected


def test_a_newer_save_takes_the_search_index_over(tmp_path):
    """A build whose pages are written when a newer save waits leaves the
    search index to the newer build, which indexes again what changed since
    the index was made: the site ends as a clean build. With pelican-sitemap,
    so that the first build runs to its end rather than giving way."""
    content = tmp_path / "content"
    write_content(content, ARTICLES, REGISTRY)
    overrides = _settings(content, tmp_path / "output", tmp_path / "cache")
    overrides |= {"PLUGINS": ["rassegna", "pelican.plugins.sitemap"]}
    del overrides["RASSEGNA_SEARCH_BUNDLE"]  # the default: an index
    warm = WarmProcess(ROOT / "pelicanconf.py", overrides)
    source = content / "notizie" / "uno.md"
    try:
        assert warm.build() == "" and warm.settle() == ""
        text = source.read_text("utf-8").replace("Incontro", "Vertice")
        source.write_text(text.replace("**Gazprom**", "**Rosneft**"), "utf-8")
        first, second = [r for r in _two_saves(warm) if r["stage"] == "done"]
        assert first["ok"] and first["index_left"]
        assert second["ok"] and "index_left" not in second
    finally:
        warm.stop()
    built, expected = tree(tmp_path / "output"), _clean_build(tmp_path, overrides)
    # pelican-sitemap's <lastmod> of a page that is not an article is the time now
    built.pop("sitemap.xml"), expected.pop("sitemap.xml")
    assert any(name.startswith("pagefind/") for name in built)
    assert built == expected


def _stopped_in_its_writer(conf: str, overrides: dict, connection) -> None:
    """Three builds in one warm site: whole; stopped by a newer save as soon as
    the page a browser shows, a new one, is written (so in the writer, between
    pages); whole again. Each waits for the test's edit before it starts."""
    site = WarmSite(conf, overrides)
    shown: dict = {}
    connection.send(site.build())
    connection.recv()
    stopped = site.build(
        newer=lambda: bool(shown),
        shown=["2025/01/tre/index.html"],
        on_shown=lambda name, path: shown.setdefault(name, path),
    )
    connection.send((stopped, sorted(shown)))
    connection.recv()
    connection.send(site.build())


def test_a_newer_save_stops_a_build_in_its_writer(tmp_path):
    """A build that a newer save overtakes while it writes pages stops there;
    the next build, after an edit that removes what the stopped one wrote,
    ends as a clean build."""
    content = tmp_path / "content"
    write_content(content, ARTICLES, REGISTRY)
    overrides = _settings(content, tmp_path / "output", tmp_path / "cache")
    # A new interpreter: plugins other tests loaded stay connected in this one,
    # and a build gives way only when every receiver is Rassegna's.
    context = multiprocessing.get_context("spawn")
    connection, theirs = context.Pipe()
    process = context.Process(
        target=_stopped_in_its_writer,
        args=(str(ROOT / "pelicanconf.py"), overrides, theirs),
    )
    process.start()
    try:
        assert connection.recv() == (True, "")
        text = article("Tre", "Ancora **Gazprom** a **Berlino**.", slug="tre")
        (content / "notizie" / "tre.md").write_text(text, "utf-8")
        connection.send("edited")
        page = tmp_path / "output" / "2025/01/tre/index.html"
        assert connection.recv() == ((None, ""), ["2025/01/tre/index.html"])
        assert b"Tre</h1>" in page.read_bytes()
        (content / "notizie" / "tre.md").unlink()
        connection.send("edited")
        assert connection.recv() == (True, "")
    finally:
        connection.close()  # a build process still waiting for an edit ends
        process.join(timeout=60)
    built, expected = tree(tmp_path / "output"), _clean_build(tmp_path, overrides)
    assert built == expected


LATE_TITLES = """
from pelican import signals


def retitle(generator, writer):
    for article in generator.articles:
        article.title += " (rivisto)"


def register():
    signals.article_writer_finalized.connect(retitle)
"""


def test_a_shown_page_another_plugin_changes_after_it_was_asked_for(tmp_path):
    """The page a browser shows is written as soon as Pelican asks for it; a
    plugin that changes what it reads later (here, once the article pages are
    asked for) has the build write it again, and the site ends as a clean
    build."""
    content = tmp_path / "content"
    write_content(content, ARTICLES, REGISTRY)
    (tmp_path / "extra").mkdir()
    (tmp_path / "extra" / "late_titles.py").write_text(LATE_TITLES, "utf-8")
    overrides = _settings(content, tmp_path / "output", tmp_path / "cache")
    overrides |= {
        "PLUGIN_PATHS": [str(ROOT / "plugins"), str(tmp_path / "extra")],
        "PLUGINS": ["rassegna", "late_titles"],
    }
    warm = WarmProcess(ROOT / "pelicanconf.py", overrides)
    source = content / "notizie" / "tre.md"
    try:
        assert warm.build() == "" and warm.settle() == ""
        source.write_text(article("Tre", "Con **Gazprom**.", slug="tre"), "utf-8")
        assert warm.build(shown={"index.html"}) == ""
        assert warm.stage == "preview"
        shown = (tmp_path / "output" / "index.html").read_text("utf-8")
        assert "Tre</a>" in shown and "Tre (rivisto)" not in shown
        _, changed, error = warm.follow()
        assert changed and error == ""
        assert warm.settle() == ""
    finally:
        warm.stop()
    built, expected = tree(tmp_path / "output"), _clean_build(tmp_path, overrides)
    assert b"Tre (rivisto)</a>" in built["index.html"]
    assert built == expected


def test_an_edit_that_keeps_size_and_modification_time(warm_site):
    content, check = warm_site
    source = content / "notizie" / "uno.md"
    before = source.stat()
    source.write_text(source.read_text("utf-8").replace("Mosca", "Berna"))
    os.utime(source, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert source.stat().st_size == before.st_size
    assert b"Berna" in check()["2025/01/uno/index.html"]


def test_a_new_article(warm_site):
    content, check = warm_site
    text = article("Tre", "Ancora **Gazprom** a **Berlino**.", slug="tre")
    (content / "notizie" / "tre.md").write_text(text, "utf-8")
    built = check(shown=["index.html"])
    assert "2025/01/tre/index.html" in built
    # The page the browser shows came first, with the article on it.
    assert check.previewed == "index.html" and b"Tre</a>" in built["index.html"]


def test_a_shown_page_the_edit_leaves_as_it_was(warm_site):
    """A page a browser shows is not written again when it did not change: no
    reload, nothing for the search index to do."""
    content, check = warm_site
    page = content.parent / "output" / "2025/01/due/index.html"
    before = page.stat().st_mtime_ns
    source = content / "notizie" / "uno.md"
    source.write_text(source.read_text("utf-8").replace("Incontro", "Vertice"))
    check(shown=["2025/01/due/index.html"])
    assert check.previewed == "2025/01/uno/index.html"  # the edited article's
    assert page.stat().st_mtime_ns == before


def test_a_deleted_article(warm_site):
    content, check = warm_site
    (content / "notizie" / "due.md").unlink()
    built = check()
    assert "2025/01/due/index.html" not in built
    assert "entita/kim-jong-un/index.html" not in built


def test_a_registry_edit(warm_site):
    content, check = warm_site
    registry = content / "entities.yml"
    registry.write_text(REGISTRY.replace("Capitale.", "Sulla Moscova."), "utf-8")
    assert b"Sulla Moscova." in check()["entita/mosca/index.html"]
    assert check.previewed is None
    registry.write_text(REGISTRY.replace("Capitale.", "Sul fiume."), "utf-8")
    assert (
        b"Sul fiume."
        in check(shown=["entita/mosca/index.html"])["entita/mosca/index.html"]
    )
    assert check.previewed == "entita/mosca/index.html"


def test_a_removed_static_file(warm_site):
    content, check = warm_site
    (content / "immagini" / "foto.png").unlink()
    assert "immagini/foto.png" not in check()


def test_a_failed_build_then_the_fix(tmp_path):
    """As livereload runs it: a child process, JSON lines; the failure names
    the file, the fix builds the site as a clean build does, and a process
    that died is started again."""
    content = tmp_path / "content"
    write_content(content, ARTICLES, REGISTRY)
    output = tmp_path / "output"
    warm = WarmProcess(
        ROOT / "pelicanconf.py", _settings(content, output, tmp_path / "cache")
    )
    try:
        assert warm.build() == ""
        source = content / "notizie" / "uno.md"
        text = source.read_text("utf-8")
        source.write_text(text.replace("Title: ", "Titolo: ", 1), "utf-8")
        message = warm.build()
        assert "Build failed" in message
        assert "uno.md" in message
        source.write_text(text.replace("Incontro", "Vertice"), "utf-8")
        warm.process.kill()
        warm.process.wait()
        assert warm.build() == ""
        assert warm.settle() == ""
    finally:
        warm.stop()
    # The clean build in a new interpreter too: plugins other tests loaded in
    # this process (pelican-sitemap) stay connected to Pelican's signals.
    clean = WarmProcess(
        ROOT / "pelicanconf.py",
        _settings(content, tmp_path / "clean", tmp_path / "clean-cache"),
    )
    try:
        assert clean.build() == ""
        assert clean.settle() == ""
    finally:
        clean.stop()
    assert tree(output) == tree(tmp_path / "clean")
    assert b"Vertice a" in (output / "2025/01/uno/index.html").read_bytes()


def test_a_kept_read_is_out_of_reach_of_the_build():
    """What a build does to a read's metadata never reaches the kept read."""
    category = Category("Esteri", {"SLUGIFY_SOURCE": "name"})
    kept = {"tags": ["a"], "category": category, "when": (1, "x"), "n": {"k": [1]}}
    copy = fresh(kept)
    copy["tags"].append("b")
    copy["n"]["k"].append(2)
    copy["category"].name = "Economia"
    assert kept == {"tags": ["a"], "category": category, "when": (1, "x"),
                    "n": {"k": [1]}}  # fmt: skip
    assert category.name == "Esteri"
    assert copy["when"] is kept["when"]


# Random edits against the warm process -------------------------------------------


def _code_and_theme(root: Path) -> str:
    """What a livereload restart is for: settings, plugin code, theme files."""
    hashed = hashlib.sha256()
    for path in sorted([root / "conf.py", *root.glob("plugins/**/*"),
                        *root.glob("theme/**/*")]):  # fmt: skip
        if path.is_file():
            hashed.update(str(path).encode() + path.read_bytes())
    return hashed.hexdigest()


class WarmRebuildMachine(RebuildMachine):
    """The random edits of test_rebuild_property.py, each built by one warm
    process (a new one when settings, plugin code or theme changed, as
    livereload restarts it) and compared with a clean build."""

    warm = None
    code = ""
    shown: tuple[str, ...] = ()

    @rule(data=st.data())
    def open_a_page(self, data):
        """A browser shows one of the site's pages, which builds render first."""
        out = self.root / "out"
        pages = sorted(str(p.relative_to(out)) for p in out.rglob("*.html"))
        self.shown = (data.draw(st.sampled_from(pages)),) if pages else ()

    def teardown(self):
        if self.warm is not None:
            self.warm.stop()
        super().teardown()

    def check(self):
        code = _code_and_theme(self.root)
        if self.warm is None or code != self.code:
            if self.warm is not None:
                self.warm.stop()
            overrides = {
                "PATH": str(self.content),
                "OUTPUT_PATH": str(self.root / "out"),
                "CACHE_PATH": str(self.root / "cache"),
                "RASSEGNA_SEARCH_BUNDLE": None,
            }
            self.warm = ForkedWarm(self.root / "conf.py", overrides)
            self.code = code
        # A command-line build stopped part way, beside the warm process.
        if self.interrupted_build():
            return
        clean = self.start_clean_build()
        reply = self.warm.build(self.shown)
        assert reply["ok"], reply["message"]
        self.assert_output_equals(clean)


class TestWarmRebuildEqualsCleanBuild(WarmRebuildMachine.TestCase):
    settings = settings(max_examples=25, stateful_step_count=5, **_COMMON)


@pytest.mark.slow
class TestWarmRebuildEqualsCleanBuildAtLength(WarmRebuildMachine.TestCase):
    settings = settings(max_examples=200, stateful_step_count=6, **_COMMON)
