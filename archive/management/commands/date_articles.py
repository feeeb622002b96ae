from django.core.management.base import BaseCommand

from archive import dates
from archive.dating import service


class Command(BaseCommand):
    help = (
        "Propose dates for the archive's undated articles from what they say and the events they report. "
        "Dry run by default: prints each proposal; --apply stores them (as inferred dates, for review in the admin)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--apply", action="store_true", help="store the proposals and date the articles")
        parser.add_argument("--source", default="", help="only articles of this source (slug)")

    def handle(self, *args, apply, source, **options):
        articles = service.undated_articles().order_by("pk")
        if source:
            articles = articles.filter(source__slug=source)
        proposed = undated = 0
        index = service.known_stories()  # the dated articles, once for the whole run
        for article in articles.iterator(chunk_size=500):
            if apply:
                found = service.date_article(article, index=index)
                span = found and (found.not_before, found.not_after, found.point, found.reason)
            else:
                found = service.proposal_for(article, index)
                span = found and (found.not_before, found.not_after, found.point, found.reason)
            if not span:
                undated += 1
                continue
            proposed += 1
            lo, hi, point, reason = span
            shown = dates.display(point, dates.DAY) if point else dates.display_range(lo, hi)
            self.stdout.write(f"{article.slug}: {shown} -- {reason}")
        check = service.story_check(index) if proposed + undated else None
        if check is not None and not check.trusted:
            self.stdout.write(check.summary())  # why no proposal rests on the same story
        verb = "dated" if apply else "would date"
        self.stdout.write(f"{verb}: {proposed}  left undated: {undated}" + ("" if apply else "  (dry run; --apply)"))
