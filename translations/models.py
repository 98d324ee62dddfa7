"""What each translation was made from.

A row says: this field of this item was translated into this language from an English text
whose digest is `source_digest`, and the translation's own digest is `translation_digest`.
When the English text changes and the translation does not, the digests disagree, and the
translation is out of date until someone translates the new English (or publishes the same
translation again, on purpose). Rows are kept by translations.status on every save of
translated content; nothing else writes them.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import models


class TranslationSource(models.Model):
    # Indexed first in the constraint and the index below (one of its own would only cost writes).
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, db_index=False)
    object_id = models.CharField(max_length=64)
    field = models.CharField(max_length=64)
    language = models.CharField(max_length=16)
    source_digest = models.CharField(max_length=64)
    translation_digest = models.CharField(max_length=64)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "field", "language"],
                name="one_source_per_translation",
            )
        ]
        indexes = [models.Index(fields=["content_type", "language"])]
        verbose_name = "translation"
        permissions = [("exchange_translations", "Can export and import translations")]

    def __str__(self):
        return f"{self.content_type.model} {self.object_id} {self.field} ({self.language})"
