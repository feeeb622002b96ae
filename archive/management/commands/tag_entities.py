from django.core.management.base import BaseCommand

from archive import search
from archive.entities.tagging import tag_all
from archive.models import Article
from archive.progress import Progress


class Command(BaseCommand):
    help = "Re-tag every article with the entities whose names or aliases it contains; manual tags are kept."

    def handle(self, *args, **options):
        verbosity = options.get("verbosity", 1)
        total = Article.objects.count()
        with Progress(total=total, label="tag", unit="articles", stream=self.stderr, enabled=verbosity > 0) as bar:
            with search.deferred_indexing():
                changed = tag_all(progress=bar)
        self.stdout.write(f"articles: {total}  retagged: {changed}  unchanged: {total - changed}")
