"""The theme's stylesheets, minified where the site serves them.

Every page loads the one stylesheet, so its bytes count in every page's weight
(an article page must stay within 30 KB with it). The theme keeps its source
readable, with its comments and layout; the copy Pelican puts in the output
loses them, a fifth of the file. rcssmin only removes what CSS ignores, so the
rules and their order are the theme's own.
"""

from pathlib import Path

import rcssmin


def minify_stylesheets(pelican) -> None:
    """finalized: minify every stylesheet Pelican copied from the theme (it copies
    them again on every build, so each build minifies its own copy)."""
    folder = Path(pelican.output_path) / pelican.settings["THEME_STATIC_DIR"]
    for path in sorted(folder.rglob("*.css")):
        source = path.read_text(encoding="utf-8")
        minified = rcssmin.cssmin(source)
        if minified != source:
            path.write_text(minified, encoding="utf-8")
