"""Typed readers for settings taken from the environment.

Each helper refuses a value it cannot understand instead of guessing, so a
typo in a deployment fails at start-up rather than at the first request.
"""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name, default=None, *, required=False):
    value = os.environ.get(name)
    if value is None or value == "":
        if required:
            raise ImproperlyConfigured(f"Set the environment variable {name}.")
        return default
    return value


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use 1/0, true/false, yes/no, on/off).")


def env_int(name, default, *, minimum=None):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} must be at least {minimum}.")
    return number


def env_list(name, default=()):
    value = os.environ.get(name)
    if value is None:
        return list(default)
    return [part.strip() for part in value.split(",") if part.strip()]


def env_rate(name, default):
    """A request limit "COUNT/SECONDS" (e.g. "120/60": 120 requests a minute) as (count, seconds).

    "off" (or "0") turns the limit off and gives None.
    """
    value = os.environ.get(name)
    text = (default if value is None or value.strip() == "" else value).strip().lower()
    if text in ("off", "0"):
        return None
    count, slash, seconds = text.partition("/")
    if slash and count.isdigit() and seconds.isdigit() and int(count) > 0 and int(seconds) > 0:
        return int(count), int(seconds)
    raise ImproperlyConfigured(
        f"{name}={text!r} is not a rate: write COUNT/SECONDS, e.g. 120/60 for 120 requests a minute, or off."
    )
