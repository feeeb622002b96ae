from django import template

from archive import dates

register = template.Library()


@register.simple_tag
def partial_date(record, language=None):
    """A record's date to its precision, in the record's own language unless one is given."""
    language = language or getattr(record, "language", None) or "en"
    return dates.display(record.date, record.date_precision, language)
