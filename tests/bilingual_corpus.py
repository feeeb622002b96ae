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


# One German and one English article that hold their word equally (once, in texts of the same length), among
# English articles on other things: an archive where one language has many more articles than the other, as
# the judged queries' archive (about 20 English articles to one German). Whoosh's figures for the German
# fields are then measured against the English articles too (whoosh/counterparts.py).
EQUAL_PAIR = [
    ("equal-de", "de", "Bericht aus der Stadt", "Der Wurm kam am Montag in die Netze der Stadt und blieb dort."),
    ("equal-en", "en", "Report from the town", "The worm came on Monday into the nets of the town and stayed."),
]
OTHER_ENGLISH = [(f"other-en-{n}", "en", f"Markets report {n}", "Stock markets fell as oil prices rose again today.")
                 for n in range(20)]
