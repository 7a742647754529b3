"""The sourced event log: agencies, instruments, documents (evidence), events, claims.

Status is never typed in: it is derived by ``engine`` from events and their claims, and
stored as ``StatusPeriod`` rows only so that list pages are one indexed query.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from . import engine
from .bulk import ClaimRebuilding, DocumentRebuilding, EventRebuilding, InstrumentRebuilding
from .validators import (
    RANK_MAX,
    RANK_MIN,
    RANK_RULE,
    clean_text_list,
    date_validators,
    period_start_problem,
    rank_validators,
    validate_key,
    validate_text_list,
    validate_web_url,
)

# Open ends of a status period are stored as these sentinels rather than NULL, so that
# "the period covering D" is two plain range comparisons an index can serve.
BEGINNING_OF_TIME = datetime.date.min
END_OF_TIME = datetime.date.max

# The order of the phases on a point-in-time page: what applies first, what has ended last.
# Stored on each status period (``listing_rank``) so that one index serves the page in order.
LISTING_ORDER = (
    "in_force",
    "not_enforced",
    "suspended",
    "stayed",
    "issued",
    "proposed",
    "rescinded",
    "vacated",
    "superseded",
    "expired",
    "withdrawn",
    "not_yet_issued",
)
LISTING_RANK = {phase: rank for rank, phase in enumerate(LISTING_ORDER)}
# An event's copy of where the engine places it (see ``Event.placed_date``), in this order.
PLACED_FIELDS = ("placed_date", "placed_precision", "placed_delayed")
# What the rebuild derives and stores on every event (``placed.py``), in this order: where the
# engine places it, then whether its sources disagree on its date (``Event.claims_disagree``).
REBUILT_EVENT_FIELDS = (*PLACED_FIELDS, "claims_disagree")


class Precision(models.TextChoices):
    DAY = "day", "day"
    MONTH = "month", "month"
    YEAR = "year", "year"


def unique_key(base, taken, max_length):
    """``base`` made a valid key (see ``validate_key``), with ``-2``, ``-3``… added until
    ``taken(key)`` is false: keys are generated for editors, never typed."""
    base = slugify(base)[: max_length - 4].strip("-_") or "item"
    key, n = base, 1
    while taken(key):
        n += 1
        key = f"{base}-{n}"
    return key


class Agency(models.Model):
    slug = models.SlugField(max_length=100, unique=True, validators=[validate_key])
    name = models.CharField(max_length=255)
    short_name = models.CharField(max_length=50, blank=True, help_text="Acronym, e.g. BIS.")
    # PROTECT: removing a parent department must not silently orphan or delete its bureaus.
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    history = HistoricalRecords()

    class Meta:
        # Agencies may share a name (two "Office of Exports"); the short name and slug break the
        # tie so every database lists them in the same order.
        ordering = ["name", "short_name", "slug"]
        verbose_name_plural = "agencies"

    def __str__(self):
        return f"{self.name} ({self.short_name})" if self.short_name else self.name

    def clean(self):
        """An agency cannot be its own ancestor (nor could a timeline file say so)."""
        seen, parent = {self.pk}, self.parent
        while parent is not None:
            if parent.pk in seen:
                raise ValidationError({"parent": "An agency cannot be its own parent or ancestor."})
            seen.add(parent.pk)
            parent = parent.parent


class Topic(models.Model):
    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=100, unique=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Versioned(models.Model):
    """A counter raised by every save, so that an editor's form can tell whether someone else
    saved the row since it was opened (optimistic concurrency; see admin.py)."""

    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            self.version += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        super().save(*args, **kwargs)


class InstrumentQuerySet(InstrumentRebuilding):
    def _status_on(self, on, **flags):
        # One filter() call, so every condition applies to the same period row.
        return self.filter(
            status_periods__valid_from__lte=on,
            status_periods__valid_to__gt=on,
            **{f"status_periods__{name}": value for name, value in flags.items()},
        )

    def in_force(self, on):
        """Instruments in force on ``on`` (enforced or not), from the stored status periods."""
        return self._status_on(on, in_force=True)

    def in_phase(self, phase, on):
        return self._status_on(on, phase=phase)

    def with_phase(self, on, name="phase_on", since=None, known=None, recorded=None):
        """Annotate the phase on ``on`` as ``name`` (None when no period is stored) and, if
        ``since`` names it, the day that phase began — in the same query as the rows. With
        ``known`` or ``recorded``, as known on that date and as recorded at that moment (from
        the rows over knowledge time; ``known`` None then means every source); with ``known``,
        only the instruments public by then.

        A LEFT JOIN on the one period covering ``on`` rather than a subquery per row: the
        database can then sort and group by phase without evaluating a subquery for each
        instrument (a 100-fold difference on PostgreSQL at 10,000 instruments)."""
        alias = f"_{name}_period"
        if known is not None or recorded is not None:
            if known is None:
                knowing = Q(known_periods__known_to=END_OF_TIME)
            else:
                knowing = Q(known_periods__known_from__lte=known, known_periods__known_to__gt=known)
            if recorded is None:
                recording = Q(known_periods__recorded_to__isnull=True)
            else:
                recording = Q(known_periods__recorded_from__lte=recorded) & (
                    Q(known_periods__recorded_to__isnull=True) | Q(known_periods__recorded_to__gt=recorded)
                )
            query = self.annotate(
                **{
                    alias: models.FilteredRelation(
                        "known_periods",
                        condition=Q(known_periods__valid_from__lte=on, known_periods__valid_to__gt=on)
                        & knowing
                        & recording,
                    )
                }
            )
        else:
            query = self.annotate(
                **{
                    alias: models.FilteredRelation(
                        "status_periods",
                        condition=Q(status_periods__valid_from__lte=on, status_periods__valid_to__gt=on),
                    )
                }
            )
        query = query.annotate(**{name: models.F(f"{alias}__phase")})
        if known is not None:
            # Nothing is stored as known before an instrument was public (``knowledge.public_since``):
            # a list as known on a date does not name what nobody could know of yet.
            query = query.filter(**{f"{name}__isnull": False})
        return query.annotate(**{since: models.F(f"{alias}__valid_from")}) if since else query


class Instrument(Versioned):
    class Kind(models.TextChoices):
        RULE = "rule", "rule"
        INTERIM_FINAL_RULE = "interim_final_rule", "interim final rule"
        PROPOSED_RULE = "proposed_rule", "proposed rule"
        GUIDANCE = "guidance", "guidance"
        POLICY_STATEMENT = "policy_statement", "policy statement"
        EXECUTIVE_ORDER = "executive_order", "executive order"
        STATUTE = "statute", "statute"
        OTHER = "other", "other"

    slug = models.SlugField(max_length=200, unique=True, validators=[validate_key])
    title = models.CharField(max_length=500)
    short_title = models.CharField(max_length=200, blank=True)
    aliases = models.JSONField(
        default=list, blank=True, validators=[validate_text_list], help_text="Other names people use."
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    agencies = models.ManyToManyField(Agency, related_name="instruments", blank=True)
    rin = models.CharField("RIN", max_length=20, blank=True, help_text="Regulation Identifier Number, e.g. 0694-AJ90.")
    docket_ids = models.JSONField(default=list, blank=True, validators=[validate_text_list])
    cfr_parts = models.JSONField(
        default=list, blank=True, validators=[validate_text_list], help_text='e.g. ["15 CFR 734"]'
    )
    topics = models.ManyToManyField(Topic, related_name="instruments", blank=True)
    summary = models.TextField(blank=True)

    objects = InstrumentQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[agencies, topics])

    class Meta:
        ordering = ["title"]
        indexes = [
            # The instrument list in its order, whole or of one kind: read in order, stop at fifty.
            models.Index(fields=["title", "id"], name="instrument_title_idx"),
            models.Index(fields=["kind", "title", "id"], name="instrument_kind_title_idx"),
            # The Federal Register importer finds the instrument a document joins by its RIN.
            # (On PostgreSQL, migration 0007 also indexes docket_ids for the same reason.)
            models.Index(fields=["rin"], name="instrument_rin_idx"),
        ]

    def __str__(self):
        return self.short_title or self.title

    def get_absolute_url(self):
        return reverse("web:instrument_detail", args=[self.slug])

    def clean(self):
        # Stored as a timeline file reads them, so that a backup restores them unchanged.
        for name in ("aliases", "docket_ids", "cfr_parts"):
            value = getattr(self, name)
            if isinstance(value, list) and all(isinstance(item, str) for item in value):
                setattr(self, name, clean_text_list(value))

    def engine_events(self):
        """This instrument's events and claims as the engine's input, in file order."""
        return engine_input(self.events.all()).get(self.pk, ([], []))[1]

    def status(self, on, known=None):
        return engine.status(self.engine_events(), on=on, known=known)


class InstrumentRelation(models.Model):
    class Kind(models.TextChoices):
        REPLACES = "replaces", "replaces"
        REPLACED_BY = "replaced_by", "replaced by"
        AMENDS = "amends", "amends"
        AMENDED_BY = "amended_by", "amended by"
        RELATED = "related", "related to"

    source = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="relations")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    target = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="inverse_relations")

    history = HistoricalRecords()

    class Meta:
        ordering = ["source", "kind", "target"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "target"],
                name="relation_once",
                violation_error_message="This relation is already recorded.",
            ),
            models.CheckConstraint(
                condition=~Q(source=models.F("target")),
                name="relation_not_to_itself",
                violation_error_message="An instrument cannot be related to itself.",
            ),
        ]

    def __str__(self):
        return f"{self.source} {self.get_kind_display()} {self.target}"


class Document(Versioned):
    """One published artifact that serves as evidence. Its publication date is knowledge time."""

    class Kind(models.TextChoices):
        FEDERAL_REGISTER = "federal_register", "Federal Register document"
        PRESS_RELEASE = "press_release", "press release"
        GUIDANCE = "guidance", "agency guidance"
        STATEMENT = "statement", "statement"
        COURT_DECISION = "court_decision", "court decision"
        NEWS = "news", "news article"
        BLOG = "blog", "blog post"
        SOCIAL_MEDIA = "social_media", "social-media post"
        OTHER = "other", "other"

    key = models.SlugField(
        max_length=200,
        unique=True,
        blank=True,
        validators=[validate_key],
        help_text="Stable identifier used in timeline files. Leave empty: it is made from "
        "the FR document number, or from the publisher, date and title.",
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    title = models.CharField(max_length=1000)
    publisher = models.CharField(max_length=255, blank=True)
    url = models.URLField(max_length=1000, blank=True, validators=[validate_web_url])
    published_on = models.DateField(
        validators=date_validators, help_text="The public could know what this document says from this date."
    )
    retrieved_on = models.DateField(null=True, blank=True, validators=date_validators)
    fr_document_number = models.CharField("FR document number", max_length=30, blank=True)
    citation = models.CharField(max_length=100, blank=True, help_text="e.g. 90 FR 4544")
    excerpt = models.TextField(blank=True, help_text="Plain text or sanitized HTML.")
    rank = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=rank_validators,
        help_text="Source rank override (1 is best, 99 worst). Empty: the default for the kind. "
        "Editors choose between disagreeing sources here.",
    )
    note = models.TextField(blank=True, help_text="Editor's note, e.g. why a date is estimated.")

    objects = DocumentRebuilding.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_on", "title"]
        constraints = [
            # One Federal Register document is one row, however often it is imported.
            models.UniqueConstraint(
                fields=["fr_document_number"],
                condition=~Q(fr_document_number=""),
                name="document_fr_number_once",
                violation_error_message="Another document already has this FR document number.",
            ),
            # The range a timeline file accepts, held by the database too.
            models.CheckConstraint(
                condition=Q(rank__isnull=True) | Q(rank__gte=RANK_MIN, rank__lte=RANK_MAX),
                name="document_rank_in_range",
                violation_error_message=f"The rank must be {RANK_RULE}, or empty.",
            ),
        ]
        indexes = [
            models.Index(fields=["published_on"], name="document_published_idx"),
            # The index of sources (/documents/), newest first, filtered by kind or by publisher:
            # each filter reads its page from an index rather than sorting every document.
            models.Index(fields=["kind", "-published_on", "-id"], name="document_kind_published_idx"),
            models.Index(fields=["publisher", "-published_on", "-id"], name="document_publisher_idx"),
        ]

    def __str__(self):
        return f"{self.citation or self.publisher}: {self.title}" if (self.citation or self.publisher) else self.title

    def get_absolute_url(self):
        return reverse("web:document_detail", args=[self.pk])

    @property
    def effective_rank(self):
        return engine.rank_for(self.kind, self.rank)

    def clean(self):
        self.fill_key()

    def save(self, *args, **kwargs):
        self.fill_key()
        super().save(*args, **kwargs)

    def fill_key(self):
        """A document left without a key gets one: ``fr-`` and its FR document number (as the
        importer names it), or its publisher, publication date and title."""
        if self.key:
            return
        if self.fr_document_number:
            base = f"fr-{self.fr_document_number}"
        else:
            base = " ".join(str(part) for part in (self.publisher, self.published_on or "", self.title) if part)
        others = Document.objects.exclude(pk=self.pk) if self.pk else Document.objects.all()
        self.key = unique_key(base, lambda key: others.filter(key=key).exists(), 200)


class EventQuerySet(EventRebuilding):
    def between(self, start, end):
        """Events whose recorded date falls in [start, end], both inclusive."""
        return self.filter(date__gte=start, date__lte=end)

    def placed_between(self, start, end):
        """Events the engine places (with every source known, after delays) from ``start`` to
        ``end``, both inclusive. A pre-empted event has no placed date and is never among them."""
        return self.filter(placed_date__gte=start, placed_date__lte=end)

    def with_sources(self):
        """Each event's claims prefetched in file order, each with its document: two queries
        more, whatever the number of events."""
        return self.prefetch_related(
            models.Prefetch("claims", queryset=Claim.objects.select_related("document").order_by("position", "pk"))
        )


class Event(Versioned):
    """One dated change in an instrument's life. Its date is its best claim's date."""

    Kind = models.TextChoices("Kind", [(k.upper(), (k, k.replace("_", " "))) for k in engine.EVENT_KINDS])

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="events")
    key = models.SlugField(
        max_length=100,
        blank=True,
        validators=[validate_key],
        help_text="Unique within the instrument; used in timeline files. Leave empty: it is "
        "made from the kind and date.",
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    date = models.DateField(
        validators=date_validators, help_text="For a sourced event, the date its best source gives."
    )
    precision = models.CharField(max_length=5, choices=Precision.choices, default=Precision.DAY)
    note = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0, help_text="Order within the instrument (ties on one date).")
    target = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="delays",
        help_text="For a delay: the event it moves.",
    )
    new_date = models.DateField(
        null=True, blank=True, validators=date_validators, help_text="For a delay: the target's new date."
    )
    # A copy, so that the instruments with an event in a window come out of the date index with
    # the title they are listed by (see ``changes.ChangeList``). Kept in step by ``periods.py``
    # (the rebuild after every save sets it), like the status periods' copy; rows written in
    # bulk carry it from the start. Not part of the event's history.
    instrument_title = models.CharField(max_length=500, editable=False, default="")
    # Where the engine places the event with every source known (``placed.py``): its date after
    # the latest delay of it, and whether a delay moved it; no date when it is pre-empted (an
    # effective or compliance date after the instrument ended never happens). Stored so that the
    # calendars and the home page's "coming up" read the dates of a window from an index rather
    # than run the engine over the portfolio; written by the rebuild in ``periods.py`` in the
    # same transaction as the status periods. Not part of the event's history.
    placed_date = models.DateField(null=True, blank=True, editable=False)
    placed_precision = models.CharField(max_length=5, choices=Precision.choices, default=Precision.DAY, editable=False)
    placed_delayed = models.BooleanField(default=False, editable=False)
    # Whether the event's live claims give more than one (date, precision): only such an event
    # can be disputed, with every source known or as known on any date (claims that agree
    # agree in any subset of them). A twentieth of events; the CSV exports read the disputes
    # from these alone, by ``event_disagree_idx``, rather than compare all the claims. Written
    # by the rebuild with the placed date, and checked with it. Not part of the event's history.
    claims_disagree = models.BooleanField(default=False, editable=False)

    objects = EventQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["instrument_title", *REBUILT_EVENT_FIELDS])

    class Meta:
        ordering = ["instrument", "date", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "key"],
                name="event_key_once_per_instrument",
                violation_error_message="This instrument already has an event with this key.",
            ),
            # A delay is meaningless without what it moves and where to.
            models.CheckConstraint(
                condition=(Q(kind="delayed") & Q(target__isnull=False) & Q(new_date__isnull=False))
                | (~Q(kind="delayed") & Q(target__isnull=True) & Q(new_date__isnull=True)),
                name="event_delay_has_target_and_new_date",
                violation_error_message="A delay needs the event it moves and its new date; other kinds of "
                "event have neither.",
            ),
        ]
        indexes = [
            # Recent changes and the changes between two dates scan events by date; the
            # instruments with an event in a window, and their titles, are read from the index
            # alone (on SQLite, which has no INCLUDE, the title is read from the row).
            models.Index(fields=["date", "instrument"], include=["instrument_title"], name="event_date_idx"),
            # The calendars and the home page's "coming up" read the events placed in a window.
            models.Index(fields=["placed_date", "instrument"], name="event_placed_idx"),
            # The CSV exports read the events whose sources disagree (few) and their claims.
            models.Index(fields=["instrument"], condition=Q(claims_disagree=True), name="event_disagree_idx"),
        ]

    def __str__(self):
        return f"{self.instrument}: {self.get_kind_display()} {self.date.isoformat()}"

    def save(self, *args, **kwargs):
        self.fill_key()
        super().save(*args, **kwargs)

    def fill_key(self):
        """An event left without a key gets one from its kind and date (``effective-2025-05-15``),
        unique within its instrument."""
        if self.key or self.instrument_id is None or not self.kind:
            return
        base = "-".join([self.kind.replace("_", "-"), *([str(self.date)] if self.date else [])])
        others = Event.objects.filter(instrument_id=self.instrument_id).exclude(pk=self.pk)
        self.key = unique_key(base, lambda key: others.filter(key=key).exists(), 100)

    def clean(self):
        """A delay names what it moves and where to; nothing else may (the check constraint
        event_delay_has_target_and_new_date holds the same rule in the database)."""
        self.fill_key()
        problems = {}
        if self.kind == "delayed":
            if self.target_id is None:
                problems["target"] = "A delay needs the event it moves."
            elif self.target_id == self.pk:
                problems["target"] = "A delay cannot move itself."
            elif self.instrument_id is not None and self.target.instrument_id != self.instrument_id:
                problems["target"] = "A delay can only move an event of the same instrument."
            elif self._delays_in_a_circle():
                problems["target"] = "Delays cannot move each other in a circle."
            if self.new_date is None:
                problems["new_date"] = "A delay needs the date it moves its target to."
        else:
            if self.target_id is not None:
                problems["target"] = "Only a delay moves another event; leave this empty."
            if self.new_date is not None:
                problems["new_date"] = "Only a delay has a new date; leave this empty."
        if problem := period_start_problem(self.date, self.precision):
            problems["date"] = problem
        if problems:
            raise ValidationError(problems)

    def _delays_in_a_circle(self):
        seen, target = {self.pk}, self.target
        while target is not None and target.kind == "delayed":
            if target.target_id in seen:
                return True
            seen.add(target.pk)
            target = target.target
        return False


class ClaimQuerySet(ClaimRebuilding):
    def counting(self):
        """The claims that count: not retracted."""
        return self.filter(retracted_at__isnull=True)


class Claim(Versioned):
    """A document asserting an event, with the date that document gives."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="claims")
    # PROTECT: evidence never vanishes because something still cites it.
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="claims")
    date = models.DateField(validators=date_validators)
    precision = models.CharField(max_length=5, choices=Precision.choices, default=Precision.DAY)
    quote = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)
    # A wrong claim is retracted, never deleted: it stays in the record (and on the pages, struck
    # through with its reason) but no longer counts towards its event's date or status.
    retracted_at = models.DateTimeField(null=True, blank=True, editable=False)
    # PROTECT: who retracted a claim is part of the record.
    retracted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="retracted_claims",
    )
    retraction_reason = models.TextField(blank=True, editable=False)

    objects = ClaimQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["event", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "document"],
                name="claim_once_per_document",
                violation_error_message="This document already has a claim on this event.",
            ),
            # A retraction always says when and why; a claim that is not retracted says neither.
            models.CheckConstraint(
                condition=(Q(retracted_at__isnull=True) & Q(retraction_reason=""))
                | (Q(retracted_at__isnull=False) & ~Q(retraction_reason="")),
                name="claim_retraction_has_reason",
                violation_error_message="A retracted claim needs the reason it was retracted.",
            ),
        ]
        indexes = [
            # As known on K an event's date is one of its claims': the latest events as known on
            # K look up the claims dated from the page's last date on (``changes.recent_events``).
            models.Index(fields=["date"], name="claim_date_idx"),
        ]

    def __str__(self):
        return f"{self.document.key} says {self.event.kind} on {self.date.isoformat()}"

    def clean(self):
        if problem := period_start_problem(self.date, self.precision):
            raise ValidationError({"date": problem})

    @property
    def retracted(self):
        return self.retracted_at is not None

    def retract(self, by, reason):
        """Mark this claim retracted by ``by`` for ``reason`` (required): it stays in the record
        but stops counting, and its event's date and its instrument's status periods follow
        (``periods.py`` rebuilds them on the save, in this transaction)."""
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError({"retraction_reason": "Say why this claim is retracted."})
        if self.retracted:
            raise ValidationError(f"This claim was already retracted on {self.retracted_at:%Y-%m-%d}.")
        with transaction.atomic():
            self.retracted_at, self.retracted_by, self.retraction_reason = timezone.now(), by, reason
            self.save(update_fields=["retracted_at", "retracted_by", "retraction_reason"])


