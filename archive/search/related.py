"""Related articles: the other articles that share most of what an article says, in either language.

    related_articles(article) -> [Article with .reasons], at most `limit`, best first

An article's key words (the words of its title and lead that are not stop words, the title's
counting more) and its entities become one OR query; the words gain their counterparts in the
other language through the vocabularies (crosslang.translate, neighbours as a phrase), so a
German article about a "Wurm" finds the English ones about a worm. Words and entities that too
many documents hold are left out, as the engine counts them (<engine>/frequencies.py):
they say little about the topic and cost the most to match. The engine ranks by its own
statistics (Whoosh: BM25, PostgreSQL: ts_rank), so a rare shared word counts more. The cost is
bounded: KEY_WORDS words, KEY_ENTITIES entities, MAX_SHARE, the translator's own budget of
counterparts and a deadline of RELATED_SECONDS (and LATE_SECONDS for half the query, where an
engine answered nothing by then). Each related article says why: the entities,
words and "word / counterpart" pairs it shares. docs/search.md, "Related articles".
"""

import dataclasses
import importlib
import time
from collections import Counter

from archive.glossary import words as vocabulary
from archive.models import Article
from archive.search import crosslang
from archive.search import query as q
from archive.search.engine import get_backend
from archive.search.types import Filters, SearchRequest

KEY_WORDS = 6
CANDIDATE_WORDS = 12   # read from the text; the first KEY_WORDS of them not too common are asked for
KEY_ENTITIES = 10
MAX_SHARE = 0.01       # a word or entity in more of the documents than this is left out ...
MIN_COMMON = 100       # ... unless it is in at most this many: a small archive keeps its words
LEAD_WORDS = 80        # the lead says what the article is about; the rest adds cost more than sense
TITLE_WEIGHT = 3
MIN_LENGTH = 4         # shorter words are mostly particles and abbreviations the stop lists miss
RELATED_SECONDS = 0.04
LATE_SECONDS = 0.02    # an engine that answers nothing by the deadline is asked again, for the rarest half, this long
# A counterpart weighs 0.5 for a glossary term here, more than in a search relative to the words as written
# (measured when a search's weight was 0.2, so 2.5 times it): an article's topic crosses languages where a
# reader's own words should rank first. Judged topics: 12 relevant articles in the other language against 8
# at 1, precision@5 0.529 against 0.541; 5 gave 19 and 0.514 (docs/benchmarks.md).
TRANSLATION_BOOST = 0.5 / crosslang.WEIGHT


def key_words(article, skip=(), count=KEY_WORDS):
    """The article's `count` most telling words of title and lead, in the text's order, as written.

    `skip`: folded words to leave out (the names of its entities, which count as entities).
    """
    lang = article.language if article.language in vocabulary.LANGUAGES else "en"
    stop = vocabulary.stop_words(lang)
    lead = vocabulary.tokens(" ".join(part for part in (article.teaser, article.body) if part))[:LEAD_WORDS]
    scores, written, order = Counter(), {}, {}
    for weight, words in ((TITLE_WEIGHT, vocabulary.tokens(article.title)), (1, lead)):
        for word in words:
            folded = vocabulary.folded(word, lang)
            if len(folded) < MIN_LENGTH or not folded.isalpha() or folded in stop or folded in skip:
                continue
            key = vocabulary.stem(word, lang)
            scores[key] += weight
            written.setdefault(key, word)
            order.setdefault(key, len(order))
    best = sorted(scores, key=lambda key: (-scores[key], -len(written[key]), order[key]))[:count]
    # In the text's order, so that words standing together can be translated as a phrase (cash machine).
    return [written[key] for key in sorted(best, key=order.get)]


def _frequencies(backend, words, lang, entities):
    """The engine's document shares of the words and entities, or None when it has no cheap count."""
    module = importlib.import_module(f"archive.search.{backend.name}.frequencies")
    return module.shares(words, lang, [entity.slug for entity in entities])


