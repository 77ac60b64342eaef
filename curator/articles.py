"""Starting an article: an empty one (`invoke new`) or one made from an agency's
raw text (`invoke import`). Nothing here overwrites a file: a curator's article
that already exists is never replaced."""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

# A slug longer than this is cut at a word boundary: file names stay readable.
SLUG_MAX_CHARS = 60
# A line of at most this many words with no final punctuation is a section heading.
HEADING_MAX_WORDS = 10
FINAL_PUNCTUATION = tuple(".,;:!?…»”\"')")
# "AgenPress. La guerra…": one word and a full stop before the text proper.
AGENCY = re.compile(r"^(?P<agency>[A-Z][\w&'’-]{1,30})\.\s+(?=\S)")
# A sentence ends at . ! ? or … followed by a space, outside bold.
SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
BOLD = re.compile(r"\*\*(.+?)\*\*")


class ArticleExists(FileExistsError):
    """The article's file is already there; it is left as it was."""

    def __init__(self, path: Path):
        super().__init__(f"{path} already exists: nothing was written")
        self.path = path


@dataclass
class Draft:
    """An article inferred from raw text, before it is written."""

    title: str
    summary: str
    source: str | None
    paragraphs: list[str] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)

    def body(self) -> str:
        return "\n\n".join(self.paragraphs)


def slugify(title: str) -> str:
    """ASCII words joined by hyphens, cut at a word boundary."""
    decomposed = unicodedata.normalize("NFKD", plain(title))
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = re.findall(r"[a-z0-9]+", ascii_text.casefold())
    slug = ""
    for word in words:
        longer = f"{slug}-{word}" if slug else word
        if len(longer) > SLUG_MAX_CHARS and slug:
            break
        slug = longer
    return slug or "articolo"


def plain(markdown_text: str) -> str:
    """Bold markers dropped: a title or summary is no place for entity marks."""
    return BOLD.sub(r"\1", markdown_text).strip()


def now_in(timezone: str) -> datetime:
    """The current time in the site's time zone (pelicanconf's TIMEZONE)."""
    return datetime.now(ZoneInfo(timezone))


def article_text(title: str, date: str, topic: str, body: str = "", **meta) -> str:
    """The Markdown source: Pelican's metadata lines, a blank line, the body."""
    lines = [f"Title: {title}", f"Date: {date}", f"Category: {topic}"]
    lines += [f"{key}: {value}" for key, value in meta.items() if value]
    return "\n".join(lines) + "\n\n" + (body.strip() + "\n" if body.strip() else "")


def write_new(path: Path, text: str) -> Path:
    """Create `path` with `text`; an existing file raises ArticleExists."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise ArticleExists(path) from None
    return path


def new_article(folder: Path, title: str, topic: str, when: datetime) -> Path:
    """content/notizie/<YYYY-MM-DD>-<slug>.md with the metadata and no body."""
    path = folder / f"{when:%Y-%m-%d}-{slugify(title)}.md"
    return write_new(path, article_text(title, f"{when:%Y-%m-%d %H:%M}", topic))


def is_heading(line: str) -> bool:
    return (
        len(line.split()) <= HEADING_MAX_WORDS
        and not line.endswith(FINAL_PUNCTUATION)
        and "**" not in line
    )


def first_sentence(paragraph: str) -> str:
    """Up to the first full stop that ends a sentence; its final . is dropped."""
    sentence = SENTENCE_END.split(plain(paragraph), maxsplit=1)[0]
    return sentence[:-1] if sentence.endswith(".") else sentence


def parse_agency_text(text: str) -> Draft:
    """Raw agency copy (one paragraph per line, section lines unpunctuated, bold
    already marked) read as an article. Quotes and apostrophes are kept as
    written."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        raise ValueError("the text is empty")
    source = None
    found = AGENCY.match(lines[0])
    if found:
        source = found["agency"]
        lines[0] = lines[0][found.end() :]
    paragraphs, headings = [], []
    for index, line in enumerate(lines):
        if index and is_heading(line):
            headings.append(line)
            paragraphs.append(f"## {line}")
        else:
            paragraphs.append(line)
    return Draft(
        title=first_sentence(lines[0]),
        summary=plain(lines[0]),
        source=source,
        paragraphs=paragraphs,
        headings=headings,
    )


def import_article(
    folder: Path, text: str, topic: str, when: datetime
) -> tuple[Path, Draft]:
    """Write the article inferred from `text`; never over an existing file."""
    draft = parse_agency_text(text)
    path = folder / f"{when:%Y-%m-%d}-{slugify(draft.title)}.md"
    source = article_text(
        draft.title,
        f"{when:%Y-%m-%d %H:%M}",
        topic,
        draft.body(),
        Source=draft.source,
        Summary=draft.summary,
    )
    return write_new(path, source), draft


def parse_date(value: str, timezone: str) -> datetime:
    """`YYYY-MM-DD` or `YYYY-MM-DD HH:MM`, in the site's time zone."""
    for pattern in ("%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, pattern).replace(tzinfo=ZoneInfo(timezone))
        except ValueError:
            continue
    raise ValueError(f"--date {value!r}: expected YYYY-MM-DD or 'YYYY-MM-DD HH:MM'")
