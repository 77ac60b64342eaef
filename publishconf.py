"""Settings for publishing to GitHub Pages: absolute URLs under the real address,
an empty output folder to start from, and no draft written anywhere."""

import os
import sys
from urllib.parse import urlsplit

sys.path.append(os.path.dirname(os.path.abspath(__file__)))
from pelicanconf import *  # noqa: F403

SITEURL = os.environ.get("RASSEGNA_SITEURL", "").rstrip("/")
_address = urlsplit(SITEURL)
if _address.scheme != "https" or not _address.netloc:
    # Publishing links to a made-up address would break every feed and link.
    raise SystemExit(
        "publishconf.py: set RASSEGNA_SITEURL to the site's https:// address, e.g."
        " RASSEGNA_SITEURL=https://redazione.github.io/rassegna"
        f" (got {SITEURL or 'nothing'!r})"
    )
RELATIVE_URLS = False
# A publication starts from an empty output folder.
DELETE_OUTPUT_DIRECTORY = True
# Drafts stay in the curator's preview: a publication never writes them.
DRAFT_SAVE_AS = ""
DRAFT_LANG_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
DRAFT_PAGE_LANG_SAVE_AS = ""
