"""The API described once, as OpenAPI 3.1; the /api/ page is rendered from the same description."""

from archive.api.params import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from archive.models import LANGUAGE_CHOICES, Entity, Event
from archive.search import LANGUAGE_LABELS as SEARCH_LANGUAGES
from archive.search import MAX_PAGE, SORTS, TYPES


def _param(name, description, schema=None):
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema or {"type": "string", "minLength": 1}}


PAGE = _param("page", "Page number, from 1.", {"type": "integer", "minimum": 1, "default": 1})
PAGE_SIZE = _param(
    "page_size", f"Records per page, at most {MAX_PAGE_SIZE}.",
    {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": DEFAULT_PAGE_SIZE},
)
# A year or a month by pattern; a day as a real calendar date (no 30 February).
DATE = {"anyOf": [
    {"type": "string", "pattern": r"^(?!0000)[0-9]{4}(-(0[1-9]|1[0-2]))?$"},
    {"type": "string", "format": "date"},
]}
SLUG = {"type": "string", "pattern": r"^[-a-zA-Z0-9_]+$"}
FROM = _param("from", "Earliest date: YYYY, YYYY-MM or YYYY-MM-DD (from the first day of that period).", DATE)
TO = _param("to", "Latest date: YYYY, YYYY-MM or YYYY-MM-DD (to the last day of that period).", DATE)
ENTITY = _param("entity", "Slug of an entity the records name, e.g. code-red-ii.", SLUG)


def _many(name, description, items):
    """A filter that may be repeated (?type=article&type=event), each value one of `items`."""
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": {"type": "array", "items": items}, "style": "form", "explode": True}


SEARCH_RESULTS = {
    "type": "object",
    "required": ["query", "total", "page", "pages", "results", "facets", "suggestion"],
    "properties": {
        "query": {"type": "string"}, "total": {"type": "integer"}, "page": {"type": "integer"},
        "pages": {"type": "integer"},
        "total_is_lower_bound": {"type": "boolean", "description": (
            "true when more records match than were counted (PostgreSQL counts at most 10,000; Whoosh stops "
            "checking a phrase of very common words once the page is certain): the total is then 'more than "
            "total' and each facet count is a count among the `total` matches counted")},
        "results": {"type": "array", "items": {
            "type": "object", "required": ["type", "slug", "title", "url"],
            "properties": {"type": {"type": "string", "enum": list(TYPES)}, "slug": {"type": "string"},
                           "title": {"type": "string"}, "url": {"type": "string"}},
        }},
        "facets": {"type": "object"},
        "suggestion": {"type": ["string", "null"]},
    },
}

PAGED = {
    "type": "object",
    "required": ["count", "page", "pages", "page_size", "next", "previous", "results"],
    "properties": {
        "count": {"type": "integer"}, "page": {"type": "integer"}, "pages": {"type": "integer"},
        "page_size": {"type": "integer"},
        "next": {"type": ["string", "null"]}, "previous": {"type": ["string", "null"]},
        "results": {"type": "array", "items": {"type": "object"}},
    },
}
NULLABLE_URL = {"type": ["string", "null"]}
# The lists of an entity are embedded a first page long; the paged lists hold the rest.
ENTITY_DETAIL = {
    "type": "object",
    "required": ["slug", "name", "kind", "article_count", "articles", "articles_url", "articles_next",
                 "event_count", "events", "events_url", "events_next"],
    "properties": {
        "slug": {"type": "string"}, "name": {"type": "string"}, "kind": {"type": "string"},
        "article_count": {"type": "integer", "description": "Articles naming the entity."},
        "articles": {"type": "array", "maxItems": DEFAULT_PAGE_SIZE, "items": {"type": "object"},
                     "description": f"The first {DEFAULT_PAGE_SIZE} articles, oldest first, as on page 1 of "
                                    "articles_url."},
        "articles_url": {"type": "string", "description": "/articles/?entity=<slug>: every article, paged."},
        "articles_next": {**NULLABLE_URL, "description": "Page 2 of articles_url; null when all are embedded."},
        "event_count": {"type": "integer", "description": "Events naming the entity or of its incident."},
        "events": {"type": "array", "maxItems": DEFAULT_PAGE_SIZE, "items": {"type": "object"},
                   "description": f"The first {DEFAULT_PAGE_SIZE} events, oldest first, as on page 1 of events_url."},
        "events_url": {"type": "string", "description": "/events/?entity=<slug>: every event, paged."},
        "events_next": {**NULLABLE_URL, "description": "Page 2 of events_url; null when all are embedded."},
    },
}
ERROR = {
    "type": "object", "required": ["error"],
    "properties": {"error": {"type": "string"}, "parameter": {"type": ["string", "null"]}},
}
RATE_LIMITED = {
    "description": "Too many requests from this address (ARCHIVE_API_RATE, shared by the whole API); "
                   "try again after Retry-After seconds.",
    "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}},
    "content": {"application/json": {"schema": ERROR}},
}


def _operation(summary, parameters, example, paged=True, schema=None):
    responses = {
        "200": {
            "description": "OK",
            "content": {"application/json": {"schema": schema or (PAGED if paged else {"type": "object"})}},
        },
    }
    if paged:
        responses["400"] = {
            "description": "A parameter is unknown, empty or malformed; the answer names it.",
            "content": {"application/json": {"schema": ERROR}},
        }
        responses["404"] = {
            "description": "The page lies past the last one, or the record filtered by does not exist; "
                           "the answer names the parameter.",
            "content": {"application/json": {"schema": ERROR}},
        }
    else:
        responses["404"] = {"description": "No record with this slug.",
                            "content": {"application/json": {"schema": ERROR}}}
    responses["429"] = RATE_LIMITED
    return {"get": {"summary": summary, "parameters": parameters, "responses": responses,
                    "x-example": example}}


def _search():
    errors = {"content": {"application/json": {"schema": ERROR}}}
    return {"get": {
        "summary": "Full-text search over articles, events and entities, in the query language of docs/search.md.",
        "parameters": [
            _param("q", "The query: words, \"phrases\", -exclusions, field:value (e.g. entity:code-red-ii)."),
            _many("type", "Only records of these types.", {"type": "string", "enum": list(TYPES)}),
            _many("entity", "Only records naming all these entities (slugs).", SLUG),
            _many("source", "Only articles from these sources (slugs).", SLUG),
            _many("language", "Only records in these languages.", {"type": "string", "enum": list(SEARCH_LANGUAGES)}),
            FROM, TO,
            _param("sort", "Order of the results.", {"type": "string", "enum": list(SORTS), "default": "relevance"}),
            _param("page", "Page number, from 1.", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE,
                                                     "default": 1}),
            _param("per_page", "Results per page.", {"type": "integer", "minimum": 1, "maximum": 50, "default": 10}),
            _param("query_language_only", "1: only the words as written, not their counterparts in the other "
                   "language.", {"type": "string", "enum": ["1", "0"], "default": "0"}),
        ],
        "responses": {
            "200": {"description": "One page of results with facets.",
                    "content": {"application/json": {"schema": SEARCH_RESULTS}}},
            "400": {"description": "A parameter or the query is malformed; the answer names it.", **errors},
            "429": RATE_LIMITED,
            "503": {"description": "The search index cannot be read just now.", **errors},
        },
        "x-example": "/search?q=code+red&type=article&sort=date",
    }}


