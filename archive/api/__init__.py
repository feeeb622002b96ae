"""The read-only JSON API: articles, entities and events with paging and filters."""
