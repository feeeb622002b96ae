"""A mapping that keeps only its most recently used entries, safe for a process's threads."""

import threading
from collections import OrderedDict

from django.conf import settings

MISSING = object()


class BoundedCache:
    """Keeps the `bound` most recently used entries, or as many as the setting named `setting` says
    (read at each write, so a changed setting takes effect at once)."""

    def __init__(self, bound=None, setting=None):
        self.bound, self.setting = bound, setting
        self._entries = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, default=None):
        with self._lock:
            if key not in self._entries:
                return default
            self._entries.move_to_end(key)
            return self._entries[key]

    def __contains__(self, key):
        return key in self._entries

    def __getitem__(self, key):
        found = self.get(key, MISSING)
        if found is MISSING:
            raise KeyError(key)
        return found

    def __setitem__(self, key, value):
        bound = self.bound or getattr(settings, self.setting)
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > bound:
                self._entries.popitem(last=False)

    def pop(self, key, default=None):
        with self._lock:
            return self._entries.pop(key, default)

    def clear(self):
        with self._lock:
            self._entries.clear()

    def __iter__(self):
        return iter(list(self._entries))

    def __len__(self):
        return len(self._entries)
