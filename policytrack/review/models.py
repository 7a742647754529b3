"""The private review queue: proposed changes waiting for an editor, and what the Federal Register
watcher fetched. Nothing public reads these tables: a proposal reaches the timeline only when an
editor accepts it, and then through the timeline's own models (``proposals.apply``)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from policytrack.timeline.validators import validate_web_url


class Proposal(models.Model):
    class Kind(models.TextChoices):
        NEW_EVENT = "new_event", "new event with its claims"
        NEW_CLAIM = "new_claim", "new source dating an existing event"
        FEDERAL_REGISTER_DOCUMENT = "federal_register_document", "new Federal Register document"

    class Origin(models.TextChoices):
        WATCHER = "watcher", "Federal Register watcher"
        IMPORTER = "importer", "importer (follow-on document)"
        STATEMENT = "statement", "pasted statement"
        EDITOR = "editor", "editor"

    class Status(models.TextChoices):
        PENDING = "pending", "pending"
        ACCEPTED = "accepted", "accepted"
        REJECTED = "rejected", "rejected"

    kind = models.CharField(max_length=30, choices=Kind.choices)
    origin = models.CharField(max_length=20, choices=Origin.choices, default=Origin.EDITOR)
    payload = models.JSONField(help_text="What it proposes (see docs/design.md, “The review queue”).")
    summary = models.CharField(max_length=500, blank=True, help_text="One line saying what it proposes.")
    source_publisher = models.CharField(max_length=255, blank=True)
    source_title = models.CharField(max_length=1000, blank=True)
    source_url = models.URLField(max_length=1000, blank=True, validators=[validate_web_url])
    source_ref = models.CharField(
        max_length=100,
        blank=True,
        help_text="What the source is known by where it came from (fr:2025-00636), so it is filed once.",
    )
    classification = models.CharField(
        max_length=50, blank=True, help_text="The Federal Register importer's class for the document."
    )
    preview = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text="What accepting would change, as computed when it was filed or edited.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, help_text="Why it was rejected (required), or a note on accepting.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # The watcher's idempotency: one proposal per source, whatever became of it.
            models.UniqueConstraint(fields=["source_ref"], condition=~Q(source_ref=""), name="proposal_source_once"),
            # A decision says who and when; a pending proposal has neither.
            models.CheckConstraint(
                condition=Q(status="pending", decided_at__isnull=True)
                | (~Q(status="pending") & Q(decided_at__isnull=False)),
                name="proposal_decided_has_time",
            ),
        ]
        indexes = [models.Index(fields=["status", "-created_at"], name="proposal_queue_idx")]

    def __str__(self):
        return self.summary or f"{self.get_kind_display()} #{self.pk}"


class WatchResponse(models.Model):
    """One answer of the Federal Register API to the watcher, kept as received: what the
    proposals it filed were read from, and when."""

    query = models.CharField(max_length=200, help_text="The watcher's name for the query, e.g. rin:0694-AJ90.")
    url = models.URLField(max_length=2000)
    status_code = models.PositiveSmallIntegerField()
    body = models.TextField()
    retrieved_at = models.DateTimeField()

    class Meta:
        ordering = ["-retrieved_at", "-pk"]
        indexes = [models.Index(fields=["query", "-retrieved_at"], name="watch_response_query_idx")]

    def __str__(self):
        return f"{self.query} at {self.retrieved_at:%Y-%m-%d %H:%M}"


class WatchCursor(models.Model):
    """Where each query stopped: the next run asks from the last publication date it saw."""

    query = models.CharField(max_length=200, unique=True)
    since = models.DateField(help_text="Publication date to ask from next time (inclusive).")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.query} from {self.since}"
