"""Related articles, ranked like Hugo's related content: each shared entity adds
its kind's weight, a candidate published close to the article adds up to the
recency weight, and a candidate whose score is below the threshold is left out.

Recency is the time between the two articles' own dates, never their age on the
day of the build (Hugo's date index works the same way), so a list built today
and one built next year are the same list. Every term reads only the two
articles, so adding an unrelated article never changes a list; ties go to the
newer article, then the URL."""

from collections import defaultdict

SECONDS_A_DAY = 86_400


def closeness(article, other, window_days: float) -> float:
    """1 for two articles published at the same moment, falling in a straight
    line to 0 when they are `window_days` apart, before or after."""
    apart = abs((article.date - other.date).total_seconds()) / SECONDS_A_DAY
    return max(0.0, 1.0 - apart / window_days)


def score(article, other, shared, conf) -> float:
    """What the shared entities weigh, plus the recency of `other` seen from
    `article`."""
    weights = conf.related_weights
    by_kind = sum(weights.get(entity.kind, 0) for entity in shared)
    recency = conf.related_recency_weight * closeness(
        article, other, conf.related_recency_days
    )
    return by_kind + recency


def rank(articles, conf) -> dict:
    """id(article) → up to RELATED_LIMIT related articles, best first. A
    candidate must share at least one entity; recency alone relates nothing."""
    readers_of = defaultdict(list)
    for article in articles:
        for entity in article.entities:
            readers_of[id(entity)].append(article)
    related = {}
    for article in articles:
        shared = defaultdict(list)
        for entity in article.entities:
            for other in readers_of[id(entity)]:
                if other is not article:
                    shared[id(other)].append((other, entity))
        scored = []
        for pairs in shared.values():
            other = pairs[0][0]
            total = score(article, other, [entity for _, entity in pairs], conf)
            if total >= conf.related_threshold:
                scored.append((-total, -other.date.timestamp(), other.url, other))
        scored.sort(key=lambda item: item[:3])
        best = scored[: conf.related_limit_articles]
        related[id(article)] = [item[3] for item in best]
    return related
