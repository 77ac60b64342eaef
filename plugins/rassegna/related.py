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
    share something, not with every pair."""
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
    for index in range(len(articles)) if chosen is None else sorted(chosen):
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


def rank_remembered(articles, conf, folder: str | None) -> list[list[int]]:
    """rank(), kept in `folder` between builds: each article's inputs (its
    date and its entities' slugs and kinds) and list, by address, with the
    settings they were ranked under. Since every term reads only the two
    articles, a list can change only for an article whose inputs changed or
    that shares an entity, before or after, with one that did (or with one
    added or removed): only those are ranked again. A body edit ranks nothing;
    a new article, those that share its entities."""
    inputs = {
        a.url: (a.date.timestamp(), tuple((e.slug, e.kind) for e in a.entities))
        for a in articles
    }
    used = (
        sorted(conf.related_weights.items()),
        conf.related_recency_weight,
        conf.related_recency_days,
        conf.related_threshold,
        conf.related_limit_articles,
    )
    path = Path(folder) / CACHE if folder else None
    if path is None or len(inputs) < len(articles):  # nothing to keep by URL
        ranked = rank(articles, conf)
        return [ranked[index] for index in range(len(articles))]
    try:
        kept_used, kept_inputs, kept_lists = pickle.loads(path.read_bytes())
    except (OSError, ValueError, TypeError, pickle.PickleError, EOFError):
        kept_used, kept_inputs, kept_lists = None, {}, {}
    if kept_used != used:
        kept_inputs, kept_lists = {}, {}
    changed = {url for url, got in inputs.items() if kept_inputs.get(url) != got}
    changed.update(url for url in kept_inputs if url not in inputs)
    touched = {
        slug
        for url in changed
        for source in (inputs, kept_inputs)
        if url in source
        for slug, _ in source[url][1]
    }
    chosen = [
        index
        for index, a in enumerate(articles)
        if a.url in changed or any(e.slug in touched for e in a.entities)
    ]
    fresh = rank(articles, conf, chosen) if chosen else {}
    at = {a.url: index for index, a in enumerate(articles)}
    lists = {}
    for index, a in enumerate(articles):
        if index in fresh:
            lists[a.url] = [articles[other].url for other in fresh[index]]
        else:
            lists[a.url] = kept_lists[a.url]
    if chosen or kept_inputs.keys() != inputs.keys():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pickle.dumps((used, inputs, lists), pickle.HIGHEST_PROTOCOL))
    return [[at[url] for url in lists[a.url]] for a in articles]
