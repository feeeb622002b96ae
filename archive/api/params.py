"""The API's paging, read with the shared parameter reader (archive.params), which the views also use directly."""

from dataclasses import dataclass

from archive.params import BadParameter, check_known, choice, date_range, positive_int, refuse_empty, single

__all__ = ["BadParameter", "Paging", "check_known", "choice", "date_range", "paging", "positive_int", "refuse_empty",
           "single"]

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class Paging:
    page: int
    page_size: int


def paging(query):
    return Paging(
        page=positive_int(query, "page", 1),
        page_size=positive_int(query, "page_size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
    )
