import logging
import os
import threading

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
application = get_wsgi_application()


def _warm_up():
    """Read the cross-language vocabularies before the first search needs them: the glossary, and the
    dictionary's tables file opened (milliseconds), or first built when the word list is newer than it
    (seconds, once for every process; build_dictionary, run by `manage.py start`, does it before)."""
    from django.db import connection

    from archive.glossary import lookup

    try:
        lookup.current()
    except Exception:  # a site without its tables yet (before migrate) still serves; searches load them later
        logging.getLogger(__name__).warning("The vocabularies could not be read ahead", exc_info=True)
    finally:
        connection.close()


threading.Thread(target=_warm_up, name="warm-up", daemon=True).start()