def _slug(kind):
    return {"name": "slug", "in": "path", "required": True, "description": f"The {kind}'s slug.",
            "schema": {"type": "string"}}


def description(base):
    """The OpenAPI document, with `base` (the /api/ address) as its server."""
    languages = [code for code, _ in LANGUAGE_CHOICES]
    base = base.rstrip("/")
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Incident Archive API",
            "version": "1",
            "description": "Read-only JSON for the archive's articles, entities and events. "
                           "Lists are paged; bad parameters get HTTP 400 with a JSON error naming the parameter.",
        },
        "servers": [{"url": base}],
        "paths": {
            "/articles/": _operation(
                "Articles, oldest first.",
                [_param("source", "Slug of the publishing source, e.g. taz."),
                 _param("language", "Language of the article.", {"type": "string", "enum": languages}),
                 ENTITY, FROM, TO, PAGE, PAGE_SIZE],
                "/articles/?entity=code-red-ii&from=2001-08",
            ),
            "/articles/{slug}/": _operation(
                "One article with its text, entities, events covered, hindsight notes and provenance.",
                [_slug("article")], "/articles/computervirus-code-red-2-schlaegt-zu/", paged=False,
            ),
            "/entities/": _operation(
                "Entities, by name, with how many articles name each.",
                [_param("kind", "Kind of entity.", {"type": "string", "enum": list(Entity.Kind.values)}),
                 PAGE, PAGE_SIZE],
                "/entities/?kind=malware",
            ),
            "/entities/{slug}/": _operation(
                f"One entity with its aliases, counts, and the first {DEFAULT_PAGE_SIZE} of its articles and "
                "events, with the addresses of the paged lists of all.",
                [_slug("entity")], "/entities/code-red-ii/", paged=False, schema=ENTITY_DETAIL,
            ),
            "/events/": _operation(
                "Events, oldest first.",
                [_param("kind", "Kind of event.", {"type": "string", "enum": list(Event.Kind.values)}),
                 ENTITY, FROM, TO, PAGE, PAGE_SIZE],
                "/events/?entity=code-red&from=2001-07&to=2001-08",
            ),
            "/events/{slug}/": _operation(
                "One event with its claims, references and covering articles.",
                [_slug("event")], "/events/code-red-peak/", paged=False,
            ),
            "/search": _search(),
        },
    }


def endpoints(spec):
    """(path, summary, parameters, example) for the documentation page."""
    for path, item in spec["paths"].items():
        operation = item["get"]
        yield path, operation["summary"], operation["parameters"], spec["servers"][0]["url"] + operation["x-example"]
