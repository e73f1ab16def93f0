from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceDocument(models.Model):
    """A service as search sees it: its text cut into words and its facets, one row per public service.

    Built only by ``search.documents``; the database backend searches it
    directly (an FTS5 table on SQLite, a tsvector column with a GIN index on
    PostgreSQL, both kept in step by the database itself, see migration
    0002), and the Elasticsearch backend is fed from the same documents.
    """

    product = models.OneToOneField(
        "catalogue.Product", on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    title = models.CharField(max_length=255)
    title_tokens = models.TextField(blank=True)
    summary_tokens = models.TextField(blank=True)
    body_tokens = models.TextField(blank=True)
    # Slugs (ids for providers) as JSON lists: a service has several providers in several streets.
    categories = models.JSONField(default=list)
    sectors = models.JSONField(default=list)
    streets = models.JSONField(default=list)
    communities = models.JSONField(default=list)
    providers = models.JSONField(default=list)
    is_free = models.BooleanField(default=False)
    mode = models.CharField(max_length=10)
    min_price = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    # The start of the next slot a resident can still book online; None when there is none.
    next_slot_at = models.DateTimeField(null=True, db_index=True)
    created = models.DateTimeField(db_index=True)
    # Bookings in the last 90 days: orders the 'popular services' offered when nothing matches.
    popularity = models.PositiveIntegerField(default=0, db_index=True)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        # One per order a page is sorted by, ending in the tie-break: the first page of a broad
        # search reads the index in order and stops at 20 matches, instead of sorting them all.
        indexes = [
            models.Index(fields=["-popularity", "product_id"], name="search_doc_popular"),
            models.Index(fields=["next_slot_at", "product_id"], name="search_doc_soonest"),
            models.Index(fields=["-created", "-product_id"], name="search_doc_newest"),
            # PostgreSQL also has search_doc_title_cover (migration 0011), for relevance: it holds the
            # title vectors, which Django does not know.
        ]

    def __str__(self):
        return self.title


class DocumentsVersion(models.Model):
    """One row: a number that goes up whenever documents change; counts kept under it (search.counts)."""

    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("search documents version")
        verbose_name_plural = _("search documents versions")

    def __str__(self):
        return str(self.version)


class SuggestKey(models.Model):
    """A prefix under which the search box suggests a service: characters, pinyin, initials."""

    document = models.ForeignKey(ServiceDocument, on_delete=models.CASCADE, related_name="suggest_keys")
    key = models.CharField(max_length=100)
    # Copied from the document, so that suggesting reads the index on key and nothing else.
    title = models.CharField(max_length=255, default="")
    popularity = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["document", "key"], name="suggest_key_unique")]
        indexes = [models.Index(fields=["key"], include=["popularity", "title", "document"], name="suggest_key_prefix")]

    def __str__(self):
        return self.key


class Synonym(models.Model):
    """Words residents use for the same thing (律师, 法律顾问): a query for one finds the others."""

    terms = models.CharField(
        _("words"),
        max_length=200,
        unique=True,
        help_text=_("Words or phrases that mean the same, separated by commas: 律师, 法律顾问"),
    )

    class Meta:
        ordering = ["terms"]
        verbose_name = _("synonym")
        verbose_name_plural = _("synonyms")

    def __str__(self):
        return self.terms

    def clean(self):
        words = self.words()
        if len(words) < 2:
            raise ValidationError({"terms": _("Give at least two words that mean the same, separated by commas.")})
        self.terms = ", ".join(dict.fromkeys(words))

    def words(self):
        return [word.strip() for word in self.terms.replace("，", ",").replace("、", ",").split(",") if word.strip()]
