"""A rebuild after any sequence of edits gives, byte for byte, the site a clean
build of the same files gives.

Hypothesis applies random sequences of edits of every kind to a tiny site:
articles (added, edited, deleted; bold inside a link; translations), pages, the
registry, settings (a value and a JINJA_FILTERS function's body), theme
templates (base.html and a template it includes, which may show Pelican's
shared context or another plugin's attributes), theme and content static files,
and the code of a small local plugin. After each edit the site is rebuilt in
its output folder and built clean in an empty one, and the two are compared.

Every build runs in a fresh process forked from this one, so the site's
settings and the local plugin are imported anew, as by a new `pelican` run.
"""

import contextlib
import multiprocessing
import shutil
import tempfile
from pathlib import Path

import pytest
from conftest import ROOT, article, load_reference_data, tree
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, precondition, rule

MENTIONS = [
    "**Mosca**",
    "**Gazprom**",
    "[**Gazprom**](https://gazprom.ru)",
    "**Kim Jong Un**",
    "**Kim**",
    "**Roma**",
    "**missili**",
    "**Seul**",
    "**Berlino**",
    "**Corea del Nord**",
]
CATEGORIES = ["Esteri", "Economia", "Scienza"]
# Prose after an article's mentions: a sentence, inline markup and a link, a
# second paragraph long enough to change the summary.
PROSE = [
    "",
    " Una frase in più.",
    " Con *corsivo* e un [collegamento](https://example.org/).",
    "\n\n" + "Un secondo paragrafo, lungo. " * 30,
]
BASE_FOOTERS = ["rassegna curata dalla redazione", "a cura della redazione"]
INCLUDED = [
    "",
    '<nav class="menu">{% for p in pages %}<a href="{{ SITEURL }}/{{ p.url }}">'
    "{{ p.title }}</a>{% endfor %}</nav>"
    '<ul class="latest">{% for a in articles[:2] %}<li>{{ a.title }}</li>'
    "{% endfor %}</ul>",
    "{% if article %}<p>{{ article.badge }}{% if article.neighbour is defined %}: "
    "{{ article.neighbour.title }}{% endif %}</p>"
    '{% for t in article.translations %}<a href="{{ SITEURL }}/{{ t.url }}">'
    "{{ t.lang }}</a>{% endfor %}{% endif %}",
    "<p>{{ SITENAME|shout }}</p>{% if article %}{{ article.entities|length }}"
    "{% endif %}",
]
FILTER_BODIES = ["text.upper()", "text.lower()", "text[::-1]"]
SUBTITLES = ["Notizie dal mondo", "Il mondo in breve"]
PLUGIN_CODE = [
    """
from pelican import signals

BADGE = "{badge}"


def mark(generator):
    articles = sorted(generator.articles, key=lambda a: a.source_path)
    for article, following in zip(articles, articles[1:] + articles[:1]):
        article.badge = BADGE
        article.neighbour = following


def register():
    signals.article_generator_finalized.connect(mark)
""",
    """
from pelican import signals


def mark(generator):
    articles = sorted(generator.articles, key=lambda a: a.source_path)
    for article, previous in zip(articles, articles[-1:] + articles[:-1]):
        article.badge = "{badge}".upper()
        article.neighbour = previous


def register():
    signals.article_generator_finalized.connect(mark)
""",
]
REGISTRY = {
    "gazprom": [None, "organization", "person"],
    "mosca": ["Capitale.", "Città sulla Moscova."],
}


class Interrupted(BaseException):
    """Stops a build between two pages, as a newer save stops a warm build."""


def _build(
    conf: Path, content: Path, output: Path, cache: Path, stop_after: int | None
) -> None:
    from pelican import Pelican
    from pelican.settings import read_settings
    from rassegna.writer import DigestWriter

    # Pagefind indexes the finished pages, so equal pages give an equal index
    # (tests/test_search.py); leaving it out keeps hundreds of builds fast.
    overrides = {
        "PATH": str(content),
        "OUTPUT_PATH": str(output),
        "RASSEGNA_SEARCH_BUNDLE": None,
    }
    settings = read_settings(
        str(conf), override={**overrides, "CACHE_PATH": str(cache)}
    )
    if stop_after is not None:
        pauses = iter(range(stop_after))

        def between_pages():
            if next(pauses, None) is None:
                raise Interrupted

        DigestWriter.between_pages = between_pages
    with contextlib.suppress(Interrupted):
        Pelican(settings).run()


