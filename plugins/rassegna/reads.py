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
import marshal
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
_MARSHAL_VERSION = 2  # the last without references: bytes alone decide
_VERSIONED = ("jinja2", "markupsafe", "builtins", "feedgenerator")


class Unsure(Exception):
    """A value that cannot be fingerprinted: its page is always rendered."""


class Node:
    """The reads from one object (or, at the top, from the page's context), in
    the order first made: ("r", path, kind) → the fingerprint of the value read
    along `path`; ("o", path) → the Node of an object reached along `path`.
    A read made again (`SITEURL` in every link) is kept once: nothing changes
    what a path gives while a page renders. An article's Node looks the same
    on every page that lists it the same way, so the next build checks it once,
    not once a page."""

    __slots__ = ("objects", "reads")

    def __init__(self):
        self.reads: dict = {}
        self.objects = False  # whether any object was reached from here

    def read(self, path: tuple, kind: str, fingerprint: bytes) -> None:
        self.reads.setdefault(("r", path, kind), fingerprint)

    def child(self, path: tuple) -> "Node":
        node = self.reads.get(("o", path))
        if node is None:
            node = self.reads[("o", path)] = Node()
            self.objects = True
        return node


def _hash(fingerprints: list) -> bytes:
    """A digest of `fingerprints`, serialised with each one's length, so none
    runs into the next (marshal does it in C, in a format fixed by its version)."""
    return hashlib.blake2b(
        marshal.dumps(fingerprints, _MARSHAL_VERSION), digest_size=16
    ).digest()


def finish(node: Node, shapes: dict) -> tuple:
    """(shape, digest) of a Node: its paths, and a digest of what they gave;
    equal shapes, and equal entries of shapes, are one object (`shapes`
    interns them)."""
    if not node.objects:
        return _canonical(tuple(node.reads), shapes), _hash(list(node.reads.values()))
    parts = []
    fingerprints = []
    for key, value in node.reads.items():
        if key[0] == "o":
            shape, digest = finish(value, shapes)
            parts.append(("o", key[1], shape))
            fingerprints.append(digest)
        else:
            parts.append(key)
            fingerprints.append(value)
    return _canonical(tuple(parts), shapes), _hash(fingerprints)


def _canonical(shape: tuple, shapes: dict) -> tuple:
    """The one object equal to `shape`, whose objects' shapes are already
    canonical: they are keyed by identity, so no nested tuple is hashed again.
    A new shape's entries are made the objects equal entries already are: the
    pages of one template read the same paths, and a manifest made of shared
    entries is a quarter of the size on disk (pickle writes a shared object
    once) and an eighth in memory."""
    key = tuple(
        ("o", entry[1], id(entry[2])) if entry[0] == "o" else entry for entry in shape
    )
    known = shapes.get(key)
    if known is None:
        # An entry's key is a 3-tuple whose first item is a tag, never equal
        # to a shape's key (a tuple of such keys): one table holds both.
        pairs = zip(key, shape, strict=True)
        known = shapes[key] = tuple(shapes.setdefault(k, entry) for k, entry in pairs)
    return known


def intern(shape: tuple, shapes: dict, done: dict) -> tuple:
    """`shape` with its equal parts made one object, as `finish` does; `done`
    remembers the shapes already seen, by identity."""
    known = done.get(id(shape))
    if known is not None and known[0] is shape:
        return known[1]
    parts = tuple(
        ("o", entry[1], intern(entry[2], shapes, done)) if entry[0] == "o" else entry
        for entry in shape
    )
    parts = _canonical(parts, shapes)
    done[id(shape)] = (shape, parts)
    return parts


class Record:
    """The reads of one rendering, from its context down."""

    def __init__(self):
        self.root = Node()
        self.unsure = False


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
    kind = type(value)
    if kind is str:  # most leaves
        return b"s" + value.encode("utf-8", "surrogatepass")
    if kind is Markup:
        return b"m" + value.encode("utf-8", "surrogatepass")
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


_CODE = (types.FunctionType, types.MethodType, partial, type, types.ModuleType)


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
            value = value._value
        if isinstance(value, _LEAVES):
            return hashlib.blake2b(_leaf_bytes(value), digest_size=16).hexdigest()
        key = id(value)
        if key in self._memo:
            return self._memo[key]
        if key in self._stack:
            if isinstance(value, _CODE):
                # Code that refers back to itself (recursion): each function
                # is already fingerprinted by its own code and module source.
                return "cycle:" + getattr(value, "__qualname__", "")
            # A digest of a cycle through data would depend on where the walk
            # entered it, and a memoised part could miss what changed: render.
            raise Unsure("cycle through " + type(value).__qualname__)
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
    return _once_per_object(_links, item, _content_links)


