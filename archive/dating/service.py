"""The archive's side of dating: what it knows about an article, and what a proposal does to it.

A proposal made here is stored as a DateProposal and, unless told otherwise, put on the
article at once as an inferred date (never as printed), so the article reaches timelines
and filters; editors then accept, narrow or reject it in the admin.
"""

import dataclasses

from django.db import transaction
from django.db.models import Count, Max
from django.urls import reverse

from archive import dates
from archive.dating import selfcheck
from archive.dating.propose import Fact, propose
from archive.dating.stories import StoryIndex
from archive.models import Article, DateProposal, Entity, Event

# Kinds whose names come into being with the thing: an article naming one is not older than its first event.
NEW_NAME_KINDS = (Entity.Kind.MALWARE, Entity.Kind.VULNERABILITY, Entity.Kind.INCIDENT)


def facts_for(article):
    """(facts, entity slugs) for `article`: events it covers, first events of what it names, and events
    of its entities (which can confirm a weekday)."""
    mentioned = {m.entity_id: m.entity for m in article.mentions.select_related("entity")}
    slugs = frozenset(e.slug for e in mentioned.values())
    facts = []
    for event in Event.objects.filter(coverage__article=article, coverage__confirmed=True, date__isnull=False) \
            .exclude(date_precision=dates.RANGE).prefetch_related("entities"):
        facts.append(Fact(event.date, event.date_precision, event.title, "covers",
                          frozenset(e.slug for e in event.entities.all())))
    related = (Event.objects.filter(entities__in=mentioned, date__isnull=False)
               .exclude(date_precision=dates.RANGE).prefetch_related("entities").distinct())
    firsts = {}
    for event in related:
        event_slugs = frozenset(e.slug for e in event.entities.all())
        for entity in event.entities.all():
            if entity.id in mentioned and entity.kind in NEW_NAME_KINDS:
                if entity.id not in firsts or event.date < firsts[entity.id][0].date:
                    firsts[entity.id] = (event, entity)
        facts.append(Fact(event.date, event.date_precision, event.title, "related", event_slugs))
    for event, entity in firsts.values():
        facts.append(Fact(event.date, event.date_precision, event.title, "names",
                          frozenset(e.slug for e in event.entities.all()), entity.name))
    return facts, slugs


_known = {"index": None, "seen": None}


def known_stories():
    """A StoryIndex of the archive's articles dated to the day as printed (an inferred date anchors nothing:
    guesses are not built on guesses). Kept between calls: articles changed since are put again, and it is
    built anew only when it no longer holds as many articles as the archive (one went or lost its date)."""
    dated = Article.objects.filter(date__isnull=False, date_precision=dates.DAY, date_inferred=False)
    fields = ("slug", "date", "title", "teaser", "body")
    index, seen = _known["index"], _known["seen"]
    # One pass over the table for both figures: the import asks before every undated article.
    known = dated.aggregate(latest=Max("updated_at"), count=Count("pk"))
    latest = known["latest"]
    if index is not None and seen is not None and latest is not None and latest >= seen:
        for slug, date, title, teaser, body in dated.filter(updated_at__gte=seen).values_list(*fields):
            index.put(slug, date, title, f"{teaser}\n{body}")
    if index is None or len(index) != known["count"]:
        rows = dated.values_list(*fields).iterator(chunk_size=2000)
        index = StoryIndex((slug, date, title, f"{teaser}\n{body}") for slug, date, title, teaser, body in rows)
    _known["index"], _known["seen"] = index, latest
    return index


class RunStories:
    """The dated articles' StoryIndex for one import run.

    Read once, at the run's first undated article, then kept up to date with what the run itself
    saves: asking `known_stories()` before every undated article would scan the dated articles
    each time (60 ms at 20,000 articles, growing with the archive)."""

    def __init__(self):
        self.index = None

    def date(self, article):
        """Date `article` if it has no date (see date_article); else let it anchor later ones."""
        if article.date is None:
            if self.index is None:
                self.index = known_stories()
            else:
                self.index.remove(article.slug)  # it may have lost its date in this run
            return date_article(article, index=self.index)
        if self.index is not None:
            if article.date_precision == dates.DAY and not article.date_inferred:
                self.index.put(article.slug, article.date, article.title, f"{article.teaser}\n{article.body}")
            else:
                self.index.remove(article.slug)
        return None

    def check(self):
        """The self-check the run's undated articles were dated under, or None when the run had none: the
        one kept, not made again for the run's own dated articles (seconds, only to be reported)."""
        return None if self.index is None else selfcheck.kept(self.index)


