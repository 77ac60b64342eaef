"""What a rendering reads, recorded so that the next build can tell, without
rendering, whether a page would come out the same (Hugo's dependency tracking,
for Jinja).

While a page renders, every value the template takes from its context is handed
over inside a `Watched` wrapper that knows the path it was reached by
(`articles_page` → `object_list` → 3rd item → `title`). Reading an attribute or
an item, iterating, taking a length or a truth value, calling a method: each is
recorded as a path and what it gave. A value leaves the record's reach when
Python code outside Jinja gets it (a filter, test or global from the settings,
a comparison, `str()`): it is then recorded whole, by a deep fingerprint. A page
whose reads cannot be replayed (a call with arguments from the page, an object
that cannot be fingerprinted, a `pass_context` function reading the whole
context) is marked unsure and always rendered.

The next build walks the same paths in the new context (`replay`) and hashes
what they give now: equal digests mean every read gives what it gave.

Two reads of Pelican's content objects are described instead of evaluated,
because evaluating them means rendering: `content`/`get_content()` and
`summary`/`get_summary()` are fingerprinted by the source HTML (or summary
metadata), the site URL they are rendered for and, when the HTML links other
content (`{filename}`, `{static}`, `{attach}`…), where all content is published.
Their code is Pelican's own, at the version in the site key.
"""

import datetime
import decimal
import hashlib
import re
import sys
import types
from functools import partial, wraps
from pathlib import Path

from jinja2.runtime import Context, Macro, missing
from markupsafe import Markup
from pelican.contents import Content

_LEAVES = (
    str,
    int,
    float,
    bool,
    type(None),
    datetime.date,
    datetime.time,
    datetime.timedelta,
    decimal.Decimal,
    bytes,
)
_ENTITY_LINK = re.compile(r"\{filename\}/\.rassegna/")
MISSING = "\x00missing"
_VERSIONED = ("jinja2", "markupsafe", "builtins", "feedgenerator")


class Unsure(Exception):
    """A value that cannot be fingerprinted: its page is always rendered."""


class Record:
    """The reads of one rendering: their paths (the page's shape) and a digest
    of what they gave."""

    def __init__(self):
        self.shape: list = []
        self.hasher = hashlib.blake2b(digest_size=16)
        self.unsure = False

    def add(self, path: tuple, kind: str, fingerprint: bytes) -> None:
        self.shape.append((path, kind))
        self.hasher.update(len(fingerprint).to_bytes(4, "little"))
        self.hasher.update(fingerprint)


_active: Record | None = None


class Recording:
    """`with Recording() as record:` records the reads of what renders inside."""

    def __enter__(self) -> Record:
        global _active
        self.record = _active = Record()
        return self.record

    def __exit__(self, *exc) -> None:
        global _active
        _active = None


# Fingerprints ---------------------------------------------------------------


def _leaf_bytes(value) -> bytes:
    if isinstance(value, str):
        tag = b"m" if isinstance(value, Markup) else b"s"
        return tag + value.encode("utf-8", "surrogatepass")
    if isinstance(value, bytes):
        return b"b" + value
    return type(value).__name__.encode() + repr(value).encode()


def _file_digest(path: str, _memo={}) -> str:  # noqa: B006 - a per-process memo
    if path not in _memo:
        try:
            _memo[path] = hashlib.blake2b(Path(path).read_bytes()).hexdigest()
        except OSError:
            _memo[path] = "no source"
    return _memo[path]


