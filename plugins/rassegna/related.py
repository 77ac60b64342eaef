"""Related articles, ranked like Hugo's related content: each shared entity adds
its kind's weight, a candidate published close to the article adds up to the
recency weight, and a candidate whose score is below the threshold is left out.

Recency is the time between the two articles' own dates, never their age on the
day of the build (Hugo's date index works the same way), so a list built today
and one built next year are the same list. Every term reads only the two
articles, so adding an unrelated article never changes a list; ties go to the
newer article, then the URL."""

import hashlib
import heapq
import pickle
from collections import defaultdict
from pathlib import Path

SECONDS_A_DAY = 86_400


def closeness(apart_seconds: float, window_days: float) -> float:
    """1 for two articles published at the same moment, falling in a straight
    line to 0 when they are `window_days` apart, before or after."""
    return max(0.0, 1.0 - abs(apart_seconds) / SECONDS_A_DAY / window_days)


def rank(articles, conf) -> list[list[int]]:
    """For each of `articles`, the indexes of up to RELATED_LIMIT related
    articles, best first. A candidate must share at least one entity; recency
    alone relates nothing.
    Each article adds its entities' weights to the articles that share them
    (an index from entity to articles), so the work grows with the pairs that
    share something, not with every pair."""
    weights = conf.related_weights
    recency_weight = conf.related_recency_weight
    stamps = [article.date.timestamp() for article in articles]
    readers_of = defaultdict(list)
    for index, article in enumerate(articles):
        for entity in article.entities:
            readers_of[id(entity)].append(index)
    threshold = conf.related_threshold
    limit = conf.related_limit_articles
    related = []
    for index, article in enumerate(articles):
        shared: dict[int, float] = {}
        for entity in article.entities:
            weight = weights.get(entity.kind, 0)
            for other in readers_of[id(entity)]:
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
        related.append([item[3] for item in heapq.nsmallest(limit, scored)])
    return related


CACHE = "rassegna-related.pickle"


def rank_remembered(articles, conf, folder: str | None) -> list[list[int]]:
    """rank(), kept in `folder` between builds under a digest of all it reads:
    each article's address, date and entities (by slug and kind), in order, and
    the settings it uses. A body edit changes none of them, so it ranks nothing."""
    inputs = [
        (a.url, a.date.timestamp(), [(e.slug, e.kind) for e in a.entities])
        for a in articles
    ]
    used = (
        sorted(conf.related_weights.items()),
        conf.related_recency_weight,
        conf.related_recency_days,
        conf.related_threshold,
        conf.related_limit_articles,
    )
    key = hashlib.blake2b(pickle.dumps((inputs, used), 4)).digest()
    path = Path(folder) / CACHE if folder else None
    try:
        kept_key, kept = pickle.loads(path.read_bytes()) if path else (None, None)
    except (OSError, ValueError, pickle.PickleError, EOFError):
        kept_key, kept = None, None
    if kept_key == key:
        return kept
    ranked = rank(articles, conf)
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pickle.dumps((key, ranked), pickle.HIGHEST_PROTOCOL))
    return ranked