class StatusPeriodQuerySet(models.QuerySet):
    def covering(self, on):
        """The periods in force on ``on`` (open ends are stored as sentinel dates)."""
        return self.filter(valid_from__lte=on, valid_to__gt=on)

    def listed(self):
        """In the order of a point-in-time page: by phase (``LISTING_ORDER``), then title."""
        return self.order_by("listing_rank", "title", "instrument_id")


class StatusPeriod(models.Model):
    """Derived, never edited: an instrument's status over [valid_from, valid_to).

    Rebuilt from the engine in the same transaction as every change to the instrument's
    events, claims or their documents (see ``periods.py``).
    """

    Phase = models.TextChoices("Phase", [(p.upper(), (p, p.replace("_", " "))) for p in engine.PHASES])

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="status_periods")
    phase = models.CharField(max_length=20, choices=Phase.choices)
    in_force = models.BooleanField()
    enforced = models.BooleanField()
    obligations_apply = models.BooleanField()
    rescission_pending = models.BooleanField()
    valid_from = models.DateField()
    valid_to = models.DateField()
    # Copies, for one index in the order of a point-in-time page (see ``listed``).
    listing_rank = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=500)

    objects = StatusPeriodQuerySet.as_manager()

    class Meta:
        ordering = ["instrument", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "valid_from"],
                name="period_starts_once",
                violation_error_message="Two status periods of one instrument cannot start on the same day.",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__lt=models.F("valid_to")),
                name="period_not_empty",
                violation_error_message="A status period must end after it starts.",
            ),
        ]
        indexes = [
            # "Everything in phase P on D": phase first, then the range.
            models.Index(fields=["phase", "valid_from", "valid_to"], name="period_phase_range_idx"),
            # The periods starting in a window (changes, the next and previous change, the
            # comparison of two dates), with the title the changes page lists them by and the
            # phase and rank a comparison reads.
            models.Index(
                fields=["valid_from", "valid_to", "instrument"],
                include=["title", "phase", "listing_rank"],
                name="period_start_idx",
            ),
            # The periods ending in a window: what each instrument changed from (the comparison
            # of two dates joins these to those starting in the same window).
            models.Index(
                fields=["valid_to", "valid_from", "instrument"],
                include=["phase", "listing_rank"],
                name="period_end_idx",
            ),
            # "Page 3 of everything on D, by phase then title": read in order, stop after fifty.
            models.Index(
                fields=["listing_rank", "title", "instrument_id", "valid_from", "valid_to"], name="period_listing_idx"
            ),
            # "This instrument's phase and title on D", for a few thousand instruments at once
            # (changes): answered from the index alone (on SQLite, which has no INCLUDE, the
            # title is read from the row).
            models.Index(
                fields=["instrument", "valid_from", "valid_to", "phase"],
                include=["title"],
                name="period_instrument_on_idx",
            ),
        ]

    def __str__(self):
        return f"{self.instrument}: {self.phase} [{self.valid_from}, {self.valid_to})"


