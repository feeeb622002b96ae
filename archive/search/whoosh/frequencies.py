"""How many of the index's documents hold a word or name an entity, from the index's own term counts
(a look-up per term, no postings read): related articles leave out what too many documents share."""

from archive.search.whoosh import searchers, store
from archive.search.whoosh.analysis import ENGLISH, GERMAN, analyze


def shares(words, lang, entity_slugs):
    """(documents in all, {word: documents}, {entity slug: documents}); a word counts by its commonest stem."""
    analyzer, field = (GERMAN, "body_de") if lang == "de" else (ENGLISH, "body_en")
    with store.reading_index(), searchers.pool.reader() as reader:
        searcher = reader.searcher
        words_ = {word: max((searcher.doc_frequency(field, term) for term in analyze(analyzer, word)), default=0)
                  for word in words}
        entities = {slug: searcher.doc_frequency("entity", slug) for slug in entity_slugs}
        return searcher.doc_count(), words_, entities