class Fingerprints:
    """Deep fingerprints of values, memoised for one build's check or render."""

    def __init__(self):
        self._memo: dict[int, str] = {}
        self._keep: list = []  # ids stay valid while the memo lives
        self._stack: set[int] = set()

    def of(self, value) -> bytes:
        return self.deep(value).encode()

    def deep(self, value) -> str:
        if type(value) is Watched:
            value = object.__getattribute__(value, "_value")
        if isinstance(value, _LEAVES):
            return hashlib.blake2b(_leaf_bytes(value), digest_size=16).hexdigest()
        key = id(value)
        if key in self._memo:
            return self._memo[key]
        if key in self._stack:
            return "cycle:" + type(value).__qualname__
        self._stack.add(key)
        try:
            parts = self._parts(value)
        finally:
            self._stack.discard(key)
        digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
        self._memo[key] = digest
        self._keep.append(value)
        return digest

    def _parts(self, value):
        kind = type(value).__module__ + "." + type(value).__qualname__
        if isinstance(value, (list, tuple)):
            return (kind, [self.deep(v) for v in value])
        if isinstance(value, (set, frozenset)):
            return (kind, sorted(self.deep(v) for v in value))
        if isinstance(value, dict):
            items = [(self.deep(k), self.deep(v)) for k, v in value.items()]
            return (kind, items)
        if isinstance(value, (types.FunctionType, types.MethodType, partial, type)):
            return code_parts(value, self)
        if isinstance(value, (types.BuiltinFunctionType, types.ModuleType)):
            return (kind, getattr(value, "__name__", ""), _module_source(value))
        if isinstance(value, re.Pattern):
            return (kind, value.pattern, value.flags)
        if isinstance(value, Content):
            fields = {k: v for k, v in vars(value).items() if k != "_context"}
            return (kind, self.deep(fields), content_links(value))
        if hasattr(value, "__dict__"):
            return (kind, self.deep(vars(value)), _module_source(type(value)))
        text = repr(value)
        if " at 0x" in text:
            raise Unsure(kind)
        return (kind, text)


def _module_source(obj) -> str:
    module = sys.modules.get(getattr(obj, "__module__", None) or "")
    path = getattr(module, "__file__", None)
    return _file_digest(path) if path else getattr(module, "__name__", "")


def _code_parts(code: types.CodeType) -> tuple:
    consts = tuple(
        _code_parts(c)
        if isinstance(c, types.CodeType)
        else sorted(map(repr, c))
        if isinstance(c, frozenset)
        else repr(c)
        for c in code.co_consts
    )
    return (code.co_code, consts, code.co_names, _file_digest(code.co_filename))


def _names(code: types.CodeType) -> set:
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _names(const)
    return names


def code_parts(value, fingerprints: Fingerprints) -> tuple:
    """A callable by its code: bytecode, constants, its module's source and,
    recursively, the functions, classes and modules it refers to."""
    if isinstance(value, partial):
        return (
            "partial",
            fingerprints.deep(value.func),
            fingerprints.deep(value.args),
            fingerprints.deep(value.keywords),
        )
    if isinstance(value, types.MethodType):
        return (
            "method",
            fingerprints.deep(value.__func__),
            fingerprints.deep(value.__self__),
        )
    module = getattr(value, "__module__", None) or ""
    if module.split(".")[0] in _VERSIONED or isinstance(value, type):
        # Jinja's, Pelican's and Python's own code is named by the versions
        # in the site key; a class by its module's source.
        return ("named", module, value.__qualname__, _module_source(value))
    code = value.__code__
    cells = [fingerprints.deep(c.cell_contents) for c in value.__closure__ or ()]
    referred = []
    for name in sorted(_names(code)):
        if name in value.__globals__:
            target = value.__globals__[name]
            if isinstance(target, (types.FunctionType, type, types.ModuleType)):
                referred.append((name, fingerprints.deep(target)))
    return (
        "function",
        value.__qualname__,
        _code_parts(code),
        fingerprints.deep(value.__defaults__),
        fingerprints.deep(value.__kwdefaults__),
        cells,
        referred,
    )


def _url_map(context: dict) -> str:
    found = []
    for key in ("generated_content", "static_content"):
        for source, item in context.get(key, {}).items():
            found.append((key, source, getattr(item, "url", None)))
    return hashlib.blake2b(repr(sorted(found, key=repr)).encode()).hexdigest()


_url_maps: dict[int, tuple] = {}


def content_links(item: Content) -> str:
    """Where the content an item's HTML links to is published: all of it, once
    per build, if the HTML has any intrasite link other than an entity's
    (those follow from the entity's slug, in the HTML, and the settings)."""
    html = item._content or ""
    summary = item.metadata.get("summary") or ""
    regex = item._get_intrasite_link_regex()
    if not any(
        not _ENTITY_LINK.match(m.group("path"))
        for text in (html, summary)
        for m in regex.finditer(text)
    ):
        return ""
    context = item._context
    known = _url_maps.get(id(context))
    if known is None or known[0] is not context:
        known = _url_maps[id(context)] = (context, _url_map(context))
    return known[1]