# The rows a rebuild has not replaced: what the record says now. NULL rather than a far-future
# sentinel because ``IS NULL`` binds no parameter, so SQLite's planner (which matches a query's
# terms against a partial index's WHERE before any value is bound) can use the indexes partial
# on open rows, as PostgreSQL can; a sentinel compared with ``= ?`` would not be matched.
OPEN = Q(recorded_to__isnull=True)


class KnownPeriodQuerySet(models.QuerySet):
    def current(self):
        """The open rows: the status over valid × knowledge time as recorded now."""
        return self.filter(OPEN)

    def as_recorded(self, moment=None):
        """The rows as recorded at ``moment`` (an aware datetime; None: now, the open rows)."""
        if moment is None:
            return self.current()
        return self.filter(OPEN | Q(recorded_to__gt=moment), recorded_from__lte=moment)

    def covering(self, on, known=None, recorded=None):
        """The rows in force on ``on`` as known on ``known`` (None: with every source known), as
        recorded at ``recorded`` (None: now)."""
        rows = self.as_recorded(recorded).filter(valid_from__lte=on, valid_to__gt=on)
        if known is None:
            return rows.filter(known_to=END_OF_TIME)
        return rows.filter(known_from__lte=known, known_to__gt=known)

    def listed(self):
        """In the order of a point-in-time page: by phase (``LISTING_ORDER``), then title."""
        return self.order_by("listing_rank", "title", "instrument_id")