_links: dict[int, tuple] = {}


def _once_per_object(table: dict, value, make):
    """`make(value)`, made once per object until `reset`: `table` is keyed by
    identity and holds the object, so that its id is not taken by another."""
    known = table.get(id(value))
    if known is None or known[0] is not value:
        known = table[id(value)] = (value, make(value))
    return known[1]


def _content_links(item: Content) -> str:
    html = item._content or ""
    summary = item.metadata.get("summary") or ""
    regex = item._get_intrasite_link_regex()
    if not any(
        not _ENTITY_LINK.match(m.group("path"))
        for text in (html, summary)
        for m in regex.finditer(text)
    ):
        return ""
    return _once_per_object(_url_maps, item._context, _url_map)


def _described(item: Content, what: str, siteurl: str) -> bytes:
    """`content` or `summary` of `item` for `siteurl`, by what makes it."""
    links = content_links(item)
    if links and "{attach}" in (item._content or ""):
        # Rendering an {attach} link moves the attached file: let it happen.
        item.get_content(siteurl)
    if what == "summary" and "summary" in item.metadata:
        source, own = item.metadata["summary"], "own summary"
    else:
        source, own = item._content or "", ""
    # Made once per text: an article's body is read by every page that lists
    # it, and one with a thousand entities by a thousand entity pages.
    digest = _once_per_object(_text_digests, source, _text_digest)
    return repr((what, siteurl, links, own, digest)).encode()


_text_digests: dict[int, tuple[str, str]] = {}


def _text_digest(text: str) -> str:
    return hashlib.blake2b(text.encode()).hexdigest()


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
        items = value if isinstance(value, (list, tuple)) else list(value)
        return items[how[1]] if how[1] < len(items) else MISSING
    if kind == "r":
        return value.get(how[1], MISSING)
    if kind == "c":
        return value(*how[1], **dict(how[2]))
    raise ValueError(how)


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


def _record(node: Node, path: tuple, kind: str, value) -> None:
    if (
        _active is not None
        and not _active.unsure
        and ("r", path, kind) not in node.reads
    ):
        try:
            node.read(path, kind, read_fingerprint(value, kind, _fingerprints()))
        except (Unsure, RecursionError):
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
    _links.clear()
    _text_digests.clear()


_CONTAINERS = (list, tuple, dict, set, frozenset)


_LEAF, _OBJECT, _OTHER = 0, 1, 2
_kinds: dict[type, int] = {}
_type_names: dict[type, bytes] = {}
_steps: dict[str, tuple[tuple, tuple]] = {}


def _kind(value) -> int:
    """_LEAF (recorded as read), _OBJECT (state of its own, as an article, an
    entity, a paginator's page: its reads get a Node) or _OTHER, by type."""
    kind = type(value)
    known = _kinds.get(kind)
    if known is None:
        if issubclass(kind, _LEAVES):
            known = _LEAF
        elif (
            issubclass(kind, _CONTAINERS)
            or not hasattr(value, "__dict__")
            or callable(value)
        ):
            known = _OTHER
        else:
            known = _OBJECT
        _kinds[kind] = known
    return known


def _type_name(value) -> bytes:
    kind = type(value)
    name = _type_names.get(kind)
    if name is None:
        name = _type_names[kind] = (kind.__module__ + "." + kind.__qualname__).encode()
    return name


def wrap(value, node: Node, path: tuple):
    """`value` as a template gets it: leaves as they are (recorded), anything
    else Watched. The hot path of recording: Node.read and _kind inlined."""
    if _active is None or type(value) is Watched:
        return value
    kind = _kinds.get(type(value))
    if kind is None:
        kind = _kind(value)
    if kind == _LEAF:
        entry = ("r", path, "v")
        if entry not in node.reads:
            node.reads[entry] = (
                b"\x00missing" if value is MISSING else _leaf_bytes(value)
            )
        return value
    if kind == _OBJECT:
        child = node.reads.get(("o", path))
        if child is None:
            child = node.child(path)
            child.read((), "t", _type_name(value))
        return Watched(value, child, ())
    node.read(path, "t", _type_name(value))
    return Watched(value, node, path)


