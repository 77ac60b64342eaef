"""sitemap.xml and robots.txt: every published page's absolute address, sorted,
so the files are byte-identical from one build to the next.

A curator's own robots.txt (content/extra/robots.txt, copied to the site's root
by EXTRA_PATH_METADATA) wins: its rules are the curator's decision, so the build
publishes it as written and writes none of its own. What the curator's file
would lose without a word is the line that tells search engines where the
sitemap is, so the build warns when the file has no `Sitemap:` line, or, for a
site published under https, when none of its lines names this site's sitemap."""

import logging
from pathlib import Path
from xml.sax.saxutils import escape

from pelican.utils import sanitised_join

logger = logging.getLogger(__name__)
ROBOTS = "robots.txt"


def addresses(digest, pages) -> list[str]:
    """Root-relative URLs of the home page, articles, pages and digest pages."""
    conf = digest.settings
    urls = {"", conf.entities_url, conf.countries_url, conf.topics_url}
    urls.update(a.url for topic in digest.topics for a in topic.articles)
    urls.update(page.url for page in pages)
    for group in (digest.entities, digest.countries, digest.topics):
        urls.update(item.url for item in group)
    return sorted(urls)


def sitemap_xml(site_url: str, urls: list[str]) -> str:
    rows = "".join(
        f"<url><loc>{escape(site_url)}/{escape(url)}</loc></url>\n" for url in urls
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{rows}</urlset>\n"
    )


def robots_txt(site_url: str) -> str:
    return f"User-agent: *\nAllow: /\nSitemap: {site_url}/sitemap.xml\n"


def write_if_changed(writer, save_as: str, text: str) -> None:
    """Write only when the text differs, so an unchanged file keeps its time;
    the writer is told it was produced all the same, or it would remove it."""
    path = Path(sanitised_join(writer.output_path, save_as))
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        writer.keep(save_as)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def sitemap_lines(text: str) -> list[tuple[int, str]]:
    """(line number, address) of every `Sitemap:` line; the field name is
    case-insensitive and a `#` starts a comment, as robots.txt has it."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        field, colon, value = line.split("#", 1)[0].partition(":")
        if colon and field.strip().lower() == "sitemap":
            found.append((number, value.strip()))
    return found


def check_curators_robots(static, site_url: str) -> None:
    """Warn when the curator's robots.txt does not lead to this site's sitemap."""
    name = static.relative_source_path
    expected = f"{site_url}/sitemap.xml"
    try:
        text = Path(static.source_path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return  # Pelican's static generator reports an unreadable file
    lines = sitemap_lines(text)
    if not lines:
        logger.warning(
            "%s is published as written and has no 'Sitemap:' line, so search "
            "engines are not told where the sitemap is; add: Sitemap: %s",
            name,
            expected,
        )
    elif site_url.startswith("https://") and all(v != expected for _, v in lines):
        number, value = lines[0]
        logger.warning(
            "%s, line %d: 'Sitemap: %s' is not this site's sitemap, which is %s",
            name,
            number,
            value,
            expected,
        )


def write(writer, site_url: str, digest, pages, static_files) -> None:
    """sitemap.xml, and robots.txt unless the curator wrote one (`static_files`
    are Pelican's, with the folder each is published to)."""
    site_url = site_url.rstrip("/")
    urls = addresses(digest, pages)
    write_if_changed(writer, "sitemap.xml", sitemap_xml(site_url, urls))
    curators = [f for f in static_files if f.save_as == ROBOTS]
    if curators:
        check_curators_robots(curators[0], site_url)
    else:
        write_if_changed(writer, ROBOTS, robots_txt(site_url))