def _described(item: Content, what: str, siteurl: str) -> bytes:
    """`content` or `summary` of `item` for `siteurl`, by what makes it."""
    links = content_links(item)
    if links and "{attach}" in (item._content or ""):
        # Rendering an {attach} link moves the attached file: let it happen.
        item.get_content(siteurl)
    source = item._content or ""
    if what == "summary" and "summary" in item.metadata:
        source = "summary:" + item.metadata["summary"]
    parts = (what, siteurl, links, hashlib.blake2b(source.encode()).hexdigest())
    return repr(parts).encode()


# Paths: how a template reached a value ----------------------------------------


def _jinja_getattr(value, name):
    """Jinja's `value.name`: the attribute, else the item, else MISSING."""
    try:
        return getattr(value, name)
    except AttributeError:
        pass
    try:
        return value[name]
    except (TypeError, LookupError, AttributeError):
        return MISSING


def _jinja_getitem(value, key):
    """Jinja's `value[key]`: the item, else the attribute, else MISSING."""
    try:
        return value[key]
    except (AttributeError, TypeError, LookupError):
        if isinstance(key, str):
            try:
                return getattr(value, key)
            except AttributeError:
                pass
    return MISSING


def step(value, how):
    """Follow one step of a path; MISSING when it leads nowhere."""
    kind = how[0]
    if kind == "a":
        return _jinja_getattr(value, how[1])
    if kind == "g":
        return getattr(value, how[1], MISSING)
    if kind == "i":
        return _jinja_getitem(value, how[1])
    if kind == "s":
        return value[slice(*how[1:])]
    if kind == "n":
        items = list(value)
        return items[how[1]] if how[1] < len(items) else MISSING
    if kind == "c":
        return value(*how[1], **dict(how[2]))
    raise ValueError(how)


def _described_read(parent, how) -> str | None:
    """'content' or 'summary' when this step reads one of them from Content."""
    if not isinstance(parent, Content):
        return None
    if how[0] in ("a", "g", "i") and how[1] in ("content", "summary"):
        return how[1]
    return None


def read_fingerprint(value, kind: str, fingerprints: Fingerprints) -> bytes:
    if kind == "v":
        return _leaf_bytes(value) if value is not MISSING else b"\x00missing"
    if kind == "t":
        return (type(value).__module__ + "." + type(value).__qualname__).encode()
    if kind == "len":
        return str(len(value)).encode()
    if kind == "bool":
        return b"1" if value else b"0"
    if kind == "w":
        return fingerprints.of(value)
    raise ValueError(kind)


def _record(path, kind, value) -> None:
    if _active is not None and not _active.unsure:
        try:
            _active.add(path, kind, read_fingerprint(value, kind, _fingerprints()))
        except Unsure:
            _active.unsure = True


_render_fingerprints: list = []


def _fingerprints() -> Fingerprints:
    if not _render_fingerprints:
        _render_fingerprints.append(Fingerprints())
    return _render_fingerprints[0]


def reset() -> None:
    """Forget memoised fingerprints (values may have changed since)."""
    _render_fingerprints.clear()
    _url_maps.clear()


def wrap(value, path: tuple):
    """`value` as a template gets it: leaves as they are (recorded), anything
    else Watched."""
    if _active is None:
        return value
    if type(value) is Watched:
        return value
    if value is MISSING or isinstance(value, _LEAVES):
        _record(path, "v", value)
        return value
    _record(path, "t", value)
    return Watched(value, path)


def _follow(value, path, how):
    parent = object.__getattribute__(value, "_value")
    child = step(parent, how)
    what = _described_read(parent, how)
    if what is not None and _active is not None and not _active.unsure:
        siteurl = parent.get_siteurl()
        _active.add((*path, how), "d", _described(parent, what, siteurl))
        return child
    return wrap(child, (*path, how))


def _plain(value):
    return object.__getattribute__(value, "_value")


def whole(value):
    """`value` handed to code outside Jinja: recorded whole, unwrapped."""
    if type(value) is not Watched:
        return value
    _record(object.__getattribute__(value, "_path"), "w", value)
    return object.__getattribute__(value, "_value")


