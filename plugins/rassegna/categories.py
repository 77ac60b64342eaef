"""Every article gets a topic, drafts and translations included: its Category,
else its folder's name below the article paths (USE_FOLDER_AS_CATEGORY, as
Pelican does), else DEFAULT_CATEGORY.

Pelican gives neither default nor folder when CATEGORY_SAVE_AS is empty, as it is
here (the topic pages replace Pelican's category pages); without a category a
draft stops Pelican's drafts page with an AttributeError."""

from pathlib import PurePosixPath

from pelican.urlwrappers import Category


def category_for(article, settings: dict) -> Category:
    """The category an article without one belongs to."""
    folder = PurePosixPath(article.relative_source_path).parent
    roots = {PurePosixPath(path) for path in settings["ARTICLE_PATHS"]}
    if settings["USE_FOLDER_AS_CATEGORY"] and folder not in roots | {PurePosixPath()}:
        return Category(folder.name, settings)
    return Category(settings["DEFAULT_CATEGORY"], settings)


def give_categories(articles, settings: dict) -> None:
    """Set the category of every article in `articles` that has none."""
    for article in articles:
        if getattr(article, "category", None) is None:
            article.category = category_for(article, settings)
