"""Plain Pelican as a newcomer runs it, the anchor of bench/run.py: the default
theme, tags from metadata (the corpus's `tags` flavour lists every article's
entities as tags), typogrify on. bench/run.py passes the content, output and cache
folders on the command line."""

SITENAME = "Plain"
SITEURL = "http://localhost:8000"
TIMEZONE = "Europe/Rome"
DEFAULT_LANG = "it"
TYPOGRIFY = True
RELATIVE_URLS = True
