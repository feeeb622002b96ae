"""`make run` in one process: bring the archive up to date, then serve it.

Each step does nothing, quickly, when nothing it depends on changed, so a start on an unchanged
archive pays one start-up of Python and Django for all of them, not one each:

    migrate             applies what waits (nothing to apply: a look at the migration table)
    load_content        only when the content files or the database changed since the last load
    build_dictionary    only when the word list or the archive changed since the last build; when
                        only the archive's records changed, in a thread while the site serves
                        (searches use the previous dictionary until the new one is there)
    update_index        only what changed; a full rebuild, with progress, when the index is
                        missing, of another schema version or damaged

then Django's development server on ADDRPORT. Its reloader runs this command again in a child
process that serves (and again after each change of the code); the child skips the steps.
"""

import os
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand

STEPS = (("migrate", {"interactive": False}), ("load_content", {"if_changed": True}),
         ("build_dictionary", {"background": True}), ("update_index", {}))


class Command(BaseCommand):
    help = "Bring the database, content, dictionary and search index up to date (quickly when nothing " \
           "changed), then serve the site with Django's development server."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000", help="where to serve")
        parser.add_argument("--no-serve", action="store_true", help="only bring everything up to date")

    def handle(self, *args, addrport="127.0.0.1:8000", no_serve=False, verbosity=1, **options):
        # The development server's reloader runs this command again, in a child with RUN_MAIN set, to serve.
        if os.environ.get("RUN_MAIN") != "true":
            self._steps(verbosity)
        if not no_serve:
            call_command("runserver", addrport, verbosity=verbosity)

    def _steps(self, verbosity):
        started, used = time.perf_counter(), time.process_time()
        for name, options in STEPS:
            step_started, step_used = time.perf_counter(), time.process_time()
            call_command(name, stdout=self.stdout, stderr=self.stderr, verbosity=verbosity, **options)
            if verbosity:
                self.stdout.write(self.style.MIGRATE_HEADING(
                    f"{name}: {time.perf_counter() - step_started:.2f} s, CPU {time.process_time() - step_used:.2f} s"))
        if verbosity:
            self.stdout.write(f"Up to date in {time.perf_counter() - started:.1f} s "
                              f"(CPU {time.process_time() - used:.1f} s).")
