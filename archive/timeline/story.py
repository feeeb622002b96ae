"""What an entity's page shows of its place in time: drawings, exposure windows, co-mentions, links.

Used by the entity page (archive/views.py) and the timeline views; kept apart from the views so
no view module serves another as a helper.
"""

from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from archive.entities import summary
from archive.remembered import remember
from archive.selectors import external_links
from archive.timeline import density
from archive.timeline.comentions import co_mentions
from archive.timeline.coverage import exposure_windows
from archive.timeline.filters import Filters, articles, build, events
from archive.timeline.labels import entity_kind
from archive.timeline.svg import DENSE, coverage_svg, timeline_svg


def timeline_title(entity):
    return gettext("Timeline of %(name)s") % {"name": entity.name} if entity else gettext("Timeline")


def entity_story(entity, article_total=None):
    """What the entity page adds to its story: drawings, exposure windows, co-mentions, outside links.

    An entity named in more than DENSE articles (`article_total`, counted by the caller) is drawn from
    its counts per month, never from a list of all its items.
    """
    filters = Filters(entity=entity)
    title, coverage_title = timeline_title(entity), gettext("Coverage of %(name)s") % {"name": entity.name}
    if article_total is not None and article_total <= DENSE:
        timeline = build(filters)
        dated = len(timeline.items)
        drawing = timeline_svg(timeline.items, title=title, undated=timeline.undated_count, ident="entity-timeline")
        coverage = coverage_svg(timeline.items, title=coverage_title, ident="entity-coverage")
    else:
        # The articles' counts are the entity's own, kept up to date by the database (archive.entities.summary).
        counted = density.count(events(filters, plain=True).filter(date__isnull=False),
                                articles(filters, plain=True).filter(date__isnull=False), entity_months=(entity, False))
        undated = remember(("undated-count", entity.pk), lambda: (
            events(filters, plain=True).filter(date__isnull=True).count() + summary.undated_total(entity)))
        dated = counted.total
        drawing = density.timeline_svg(counted, title=title, undated=undated, ident="entity-timeline")
        coverage = density.coverage_svg(counted, title=coverage_title, ident="entity-coverage")
    return {
        "dated": dated,
        "kind_label": entity_kind(entity.kind),
        "svg": mark_safe(drawing),
        "coverage_svg": mark_safe(coverage),
        "windows": exposure_windows(entity),
        "co_mentions": co_mentions(entity),
        "links": external_links(entity),
    }