class Watched:
    """A value reached by a template, recording what is read from it."""

    __slots__ = ("_path", "_value")

    def __init__(self, value, path):
        object.__setattr__(self, "_value", value)
        object.__setattr__(self, "_path", path)

    @property
    def __class__(self):
        return type(object.__getattribute__(self, "_value"))

    def __getattr__(self, name):
        value = object.__getattribute__(self, "_value")
        if name == "jinja_pass_arg" or (name.startswith("__") and name != "__html__"):
            # Python's and Jinja's own probes, not the template's reads.
            return getattr(value, name)
        child = _follow(self, object.__getattribute__(self, "_path"), ("g", name))
        if child is MISSING:
            raise AttributeError(name)
        return child

    def __getitem__(self, key):
        path = object.__getattribute__(self, "_path")
        if isinstance(key, slice):
            how = ("s", key.start, key.stop, key.step)
        else:
            how = ("i", whole(key))
        value = object.__getattribute__(self, "_value")
        if how[0] == "i":
            try:
                child = value[how[1]]
            except (LookupError, TypeError):
                _record((*path, how), "v", MISSING)
                raise
            return wrap(child, (*path, how))
        return _follow(self, path, how)

    def __iter__(self):
        value = object.__getattribute__(self, "_value")
        path = object.__getattribute__(self, "_path")
        items = list(value)
        _record(path, "len", items)
        return iter([wrap(item, (*path, ("n", i))) for i, item in enumerate(items)])

    def __len__(self):
        value = object.__getattribute__(self, "_value")
        _record(object.__getattribute__(self, "_path"), "len", value)
        return len(value)

    def __bool__(self):
        value = object.__getattribute__(self, "_value")
        _record(object.__getattribute__(self, "_path"), "bool", value)
        return bool(value)

    def __call__(self, *args, **kwargs):
        path = object.__getattribute__(self, "_path")
        value = object.__getattribute__(self, "_value")
        args = tuple(whole(a) for a in args)
        kwargs = {k: whole(v) for k, v in kwargs.items()}
        owner = getattr(value, "__self__", None)
        if owner is None or isinstance(owner, types.ModuleType):
            # A function: what it gives follows from its code and its arguments.
            _record(path, "w", value)
            return value(*args, **kwargs)
        if not all(isinstance(a, _LEAVES) for a in (*args, *kwargs.values())):
            # A method given values from the page: its object is read whole.
            _record(path, "w", value)
            return value(*args, **kwargs)
        how = ("c", args, tuple(sorted(kwargs.items())))
        name = getattr(value, "__name__", "")
        if (
            isinstance(owner, Content)
            and name in ("get_content", "get_summary")
            and len(args) == 1
            and not kwargs
            and _active is not None
            and not _active.unsure
        ):
            _active.add((*path, how), "d", _described(owner, name[4:], args[0]))
            return value(*args)
        return wrap(value(*args, **kwargs), (*path, how))

    def __contains__(self, item):
        return whole(item) in whole(self)

    def __str__(self):
        return str(whole(self))

    def __repr__(self):
        return repr(whole(self))

    def __hash__(self):
        return hash(whole(self))

    def __eq__(self, other):
        return whole(self) == whole(other)

    def __ne__(self, other):
        return whole(self) != whole(other)

    def __lt__(self, other):
        return whole(self) < whole(other)

    def __le__(self, other):
        return whole(self) <= whole(other)

    def __gt__(self, other):
        return whole(self) > whole(other)

    def __ge__(self, other):
        return whole(self) >= whole(other)

    def __add__(self, other):
        return whole(self) + whole(other)

    def __radd__(self, other):
        return whole(other) + whole(self)


# Jinja: where values enter a template and leave it ------------------------------


class _Roots(dict):
    """A context handed on to an included or imported template: which of its
    names are the page's own values and which the including template's."""

    derived: frozenset = frozenset()


