"""Records as plain dicts for JSON. Summaries for lists, full records for detail."""

from django.urls import reverse

from archive import dates, links


def _absolute(request, path):
    # Records name pages by the configured base URL (ARCHIVE_BASE_URL), like feeds and exports.
    return links.absolute(path, request)


def _date(record):
    return {
        "date": record.date_iso(),
        "date_precision": record.date_precision if record.date else None,
        # A range: "date" is "first/last" (ISO 8601 interval, ".." when open); these give its ends plainly.
        "date_not_before": record.date.isoformat() if record.date_precision == dates.RANGE and record.date else None,
        "date_not_after": record.date_not_after.isoformat() if record.date_not_after else None,
        "date_inferred": record.date_inferred,
    }


def source(record):
    if record is None:
        return None
    return {"slug": record.slug, "name": record.name, "language": record.language, "country": record.country}


def article_summary(article, request=None):
    return {
        "slug": article.slug,
        "title": article.title,
        "url": _absolute(request, article.get_absolute_url()),
        "api_url": _absolute(request, reverse("api-article", args=[article.slug])),
        **_date(article),
        "source": source(article.source),
        "language": article.language,
        "byline": article.byline,
        "entities": [mention.entity.slug for mention in article.mentions.all()],
    }


def article_detail(article, request=None):
    page = article.get_absolute_url()
    return {
        **article_summary(article, request),
        "kicker": article.kicker,
        "teaser": article.teaser,
        "dateline": article.dateline,
        "date_reason": article.date_reason,
        "original_url": article.url,
        "body": article.body,
        "body_html": article.body_html,
        "entities": [entity_ref(mention.entity) for mention in article.mentions.all()],
        "events": [event_ref(link.event) for link in article.coverage.all()],
        "hindsight_notes": [
            {
                "date": note.date.isoformat(),
                "text": note.text,
                "text_html": note.text_html,
                "event": note.event.slug if note.event else None,
                "url": note.url,
                "author": note.author,
            }
            for note in article.hindsight_notes.all()
        ],
        "provenance": {
            "origin": article.origin,
            "imported_at": article.imported_at.isoformat() if article.imported_at else None,
            "removed_boilerplate": article.removed_boilerplate,
        },
        "cite": {
            "ris": _absolute(request, page + "cite.ris"),
            "csl_json": _absolute(request, page + "cite.json"),
            # APA by default; `?style=` takes any official CSL style's name (docs/api.md).
            "text": _absolute(request, page + "cite.txt"),
            "html": _absolute(request, page + "cite.html"),
        },
    }


def entity_ref(entity):
    return {"slug": entity.slug, "name": entity.name, "kind": entity.kind}


def event_ref(event):
    return {"slug": event.slug, "title": event.title, "kind": event.kind, **_date(event)}


def entity_summary(entity, request=None):
    return {
        **entity_ref(entity),
        "url": _absolute(request, entity.get_absolute_url()),
        "api_url": _absolute(request, reverse("api-entity", args=[entity.slug])),
        "aliases": [alias.name for alias in entity.aliases.all()],
        "article_count": getattr(entity, "article_count", None),
    }


def entity_detail(entity, articles, events, request=None, *, event_count, articles_url, events_url, page_size):
    """The entity with the first `page_size` of its articles and events; `*_url` are the paged lists of all,
    `*_next` their second pages when there is more than one."""
    def second(url, count):
        return f"{url}&page=2" if count > page_size else None

    return {
        **entity_summary(entity, request),
        "description": entity.description,
        "wikidata": entity.wikidata,
        "external_ids": entity.external_ids,
        "articles": [article_summary(article, request) for article in articles],
        "articles_url": articles_url,
        "articles_next": second(articles_url, entity.article_count),
        "event_count": event_count,
        "events": [event_ref(event) for event in events],
        "events_url": events_url,
        "events_next": second(events_url, event_count),
    }


def event_summary(event, request=None):
    return {
        **event_ref(event),
        "url": _absolute(request, event.get_absolute_url()),
        "api_url": _absolute(request, reverse("api-event", args=[event.slug])),
        "incident": event.incident.slug if event.incident else None,
        "entities": [entity.slug for entity in event.entities.all()],
    }


def event_detail(event, request=None):
    return {
        **event_summary(event, request),
        "date_reason": event.date_reason,
        "description": event.description,
        "references": event.references,
        "claims": [{"text": claim.text, "source": claim.source_name, "url": claim.url} for claim in event.claims.all()],
        "articles": [
            {**article_summary(link.article, request), "coverage": link.method, "confirmed": link.confirmed}
            for link in event.coverage.all()
        ],
    }
