from django import template
from django.utils.translation import gettext

from archive.timeline.labels import entity_kind, reader_language

register = template.Library()


@register.filter
def entity_kind_label(kind):
    """An entity kind in the reader's language, singular."""
    return entity_kind(kind)


@register.simple_tag
def milestone_date(milestone):
    return milestone.display(reader_language())


def _signed(days):
    return f"+{days}" if days > 0 else f"−{-days}" if days < 0 else "0"


@register.simple_tag
def span_days(span):
    """Days from disclosure, short: "+12 d", or "+0…30 d" when a date is known only to its month or year."""
    if span.exact:
        text = _signed(span.low)
    else:
        text = f"{_signed(span.low)}…{_signed(span.high)}"
    return gettext("%(days)s d") % {"days": text}