class RecordingContext(Context):
    """Jinja's context, handing the page's values over as Watched."""

    def resolve_or_missing(self, key):
        value = super().resolve_or_missing(key)
        if (
            _active is None
            or key in self.vars
            or key in getattr(self.parent, "derived", ())
        ):
            return value
        if value is missing:
            _record((key,), "v", MISSING)
            return value
        return wrap(value, (key,))

    def get_all(self):
        if _active is not None and (
            sys._getframe(1).f_globals.get("environment") is not self.environment
        ):
            # Python code reading the whole context: its reads are not seen.
            _active.unsure = True
        everything = _Roots(super().get_all())
        everything.derived = frozenset(self.vars) | getattr(
            self.parent, "derived", frozenset()
        )
        return everything

    def call(__self, __obj, *args, **kwargs):
        if _active is not None and not _from_jinja(__obj):
            args = tuple(whole(a) for a in args)
            kwargs = {k: whole(v) for k, v in kwargs.items()}
        return super().call(__obj, *args, **kwargs)


def _from_jinja(function) -> bool:
    """Jinja's own filters, tests, macros and globals read through Jinja."""
    if type(function) is Watched or isinstance(function, Macro):
        return True
    module = getattr(function, "__module__", None) or type(function).__module__
    return module.split(".")[0] in ("jinja2", "builtins")


def _unwrapping(function):
    """A filter or test from outside Jinja gets plain values, recorded whole."""

    @wraps(function)
    def call(*args, **kwargs):
        if _active is not None:
            args = tuple(whole(a) for a in args)
            kwargs = {k: whole(v) for k, v in kwargs.items()}
        return function(*args, **kwargs)

    return call


def watch(environment) -> None:
    """Make `environment` record reads while a Recording is active."""
    if getattr(environment, "_rassegna_watched", False):
        return
    environment._rassegna_watched = True
    environment.context_class = RecordingContext
    plain_getattr = environment.getattr
    plain_getitem = environment.getitem

    def getattr_(obj, attribute):
        if type(obj) is Watched:
            child = _follow(
                obj, object.__getattribute__(obj, "_path"), ("a", attribute)
            )
            if child is MISSING:
                return environment.undefined(obj=_plain(obj), name=attribute)
            return child
        return plain_getattr(obj, attribute)

    def getitem(obj, argument):
        if type(obj) is Watched:
            how = (
                ("s", argument.start, argument.stop, argument.step)
                if isinstance(argument, slice)
                else ("i", whole(argument))
            )
            child = _follow(obj, object.__getattribute__(obj, "_path"), how)
            if child is MISSING:
                return environment.undefined(obj=_plain(obj), name=argument)
            return child
        return plain_getitem(obj, argument)

    environment.getattr = getattr_
    environment.getitem = getitem
    for table in (environment.filters, environment.tests):
        for name, function in list(table.items()):
            if not _from_jinja(function):
                table[name] = _unwrapping(function)


# Replaying a record ------------------------------------------------------------


class Replay:
    """Walks recorded paths in a new build's page contexts; steps are memoised
    per object, step and site URL, so shared objects are read once."""

    def __init__(self):
        self.fingerprints = Fingerprints()
        self._steps: dict = {}

    def digest(self, roots: dict, shape, siteurl: str) -> bytes | None:
        hasher = hashlib.blake2b(digest_size=16)
        try:
            for path, kind in shape:
                if kind == "d":
                    parent = self._walk(roots, path[:-1], siteurl)
                    how = path[-1]
                    if how[0] == "c":
                        what = getattr(parent, "__name__", "")[4:]
                        url = how[1][0]
                        parent = getattr(parent, "__self__", None)
                    else:
                        what = how[1]
                        url = parent.get_siteurl()
                    if not isinstance(parent, Content):
                        return None
                    fingerprint = _described(parent, what, url)
                else:
                    value = self._walk(roots, path, siteurl)
                    if value is MISSING and kind != "v":
                        return None
                    fingerprint = read_fingerprint(value, kind, self.fingerprints)
                hasher.update(len(fingerprint).to_bytes(4, "little"))
                hasher.update(fingerprint)
        except Exception:
            return None
        return hasher.digest()

    def _walk(self, roots: dict, path: tuple, siteurl: str):
        value = roots.get(path[0], MISSING)
        for how in path[1:]:
            if value is MISSING:
                return MISSING
            key = (id(value), how, siteurl)
            known = self._steps.get(key)
            if known is None or known[0] is not value:
                known = (value, step(value, how))
                self._steps[key] = known
            value = known[1]
        return value