class KnownPeriod(models.Model):
    """Derived, never edited: an instrument's status over valid time [valid_from, valid_to) as
    known over knowledge time [known_from, known_to) (see ``knowledge.py``), as recorded over
    record time [recorded_from, recorded_to) (``recorded_to`` NULL: open, what the record says
    now). Rebuilt with its ``StatusPeriod`` rows, which are the open rows here with ``known_to``
    = ``END_OF_TIME``; a rebuild closes the rows it replaces rather than deleting them.

    A sibling table rather than two more columns on ``StatusPeriod``: the lists with every
    source known keep reading their own rows and indexes, as fast as before."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="known_periods")
    phase = models.CharField(max_length=20, choices=StatusPeriod.Phase.choices)
    in_force = models.BooleanField()
    enforced = models.BooleanField()
    obligations_apply = models.BooleanField()
    rescission_pending = models.BooleanField()
    valid_from = models.DateField()
    valid_to = models.DateField()
    known_from = models.DateField()
    known_to = models.DateField()
    # Copies, for one index in the order of a point-in-time page (see ``listed``).
    listing_rank = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=500)
    recorded_from = models.DateTimeField(help_text="When a rebuild wrote this row (UTC).")
    recorded_to = models.DateTimeField(
        null=True, blank=True, help_text="When a rebuild replaced this row (UTC); empty while it is current."
    )

    objects = KnownPeriodQuerySet.as_manager()

    class Meta:
        ordering = ["instrument", "known_from", "valid_from"]
        constraints = [
            # On any knowledge date an instrument's current rows tile valid time: one starts each
            # stretch. (Closed rows repeat them: each was current over its own record time.)
            models.UniqueConstraint(
                fields=["instrument", "known_from", "valid_from"],
                condition=OPEN,
                name="known_period_starts_once",
                violation_error_message="Two rows of one instrument's status as known on a "
                "date cannot start on the same day; rebuild them with check_status_periods --repair.",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__lt=models.F("valid_to")),
                name="known_period_valid_not_empty",
                violation_error_message="A stretch of status must end after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(known_from__lt=models.F("known_to")),
                name="known_period_known_not_empty",
                violation_error_message="A stretch of knowledge must end after it starts.",
            ),
            # A row replaced in the transaction that wrote it is deleted, not closed: it was
            # never the record at any moment.
            models.CheckConstraint(
                condition=OPEN | Q(recorded_from__lt=models.F("recorded_to")),
                name="known_period_recorded_not_empty",
                violation_error_message="A stretch of record time must end after it starts.",
            ),
        ]
        # The current reads' indexes hold the open rows only (partial): closed rows, however
        # many edits pile up, neither lengthen them nor slow the lists.
        indexes = [
            # "Page 3 of everything on D as known on K, by phase then title": read in order,
            # the covering test answered from the index, stop after fifty.
            models.Index(
                fields=["listing_rank", "title", "instrument_id", "valid_from", "valid_to", "known_from", "known_to"],
                condition=OPEN,
                name="known_period_listing_idx",
            ),
            # The rows whose knowledge changes after K, from the index alone: the counts by phase
            # as known on K correct the everything-known tally with them (``phase_counts_known``).
            models.Index(
                fields=["known_to", "known_from", "valid_from", "valid_to", "phase"],
                condition=OPEN,
                name="known_period_boundary_idx",
            ),
            # The previous and next change as known on K (/on/<date>/): walked from D, stopping at
            # the first row known on K (PostgreSQL 10,000: 11 → 0.7 ms, a sort of every row known on K).
            # With what the comparison of two dates reads of the rows starting in its window.
            models.Index(
                fields=["valid_from", "known_from", "known_to"],
                include=["valid_to", "instrument", "phase", "listing_rank", "title"],
                condition=OPEN,
                name="known_period_start_idx",
            ),
            # The comparison of two dates as known on K: the rows known on K ending in the window,
            # joined to those starting in it (by the index above), both from the index alone.
            models.Index(
                fields=["valid_to", "known_from", "known_to", "valid_from", "instrument"],
                include=["phase", "listing_rank"],
                condition=OPEN,
                name="known_period_end_idx",
            ),
            # What was learned between two knowledge dates about a date: the rows whose knowledge
            # starts between them, covering the date (``compare.LearnedComparison``).
            models.Index(
                fields=["known_from", "valid_from", "valid_to", "instrument"],
                include=["title"],
                condition=OPEN,
                name="known_period_learned_idx",
            ),
            # "Everything in phase P on D as known on K" (PostgreSQL 10,000: 25 → 4 ms).
            models.Index(
                fields=["phase", "known_to", "valid_to", "known_from", "valid_from"],
                condition=OPEN,
                name="known_period_phase_idx",
            ),
            # A rebuild reads an instrument's open rows (the partial unique constraint's index
            # serves it); "the row covering (V, K, T)" among closed rows reads those closed after
            # T, which for a recent T are few.
            models.Index(
                fields=["recorded_to", "recorded_from", "valid_from", "valid_to", "known_from", "known_to"],
                condition=Q(recorded_to__isnull=False),
                name="known_period_closed_idx",
            ),
        ]

    def __str__(self):
        return (
            f"{self.instrument}: {self.phase} [{self.valid_from}, {self.valid_to}) "
            f"known [{self.known_from}, {self.known_to})"
        )


class KnownPlacingQuerySet(models.QuerySet):
    def known_on(self, known):
        """The placings as known on ``known``: at most one per event."""
        return self.filter(known_from__lte=known, known_to__gt=known)


class KnownPlacing(models.Model):
    """Derived, never edited: where the engine places an event of a kind the calendars show
    (``placed.CALENDAR_KINDS``) as known on any day of [known_from, known_to) — its date after
    the latest delay of it known then, that date's precision, and the date its sources known
    then gave before a delay moved it. One row per stretch of knowledge time over which that
    placing is the same; none while the event is unknown or pre-empted. The rows with
    ``known_to`` = ``END_OF_TIME`` are the event's ``placed_date``.

    Written by the rebuild in ``periods.py`` (``placed.py`` derives them), in the transaction
    that rebuilds the instrument's status periods, so that the calendars as known on a date
    read a window of them rather than run the engine. Current only: the calendars do not
    answer as recorded at a moment, so a rebuild replaces rows rather than closing them."""

    # Looked up by event through the unique constraint's index: no index of its own.
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="known_placings", db_index=False)
    known_from = models.DateField()
    known_to = models.DateField()
    placed_date = models.DateField()
    precision = models.CharField(max_length=5, choices=Precision.choices, default=Precision.DAY)
    delayed_from = models.DateField(
        null=True, blank=True, help_text="The date its sources gave before a delay moved it; empty if none did."
    )

    objects = KnownPlacingQuerySet.as_manager()

    class Meta:
        ordering = ["event", "known_from"]
        constraints = [
            # Its index also serves the rebuild, which reads an instrument's rows by event.
            models.UniqueConstraint(
                fields=["event", "known_from"],
                name="known_placing_starts_once",
                violation_error_message="An event's placing as known on a date cannot start twice on one day; "
                "rebuild it with check_status_periods --repair.",
            ),
            models.CheckConstraint(
                condition=Q(known_from__lt=models.F("known_to")),
                name="known_placing_known_not_empty",
                violation_error_message="A stretch of knowledge must end after it starts.",
            ),
        ]
        indexes = [
            # "The events placed from a to b as known on K": a range of placed dates, each row's
            # knowledge stretch tested in the index.
            models.Index(fields=["placed_date", "known_from", "known_to"], name="known_placing_date_idx"),
        ]

    def __str__(self):
        return f"{self.event} placed on {self.placed_date} known [{self.known_from}, {self.known_to})"


class KnownEventDateQuerySet(models.QuerySet):
    def known_on(self, known):
        """The events' dates as known on ``known``: at most one per event."""
        return self.filter(known_from__lte=known, known_to__gt=known)


