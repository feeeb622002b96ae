"""Words the timeline pages show for kinds, in the reader's language, and which language that is.

Event kinds reuse the message ids of the site's other pages, so each word is
translated once. The labels are lazy: they are looked up when shown, in the
language of the request being answered.
"""

from django.utils import translation
from django.utils.translation import gettext_lazy as _

EVENT_KINDS = {
    "disclosure": _("disclosure"),
    "advisory": _("advisory"),
    "patch": _("patch"),
    "outbreak": _("outbreak"),
    "peak": _("peak"),
    "attack": _("attack"),
    "arrest": _("arrest"),
    "statement": _("statement"),
    "other": _("other"),
    "article": _("article"),
}

ENTITY_KINDS = {
    "organization": _("Organization"),
    "person": _("Person"),
    "product": _("Product"),
    "malware": _("Malware"),
    "vulnerability": _("Vulnerability"),
    "group": _("Group"),
    "place": _("Place"),
    "incident": _("Incident"),
}

LANGUAGES = {"de": _("German"), "en": _("English")}


def reader_language():
    """"de" or "en": the language dates are written in for the request being answered."""
    return "de" if (translation.get_language() or "en").startswith("de") else "en"


def event_kind(kind):
    return EVENT_KINDS.get(kind, kind)


def entity_kind(kind):
    return ENTITY_KINDS.get(kind, kind)
