"""Markdown and reST files under the content folder that no path setting picks
up. Pelican reads only ARTICLE_PATHS, PAGE_PATHS and STATIC_PATHS and says
nothing of the rest: an article saved one folder off would never be published,
without a word. They are named instead of read, because content/ may also hold
notes that are not meant to be published (IGNORE_FILES silences those)."""

from pelican.generators import ArticlesGenerator, PagesGenerator

SOURCE_EXTENSIONS = ("md", "markdown", "mkd", "mdown", "rst")


def unpicked_files(generators) -> list[str]:
    """Content-relative paths of source files no generator reads, sorted."""
    picked: set[str] = set()
    walker = None
    for generator in generators:
        settings = generator.settings
        if isinstance(generator, ArticlesGenerator):
            walker = generator
            paths, exclude = settings["ARTICLE_PATHS"], settings["ARTICLE_EXCLUDES"]
        elif isinstance(generator, PagesGenerator):
            paths, exclude = settings["PAGE_PATHS"], settings["PAGE_EXCLUDES"]
        else:
            continue
        picked |= generator.get_files(paths, exclude=exclude)
    if walker is None:
        return []
    picked |= set(walker.context["static_content"])
    everything = walker.get_files([""], extensions=SOURCE_EXTENSIONS)
    return sorted(path for path in everything - picked)
