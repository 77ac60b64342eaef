"""robots.txt: the build writes one pointing at the sitemap, unless the curator
wrote their own in content/extra/, which is published as written; the build
says when the curator's file does not lead search engines to the sitemap."""

import logging

from conftest import article, run_pelican, tree, write_content

ARTICLES = {"a.md": article("Uno", "**Kim Jong Un** a **Mosca**.")}
CURATORS = "User-agent: *\nDisallow: /bozze/\n"
# As publishconf.py builds: an https address, pages linking relatively.
HTTPS = {"SITEURL": "https://rassegna.example"}


def _content(tmp_path, robots: str | None):
    content = tmp_path / "content"
    write_content(content, ARTICLES, "")
    if robots is not None:
        (content / "extra").mkdir()
        (content / "extra" / "robots.txt").write_text(robots, encoding="utf-8")
    return content


def _build(tmp_path, name, robots, caplog, **settings):
    caplog.clear()
    content = _content(tmp_path / name, robots)
    folder = tmp_path / name
    site = run_pelican(content, folder / "output", folder / "cache", **settings)
    return site, [
        r.getMessage() for r in caplog.records if r.name.startswith("rassegna")
    ]


def test_without_a_curators_file_the_build_writes_one(tmp_path, caplog):
    site, said = _build(tmp_path, "plain", None, caplog, **HTTPS)
    assert site.read("robots.txt") == (
        "User-agent: *\nAllow: /\nSitemap: https://rassegna.example/sitemap.xml\n"
    )
    assert not any("robots.txt" in message for message in said)


def test_the_curators_file_wins_and_a_missing_sitemap_line_is_said(tmp_path, caplog):
    caplog.set_level(logging.WARNING)
    site, said = _build(tmp_path, "own", CURATORS, caplog)
    assert site.read("robots.txt") == CURATORS
    assert said == [
        "extra/robots.txt is published as written and has no 'Sitemap:' line, so "
        "search engines are not told where the sitemap is; add: "
        "Sitemap: http://localhost:8000/sitemap.xml"
    ]


def test_a_sitemap_line_for_another_address_is_said_when_publishing(tmp_path, caplog):
    caplog.set_level(logging.WARNING)
    right = CURATORS + "sitemap: https://rassegna.example/sitemap.xml # ours\n"
    site, said = _build(tmp_path, "right", right, caplog, **HTTPS)
    assert site.read("robots.txt") == right
    assert said == []
    wrong = CURATORS + "Sitemap: https://old.example/sitemap.xml\n"
    site, said = _build(tmp_path, "wrong", wrong, caplog, **HTTPS)
    assert site.read("robots.txt") == wrong
    assert said == [
        "extra/robots.txt, line 3: 'Sitemap: https://old.example/sitemap.xml' is "
        "not this site's sitemap, which is https://rassegna.example/sitemap.xml"
    ]
    # A local build is not under the published address: nothing to compare.
    _, said = _build(tmp_path, "local", wrong, caplog)
    assert said == []


def test_adding_and_removing_the_curators_file_rebuilds_like_a_clean_build(tmp_path):
    content = _content(tmp_path, None)
    output, cache = tmp_path / "output", tmp_path / "cache"
    run_pelican(content, output, cache)
    own = content / "extra" / "robots.txt"
    own.parent.mkdir()
    own.write_text(CURATORS, encoding="utf-8")
    run_pelican(content, output, cache)
    clean = run_pelican(content, tmp_path / "clean", tmp_path / "clean-cache")
    assert (output / "robots.txt").read_text(encoding="utf-8") == CURATORS
    assert tree(output) == tree(clean.output)
    own.unlink()
    run_pelican(content, output, cache)
    clean = run_pelican(content, tmp_path / "clean2", tmp_path / "clean2-cache")
    assert "Sitemap: " in (output / "robots.txt").read_text(encoding="utf-8")
    assert tree(output) == tree(clean.output)
