from django.db import models


class GlossaryEntry(models.Model):
    """One pair of the curated vocabulary: German terms and their English counterparts.

    An entry is known by its topic (the file it is written in) and its place in that
    file, so a file loads back in the order it was written and exports unchanged.
    """

    topic = models.SlugField(max_length=100)
    position = models.PositiveIntegerField()
    de = models.JSONField(default=list)
    en = models.JSONField(default=list)
    note = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "archive"
        ordering = ["topic", "position"]
        constraints = [models.UniqueConstraint(fields=["topic", "position"], name="glossary_entry_place")]
        verbose_name_plural = "glossary entries"

    def __str__(self):
        return f"{', '.join(self.de)} / {', '.join(self.en)}"
