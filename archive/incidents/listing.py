"""The /incidents/ table: its filters (decade, kind) and sort orders, read from query parameters."""

import re
from dataclasses import dataclass

from django.utils.translation import gettext

from archive.models import Entity
from archive.params import BadParameter

SORTS = ("name", "years", "kind", "disclosure", "patch", "exploitation", "coverage", "articles")
DEFAULT_SORT = "years"
DECADE = re.compile(r"^(\d{3}0)s?$")


@dataclass
class Listing:
    decade: int | None = None
    kind: str = ""
    sort: str = DEFAULT_SORT
    descending: bool = False

    @property
    def sort_param(self):
        return ("-" if self.descending else "") + self.sort


def parse(params):
    """A Listing from a QueryDict-like mapping; raises BadParameter naming the parameter."""
    listing = Listing()
    decade = params.get("decade", "").strip()
    if decade:
        match = DECADE.match(decade)
        if not match:
            raise BadParameter("decade", gettext("%(value)r is not a decade such as 1990") % {"value": decade})
        listing.decade = int(match.group(1))
    kind = params.get("kind", "").strip()
    if kind and kind not in Entity.Kind.values:
        raise BadParameter("kind", gettext("%(value)r is not one of %(kinds)s") % {
            "value": kind, "kinds": ", ".join(Entity.Kind.values)})
    listing.kind = kind
    sort = params.get("sort", "").strip() or DEFAULT_SORT
    listing.descending = sort.startswith("-")
    listing.sort = sort.removeprefix("-")
    if listing.sort not in SORTS:
        raise BadParameter("sort", gettext("%(value)r is not one of %(sorts)s") % {
            "value": sort, "sorts": ", ".join(SORTS)})
    return listing


def _key(row, sort):
    if sort == "name":
        return row.name.casefold()
    if sort == "years":
        return (row.first_year, row.last_year, row.name.casefold()) if row.first else None
    if sort == "kind":
        return (row.kind, row.name.casefold())
    if sort == "articles":
        return (row.article_count, row.name.casefold())
    milestone = row.milestones[sort]
    return milestone.sort_key if milestone else None


def apply(rows, listing):
    """The rows the listing keeps, in its order; rows without the sorted value go last either way."""
    kept = [row for row in rows if (listing.decade is None or row.decade == listing.decade)
            and (not listing.kind or row.kind == listing.kind)]
    known = [row for row in kept if _key(row, listing.sort) is not None]
    unknown = [row for row in kept if _key(row, listing.sort) is None]
    known.sort(key=lambda row: _key(row, listing.sort), reverse=listing.descending)
    return known + sorted(unknown, key=lambda row: row.name.casefold())