def start_build(
    conf: Path, content: Path, output: Path, cache: Path, stop_after=None
) -> multiprocessing.Process:
    """One build started in a new process forked from this one; with
    `stop_after`, it stops there in its writer's pauses between pages (if it
    gets that far)."""
    process = multiprocessing.get_context("fork").Process(
        target=_build, args=(conf, content, output, cache, stop_after)
    )
    process.start()
    return process


def finished(process: multiprocessing.Process) -> None:
    """Wait for a build started by `start_build`, which must succeed."""
    process.join()
    assert process.exitcode == 0, "the build failed: see its log above"


def build(
    conf: Path, content: Path, output: Path, cache: Path, stop_after=None
) -> None:
    """One build in a new process (see `start_build`), to its end."""
    finished(start_build(conf, content, output, cache, stop_after))


class RebuildMachine(RuleBasedStateMachine):
    """A tiny site, edited at random, rebuilt and compared with a clean build."""

    @initialize()
    def make_site(self):
        load_reference_data()
        self.root = Path(tempfile.mkdtemp(prefix="rebuild-"))
        self.content = self.root / "content"
        (self.content / "notizie").mkdir(parents=True)
        (self.content / "pagine").mkdir()
        (self.content / "immagini").mkdir()
        self.theme = self.root / "theme"
        shutil.copytree(ROOT / "theme", self.theme)
        (self.root / "plugins").mkdir()
        self.articles: dict[str, dict] = {}
        self.pages: set[str] = set()
        self.images: set[str] = set()
        self.theme_files: set[str] = set()
        self.counter = 0
        self.state = {
            "footer": 0,
            "included": 1,
            "filter": 0,
            "subtitle": 0,
            "plugin": 0,
            "badge": "uno",
            "gazprom": None,
            "mosca": REGISTRY["mosca"][0],
        }
        for mentions in ([0, 2], [1, 5, 6]):
            self._write_article(self._new_name(), mentions, "Esteri", None)
        self._write_all()
        self.check()

    def teardown(self):
        if hasattr(self, "root"):
            shutil.rmtree(self.root, ignore_errors=True)

    # The files -------------------------------------------------------------

    def _new_name(self) -> str:
        self.counter += 1
        return f"a{self.counter}"

    def _write_article(
        self, name, mentions, category, translation_of, prose="", date=None
    ):
        body = " e ".join(MENTIONS[i] for i in mentions) + "." + prose
        meta = {"slug": name}
        if translation_of is not None:
            meta = {"slug": translation_of, "lang": "en"}
        if self.images and mentions and mentions[0] % 2:
            body += f"\n\n![foto]({{static}}/immagini/{sorted(self.images)[0]})"
        date = date or f"2025-01-{1 + self.counter % 27:02d} 10:00"
        self.articles[name] = {
            "mentions": mentions,
            "translation_of": translation_of,
            "category": category,
            "date": date,
        }
        text = article(f"Titolo {name}", body, date=date, category=category, **meta)
        (self.content / "notizie" / f"{name}.md").write_text(text, "utf-8")

    def _write_all(self):
        state = self.state
        base = (ROOT / "theme" / "templates" / "base.html").read_text("utf-8")
        base = base.replace(
            "rassegna curata dalla redazione", BASE_FOOTERS[state["footer"]]
        ).replace("<footer>", '<footer>{% include "includes/extra.html" %}')
        templates = self.theme / "templates"
        (templates / "base.html").write_text(base, "utf-8")
        (templates / "includes" / "extra.html").write_text(
            INCLUDED[state["included"]], "utf-8"
        )
        code = PLUGIN_CODE[state["plugin"]].replace("{badge}", state["badge"])
        (self.root / "plugins" / "tinyplugin.py").write_text(code, "utf-8")
        registry = (
            f"Mosca:\n  kind: place\n  country: RU\n  description: {state['mosca']}\n"
        )
        if state["gazprom"]:
            registry += f"Gazprom:\n  kind: {state['gazprom']}\n"
        (self.content / "entities.yml").write_text(registry, "utf-8")
        (self.root / "conf.py").write_text(
            f"exec(open({str(ROOT / 'pelicanconf.py')!r}).read())\n"
            f"THEME = {str(self.theme)!r}\n"
            f"PLUGIN_PATHS = [{str(ROOT / 'plugins')!r}, "
            f"{str(self.root / 'plugins')!r}]\n"
            "PLUGINS = ['rassegna', 'tinyplugin']\n"
            "STATIC_PATHS = ['immagini']\n"
            f"SITESUBTITLE = {SUBTITLES[state['subtitle']]!r}\n\n\n"
            "def shout(text):\n"
            f"    return {FILTER_BODIES[state['filter']]}\n\n\n"
            "JINJA_FILTERS = {'shout': shout}\n",
            "utf-8",
        )

    # Edits -------------------------------------------------------------------

    @rule(
        mentions=st.lists(st.integers(0, len(MENTIONS) - 1), min_size=1, max_size=4),
        category=st.sampled_from(CATEGORIES),
    )
    def add_article(self, mentions, category):
        self._write_article(self._new_name(), mentions, category, None)
        self.check()

    @precondition(lambda self: self.articles)
    @rule(
        data=st.data(),
        mentions=st.lists(st.integers(0, len(MENTIONS) - 1), min_size=1, max_size=4),
        category=st.sampled_from(CATEGORIES),
    )
    def edit_article(self, data, mentions, category):
        name = data.draw(st.sampled_from(sorted(self.articles)))
        self._write_article(
            name, mentions, category, self.articles[name]["translation_of"]
        )
        self.check()

    @precondition(lambda self: self.articles)
    @rule(data=st.data(), prose=st.sampled_from(PROSE))
    def edit_prose(self, data, prose):
        """A body edit that keeps the article's metadata and mentions (one the
        warm process previews)."""
        name = data.draw(st.sampled_from(sorted(self.articles)))
        kept = self.articles[name]
        self._write_article(
            name,
            kept["mentions"],
            kept["category"],
            kept["translation_of"],
            prose,
            kept["date"],
        )
        self.check()

    @precondition(lambda self: len(self.articles) > 1)
    @rule(data=st.data())
    def delete_article(self, data):
        name = data.draw(st.sampled_from(sorted(self.articles)))
        (self.content / "notizie" / f"{name}.md").unlink()
        del self.articles[name]
        for other in self.articles.values():
            if other["translation_of"] == name:
                other["translation_of"] = None  # its file still says so: fine
        self.check()

    @precondition(lambda self: self.articles)
    @rule(data=st.data())
    def translate_article(self, data):
        originals = [n for n, a in self.articles.items() if a["translation_of"] is None]
        if not originals:
            return
        original = data.draw(st.sampled_from(sorted(originals)))
        if any(a["translation_of"] == original for a in self.articles.values()):
            return
        mentions = self.articles[original]["mentions"]
        self._write_article(self._new_name(), mentions, "Esteri", original)
        self.check()

    @rule(add=st.booleans())
    def add_or_remove_page(self, add):
        if add or not self.pages:
            name = f"p{self._new_name()}"
            text = f"Title: Pagina {name}\n\nTesto della pagina.\n"
            (self.content / "pagine" / f"{name}.md").write_text(text, "utf-8")
            self.pages.add(name)
        else:
            name = sorted(self.pages)[0]
            (self.content / "pagine" / f"{name}.md").unlink()
            self.pages.discard(name)
        self.check()

    @rule(
        gazprom=st.sampled_from(REGISTRY["gazprom"]),
        mosca=st.sampled_from(REGISTRY["mosca"]),
    )
    def edit_registry(self, gazprom, mosca):
        self.state.update(gazprom=gazprom, mosca=mosca)
        self._write_all()
        self.check()

    @rule(
        subtitle=st.integers(0, len(SUBTITLES) - 1),
        body=st.integers(0, len(FILTER_BODIES) - 1),
    )
    def edit_settings(self, subtitle, body):
        self.state.update(subtitle=subtitle, filter=body)
        self._write_all()
        self.check()

    @rule(
        footer=st.integers(0, len(BASE_FOOTERS) - 1),
        included=st.integers(0, len(INCLUDED) - 1),
    )
    def edit_theme_templates(self, footer, included):
        self.state.update(footer=footer, included=included)
        self._write_all()
        self.check()

    @rule(add=st.booleans())
    def add_or_remove_theme_static(self, add):
        folder = self.theme / "static" / "css"
        if add or not self.theme_files:
            name = f"extra-{self._new_name()}.css"
            (folder / name).write_text(f"/* {name} */\n", "utf-8")
            self.theme_files.add(name)
        else:
            name = sorted(self.theme_files)[0]
            (folder / name).unlink()
            self.theme_files.discard(name)
        self.check()

    @rule(add=st.booleans())
    def add_or_remove_image(self, add):
        if add or not self.images:
            name = f"f{self._new_name()}.png"
            (self.content / "immagini" / name).write_bytes(b"\x89PNG " + name.encode())
            self.images.add(name)
        else:
            name = sorted(self.images)[0]
            (self.content / "immagini" / name).unlink()
            self.images.discard(name)
        self.check()

    @rule(
        code=st.integers(0, len(PLUGIN_CODE) - 1),
        badge=st.sampled_from(["uno", "due"]),
    )
    def edit_plugin(self, code, badge):
        self.state.update(plugin=code, badge=badge)
        self._write_all()
        self.check()

    # The comparison ------------------------------------------------------------

    @rule(after=st.integers(0, 40))
    def interrupt_the_next_build(self, after):
        """The next edit's build stops part way through its pages, as a warm
        build does for a newer save; the edit after it is built whole and
        checked."""
        self.interrupt = after

    interrupt = None

    def interrupted_build(self) -> bool:
        """Build, stopping part way, if asked to; whether it did."""
        if self.interrupt is None:
            return False
        out, cache = self.root / "out", self.root / "cache"
        build(self.root / "conf.py", self.content, out, cache, self.interrupt)
        self.interrupt = None
        return True

    def check(self):
        if self.interrupted_build():
            return
        clean = self.start_clean_build()
        out, cache = self.root / "out", self.root / "cache"
        build(self.root / "conf.py", self.content, out, cache)
        self.assert_output_equals(clean)

    def start_clean_build(self) -> tuple[Path, multiprocessing.Process]:
        """A clean build of the files as they are now, in a folder of its own,
        started to run beside the rebuild (which reads the same files and
        writes elsewhere): the two take half the time on two cores."""
        clean = Path(tempfile.mkdtemp(prefix="clean-", dir=self.root))
        conf = self.root / "conf.py"
        return clean, start_build(conf, self.content, clean / "out", clean / "cache")

    def assert_output_equals(self, clean: tuple[Path, multiprocessing.Process]):
        """The site in out/ is byte for byte the clean build's."""
        folder, process = clean
        finished(process)
        rebuilt, expected = tree(self.root / "out"), tree(folder / "out")
        shutil.rmtree(folder)
        assert sorted(rebuilt) == sorted(expected)
        for name, data in expected.items():
            assert rebuilt[name] == data, name


_COMMON = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.filter_too_much],
}


class TestRebuildEqualsCleanBuild(RebuildMachine.TestCase):
    settings = settings(max_examples=25, stateful_step_count=5, **_COMMON)


@pytest.mark.slow
class TestRebuildEqualsCleanBuildAtLength(RebuildMachine.TestCase):
    settings = settings(max_examples=300, stateful_step_count=6, **_COMMON)
