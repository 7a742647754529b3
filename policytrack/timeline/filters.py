"""The instrument filters, shared by the HTML list, the point-in-time view, the JSON API,
the calendar and the CSV exports, so that one URL query means the same thing everywhere."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from . import engine, search
from .dates import BadDate, parse_date
from .models import Agency, Instrument, Topic
from .recorded import agencies_under, agency_tree_as_recorded, held_record, historical_links
from .wording import PHASE_LABELS


class IsoDateField(forms.Field):
    """A date written YYYY-MM-DD and nothing else, with our usual message."""

    def __init__(self, *, param="date", **kwargs):
        self.param = param
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_date(value.strip(), self.param)
        except BadDate as error:
            # The message quotes what was typed, which may hold "%": pass it as a parameter.
            raise forms.ValidationError("%(message)s", code="invalid", params={"message": f"{error}."}) from None


class IsoDateFilter(django_filters.Filter):
    field_class = IsoDateField

    def filter(self, qs, value):
        return qs  # the date is read by the filter set, not filtered on by itself


def agency_and_descendants(slugs):
    """The primary keys of the agencies named and every agency below them (BIS under Commerce).

    The agency tree is small, so it is read once and walked in Python.
    """
    tree, by_slug = {}, {}
    for pk, slug, parent in Agency.objects.values_list("pk", "slug", "parent_id"):
        tree[pk], by_slug[slug] = parent, pk
    return agencies_under([by_slug[slug] for slug in slugs if slug in by_slug], tree)


# Before the full-text index, each word of a search added eight ORs and an EXISTS to the query:
# 50 words kept PostgreSQL busy for 11.5 s. Nobody types more than a few, so longer searches are
# still refused (400) before any query is made.
SEARCH_MAX_WORDS = 12
SEARCH_MAX_LENGTH = 200


def few_enough_words(value):
    count = len(value.split())
    if count > SEARCH_MAX_WORDS:
        raise forms.ValidationError(
            "Search for at most %(limit)d words at a time; this search has %(count)d.",
            code="too_many_words",
            params={"limit": SEARCH_MAX_WORDS, "count": count},
        )


class InstrumentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="search",
        help_text="Words from a title, alias, summary, note, quote or source, or a RIN, docket id, CFR part, "
        "FR citation or document number "
        f"(at most {SEARCH_MAX_WORDS} words, {SEARCH_MAX_LENGTH} characters).",
        max_length=SEARCH_MAX_LENGTH,
        validators=[few_enough_words],
        error_messages={"max_length": "Search for at most %(limit_value)d characters; this search has %(show_value)d."},
    )
    agency = django_filters.ModelMultipleChoiceFilter(
        queryset=Agency.objects.all(),
        to_field_name="slug",
        method="filter_agency",
        label="Agency",
        help_text="An agency's slug; includes the agencies under it.",
    )
    # A column, not a relation: no DISTINCT (which would make the database sort whole rows).
    kind = django_filters.MultipleChoiceFilter(choices=Instrument.Kind.choices, label="Kind", distinct=False)
    topic = django_filters.ModelMultipleChoiceFilter(
        queryset=Topic.objects.all(),
        to_field_name="slug",
        method="filter_topic",
        label="Topic",
    )
    on = IsoDateFilter(
        param="on", label="On", help_text="The date the phase is read on (YYYY-MM-DD); today if left out."
    )
    known = IsoDateFilter(
        param="known",
        label="As known on",
        help_text="Read the phase from the sources published by this date (YYYY-MM-DD); every source if left out.",
    )
    phase = django_filters.MultipleChoiceFilter(
        choices=[(phase, PHASE_LABELS[phase]) for phase in engine.PHASES],
        method="filter_phase",
        label="Phase on that date",
    )
    sort = django_filters.OrderingFilter(
        fields=(("title", "title"), ("kind", "kind"), ("rin", "rin"), ("phase_on", "phase")),
        field_labels={"title": "Title", "kind": "Kind", "rin": "RIN", "phase_on": "Phase"},
        label="Sort by",
    )

    class Meta:
        model = Instrument
        fields = []  # every filter is declared above

    # As recorded at a moment, each sort reads what the list shows then (``_as_recorded``).
    RECORDED_SORTS = {"title": "listed_title", "kind": "held_kind", "rin": "held_rin", "phase": "phase_on"}
    # What cannot be answered as recorded: the search index holds the text as it is now.
    NOT_RECORDED = {
        "q": "The search reads the instruments' text as it is now, so it cannot answer “recorded”: "
        "leave out one or the other (the agency, topic, kind and phase filters and the sorts do answer it)."
    }

    def __init__(self, *args, recorded=None, **kwargs):
        """``recorded``: an aware datetime (read by ``times.recorded_moment``) to list the
        instruments as this tracker recorded them then, or None for now."""
        super().__init__(*args, **kwargs)
        self.recorded = recorded

    def is_valid(self):
        valid = super().is_valid()
        if valid and self.recorded is not None:
            for name, message in self.NOT_RECORDED.items():
                if self.form.cleaned_data.get(name):
                    self.form.add_error(name, message)
                    valid = False
        return valid

    @property
    def on_date(self):
        """The date the list is read on: ``on`` when valid, else today."""
        value = self.form.cleaned_data.get("on") if self.is_bound and self.is_valid() else None
        return value or timezone.localdate()

    @property
    def narrows(self):
        """Whether any filter leaves instruments out (the date and the sort do not)."""
        cleaned = self.form.cleaned_data if self.is_bound and self.is_valid() else {}
        return any(cleaned.get(name) for name in ("q", "agency", "kind", "topic", "phase"))

    @property
    def known_date(self):
        """The knowledge date the list is read as of: ``known`` when valid, else None (every source)."""
        return self.form.cleaned_data.get("known") if self.is_bound and self.is_valid() else None

    def filter_queryset(self, queryset):
        if self.recorded is not None:
            return self._as_recorded(queryset)
        # Annotate before filtering so that the phase filter and the sort can use ``phase_on``;
        # ``phase_since``, the day it began (the /on/ CSV's "since"), comes from the same row.
        return super().filter_queryset(queryset.with_phase(self.on_date, since="phase_since", known=self.known_date))

    def _as_recorded(self, queryset):
        """The instruments as recorded at ``self.recorded``: those that had rows over knowledge
        time then (an instrument added later had none; one deleted since moved the first moment
        the lists answer for past it), each with the phase of its row covering (on, known) then
        and its title then (``listed_title``, the row's copy). Kind and RIN are those of its
        historical record then (``held_kind``, ``held_rin``, read only when filtered or sorted
        on); agencies and topics are those linked to that record (the history of the links),
        the agencies' tree as recorded then. The filters' agencies and topics are named as they
        are now (by slug) and matched by identity.

        An instrument written without edit history (``generate_synthetic``'s bulk writes) and
        not saved since T has no historical record at T: it is read as it is now (``held``
        NULL), which is what it was, every save since writing a record."""
        cleaned = self.form.cleaned_data
        moment = self.recorded
        sort = (cleaned.get("sort") or [""])[0]
        rows = (
            queryset.with_phase(self.on_date, known=self.known_date, recorded=moment)
            .filter(phase_on__isnull=False)
            .annotate(listed_title=F("_phase_on_period__title"), held=held_record(moment))
        )
        if cleaned.get("kind") or sort.lstrip("-") == "kind":
            rows = rows.annotate(held_kind=Coalesce(held_record(moment, "kind"), "kind"))
        if cleaned.get("kind"):
            rows = rows.filter(held_kind__in=cleaned["kind"])
        if sort.lstrip("-") == "rin":
            rows = rows.annotate(held_rin=Coalesce(held_record(moment, "rin"), "rin"))
        if cleaned.get("phase"):
            rows = rows.filter(phase_on__in=cleaned["phase"])
        if cleaned.get("agency"):
            agencies = agencies_under([agency.pk for agency in cleaned["agency"]], agency_tree_as_recorded(moment))
            links = historical_links("agencies").objects.filter(history_id=OuterRef("held"), agency_id__in=agencies)
            now = Instrument.agencies.through.objects.filter(instrument=OuterRef("pk"), agency__in=agencies)
            rows = rows.filter(Exists(links) | Q(held__isnull=True, pk__in=now.values("instrument")))
        if cleaned.get("topic"):
            topics = [topic.pk for topic in cleaned["topic"]]
            links = historical_links("topics").objects.filter(history_id=OuterRef("held"), topic_id__in=topics)
            now = Instrument.topics.through.objects.filter(topic__in=topics)
            rows = rows.filter(Exists(links) | Q(held__isnull=True, pk__in=now.values("instrument")))
        order = [("-" if sort.startswith("-") else "") + self.RECORDED_SORTS[sort.lstrip("-")]] if sort else []
        return rows.order_by(*order, "listed_title", "pk")

    def count(self):
        """How many instruments match, without the join on status periods when no phase is
        filtered or sorted on (a count over 100,000 instruments then skips 100,000 joins); as
        recorded, the join says which instruments there were."""
        return (self.qs if self.recorded is not None else self._without_unused_phase()).count()

    def first_matches(self, limit):
        """The ids of the first ``limit`` instruments recorded that match, in the order recorded:
        the index read as far as that and no further (see ``search.RANKED_AT_MOST``)."""
        return list(self._without_unused_phase().order_by("pk").values_list("pk", flat=True)[:limit])

    def _without_unused_phase(self):
        cleaned = self.form.cleaned_data
        if cleaned.get("phase") or any("phase" in field for field in cleaned.get("sort") or ()):
            return self.qs
        return super().filter_queryset(self.queryset.all())

    @property
    def search_ranked(self):
        """False when the search matches too many instruments to rank (``search.RANKED_AT_MOST``):
        they are then listed by title."""
        return getattr(self, "search_matches", 0) <= search.RANKED_AT_MOST

    def search(self, queryset, name, value):
        # Through the full-text index (``search.py``), best match first unless a sort is chosen
        # or the search matches too many to rank.
        if not hasattr(self, "search_matches"):  # the list and its count each apply the filters
            self.search_matches = search.matches_at_most(value, search.RANKED_AT_MOST + 1)
        return search.search(queryset, value, ranked=self.search_ranked)

    def filter_agency(self, queryset, name, value):
        if not value:
            return queryset
        agencies = agency_and_descendants([agency.slug for agency in value])
        return queryset.filter(
            Exists(Instrument.agencies.through.objects.filter(instrument=OuterRef("pk"), agency__in=agencies))
        )

    def filter_topic(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            Exists(
                Instrument.topics.through.objects.filter(
                    instrument=OuterRef("pk"), topic__in=[topic.pk for topic in value]
                )
            )
        )

    def filter_phase(self, queryset, name, value):
        return queryset.filter(phase_on__in=value) if value else queryset


def error_messages(filterset, only=None):
    """The filter set's errors as "name: message" lines, for a 400 page; a message that names its
    parameter already ("on must be a real date …") is not prefixed again. ``only`` keeps the
    errors of those parameters."""
    lines = []
    for name, messages in filterset.errors.items():
        if only is not None and name not in only:
            continue
        text = " ".join(messages)
        lines.append(text if text.startswith(f"{name} ") else f"{name}: {text}")
    return lines
