"""schema.org descriptions of entity and event pages, written into them as JSON-LD.

The type follows the entity's kind (docs/site.md has the table). schema.org has no type
for malware or a vulnerability: calling a worm a SoftwareApplication would tell search
engines it is an application one might install, so both are a plain Thing whose
additionalType is the Wikidata class (malware, computer vulnerability), which says
exactly what they are without borrowing a wrong type's meaning.

Dates keep their precision: schema.org takes ISO 8601 dates, and ISO 8601 writes a
month as "2001-08" and a year as "2001". An event known only to the month or year, or to
a range, happened somewhere in that period, which startDate and endDate bound.
"""

from archive import dates, links
from archive.models import Entity

CONTEXT = "https://schema.org"
WIKIDATA = "https://www.wikidata.org/wiki/"

TYPES = {
    Entity.Kind.ORGANIZATION: "Organization",
    Entity.Kind.GROUP: "Organization",
    Entity.Kind.PERSON: "Person",
    Entity.Kind.PRODUCT: "SoftwareApplication",
    Entity.Kind.PLACE: "Place",
    Entity.Kind.INCIDENT: "Event",
    Entity.Kind.MALWARE: "Thing",
    Entity.Kind.VULNERABILITY: "Thing",
}
# Wikidata classes for the kinds schema.org has no type for: malware (Q14001), computer vulnerability (Q631425).
ADDITIONAL_TYPES = {
    Entity.Kind.MALWARE: WIKIDATA + "Q14001",
    Entity.Kind.VULNERABILITY: WIKIDATA + "Q631425",
}


def _plain(text):
    return " ".join((text or "").split())


def entity_reference(entity, request=None):
    """The short form used where another record points at an entity."""
    return {"@type": TYPES.get(entity.kind, "Thing"), "name": entity.name,
            "url": links.absolute(entity.get_absolute_url(), request)}


def entity(record, request=None):
    data = {"@context": CONTEXT, **entity_reference(record, request)}
    if record.kind in ADDITIONAL_TYPES:
        data["additionalType"] = ADDITIONAL_TYPES[record.kind]
    aliases = [alias.name for alias in record.aliases.all()]
    if aliases:
        data["alternateName"] = aliases
    if record.description:
        data["description"] = _plain(record.description)
    if record.wikidata:
        data["sameAs"] = WIKIDATA + record.wikidata
    identifiers = []
    for key, value in sorted((record.external_ids or {}).items()):
        for one in value if isinstance(value, list) else [value]:
            identifiers.append({"@type": "PropertyValue", "propertyID": key.upper(), "value": str(one)})
    if identifiers:
        data["identifier"] = identifiers
    return data


def _partial(date, precision):
    return dates.iso(date, dates.DAY if precision == dates.RANGE else precision)


def event(record, request=None):
    data = {"@context": CONTEXT, "@type": "Event", "name": record.title,
            "url": links.absolute(record.get_absolute_url(), request)}
    if record.date:
        data["startDate"] = _partial(record.date, record.date_precision)
        if record.date_precision in (dates.MONTH, dates.YEAR):
            data["endDate"] = data["startDate"]
        elif record.date_precision == dates.RANGE and record.date_not_after:
            data["endDate"] = record.date_not_after.isoformat()
    if record.description:
        data["description"] = _plain(record.description)
    entities = list(record.entities.all())
    places = [one for one in entities if one.kind == Entity.Kind.PLACE]
    if places:
        data["location"] = [entity_reference(place, request) for place in places]
    # What the event is about: its incident first, then the other entities it names.
    subjects = ([record.incident] if record.incident else []) + [
        one for one in entities if one.kind != Entity.Kind.PLACE and one != record.incident]
    if subjects:
        data["about"] = [entity_reference(one, request) for one in subjects]
    if record.incident and record.incident.kind == Entity.Kind.INCIDENT:
        data["superEvent"] = entity_reference(record.incident, request)
    return data
