"""Related articles, ranked like Hugo's related content: each shared entity adds
its kind's weight, a candidate published close to the article adds up to the
recency weight, and a candidate whose score is below the threshold is left out.

Recency is the time between the two articles' own dates, never their age on the
day of the build (Hugo's date index works the same way), so a list built today
and one built next year are the same list. Every term reads only the two
articles, so adding an unrelated article never changes a list; ties go to the
newer article, then the URL."""

import heapq
import pickle
from collections import defaultdict
from pathlib import Path
from typing import NamedTuple

import numpy

SECONDS_A_DAY = 86_400


def rank(articles, conf, chosen=None) -> dict[int, list[int]]:
    """For each of `articles` (or only those at the indexes `chosen`), the
    indexes of up to RELATED_LIMIT related articles, best first. A candidate
    must share at least one entity; recency alone relates nothing.
    Each article adds its entities' weights to the articles that share them
    (an index from entity to articles). The candidates of an article grow with
    the site (every article that names a popular entity), so the weighing is
    done on arrays (numpy) rather than one candidate at a time (4.6 s against
    21.4 s for 8,000 articles whose entities' popularity follows a Pareto law;
    in a cold build of 32,000, 75 s in Python). The sums and scores
    are the same floating-point operations in the same order as one candidate
    at a time, so the lists are the same. Entities are told apart by slug,
    which a build gives to one entity only, as the kept lists do."""
    weights = conf.related_weights
    recency_weight = conf.related_recency_weight
    days = conf.related_recency_days
    threshold = conf.related_threshold
    limit = conf.related_limit_articles
    when = [article.date.timestamp() for article in articles]
    stamps = numpy.array(when)
    readers_of = defaultdict(list)
    for index, article in enumerate(articles):
        for entity in article.entities:
            readers_of[entity.slug].append(index)
    # An article that lists an entity twice is in its readers twice, and
    # counts twice, as in a sum candidate by candidate: numpy.add.at adds each.
    repeated = {
        slug for slug, found in readers_of.items() if len(set(found)) < len(found)
    }
    readers = {
        slug: numpy.array(found, dtype=numpy.intp) for slug, found in readers_of.items()
    }
    shared = numpy.zeros(len(articles))
    reached = numpy.zeros(len(articles), dtype=bool)
    related = {}
    for index in range(len(articles)) if chosen is None else chosen:
        touched = []
        for entity in articles[index].entities:
            found = readers[entity.slug]
            weight = weights.get(entity.kind, 0)
            if entity.slug in repeated:
                numpy.add.at(shared, found, weight)
            else:
                shared[found] += weight
            reached[found] = True
            touched.append(found)
        reached[index] = False
        others = numpy.flatnonzero(reached)
        weighed = shared[others]
        for found in touched:
            shared[found] = 0.0
            reached[found] = False
        # A candidate scores at most its shared weight plus the whole recency
        # weight: one that cannot reach the threshold, or the limit-th best
        # shared weight (those candidates score at least that), is not listed.
        bound = threshold
        if limit and len(others) > limit:
            bound = max(bound, float(numpy.partition(weighed, -limit)[-limit]))
        hopeful = weighed + recency_weight >= bound
        others, weighed = others[hopeful], weighed[hopeful]
        apart = numpy.abs(stamps[index] - stamps[others])
        # 1 for two articles published at the same moment, falling in a
        # straight line to 0 when they are RELATED_RECENCY_DAYS apart.
        closeness = numpy.maximum(0.0, 1.0 - apart / SECONDS_A_DAY / days)
        total = weighed + recency_weight * closeness
        listed = total >= threshold
        scored = [
            (-score, -when[other], articles[other].url, other)
            for score, other in zip(
                total[listed].tolist(), others[listed].tolist(), strict=True
            )
        ]
        related[index] = [item[3] for item in heapq.nsmallest(limit, scored)]
    return related


CACHE = "rassegna-related.pickle"
# Kept lists are valid for one version of the ranking's rules: raise it when
# rank() changes, so that no list made by older rules is kept.
RULES = 1


def rank_remembered(articles, conf, folder: str | None) -> list[list[int]]:
    """rank(), kept in `folder` between builds: each article's inputs (its
    date and its entities' slugs and kinds) and list, by address, with the
    settings and rules they were ranked under. Since every term reads only the
    two articles, a list can change only for an article whose inputs changed or
    that shares an entity, before or after, with one that did (or with one
    added or removed): only those are ranked again. A body edit ranks nothing;
    a new article, those that share its entities."""
    inputs = {
        a.url: (a.date.timestamp(), tuple((e.slug, e.kind) for e in a.entities))
        for a in articles
    }
    used = (
        RULES,
        sorted(conf.related_weights.items()),
        conf.related_recency_weight,
        conf.related_recency_days,
        conf.related_threshold,
        conf.related_limit_articles,
    )
    path = Path(folder) / CACHE if folder else None
    if path is None or len(inputs) < len(articles):  # nothing to keep by URL
        return list(rank(articles, conf).values())
    kept_inputs, kept_lists = _kept(path, used)
    reached = _reached(inputs, kept_inputs)
    chosen = [
        index
        for index, a in enumerate(articles)
        if a.url in reached.urls or any(e.slug in reached.slugs for e in a.entities)
    ]
    ranked = rank(articles, conf, chosen) if chosen else {}
    lists = {}
    for index, a in enumerate(articles):
        if index in ranked:
            lists[a.url] = [articles[other].url for other in ranked[index]]
        else:
            lists[a.url] = kept_lists[a.url]
    if chosen or kept_inputs.keys() != inputs.keys():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pickle.dumps((used, inputs, lists), pickle.HIGHEST_PROTOCOL))
    index_of = {a.url: index for index, a in enumerate(articles)}
    return [[index_of[url] for url in lists[a.url]] for a in articles]


def _kept(path: Path, used: tuple) -> tuple[dict, dict]:
    """The inputs and lists kept at `path`, if ranked under `used`; any file
    that cannot be read as such is as none: everything is ranked again."""
    try:
        kept_used, kept_inputs, kept_lists = pickle.loads(path.read_bytes())
    except Exception:
        return {}, {}
    return (kept_inputs, kept_lists) if kept_used == used else ({}, {})


class _Reached(NamedTuple):
    urls: set[str]
    slugs: set[str]


def _reached(inputs: dict, kept_inputs: dict) -> _Reached:
    """The articles whose inputs changed, were added or removed, and the slugs
    of their entities before and after: every list an edit can change is one
    of theirs or names one of these entities."""
    urls = {url for url, given in inputs.items() if kept_inputs.get(url) != given}
    urls.update(url for url in kept_inputs if url not in inputs)
    slugs = {
        slug
        for url in urls
        for source in (inputs, kept_inputs)
        if url in source
        for slug, _ in source[url][1]
    }
    return _Reached(urls, slugs)
