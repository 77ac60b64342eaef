"""Rassegna's settings for local builds; publishconf.py adds what publishing needs."""

import gc

# A build holds millions of long-lived objects (articles, their entities, every
# page's recorded reads); with Python's default thresholds the cyclic collector
# walks them about 6,000 times in a one-article rebuild of 8,000 articles (1.5 s
# of 13 s). Collecting the youngest objects every 100,000 allocations instead of
# 700 left 38 walks (0.4 s) and 2% more memory. Not a setting: Python's own.
gc.set_threshold(100_000, 50, 1000)

AUTHOR = "Redazione Rassegna"
SITENAME = "Rassegna"
SITESUBTITLE = "Notizie dal mondo, per paese, tema ed entità"
# Pages link relatively (RELATIVE_URLS below); feeds need an absolute address, which
# in local builds is the preview server's. publishconf.py sets the real one.
SITEURL = "http://localhost:8000"

PATH = "content"
OUTPUT_PATH = "output"
THEME = "theme"
TIMEZONE = "Europe/Rome"
DEFAULT_LANG = "it"
DEFAULT_DATE_FORMAT = "%d/%m/%Y"
# Typogrify runs in the plugin's Markdown reader (RASSEGNA_TYPOGRIFY), where its
# result is cached with the content and computed on every core; Pelican's own pass
# stays off so it does not run twice.
TYPOGRIFY = False
RASSEGNA_TYPOGRIFY = True
# Reads are cached in cache/ and reused while a file and the settings are unchanged.
CACHE_CONTENT = True
CONTENT_CACHING_LAYER = "reader"
LOAD_CONTENT_CACHE = True
CACHE_PATH = "cache"
CHECK_MODIFIED_METHOD = "sha256"
GZIP_CACHE = False
RELATIVE_URLS = True
# Output is kept between builds: unchanged pages are not written again, and the
# plugin removes the pages a build no longer produces.
DELETE_OUTPUT_DIRECTORY = False
DEFAULT_PAGINATION = 20
# The home page and the entity, country and topic pages show 20 articles a page,
# later pages at clean addresses: paesi/russia/pagina/2/.
PAGINATED_TEMPLATES = {"index": None, "entity": None, "country": None, "topic": None}
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/pagina/{number}/", "{base_name}/pagina/{number}/index.html"),
)
# Plain text the plugin passes (entity names, descriptions) is escaped by Jinja;
# HTML from content is marked safe in the templates.
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "autoescape": True}

PLUGIN_PATHS = ["plugins"]
PLUGINS = ["rassegna"]

# Articles get clean URLs; authors, tags and Pelican's own category pages are not
# written: the plugin's topic pages take the categories' place.
ARTICLE_URL = "{date:%Y}/{date:%m}/{slug}/"
ARTICLE_SAVE_AS = "{date:%Y}/{date:%m}/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
DEFAULT_CATEGORY = "Varie"
CATEGORY_URL = "temi/{slug}/"
CATEGORY_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
TAG_SAVE_AS = ""
TAGS_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
DIRECT_TEMPLATES = ["index", "404", "search"]
# The search page; Pagefind's index is written to output/pagefind/ (the plugin's
# RASSEGNA_SEARCH_BUNDLE) after every build.
SEARCH_URL = "cerca/"
SEARCH_SAVE_AS = "cerca/index.html"
# While writing, a large site's index is made in parts of about 1,000 pages, so a
# saved edit re-indexes only the parts its pages fall in; the publication goes
# back to one index (publishconf.py), the quickest for a reader's browser to load.
RASSEGNA_SEARCH_PART_PAGES = 1000
# Article sources live in content/notizie/ (a subfolder names the topic of the
# articles in it that have no Category), pages in content/pagine/ or, as in
# Pelican's own layout, content/pages/; content/entities.yml is the registry. A
# Markdown or reST file anywhere else in content/ is named in a warning.
ARTICLE_PATHS = ["notizie"]
PAGE_PATHS = ["pagine", "pages"]
USE_FOLDER_AS_CATEGORY = True
# A translation (Lang: en, same slug) is published next to its original.
ARTICLE_LANG_URL = "{date:%Y}/{date:%m}/{slug}/{lang}/"
ARTICLE_LANG_SAVE_AS = "{date:%Y}/{date:%m}/{slug}/{lang}/index.html"
PAGE_LANG_URL = "{slug}/{lang}/"
PAGE_LANG_SAVE_AS = "{slug}/{lang}/index.html"
# Images are copied as they are; the files in content/extra/ that a site serves
# from its root go there, as Pelican's documentation suggests.
STATIC_PATHS = ["images", "immagini", "extra"]
ROOT_FILES = (
    *("robots.txt", "favicon.ico", "favicon.svg", "apple-touch-icon.png"),
    *("CNAME", ".nojekyll", "humans.txt", "_headers", "_redirects"),
)
EXTRA_PATH_METADATA = {f"extra/{name}": {"path": name} for name in ROOT_FILES}

FEED_ALL_ATOM = "feeds/tutte.atom.xml"
CATEGORY_FEED_ATOM = "feeds/temi/{slug}.atom.xml"
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

# The entity plugin (defaults in plugins/rassegna/settings.py).
ENTITY_MAX_WORDS = 6
ENTITY_REGISTRY = "entities.yml"
ENTITY_URL = "entita/{slug}/"
ENTITY_SAVE_AS = "entita/{slug}/index.html"
ENTITY_FEED_ATOM = "feeds/entita/{slug}.atom.xml"
COUNTRY_URL = "paesi/{slug}/"
COUNTRY_SAVE_AS = "paesi/{slug}/index.html"
TOPIC_URL = "temi/{slug}/"
TOPIC_SAVE_AS = "temi/{slug}/index.html"
