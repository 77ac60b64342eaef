"""Settings for publishing under the real address, which `invoke publish` takes
from RASSEGNA_SITEURL (it refuses anything but https://)."""

import os
import sys

sys.path.append(os.path.dirname(os.path.abspath(__file__)))
from pelicanconf import *  # noqa: F403

SITEURL = os.environ.get("RASSEGNA_SITEURL", "").rstrip("/")
# Pages link to each other relatively, as in local builds: the address written
# into every link would cost a dense article page 15% of its weight. What is read
# away from the page carries the address in full: the canonical link, Open
# Graph and JSON-LD, feeds, sitemap.xml, robots.txt and the 404 page, which is
# served at any missing address.
RELATIVE_URLS = True
# Feeds carry the site's domain in their links.
FEED_DOMAIN = SITEURL
# A publication starts from an empty output folder.
DELETE_OUTPUT_DIRECTORY = True
# Drafts are not written at all: nothing unfinished reaches the public site.
DRAFT_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
DRAFT_LANG_SAVE_AS = ""
DRAFT_PAGE_LANG_SAVE_AS = ""
# One search index: a reader's browser loads one bundle, not one per part.
RASSEGNA_SEARCH_PART_PAGES = None