def _distinctive(backend, article, entities):
    """KEY_WORDS words and KEY_ENTITIES entities that not too many documents share, the rarest entities first.

    A word or entity in more than MAX_SHARE of the documents (and more than MIN_COMMON) says little about the
    topic and costs the most to match (its postings are the longest), so it is left out where the engine can
    count it cheaply.
    """
    lang = article.language if article.language in vocabulary.LANGUAGES else "en"
    names = {vocabulary.folded(word, lang) for entity in entities for word in vocabulary.tokens(entity.name)}
    candidates = key_words(article, skip=names, count=CANDIDATE_WORDS)
    found = _frequencies(backend, candidates, lang, entities)
    if found is None:
        return candidates[:KEY_WORDS], entities[:KEY_ENTITIES]
    total, word_counts, entity_counts = found
    most = max(MAX_SHARE * total, MIN_COMMON)
    # An entity in no other article (its count holds this article and the entity's own record) relates nothing;
    # a word in no other document of its language still may, through its counterparts.
    words = [word for word in candidates if word_counts[word] <= most][:KEY_WORDS]
    kept = sorted((entity for entity in entities if 3 <= entity_counts[entity.slug] <= most),
                  key=lambda entity: (entity_counts[entity.slug], entity.slug))
    return words, kept[:KEY_ENTITIES]


def _half(items):
    return items[:(len(items) + 1) // 2]


def _boosted(node):
    if not isinstance(node, q.Translated):
        return node
    return dataclasses.replace(node, translations=tuple(
        dataclasses.replace(t, weight=round(t.weight * TRANSLATION_BOOST, 4)) for t in node.translations))


def _query(words, entities, across_languages=True):
    translated = []
    items = ()
    if words and not across_languages:
        items = tuple(q.Term(word) for word in words)
    elif words:
        # Translated as one And, so that neighbours the vocabularies know as a phrase cross as one; then any of them.
        tree, translated = crosslang.translate(q.And(tuple(q.Term(word) for word in words)))
        items = tuple(_boosted(item) for item in (tree.items if isinstance(tree, q.And) else (tree,)))
    items += tuple(q.Match("entity", entity.slug) for entity in entities)
    if not items:
        return None, []
    return q.Or(items), translated


def _reasons(hit, article, words, entities, translated):
    """What this hit shares with the article: entity names, words, "word / counterpart"."""
    lang = article.language or "en"
    shared = [entity.name for entity in entities if entity.slug in hit.doc["entities"]]
    terms = {entry["term"] for entry in hit.matched}
    for word in words:
        if vocabulary.stem(word, lang) in terms or vocabulary.folded(word, lang) in terms:
            shared.append(word)
    for entry in crosslang.reasons(translated, hit.matched, hit.doc):
        pair = f"{entry['word']} / {entry['counterpart']}"
        if entry["word"] not in shared and pair not in shared:
            shared.append(pair)
    return shared


def _search(backend, words, entities, across_languages, limit, seconds):
    """The engine's answer (None without words or entities) and the Translated nodes of the query."""
    tree, translated = _query(words, entities, across_languages)
    if tree is None:
        return None, []
    return _engine_search(backend)(SearchRequest(tree=tree, filters=Filters(types=("article",)), per_page=limit + 1,
                                                 deadline=time.monotonic() + seconds)), translated


def _engine_search(backend):
    """The engine's own search for related articles where it has one (<engine>/related.py: no facets, no
    snippets), else its search."""
    name = f"archive.search.{backend.name}.related"
    try:
        return importlib.import_module(name).search
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        return backend.search


def related_articles(article, limit=5, *, across_languages=True):
    """The `limit` other articles sharing most of this one's key words and entities, each with .reasons;
    across_languages=False leaves the words' counterparts out (for comparison).

    Raises SearchUnavailable when the index cannot answer (the caller falls back to shared entities).
    """
    backend = get_backend()
    entities = sorted((mention.entity for mention in article.mentions.all()), key=lambda entity: entity.slug)
    words, entities = _distinctive(backend, article, entities)
    found, translated = _search(backend, words, entities, across_languages, limit, RELATED_SECONDS)
    if found is not None and found.partial and not found.hits and len(words) + len(entities) > 1:
        # Whoosh answers with what it ranked by the deadline, PostgreSQL with its index's order when ts_rank is
        # late; where even that found nothing in time (PostgreSQL's index scan cancelled), it is asked again for
        # half as much: the first half of the words (the title's come first) and the rarer half of the entities
        # (_distinctive puts the rarest first).
        words, entities = _half(words), _half(entities)
        found, translated = _search(backend, words, entities, across_languages, limit, LATE_SECONDS)
    if found is None:
        return []
    hits = [hit for hit in found.hits if hit.doc["slug"] != article.slug][:limit]
    records = (Article.objects.select_related("source").defer("body", "body_html", "abstract", "removed_boilerplate")
               .in_bulk([hit.doc["slug"] for hit in hits], field_name="slug"))
    related = []
    for hit in hits:
        record = records.get(hit.doc["slug"])
        if record is None:  # removed since the index was written
            continue
        record.reasons = _reasons(hit, article, words, entities, translated)
        related.append(record)
    return related
