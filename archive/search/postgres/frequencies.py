"""How many documents hold a word or name an entity: PostgreSQL keeps no such table (ts_stat reads every
vector), so related articles take the words and entities as they are here (None: not known)."""


def shares(words, lang, entity_slugs):
    return None