def _follow(value, how):
    node = value._node
    path = (*value._path, how)
    parent = value._value
    child = step(parent, how)
    if (
        how[1] in _DESCRIBED
        and how[0] in "agi"
        and isinstance(parent, Content)
        and _active is not None
    ):
        node.read(path, "d", _described(parent, how[1], parent.get_siteurl()))
        return child
    return wrap(child, node, path)


def _attribute(obj, attribute):
    """Jinja's `obj.attribute` on a Watched value: the hot path of recording."""
    steps = _steps.get(attribute)
    if steps is None:
        how = ("a", attribute)
        # The step, and the path of one step from an object (the common read),
        # made once: fewer tuples built, and one object in every record.
        steps = _steps[attribute] = (how, (how,))
    parent = obj._value
    try:
        child = getattr(parent, attribute)
    except AttributeError:
        child = _jinja_getattr(parent, attribute)
    node = obj._node
    path = (*obj._path, steps[0]) if obj._path else steps[1]
    if attribute in _DESCRIBED and isinstance(parent, Content):
        node.read(path, "d", _described(parent, attribute, parent.get_siteurl()))
        return child
    return wrap(child, node, path)


_DESCRIBED = frozenset(("content", "summary"))


def _unpack(value) -> tuple:
    return (
        value._value,
        value._node,
        value._path,
    )


def _plain(value):
    return value._value


def whole(value):
    """`value` handed to code outside Jinja: recorded whole, unwrapped."""
    if type(value) is not Watched:
        return value
    node = value._node
    _record(node, value._path, "w", value)
    return value._value


def _method_of(value) -> tuple:
    """(object, method name) when `value` is a method bound to an object, as
    Python binds it or as Pelican's `memoized` does (a partial of the memo with
    the object first); (None, "") for a function."""
    owner = getattr(value, "__self__", None)
    if owner is not None and not isinstance(owner, types.ModuleType):
        return owner, getattr(value, "__name__", "")
    if isinstance(value, partial) and value.args:
        memo = getattr(value.func, "__self__", None)
        function = getattr(memo, "func", None)
        if type(memo).__name__ == "memoized" and function is not None:
            return value.args[0], function.__name__
    return None, ""


class Watched:
    """A value reached by a template, recording what is read from it: `_node`
    is the Node of the object it belongs to, `_path` the way from there."""

    __slots__ = ("_node", "_path", "_value")

    def __init__(self, value, node, path):
        self._value = value
        self._node = node
        self._path = path

    @property
    def __class__(self):
        return type(self._value)

    def __getattr__(self, name):
        if name == "jinja_pass_arg" or (name.startswith("__") and name != "__html__"):
            # Python's and Jinja's own probes, not the template's reads.
            return getattr(self._value, name)
        child = _follow(self, ("g", name))
        if child is MISSING:
            raise AttributeError(name)
        return child

    def __getitem__(self, key):
        value, node, path = _unpack(self)
        if isinstance(key, slice):
            return _follow(self, ("s", key.start, key.stop, key.step))
        how = ("i", whole(key))
        try:
            child = value[how[1]]
        except (LookupError, TypeError):
            _record(node, (*path, how), "v", MISSING)
            raise
        return wrap(child, node, (*path, how))

    def __iter__(self):
        value, node, path = _unpack(self)
        items = list(value)
        _record(node, path, "len", items)
        return iter(
            [wrap(item, node, (*path, ("n", i))) for i, item in enumerate(items)]
        )

    def __len__(self):
        value, node, path = _unpack(self)
        _record(node, path, "len", value)
        return len(value)

    def __bool__(self):
        value, node, path = _unpack(self)
        _record(node, path, "bool", value)
        return bool(value)

    def __call__(self, *args, **kwargs):
        value, node, path = _unpack(self)
        args = tuple(whole(a) for a in args)
        kwargs = {k: whole(v) for k, v in kwargs.items()}
        owner, name = _method_of(value)
        if owner is None or not all(
            isinstance(a, _LEAVES) for a in (*args, *kwargs.values())
        ):
            # A function: what it gives follows from its code and its arguments;
            # a method given values from the page: its object is read whole.
            _record(node, path, "w", value)
            return value(*args, **kwargs)
        how = ("c", args, tuple(sorted(kwargs.items())))
        if (
            isinstance(owner, Content)
            and name in ("get_content", "get_summary")
            and len(args) == 1
            and not kwargs
            and _active is not None
            and not _active.unsure
        ):
            node.read((*path, how), "d", _described(owner, name[4:], args[0]))
            return value(*args)
        return wrap(value(*args, **kwargs), node, (*path, how))

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


