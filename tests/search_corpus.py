"""A small German and English corpus for the search tests, written to test ranking and analysis."""

import datetime as dt

from archive import search
from archive.models import Article, Entity, EntityAlias, Event, Mention, Source

ENTITIES = {
    "code-red-ii": ("Code Red II", "malware", ["Code Red 2", "CodeRedII"]),
    "code-red": ("Code Red", "malware", []),
    "29a": ("29A", "group", ["29 a"]),
    "microsoft": ("Microsoft", "organization", []),
    "symantec": ("Symantec", "organization", []),
    "hotmail": ("Hotmail", "product", []),
    "cisco": ("Cisco", "organization", []),
    "muenchen": ("München", "place", [("Munich", "en")]),
}

ARTICLES = [
    # slug, source, language, date, title, body, entities
    ("taz-code-red", "taz", "de", "2001-08-10", "Computervirus schlägt zu",
     "Das Sabotageprogramm Code Red II ist bei Microsoft eingedrungen. Es nistete sich im E-Mail-Service Hotmail "
     "ein, bestätigte ein Firmensprecher in München. Symantec zählt 1.000 befallene Server. Zurückzuführen sei das "
     "auf Cisco-Modems. Der Wurm nutzt eine Lücke im IIS. Die Hackergruppe 29 a wies jede Verantwortung zurück.",
     ["code-red-ii", "microsoft", "hotmail", "symantec", "cisco", "29a", "muenchen"]),
    ("heise-computerwurm", "heise", "de", "2001-07-20", "Neuer Internetwurm legt Server lahm",
     "Ein Internetwurm befällt Webserver mit der Software IIS. Administratoren sollen den Patch einspielen.",
     ["code-red", "microsoft"]),
    ("bbc-white-house", "bbc", "en", "2001-07-19", "Code Red worm targets White House",
     "The Code Red worm infected thousands of servers and aimed a flood of data at the White House website.",
     ["code-red"]),
    ("bbc-hotmail-outage", "bbc", "en", "2001-08-09", "Hotmail hit by worm",
     "Microsoft said its Hotmail service in Munich and elsewhere was hit by a worm; no data was lost.",
     ["hotmail", "microsoft"]),
    ("bbc-symantec-numbers", "bbc", "en", "2003-01-15", "Symantec counts record virus numbers",
     "Symantec, the anti-virus company, says infections reached a record in 2002.",
     ["symantec"]),
    ("bbc-backdoor", "bbc", "en", "2001-08-06", "New variant opens a backdoor",
     "A variant called Code Red II installs a backdoor on servers running IIS.", []),
    ("bbc-virus-group", "bbc", "en", "2001-08-12", "Virus writers deny role",
     "The virus group 29A said a former member once wrote a DOS virus, nothing more.", []),
    ("taz-strasse", "taz", "de", "2004-05-03", "Stromausfall in der Leopoldstraße",
     "In München fiel der Strom in einer Straße aus; Rechner der Stadtverwaltung standen still.", []),
    ("bbc-markets", "bbc", "en", "2004-03-01", "Markets fall on oil prices",
     "Stock markets fell as oil prices rose; traders expect a weak market this year.", []),
]


def build(*, index=True):
    sources = {
        "taz": Source.objects.create(slug="taz", name="taz", language="de"),
        "heise": Source.objects.create(slug="heise", name="heise online", language="de"),
        "bbc": Source.objects.create(slug="bbc", name="BBC News", language="en"),
    }
    entities = {}
    for slug, (name, kind, aliases) in ENTITIES.items():
        entity = entities[slug] = Entity.objects.create(slug=slug, name=name, kind=kind)
        for alias in aliases:
            alias_name, language = alias if isinstance(alias, tuple) else (alias, "")
            EntityAlias.objects.create(entity=entity, name=alias_name, language=language)
    for slug, source, language, date, title, body, tags in ARTICLES:
        article = Article.objects.create(
            slug=slug, source=sources[source], language=language, date=dt.date.fromisoformat(date),
            title=title, body=body,
        )
        for tag in tags:
            Mention.objects.create(article=article, entity=entities[tag])
    event = Event.objects.create(slug="code-red-ii-appears", title="Code Red II appears", kind="outbreak",
                                 date=dt.date(2001, 8, 4), description="A new worm installs a backdoor.")
    event.entities.add(entities["code-red-ii"])
    if index:
        search.rebuild()


def slugs(page):
    return [result["slug"] for result in page.results]
