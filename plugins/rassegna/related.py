"""Related articles, ranked like Hugo's related content: each shared entity adds
its kind's weight, a newer candidate scores a little more, and a candidate below
the threshold is left out. The score reads only the two articles, so adding an
unrelated article never changes a list; ties go to the newer article, then URL."""

from collections import defaultdict


def _score(shared, weights: dict) -> int:
    return sum(weights.get(entity.kind, 0) for entity in shared)


def rank(articles, weights: dict, threshold: int, limit: int) -> dict:
    """id(article) → up to `limit` related articles, best first."""
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
            score = _score([entity for _, entity in pairs], weights)
            if score >= threshold:
                scored.append((-score, -other.date.timestamp(), other.url, other))
        scored.sort(key=lambda item: item[:3])
        related[id(article)] = [item[3] for item in scored[:limit]]
    return related