class KnownEventDate(models.Model):
    """Derived, never edited: an event's date and precision as known on any day of
    [known_from, known_to) — its best claim known then (the engine's rules 1 and 2), or its own
    date when it has no source. One row per stretch of knowledge time over which that is the
    same; none while the event is unknown. The rows with ``known_to`` = ``END_OF_TIME`` are the
    event's ``date``.

    With copies of what the changes as known on a date list of each event (its instrument and
    that instrument's title, its position and kind), so that "the events known on K dated from
    a to b" is one range of ``known_event_date_idx``, read from the index alone, rather than
    every event dated in the window with its claims and documents. Written by the rebuild in
    ``periods.py`` (``placed.py`` derives them), in the transaction that rebuilds the
    instrument's status periods; current only, like ``KnownPlacing``."""

    # Looked up by event through the unique constraint's index: no index of its own.
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="known_dates", db_index=False)
    known_from = models.DateField()
    known_to = models.DateField()
    date = models.DateField()
    precision = models.CharField(max_length=5, choices=Precision.choices, default=Precision.DAY)
    # Copies of the event's. The rows go with their event: the instrument's own foreign key
    # neither cascades nor constrains (an instrument's deletion would otherwise look the rows up
    # by an instrument index the table does not need).
    instrument = models.ForeignKey(
        Instrument, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=30)
    title = models.CharField(max_length=500, help_text="The instrument's title.")

    objects = KnownEventDateQuerySet.as_manager()

    class Meta:
        ordering = ["event", "known_from"]
        constraints = [
            # Its index also serves the rebuild, which reads an instrument's rows by event.
            models.UniqueConstraint(
                fields=["event", "known_from"],
                name="known_event_date_starts_once",
                violation_error_message="An event's date as known on a date cannot start twice on one day; "
                "rebuild it with check_status_periods --repair.",
            ),
            models.CheckConstraint(
                condition=Q(known_from__lt=models.F("known_to")),
                name="known_event_date_known_not_empty",
                violation_error_message="A stretch of knowledge must end after it starts.",
            ),
        ]
        indexes = [
            # "The events known on K dated from a to b", with what the changes list of each, from
            # the index alone (on SQLite, which has no INCLUDE, the copies are read from the row).
            models.Index(
                fields=["date", "known_from", "known_to"],
                include=["event", "instrument", "position", "kind", "precision", "title"],
                name="known_event_date_idx",
            ),
        ]

    def __str__(self):
        return f"{self.event} dated {self.date} known [{self.known_from}, {self.known_to})"