_DERIVED = Context.derived.__code__


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
            _record(_active.root, (("r", key),), "v", MISSING)
            return value
        return wrap(value, _active.root, (("r", key),))

    def get_all(self):
        if _active is not None:
            caller = sys._getframe(1)
            # A template's own code and Context.derived (a pass_context call)
            # hand the context on to another RecordingContext, which records
            # what is read from it; any other Python code reads unseen.
            if (
                caller.f_code is not _DERIVED
                and caller.f_globals.get("environment") is not self.environment
            ):
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


def reads_through(function):
    """Mark a template filter that reads its arguments only as a template does
    (attributes, items, iteration, length, truth, leaf comparisons): it is given
    them Watched, so each read is recorded rather than the arguments whole."""
    function.rassegna_reads_through = True
    return function


def _from_jinja(function) -> bool:
    """Jinja's own filters, tests, macros and globals read through Jinja, as do
    filters marked reads_through."""
    if type(function) is Watched or isinstance(function, Macro):
        return True
    if getattr(function, "rassegna_reads_through", False):
        return True
    module = getattr(function, "__module__", None) or type(function).__module__
    return module.split(".")[0] in ("jinja2", "builtins")


def _same_object(value, other) -> bool:
    """Jinja's `is sameas`, on the objects themselves. Which object a path
    leads to is not recorded, so a page that asks is rendered on every build."""
    if _active is not None and Watched in (type(value), type(other)):
        _active.unsure = True
    return _unwatched(value) is _unwatched(other)


def _unwatched(value):
    return value._value if type(value) is Watched else value


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
            child = _attribute(obj, attribute)
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
            child = _follow(obj, how)
            if child is MISSING:
                return environment.undefined(obj=_plain(obj), name=argument)
            return child
        return plain_getitem(obj, argument)

    environment.getattr = getattr_
    environment.getitem = getitem
    environment.tests["sameas"] = _same_object
    for table in (environment.filters, environment.tests):
        for name, function in list(table.items()):
            if not _from_jinja(function):
                table[name] = _unwrapping(function)


# Replaying a record ------------------------------------------------------------


class Replay:
    """Checks recorded Nodes against a new build: an object's Node is checked
    once per object, shape and site URL, however many pages reached it."""

    def __init__(self):
        self.fingerprints = Fingerprints()
        self._nodes: dict = {}

    def digest(self, roots, shape: tuple, siteurl: str) -> bytes | None:
        """The digest the page's reads give now; None if they cannot be made."""
        try:
            return self._node(roots, shape, siteurl)
        except Exception:
            return None

    def _node(self, value, shape: tuple, siteurl: str) -> bytes:
        key = (id(value), id(shape), siteurl)
        known = self._nodes.get(key)
        if known is not None and known[0] is value and known[1] is shape:
            return known[2]
        fingerprints = []
        append = fingerprints.append
        for tag, path, third in shape:
            if tag == "o":
                child = _walk(value, path)
                if child is MISSING:
                    raise LookupError(path)
                append(self._node(child, third, siteurl))
            elif third == "v":  # the common read, inlined: a leaf value
                found = _walk(value, path)
                append(b"\x00missing" if found is MISSING else _leaf_bytes(found))
            elif third == "d":
                append(self._described(value, path))
            else:
                found = _walk(value, path)
                if found is MISSING:
                    raise LookupError(path)
                append(read_fingerprint(found, third, self.fingerprints))
        digest = _hash(fingerprints)
        self._nodes[key] = (value, shape, digest)
        return digest

    @staticmethod
    def _described(value, path: tuple) -> bytes:
        parent = _walk(value, path[:-1])
        how = path[-1]
        if how[0] == "c":
            parent, what = _method_of(parent)
            what, url = what[4:], how[1][0]
        else:
            what, url = how[1], parent.get_siteurl()
        if not isinstance(parent, Content) or what not in ("content", "summary"):
            raise LookupError(path)
        return _described(parent, what, url)


def _walk(value, path: tuple):
    for how in path:
        if value is MISSING:
            break
        kind = how[0]
        # The common steps inlined: `value.name`, a name in the context, and
        # an item of a list met while iterating.
        if kind == "a":
            try:
                value = getattr(value, how[1])
                continue
            except AttributeError:
                pass
        elif kind == "r":
            value = value.get(how[1], MISSING)
            continue
        elif kind == "n" and type(value) is list:
            value = value[how[1]] if how[1] < len(value) else MISSING
            continue
        value = step(value, how)
    return value
