from django import template
from django.utils.safestring import mark_safe

from archive import dates, rendering

register = template.Library()


@register.simple_tag
def partial_date(record, language=None):
    """A record's date to its precision, in the record's own language unless one is given."""
    language = language or getattr(record, "language", None) or "en"
    return dates.display(record.date, record.date_precision, language)


@register.filter(is_safe=True)
def markdown(text):
    """Markdown as sanitised HTML; safe to mark because nh3 has cleaned it."""
    return mark_safe(rendering.render_markdown(text))  # noqa: S308 - output of the sanitiser


@register.filter
def safe_url(url):
    """The URL if it may become a link (absolute http or https), else ""."""
    return rendering.safe_url(url)