class PhaseTally(models.Model):
    """How many status periods start (+1) and end (−1) in each phase on each day: the number of
    instruments in a phase on D is the sum of the deltas up to D. Kept in step with the periods
    by ``periods.py``, it counts a whole portfolio on any date without reading every period:
    the years before D from ``PhaseTallyYear``, then the days of D's own year up to D."""

    day = models.DateField()
    phase = models.CharField(max_length=20)
    delta = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "phase"],
                name="tally_once_per_day_and_phase",
                violation_error_message="This day and phase are already tallied.",
            )
        ]

    def __str__(self):
        return f"{self.day}: {self.phase} {self.delta:+d}"


class PhaseTallyYear(models.Model):
    """The sum of a year's ``PhaseTally`` deltas, per phase."""

    year = models.PositiveSmallIntegerField()
    phase = models.CharField(max_length=20)
    delta = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["year", "phase"],
                name="tally_once_per_year_and_phase",
                violation_error_message="This year and phase are already tallied.",
            )
        ]

    def __str__(self):
        return f"{self.year}: {self.phase} {self.delta:+d}"


class KnownPhaseTally(models.Model):
    """The phase tally over valid × knowledge time: how many instruments are in each phase on D
    as known on K, read from a bounded number of rows however many ``KnownPeriod`` rows there are.

    Each current ``KnownPeriod`` rectangle [valid_from, valid_to) × [known_from, known_to) adds
    +1 at its corner (valid_from, known_from), −1 at (valid_to, known_from) and at (valid_from,
    known_to), and +1 at (valid_to, known_to); the count on (D, K) is the sum of the corners
    with valid day ≤ D and knowledge day ≤ K. (Corners on ``END_OF_TIME`` are left out: no date
    a reader may ask about reaches them.) The corners are summed by the year, the month and the
    day on each axis (``grain``, nine pairs), so that the quadrant below (D, K) is the years
    before, the months of D's year before D's month and the days of D's month up to D, by the
    same three on K: nine ranges of at most a calendar's rows (``known_tally.py``)."""

    class Grain(models.IntegerChoices):
        # The valid axis's unit × the knowledge axis's (``known_tally.GRAINS``).
        YEAR_YEAR = 0, "year × year"
        YEAR_MONTH = 1, "year × month"
        YEAR_DAY = 2, "year × day"
        MONTH_YEAR = 3, "month × year"
        MONTH_MONTH = 4, "month × month"
        MONTH_DAY = 5, "month × day"
        DAY_YEAR = 6, "day × year"
        DAY_MONTH = 7, "day × month"
        DAY_DAY = 8, "day × day"

    grain = models.PositiveSmallIntegerField(choices=Grain.choices)
    valid_bucket = models.DateField(help_text="The first day of the year, month or day (by grain) of valid time.")
    known_bucket = models.DateField(help_text="The first day of the year, month or day (by grain) of knowledge time.")
    phase = models.CharField(max_length=20)
    delta = models.IntegerField()

    class Meta:
        constraints = [
            # Its index serves the counts: per grain, a range of valid buckets, each one's
            # knowledge buckets tested in the index. (Not INCLUDE delta: SQLite would then
            # create no unique index at all, and the upserts need one.)
            models.UniqueConstraint(
                fields=["grain", "valid_bucket", "known_bucket", "phase"],
                name="known_tally_once_per_bucket",
                violation_error_message="This grain, pair of buckets and phase are already tallied.",
            )
        ]

    def __str__(self):
        return f"{self.get_grain_display()} {self.valid_bucket} × {self.known_bucket}: {self.phase} {self.delta:+d}"


