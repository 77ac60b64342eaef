"""Settings of the content-safety rules on real builds, and the date reader."""

import pytest
from bs4 import BeautifulSoup
from conftest import (
    article,
    forget_logged_warnings,
    run_pelican,
    tree,
    write_content,
)
from rassegna.metadata import parse_date

SCRIPT = "Su **Roma**.\n\n<script>alert(1)</script>\n"


def test_raw_html_setting_keeps_what_authors_wrote(make_site):
    site = make_site({"a.md": article("A", SCRIPT)}, RASSEGNA_RAW_HTML=True)
    assert "<script>alert(1)</script>" in site.read("2025/01/a/index.html")


def test_sanitized_by_default(make_site):
    site = make_site({"a.md": article("A", SCRIPT)})
    page = site.read("2025/01/a/index.html")
    assert "alert(1)" not in page
    # The only script on the page is the theme's JSON-LD, which runs nothing.
    scripts = BeautifulSoup(page, "html.parser").find_all("script")
    assert [s.get("type") for s in scripts] == ["application/ld+json"]


def test_a_site_adds_an_iframe_host(make_site):
    embed = '<iframe src="https://video.example.org/e/1"></iframe>'
    site = make_site(
        {"a.md": article("A", f"**Roma**\n\n{embed}\n")},
        RASSEGNA_IFRAME_HOSTS=["video.example.org"],
    )
    assert embed in site.read("2025/01/a/index.html")


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("01/02/2026", "2026-02-01 00:00:00"),
        ("1.2.2026 9:05", "2026-02-01 09:05:00"),
        ("2026-02-01 10:30", "2026-02-01 10:30:00"),
        ("3 marzo 2026", "2026-03-03 00:00:00"),
    ],
)
def test_dates_are_read_day_first(written, read):
    assert str(parse_date(written)) == read


@pytest.mark.parametrize("written", ["12/31/2026", "01/02/26", "01022026", "ieri"])
def test_unreadable_dates_are_refused_with_the_accepted_forms(written):
    with pytest.raises(ValueError, match="write it as one of 2026-02-01"):
        parse_date(written)


def test_files_prepared_on_other_cores_read_as_in_one_process(tmp_path, caplog):
    """Enough files to be prepared in worker processes, which also finish the
    titles and summaries: the site equals a build that reads in one process,
    and what is wrong with a title is said in both."""
    articles = {
        f"{number:02d}.md": article(
            f'"Vertice" a **Roma** n. {number} <img src=x onerror=alert(1)>',
            f"Su **Roma**, la giornata {number}.",
            summary=f'Il "punto" del giorno {number} su *Roma*.',
        )
        for number in range(45)
    }
    sites, said = {}, {}
    for processes in (2, 1):
        folder = tmp_path / str(processes)
        write_content(folder / "content", articles, "")
        caplog.clear()
        forget_logged_warnings()  # each build as a new `pelican` command
        sites[processes] = run_pelican(
            folder / "content",
            folder / "out",
            folder / "cache",
            RASSEGNA_PROCESSES=processes,
            RASSEGNA_SEARCH_BUNDLE=None,
        )
        said[processes] = sorted(
            r.getMessage() for r in caplog.records if "for safety" in r.getMessage()
        )
    assert tree(sites[2].output) == tree(sites[1].output)
    assert len(said[2]) == 45 and said[2] == said[1]
    assert all("from the title for safety: <img>" in message for message in said[2])
    name = next(n for n in sites[2].files() if n.endswith("-n-7/index.html"))
    page = sites[2].read(name)
    assert "“Vertice”" in page and "onerror" not in page
    assert "“punto”" in sites[2].read("index.html")
