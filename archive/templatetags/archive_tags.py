import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import translation
from django.utils.encoding import escape_uri_path
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from archive import dates, links, rendering
from archive.timeline.labels import EVENT_KINDS

register = template.Library()


@register.simple_tag
def partial_date(record, language=None):
    """A record's date to its precision, in the record's own language unless one is given."""
    language = language or getattr(record, "language", None) or "en"
    return dates.display(record.date, record.date_precision, language)


@register.filter(is_safe=True)
def markdown(text):
    """Markdown as sanitised HTML; safe to mark because nh3 has cleaned it."""
    return mark_safe(rendering.render_markdown(text))  # output of the sanitiser


@register.filter
def safe_url(url):
    """The URL if it may become a link (absolute http or https), else ""."""
    return rendering.safe_url(url)


@register.simple_tag
def ui_date(record):
    """A record's date to its precision, in the reader's language."""
    return dates.display(record.date, record.date_precision, _ui_language(), getattr(record, "date_not_after", None))


def _ui_language():
    return "de" if (translation.get_language() or "en").startswith("de") else "en"


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """This page's address without its query string, on the configured base URL (ARCHIVE_BASE_URL)."""
    request = context["request"]
    return links.absolute(escape_uri_path(request.path), request)


PRECISION_LABELS = {
    dates.DAY: _("to the day"),
    dates.MONTH: _("to the month"),
    dates.YEAR: _("to the year"),
}

KIND_LABELS = {
    "organization": _("Organizations"),
    "person": _("People"),
    "product": _("Products"),
    "malware": _("Malware"),
    "vulnerability": _("Vulnerabilities"),
    "group": _("Groups"),
    "place": _("Places"),
    "incident": _("Incidents"),
    **EVENT_KINDS,
}

LANGUAGE_LABELS = {"de": _("German"), "en": _("English")}


@register.filter
def precision_label(precision):
    return PRECISION_LABELS.get(precision, precision)


@register.filter
def kind_label(kind):
    """An entity or event kind in the reader's language; entity kinds as plural headings."""
    return KIND_LABELS.get(str(kind).lower(), kind)


@register.filter
def language_label(code):
    return LANGUAGE_LABELS.get(code, code)


# json_script's escapes: the JSON cannot close the <script> element or open a comment.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def jsonld(value):
    """Data as a JSON-LD <script> element; data, not code, so a strict CSP allows it."""
    text = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


@register.simple_tag
def ui_day(day):
    """A plain date (a note's, say) in the reader's language."""
    return dates.display(day, dates.DAY, _ui_language())