def events_for_engine(events, claims=None):
    """Turn Event rows into the engine's values. Their claims (with documents) come from
    ``claims``, a mapping of event id to Claim rows, or else from a prefetch."""
    keys = {event.pk: event.key for event in events}
    result = []
    for event in events:
        rows = claims.get(event.pk, ()) if claims is not None else event.claims.all()
        claims_ = tuple(
            engine.Claim(
                document=claim.document.key,
                date=claim.date,
                published_on=claim.document.published_on,
                rank=claim.document.effective_rank,
                precision=claim.precision,
                quote=claim.quote,
            )
            for claim in sorted(rows, key=lambda c: (c.position, c.pk))
            if claim.retracted_at is None
        )
        result.append(
            engine.Event(
                key=event.key,
                kind=event.kind,
                date=event.date,
                precision=event.precision,
                claims=claims_,
                target=keys.get(event.target_id),
                new_date=event.new_date,
            )
        )
    return result


def counted_claims():
    """An event's claims that count (not retracted), joined in the ON clause so that an event
    whose every claim is retracted still comes out, unsourced. (A new one for each query: Django
    names a FilteredRelation after the query using it.)"""
    return models.FilteredRelation("claims", condition=Q(claims__retracted_at__isnull=True))


def engine_input(events):
    """The engine's input for the instruments of ``events`` (an Event queryset, e.g. filtered by
    instrument), read in one query as plain tuples — model instances cost more than the engine:
    instrument id → (its events' stored ``(pk, date, precision)``, its engine events), in file
    order. Instruments without events are left out. Retracted claims do not count."""
    rows = (
        events.annotate(counted=counted_claims())
        .order_by("instrument_id", "position", "pk", "counted__position", "counted__pk")
        .values_list(
            "instrument_id",
            "pk",
            "key",
            "kind",
            "date",
            "precision",
            "target_id",
            "new_date",
            "counted__pk",
            "counted__document__key",
            "counted__date",
            "counted__document__published_on",
            "counted__document__kind",
            "counted__document__rank",
            "counted__precision",
            "counted__quote",
        )
    )
    by_instrument = defaultdict(dict)  # instrument id → event pk → (event row, claims)
    for instrument_id, pk, *event, claim_pk, key, day, published_on, kind, rank, precision, quote in rows:
        _, claims = by_instrument[instrument_id].setdefault(pk, (event, []))
        if claim_pk is not None:
            claims.append(
                engine.Claim(
                    document=key,
                    date=day,
                    published_on=published_on,
                    rank=engine.rank_for(kind, rank),
                    precision=precision,
                    quote=quote,
                )
            )
    return {
        instrument_id: _engine_events(instrument_events) for instrument_id, instrument_events in by_instrument.items()
    }


