"""Mentions by month, as the numbers a small bar chart is drawn from.

The chart is a row of rectangles, so it is laid out here by hand rather than with
a charting library: pygal would add its own stylesheet (about 10 KB) and random
element ids to every chart, and matplotlib a second of import time to the build,
for bars that take a dozen lines to place. The words around the numbers (title,
description, table headings) are in `theme/templates/includes/timeline.html`.
"""

import datetime
import functools

from babel.dates import format_date

# The chart's drawing area in SVG units; the page scales it to its column.
WIDTH = 600
HEIGHT = 120
# Room below the bars for the first and last month's labels.
AXIS = 28
# At least this many months are shown, ending with the last month with an article,
# so that one busy month is seen against the quiet ones before it.
MIN_MONTHS = 12
GAP = 0.2  # share of a month's slot left empty between bars


def mentions_by_month(articles, language: str) -> dict | None:
    """Bars for every month from the first with an article (or MIN_MONTHS before
    the last) to the last, empty months included; None without articles."""
    counts: dict[int, int] = {}
    for article in articles:
        month = article.date.year * 12 + article.date.month - 1
        counts[month] = counts.get(month, 0) + 1
    if not counts:
        return None
    last = max(counts)
    months = range(min(min(counts), last - MIN_MONTHS + 1), last + 1)
    most = max(counts.values())
    slot = WIDTH / len(months)
    bars = []
    for index, month in enumerate(months):
        count = counts.get(month, 0)
        tall = round(HEIGHT * count / most, 1)
        year, number = divmod(month, 12)
        bars.append(
            {
                "month": f"{year:04d}-{number + 1:02d}",
                "label": _label(year, number + 1, language),
                "count": count,
                "x": round(index * slot + slot * GAP / 2, 1),
                "y": round(HEIGHT - tall, 1),
                "width": round(slot * (1 - GAP), 1),
                "height": tall,
            }
        )
    busiest = max(bars, key=lambda bar: bar["count"])
    return {
        "view_box": f"0 0 {WIDTH} {HEIGHT + AXIS}",
        "baseline": HEIGHT,
        "axis_y": HEIGHT + AXIS - 6,
        "right": WIDTH,
        "bars": bars,
        "total": sum(counts.values()),
        "busiest": busiest,
        "first": bars[0],
        "last": bars[-1],
    }


@functools.cache
def _label(year: int, month: int, language: str) -> str:
    """`dicembre 2025`: the month's standalone name in the site's language (made
    once per month: hundreds of timelines share the same months)."""
    return format_date(datetime.date(year, month, 1), "LLLL y", locale=language)
