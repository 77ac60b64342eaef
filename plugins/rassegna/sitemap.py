"""sitemap.xml and robots.txt: every published page's absolute address, sorted,
so the files are byte-identical from one build to the next."""

from pathlib import Path
from xml.sax.saxutils import escape

from pelican.utils import sanitised_join


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


def write(writer, site_url: str, digest, pages) -> None:
    site_url = site_url.rstrip("/")
    urls = addresses(digest, pages)
    write_if_changed(writer, "sitemap.xml", sitemap_xml(site_url, urls))
    write_if_changed(writer, "robots.txt", robots_txt(site_url))
