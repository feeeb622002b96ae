"""A small bilingual archive for the cross-language tests: glossary entries, dictionary rows and
articles, indexed, with the process's vocabularies read afresh."""

import datetime as dt
import gzip

from archive import search
from archive.glossary import dictionary, lookup
from archive.glossary.models import GlossaryEntry
from archive.models import Article, Source


def build(glossary, articles, dictionary_rows=()):
    """glossary: (German terms, English terms); articles: (slug, language, title, body); dictionary_rows:
    (German, English, weight to English, weight to German), as build_dictionary writes them."""
    for number, (de, en) in enumerate(glossary):
        GlossaryEntry.objects.create(topic="test", position=number, de=de, en=en)
    if dictionary_rows:
        with gzip.open(dictionary.path(), "wt", encoding="utf-8") as handle:
            handle.writelines(f"{de}\t{en}\t{to_en}\t{to_de}\n" for de, en, to_en, to_de in dictionary_rows)
    source = Source.objects.create(slug="news", name="News")
    for slug, language, title, body in articles:
        Article.objects.create(slug=slug, source=source, language=language, title=title, body=body,
                               date=dt.date(2004, 5, 1))
    lookup.forget()
    search.rebuild()
