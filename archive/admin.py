from django import forms
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from archive import rules
from archive.dating import service
from archive.models import (
    Article,
    Claim,
    Coverage,
    DateProposal,
    Entity,
    EntityAlias,
    Event,
    HindsightNote,
    Mention,
    Source,
)


class RulesForm(forms.ModelForm):
    """The door rules of archive.rules, the same as import_articles and load_content apply."""

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            try:
                field = self._meta.model._meta.get_field(name)
            except FieldDoesNotExist:  # a form's own field: not stored, so no rule
                continue
            if isinstance(field, models.URLField) and isinstance(value, str) and value:
                problem = rules.url_problem(value, max_length=field.max_length)
            else:
                problem = rules.texts_problem(value)
            if problem:
                self.add_error(name, problem)
        return cleaned


class ArchiveAdmin(admin.ModelAdmin):
    form = RulesForm
    # Editors paste bare host names; https is the right guess for them.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class MentionInline(admin.TabularInline):
    form = RulesForm
    model = Mention
    extra = 1
    autocomplete_fields = ["entity"]
    fields = ["entity", "method", "count"]


class CoverageInline(admin.TabularInline):
    form = RulesForm
    model = Coverage
    extra = 1
    autocomplete_fields = ["article"]
    fields = ["article", "method", "confirmed"]


class ClaimInline(admin.TabularInline):
    form = RulesForm
    model = Claim
    formfield_overrides = ArchiveAdmin.formfield_overrides
    extra = 1


class HindsightNoteInline(admin.StackedInline):
    form = RulesForm
    model = HindsightNote
    formfield_overrides = ArchiveAdmin.formfield_overrides
    extra = 0
    autocomplete_fields = ["event"]
    fields = ["date", "text", "event", "url", "author"]


class EntityAliasInline(admin.TabularInline):
    form = RulesForm
    model = EntityAlias
    extra = 1


@admin.register(Source)
class SourceAdmin(ArchiveAdmin):
    list_display = ["name", "slug", "language", "country"]
    list_filter = ["language", "country"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Article)
class ArticleAdmin(ArchiveAdmin):
    list_display = ["title", "source", "date", "date_precision", "language", "date_inferred"]
    list_filter = [
        "source", "language", "date_precision", "date_inferred", "language_detected",
        ("date", admin.DateFieldListFilter),
    ]
    search_fields = ["title", "kicker", "teaser", "body", "slug", "url"]
    date_hierarchy = "date"
    prepopulated_fields = {"slug": ["title"]}
    inlines = [MentionInline, HindsightNoteInline]
    readonly_fields = ["content_hash", "imported_at", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kicker", "teaser", "body", "language", "language_detected"]}),
        ("Publication", {"fields": [
            "source", "byline", "dateline", "url", "date", "date_precision", "date_not_after", "date_inferred",
            "date_reason",
        ]}),
        ("Provenance", {"fields": [
            "origin", "imported_at", "removed_boilerplate", "content_hash", "created_at", "updated_at",
        ]}),
    ]


@admin.register(Entity)
class EntityAdmin(ArchiveAdmin):
    list_display = ["name", "kind", "slug", "wikidata"]
    list_filter = ["kind"]
    search_fields = ["name", "slug", "aliases__name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [EntityAliasInline]


@admin.register(Mention)
class MentionAdmin(ArchiveAdmin):
    list_display = ["entity", "article", "method", "count"]
    list_filter = ["method", "entity__kind"]
    search_fields = ["entity__name", "article__title"]
    autocomplete_fields = ["entity", "article"]


@admin.register(Event)
class EventAdmin(ArchiveAdmin):
    list_display = ["title", "date", "date_precision", "kind", "incident", "date_inferred"]
    list_filter = ["kind", "incident", "date_precision", "date_inferred"]
    search_fields = ["title", "description", "slug"]
    date_hierarchy = "date"
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["entities"]
    autocomplete_fields = ["incident"]
    inlines = [ClaimInline, CoverageInline]


@admin.register(Coverage)
class CoverageAdmin(ArchiveAdmin):
    list_display = ["event", "article", "method", "confirmed"]
    list_filter = ["method", "confirmed"]
    list_editable = ["confirmed"]
    search_fields = ["event__title", "article__title"]
    autocomplete_fields = ["event", "article"]


class DateProposalForm(forms.ModelForm):
    """A proposal as the dating step made it, plus what the editor decides about it."""

    decision = forms.ChoiceField(choices=[("", "decide later"), ("accept", "accept"), ("reject", "reject")],
                                 required=False)
    narrow_not_before = forms.DateField(required=False, help_text="Accept a narrower range: its first day.")
    narrow_not_after = forms.DateField(required=False, help_text="Accept a narrower range: its last day.")

    class Meta:
        model = DateProposal
        fields = []

    def clean(self):
        data = super().clean()
        lo, hi = data.get("narrow_not_before"), data.get("narrow_not_after")
        proposal = self.instance
        if (lo or hi) and data.get("decision") != "accept":
            raise forms.ValidationError("A narrower range is given by accepting it.")
        if lo and lo < proposal.not_before or hi and proposal.not_after and hi > proposal.not_after:
            raise forms.ValidationError("Narrowing may only shrink the proposed range.")
        if lo and hi and hi < lo:
            raise forms.ValidationError("The range ends before it begins.")
        return data


@admin.register(DateProposal)
class DateProposalAdmin(ArchiveAdmin):
    form = DateProposalForm
    list_display = ["article", "not_before", "not_after", "point", "status", "created"]
    list_filter = ["status"]
    search_fields = ["article__title", "reason"]
    readonly_fields = ["article", "not_before", "not_after", "point", "reason", "evidence", "status", "created"]
    actions = ["accept_proposals", "reject_proposals"]

    def has_add_permission(self, request):
        return False  # proposals come from the dating step, not from hand

    def save_model(self, request, obj, form, change):
        decision = form.cleaned_data.get("decision")
        if decision == "accept":
            service.accept(obj, not_before=form.cleaned_data.get("narrow_not_before"),
                           not_after=form.cleaned_data.get("narrow_not_after"))
        elif decision == "reject":
            service.reject(obj)

    @admin.action(description="Accept the selected proposals")
    def accept_proposals(self, request, queryset):
        done = 0
        for proposal in queryset.filter(status=DateProposal.Status.PROPOSED).select_related("article"):
            service.accept(proposal)
            done += 1
        self.message_user(request, f"{done} proposal(s) accepted.")

    @admin.action(description="Reject the selected proposals (they are not proposed again)")
    def reject_proposals(self, request, queryset):
        done = 0
        for proposal in queryset.exclude(status=DateProposal.Status.REJECTED).select_related("article"):
            service.reject(proposal)
            done += 1
        self.message_user(request, f"{done} proposal(s) rejected.")
