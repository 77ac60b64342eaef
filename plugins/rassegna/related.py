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

SECONDS_A_DAY = 86_400


def closeness(apart_seconds: float, window_days: float) -> float:
    """1 for two articles published at the same moment, falling in a straight
    line to 0 when they are `window_days` apart, before or after."""
    return max(0.0, 1.0 - abs(apart_seconds) / SECONDS_A_DAY / window_days)


def rank(articles, conf, chosen=None) -> dict[int, list[int]]:
    """For each of `articles` (or only those at the indexes `chosen`), the
    indexes of up to RELATED_LIMIT related articles, best first. A candidate
    must share at least one entity; recency alone relates nothing.
    Each article adds its entities' weights to the articles that share them
    (an index from entity to articles), so the work grows with the pairs that
    share something, not with every pair. Entities are told apart by slug,
    which a build gives to one entity only, as the kept lists do."""
    weights = conf.related_weights
    recency_weight = conf.related_recency_weight
    stamps = [article.date.timestamp() for article in articles]
    readers_of = defaultdict(list)
    for index, article in enumerate(articles):
        for entity in article.entities:
            readers_of[entity.slug].append(index)
    threshold = conf.related_threshold
    limit = conf.related_limit_articles
    related = {}
    for index in range(len(articles)) if chosen is None else chosen:
        article = articles[index]
        shared: dict[int, float] = {}
        for entity in article.entities:
            weight = weights.get(entity.kind, 0)
            for other in readers_of[entity.slug]:
                shared[other] = shared.get(other, 0) + weight
        shared.pop(index, None)
        # A candidate scores at most its shared weight plus the whole recency
        # weight: one that cannot reach the threshold, or the limit-th best
        # shared weight (those candidates score at least that), is not listed.
        bound = threshold
        if limit and len(shared) > limit:
            bound = max(bound, heapq.nlargest(limit, shared.values())[-1])
        scored = []
        for other, weighed in shared.items():
            if weighed + recency_weight < bound:
                continue
            total = weighed + recency_weight * closeness(
                stamps[index] - stamps[other], conf.related_recency_days
            )
            if total >= threshold:
                scored.append((-total, -stamps[other], articles[other].url, other))
        related[index] = [item[3] for item in heapq.nsmallest(limit, scored)]
    return related


CACHE = "rassegna-related.pickle"
# Kept lists are valid for one version of the ranking's rules: raise it when
# rank() or closeness() changes, so that no list made by older rules is kept.
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