def _engine_events(events):
    """``events``, event pk → ((key, kind, date, precision, target_id, new_date), engine claims) in
    file order, as (their stored ``(pk, date, precision)``, the engine's events)."""
    keys = {pk: event[0] for pk, (event, _) in events.items()}
    stored, engine_events = [], []
    for pk, ((key, kind, day, precision, target_id, new_date), claims) in events.items():
        stored.append((pk, day, precision))
        engine_events.append(
            engine.Event(
                key=key,
                kind=kind,
                date=day,
                precision=precision,
                claims=tuple(claims),
                target=keys.get(target_id),
                new_date=new_date,
            )
        )
    return stored, engine_events


class Retracted(NamedTuple):
    """A retracted claim, as an instrument's page shows it: struck through, with its reason."""

    document: Cited
    date: datetime.date
    precision: str
    retracted_at: datetime.datetime
    retracted_by: str
    reason: str


class Cited(NamedTuple):
    """What an instrument's page shows of a document one of its events cites."""

    id: int
    key: str
    kind: str
    title: str
    publisher: str
    citation: str
    published_on: datetime.date


def timeline_input(instrument_id):
    """One instrument's events for its page, read in one query of tuples (its events left-joined
    to their claims and documents): ``(events, notes, documents, retracted)`` — the engine's events
    in file order (without retracted claims), each event's note by key, the documents cited, by
    key, as ``Cited``, and each event's retracted claims by key, as ``Retracted``."""
    rows = (
        Event.objects.filter(instrument_id=instrument_id)
        .order_by("position", "pk", "claims__position", "claims__pk")
        .values_list(
            "pk",
            "key",
            "kind",
            "date",
            "precision",
            "target_id",
            "new_date",
            "note",
            "claims__retracted_at",
            "claims__retracted_by__username",
            "claims__retraction_reason",
            "claims__pk",
            "claims__date",
            "claims__precision",
            "claims__quote",
            "claims__document__rank",
            "claims__document__id",
            "claims__document__key",
            "claims__document__kind",
            "claims__document__title",
            "claims__document__publisher",
            "claims__document__citation",
            "claims__document__published_on",
        )
    )
    events, notes, documents, retracted = {}, {}, {}, defaultdict(list)
    for (
        pk,
        key,
        kind,
        day,
        precision,
        target_id,
        new_date,
        note,
        retracted_at,
        retracted_by,
        reason,
        claim_pk,
        claim_day,
        claim_precision,
        quote,
        rank,
        *document,
    ) in rows:
        _, claims = events.setdefault(pk, ((key, kind, day, precision, target_id, new_date), []))
        notes[key] = note
        if claim_pk is None:
            continue
        if retracted_at is not None:
            retracted[key].append(
                Retracted(Cited(*document), claim_day, claim_precision, retracted_at, retracted_by or "", reason)
            )
            continue
        cited = documents.get(document[1]) or documents.setdefault(document[1], Cited(*document))
        claims.append(
            engine.Claim(
                document=cited.key,
                date=claim_day,
                published_on=cited.published_on,
                rank=engine.rank_for(cited.kind, rank),
                precision=claim_precision,
                quote=quote,
            )
        )
    return _engine_events(events)[1], notes, documents, dict(retracted)


from .search import SearchDocument  # noqa: E402,F401  (its own module; imported here so Django finds it)
from .derived import DerivedRules  # noqa: E402,F401  (likewise)