def _text(article):
    return "\n".join(part for part in (article.title, article.teaser, article.body) if part)


def story_check(index=None):
    """The archive's self-check of the same-story rule (archive.dating.selfcheck), kept with its index."""
    return selfcheck.current(index if index is not None else known_stories())


def same_story(article, index=None):
    """The dated articles that report the same story as `article`, each with its link; none when the
    rule failed its self-check on this archive (it would be wrong too often to be evidence)."""
    index = index if index is not None else known_stories()
    if not story_check(index).trusted:
        return []
    return [dataclasses.replace(s, link=reverse("article-detail", args=[s.key]))
            for s in index.same_story(_text(article), exclude=article.slug)]


def proposal_for(article, index=None):
    """The Proposal for `article` (an unsaved archive.dating.propose.Proposal), or None.

    `index`: a StoryIndex of the dated articles, when the caller dates many at once."""
    source = article.source
    period = (source.period_start, source.period_end) if source and source.period_start else None
    facts, slugs = facts_for(article)
    rejected = [(p.not_before, p.not_after)
                for p in article.date_proposals.filter(status=DateProposal.Status.REJECTED)]
    # Reasons are written in English, as the archive's hand-written ones are.
    return propose(_text(article), language="en", period=period, facts=facts, article_entities=slugs,
                   rejected=rejected, stories=same_story(article, index))


@transaction.atomic
def date_article(article, *, apply=True, index=None):
    """Propose a date for an undated article; store and (with `apply`) use it. Returns the DateProposal or None."""
    if article.date is not None:
        return None
    found = proposal_for(article, index)
    if found is None:
        return None
    proposal = DateProposal.objects.create(
        article=article, not_before=found.not_before, not_after=found.not_after, point=found.point,
        reason=found.reason, evidence=found.evidence)
    if apply:
        set_date(article, proposal)
    return proposal


def set_date(article, proposal, *, not_before=None, not_after=None):
    """Give `article` the proposal's date (or a narrower range an editor chose), as inferred, with its reason."""
    lo = not_before or proposal.not_before
    hi = not_after if not_after is not None or not_before is not None else proposal.not_after
    reason = proposal.reason
    if proposal.point and not not_before and not not_after:
        article.date, article.date_precision, article.date_not_after = proposal.point, dates.DAY, None
    elif hi == lo:
        article.date, article.date_precision, article.date_not_after = lo, dates.DAY, None
    else:
        article.date, article.date_precision, article.date_not_after = lo, dates.RANGE, hi
    if (lo, hi) != (proposal.not_before, proposal.not_after):
        reason = f"Narrowed by an editor to {dates.display_range(lo, hi)}. Proposed: {reason}"
    article.date_inferred, article.date_reason = True, reason
    article.save(update_fields=["date", "date_precision", "date_not_after", "date_inferred", "date_reason",
                                "body_html", "content_hash", "updated_at"])


def accept(proposal, *, not_before=None, not_after=None):
    if not_before and not_before < proposal.not_before or (
            not_after and proposal.not_after and not_after > proposal.not_after):
        raise ValueError("narrowing may only shrink the proposed range")
    set_date(proposal.article, proposal, not_before=not_before, not_after=not_after)
    proposal.status = DateProposal.Status.ACCEPTED
    proposal.save(update_fields=["status"])


def reject(proposal):
    """Turn a proposal down; the article loses the date it put there, and it is not proposed again."""
    article = proposal.article
    if article.date_inferred and article.date_reason.endswith(proposal.reason):
        article.date, article.date_precision, article.date_not_after = None, dates.DAY, None
        article.date_inferred, article.date_reason = False, ""
        article.save(update_fields=["date", "date_precision", "date_not_after", "date_inferred", "date_reason",
                                    "body_html", "content_hash", "updated_at"])
    proposal.status = DateProposal.Status.REJECTED
    proposal.save(update_fields=["status"])


def undated_articles():
    return Article.objects.filter(date__isnull=True).select_related("source")
