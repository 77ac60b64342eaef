"""Names to identity keys, slugs and plain text."""

import functools
import hashlib
import re
import unicodedata

from pelican.utils import slugify

_APOSTROPHES = str.maketrans(dict.fromkeys("’‘ʼʻ`´′", "'"))
_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―", "-"))
_SLUG_SUBSTITUTIONS = [(r"'", " "), (r"[^\w\s-]", ""), (r"[-\s_]+", "-")]
MAX_SLUG = 80
SAFE_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def collapse_space(text: str) -> str:
    """Turn every run of whitespace (non-breaking included) into one space."""
    return " ".join(text.split())


def fold(name: str) -> str:
    """The key two spellings of one name share: no case, accents, apostrophe form
    or spacing differences."""
    if name.isascii():
        return " ".join(name.replace("`", "'").lower().split())
    text = name
    while True:  # until stable: casefolding and decomposing can feed each other
        decomposed = unicodedata.normalize("NFKD", text)
        folded = "".join(c for c in decomposed if not unicodedata.combining(c))
        folded = folded.casefold()
        if folded == text:
            break
        text = folded
    text = unicodedata.normalize("NFC", text).translate(_APOSTROPHES).translate(_DASHES)
    return collapse_space(text)


@functools.lru_cache(maxsize=1 << 16)
def fold_name(name: str) -> str:
    """fold(), remembered: for the few hundred names an archive repeats."""
    return fold(name)


def words(name: str) -> list[str]:
    """The words of a name, as written."""
    return collapse_space(name).split(" ")


def slug_for(name: str) -> str:
    """A safe single path segment for a name: transliterated ASCII, never empty."""
    slug = slugify(name.translate(_APOSTROPHES), regex_subs=_SLUG_SUBSTITUTIONS)
    slug = slug.strip("-")
    digest = hashlib.sha1(fold(name).encode("utf-8")).hexdigest()[:10]
    if not SAFE_SLUG.match(slug):
        return f"n-{digest}"
    if len(slug) > MAX_SLUG:
        # Short enough for any file system, still one per name.
        return f"{slug[: MAX_SLUG - 11].rstrip('-')}-{digest}"
    return slug
