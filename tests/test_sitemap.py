"""The real pelican-sitemap plugin, next to rassegna: it learns of every page
through Pelican's content_written signal, so its sitemap is the writer's
contract made visible, on a clean build and after an incremental one."""

import re
from pathlib import Path

from conftest import ROOT, article, run_pelican, write_content
from pelican.plugins import signals

ARTICLES = {
    "a.md": article("Uno", "**Kim Jong Un** a **Mosca**.", date="2025-01-01"),
    "b.md": article(
        "Due", "**Seul** e **gas**.", date="2025-01-02", category="Economia"
    ),
}
SETTINGS = {
    "PLUGIN_PATHS": [str(ROOT / "plugins")],
    "PLUGINS": ["rassegna", "sitemap"],
    "SITEMAP": {"format": "xml"},
}


def sitemap_urls(site) -> set[str]:
    return set(
        re.findall(r"<loc>http://localhost:8000/(.*?)</loc>", site.read("sitemap.xml"))
    )


def expected_urls(site) -> set[str]:
    """Every article, entity, country and topic page, as the sitemap names it."""
    data = site.json()
    urls = set()
    for key in ("entities", "countries", "topics"):
        urls |= {item["url"] for item in data[key]}
        urls |= {a["url"] for item in data[key] for a in item["articles"]}
    return urls


def test_every_page_is_in_the_sitemap_before_and_after_a_rebuild(tmp_path):
    content = tmp_path / "content"
    write_content(content, ARTICLES, "")
    site = run_pelican(content, tmp_path / "out", tmp_path / "cache", **SETTINGS)
    assert expected_urls(site) <= sitemap_urls(site)
    assert len(expected_urls(site)) > 8

    path = content / "notizie" / "b.md"
    path.write_text(path.read_text().replace("**gas**", "**petrolio**"), "utf-8")
    (content / "notizie" / "c.md").write_text(
        article("Tre", "**Berlino**.", date="2025-01-03"), "utf-8"
    )
    site = run_pelican(content, tmp_path / "out", tmp_path / "cache", **SETTINGS)
    urls = sitemap_urls(site)
    assert expected_urls(site) <= urls
    assert {"entita/petrolio/", "entita/berlino/", "2025/01/tre/"} <= urls
    assert "entita/gas/" not in urls


def test_written_signals_fire_once_per_file_in_this_process(tmp_path):
    content = tmp_path / "content"
    write_content(content, ARTICLES, "")
    pages, feeds = [], []

    def page_written(path, context):
        assert Path(path).read_text(encoding="utf-8")  # the file is on disk
        pages.append(path)

    def feed_written(path, context, feed):
        assert feed.num_items() > 0
        feeds.append(path)

    signals.content_written.connect(page_written)
    signals.feed_written.connect(feed_written)
    try:
        for _ in range(2):  # a clean build, then one that keeps every file
            pages.clear()
            feeds.clear()
            site = run_pelican(content, tmp_path / "out", tmp_path / "cache")
            files = site.files()
            html = {str(site.output / f) for f in files if f.endswith(".html")}
            xml = {str(site.output / f) for f in files if f.startswith("feeds/")}
            assert sorted(pages) == sorted(html)
            assert sorted(feeds) == sorted(xml)
    finally:
        signals.content_written.disconnect(page_written)
        signals.feed_written.disconnect(feed_written)
