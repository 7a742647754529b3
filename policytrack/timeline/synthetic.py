"""Realistic synthetic portfolios for measuring policytrack at Federal Register scale.

Each instrument gets a plausible life between 1994 and 2026 — proposed, issued, published,
effective, compliance dates, amendments and corrections, and for some delays, enforcement
suspensions, stays, rescissions, supersessions — with documents of every kind as evidence,
news reports that disagree with the official date (disputes), and best claims that set each
event's date as the engine's rule 3 requires. Everything is random but repeatable from a seed.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.text import slugify

from . import engine, placed
from .models import Agency, Claim, Document, Event, Instrument, Topic
from .periods import rebuild_status_periods, unmarked_bulk_writes

DAY = datetime.timedelta(days=1)
FIRST = datetime.date(1994, 1, 1)
LAST = datetime.date(2026, 6, 30)

DEPARTMENTS = {
    "Department of Commerce": [
        "Bureau of Industry and Security",
        "National Oceanic and Atmospheric Administration",
        "Patent and Trademark Office",
    ],
    "Department of the Treasury": [
        "Office of Foreign Assets Control",
        "Internal Revenue Service",
        "Financial Crimes Enforcement Network",
    ],
    "Department of Labor": [
        "Occupational Safety and Health Administration",
        "Employee Benefits Security Administration",
    ],
    "Department of Transportation": [
        "Federal Aviation Administration",
        "National Highway Traffic Safety Administration",
        "Federal Railroad Administration",
    ],
    "Department of Health and Human Services": [
        "Food and Drug Administration",
        "Centers for Medicare & Medicaid Services",
    ],
    "Department of Agriculture": ["Food Safety and Inspection Service", "Forest Service"],
    "Department of Energy": ["Federal Energy Regulatory Commission"],
    "Department of the Interior": ["Fish and Wildlife Service", "Bureau of Land Management"],
    "Environmental Protection Agency": [],
    "Securities and Exchange Commission": [],
    "Federal Communications Commission": [],
    "Executive Office of the President": ["Office of Management and Budget"],
}
TOPICS = [
    "export controls",
    "air quality",
    "water",
    "aviation safety",
    "banking",
    "securities",
    "privacy",
    "telecommunications",
    "food safety",
    "drugs",
    "medical devices",
    "workplace safety",
    "pensions",
    "energy",
    "wildlife",
    "public lands",
    "sanctions",
    "taxation",
    "trade",
    "artificial intelligence",
]
SUBJECTS = [
    "Emission Standards",
    "Reporting Requirements",
    "Licensing Procedures",
    "Safety Standards",
    "Recordkeeping",
    "Disclosure Requirements",
    "Fee Schedules",
    "Certification Procedures",
    "Inspection Requirements",
    "Eligibility Criteria",
    "Labeling Requirements",
    "Export Controls",
]
OBJECTS = [
    "Commercial Vessels",
    "Small Entities",
    "Medical Devices",
    "Hazardous Materials",
    "Broker-Dealers",
    "Aircraft Operators",
    "Wireless Carriers",
    "Pipelines",
    "Meat and Poultry Products",
    "Advanced Computing Items",
    "Pension Plans",
    "Public Lands",
    "Endangered Species",
    "Financial Institutions",
    "Drinking Water Systems",
]
KINDS = [
    ("rule", 48),
    ("interim_final_rule", 6),
    ("proposed_rule", 16),
    ("guidance", 12),
    ("policy_statement", 5),
    ("executive_order", 8),
    ("other", 5),
]
SIDE_KINDS = ["press_release", "guidance", "statement", "court_decision", "news", "blog", "social_media", "other"]


def _slug(name):
    return slugify(name.replace("&", "and"))


@dataclass
class _Plan:
    """One instrument, its documents and events, before anything is saved."""

    instrument: Instrument
    agencies: list = field(default_factory=list)
    topics: list = field(default_factory=list)
    documents: list = field(default_factory=list)
    events: list = field(default_factory=list)  # (Event, [(Claim, Document)], target_key)


class Generator:
    def __init__(self, seed=0):
        self.random = random.Random(seed)
        self.seed = seed
        self.serial = 0

    def reference_data(self):
        """Agencies (with parents) and topics, created once and reused."""
        agencies = []
        for department, children in DEPARTMENTS.items():
            parent, _ = Agency.objects.get_or_create(slug=_slug(department), defaults={"name": department})
            agencies.append(parent)
            for child in children:
                short = "".join(word[0] for word in child.split() if word[0].isupper())
                agency, _ = Agency.objects.get_or_create(
                    slug=_slug(child), defaults={"name": child, "short_name": short, "parent": parent}
                )
                agencies.append(agency)
        topics = [Topic.objects.get_or_create(slug=_slug(name), defaults={"name": name})[0] for name in TOPICS]
        return agencies, topics

    # One instrument's life

    def _document(self, plan, kind, published_on, title):
        self.serial += 1
        number = f"s{self.seed}-{self.serial}"
        document = Document(
            key=f"doc-{number}",
            kind=kind,
            title=title,
            published_on=published_on,
            publisher={
                "federal_register": "Federal Register",
                "news": "Daily Regulatory News",
                "blog": "Regulatory Review blog",
                "social_media": "Agency account",
            }.get(kind, "Agency"),
            url=f"https://example.org/documents/{number}",
        )
        if kind == "federal_register":
            document.fr_document_number = f"{published_on.year}-S{self.seed}-{self.serial:07d}"
            document.citation = f"{published_on.year - 1935} FR {self.random.randint(1, 99999)}"
        plan.documents.append(document)
        return document

    def _event(self, plan, key, kind, sources, target=None, new_date=None):
        """``sources``: [(document, claimed date)]; the event's date is its best claim's."""
        claims = [
            (Claim(date=day, position=n, quote=f"{kind.replace('_', ' ')} on {day:%B %-d, %Y}"), document)
            for n, (document, day) in enumerate(sources)
        ]
        best = min(
            claims,
            key=lambda pair: (engine.rank_for(pair[1].kind, None), -pair[1].published_on.toordinal(), pair[0].date),
        )
        event = Event(key=key, kind=kind, date=best[0].date, position=len(plan.events), new_date=new_date)
        plan.events.append((event, claims, target))
        return best[0].date

    def _reported(self, plan, day, official, kind, label):
        """The official source, plus now and then a news report that dates it differently."""
        sources = [(official, day)]
        if self.random.random() < 0.25:
            wrong = day + DAY * self.random.choice([-40, -7, -1, 1, 2, 30])
            news = self._document(
                plan,
                self.random.choice(["news", "blog", "social_media"]),
                max(day, wrong, official.published_on),
                f"Report: {label} {kind.replace('_', ' ')}",
            )
            sources.append((news, wrong))
        return sources

    def plan(self, agencies, topics):
        r = self.random
        kind = r.choices([k for k, _ in KINDS], [w for _, w in KINDS])[0]
        subject = f"{r.choice(SUBJECTS)} for {r.choice(OBJECTS)}"
        self.serial += 1
        title = subject if kind != "executive_order" else f"Executive Order on {subject}"
        instrument = Instrument(
            slug=f"synthetic-{self.seed}-{self.serial}",
            title=title,
            kind=kind,
            short_title=f"{subject[:60]} ({self.serial})",
            rin=f"{r.randint(1000, 3999):04d}-A{chr(65 + r.randint(0, 25))}{r.randint(0, 99):02d}",
            docket_ids=[
                f"{r.choice(['EPA', 'FAA', 'BIS', 'OSHA', 'SEC'])}-{r.randint(1994, 2026)}-{r.randint(1, 9999):04d}"
            ],
            summary=f"Synthetic {kind.replace('_', ' ')}: {subject}.",
        )
        plan = _Plan(instrument)
        plan.agencies = r.sample(agencies, k=r.choice([1, 1, 1, 2]))
        plan.topics = r.sample(topics, k=r.randint(0, 3))
        start = FIRST + DAY * r.randint(0, (LAST - FIRST).days)
        official = "federal_register" if kind != "guidance" else "guidance"

        if kind in ("rule", "interim_final_rule", "proposed_rule") and r.random() < 0.6 or kind == "proposed_rule":
            proposal = self._document(plan, "federal_register", start, f"Proposed rule: {subject}")
            self._event(plan, "proposed", "proposed", [(proposal, start)])
            self._event(
                plan,
                "comment-period-closes",
                "comment_period_closes",
                [(proposal, start + DAY * r.choice([30, 60, 90]))],
            )
            if kind == "proposed_rule":
                # A proposal that stays one: corrections and extended comment periods.
                day = start
                for n in range(r.randint(3, 6)):
                    day += DAY * r.randint(10, 120)
                    notice = self._document(plan, "federal_register", day, f"Proposed rule; correction: {subject}")
                    self._event(plan, f"corrected-{n}", "corrected", [(notice, day)])
                start = day
                if r.random() < 0.3:
                    withdrawal = self._document(plan, "federal_register", start, f"Withdrawal: {subject}")
                    self._event(plan, "withdrawn", "withdrawn", [(withdrawal, start)])
                return plan
            start += DAY * r.randint(120, 700)

        issuing = self._document(plan, official, start + DAY * r.randint(0, 10), subject)
        published = issuing.published_on
        self._event(plan, "issued", "issued", [(issuing, start)])
        self._event(plan, "published", "published", self._reported(plan, published, issuing, "published", subject))
        effective = published + DAY * r.choice([0, 30, 30, 60, 90])
        if r.random() < 0.1:
            effective = start  # effective on signature, before publication
        self._event(plan, "effective", "effective", self._reported(plan, effective, issuing, "effective", subject))
        day = effective
        if r.random() < 0.6:
            self._event(
                plan, "compliance-date", "compliance_date", [(issuing, effective + DAY * r.choice([90, 180, 365]))]
            )
        if r.random() < 0.1 and effective > published:
            notice = self._document(
                plan,
                "federal_register",
                published + DAY * r.randint(1, max(1, (effective - published).days)),
                f"Delay of effective date: {subject}",
            )
            self._event(
                plan,
                "delay-effective",
                "delayed",
                [(notice, notice.published_on)],
                target="effective",
                new_date=effective + DAY * r.randint(60, 240),
            )
        # Amendments and corrections bring every life to 5-15 events, leaving room for its end.
        for n in range(max(0, min(r.randint(2, 8), 11 - len(plan.events)))):
            day += DAY * r.randint(30, 500)
            kind_ = r.choice(["amended", "amended", "corrected"])
            amendment = self._document(plan, "federal_register", day, f"{kind_.title()}: {subject}")
            self._event(plan, f"{kind_}-{n}", kind_, [(amendment, day)])
        roll = r.random()
        day += DAY * r.randint(30, 1500)
        if roll < 0.08:
            release = self._document(plan, "press_release", day, f"Agency will not enforce {subject}")
            self._event(
                plan,
                "enforcement-suspended",
                "enforcement_suspended",
                self._reported(plan, day, release, "enforcement suspended", subject),
            )
            if r.random() < 0.5:
                day += DAY * r.randint(30, 400)
                resumed = self._document(plan, "statement", day, f"Enforcement resumes: {subject}")
                self._event(plan, "enforcement-resumed", "enforcement_resumed", [(resumed, day)])
        elif roll < 0.13:
            court = self._document(plan, "court_decision", day, f"Order staying {subject}")
            self._event(plan, "stayed", "stayed", [(court, day)])
            if r.random() < 0.5:
                day += DAY * r.randint(60, 500)
                ruling = self._document(plan, "court_decision", day, f"Stay lifted: {subject}")
                self._event(plan, "reinstated", "reinstated", [(ruling, day)])
        elif roll < 0.16:
            notice = self._document(plan, "federal_register", day, f"Suspension of {subject}")
            self._event(plan, "suspended", "suspended", [(notice, day)])
        roll = r.random()
        day += DAY * r.randint(30, 2000)
        if roll < 0.10:
            release = self._document(plan, "press_release", day, f"Agency announces rescission of {subject}")
            self._event(
                plan,
                "rescission-announced",
                "rescission_announced",
                self._reported(plan, day, release, "rescission announced", subject),
            )
            if r.random() < 0.7:
                day += DAY * r.randint(30, 400)
                final = self._document(plan, "federal_register", day, f"Rescission of {subject}")
                self._event(plan, "rescinded", "rescinded", [(final, day)])
        elif roll < 0.20:
            end = r.choice(["superseded", "vacated", "expired"])
            source = self._document(
                plan, "court_decision" if end == "vacated" else "federal_register", day, f"{end.title()}: {subject}"
            )
            self._event(plan, end, end, [(source, day)])
        return plan

    # Saving

    @transaction.atomic
    def save(self, plans):
        with unmarked_bulk_writes():  # rebuilt below, a thousand instruments a batch
            self._write(plans)
        rebuild_status_periods([plan.instrument.pk for plan in plans], batch_size=1000)
        return sum(len(plan.events) for plan in plans), sum(len(pairs) for plan in plans for _, pairs, _ in plan.events)

    def _write(self, plans):
        Instrument.objects.bulk_create([plan.instrument for plan in plans])
        Document.objects.bulk_create([document for plan in plans for document in plan.documents], batch_size=2000)
        agencies = Instrument.agencies.through
        topics = Instrument.topics.through
        agencies.objects.bulk_create(
            [
                agencies(instrument_id=plan.instrument.pk, agency_id=agency.pk)
                for plan in plans
                for agency in plan.agencies
            ],
            batch_size=5000,
        )
        topics.objects.bulk_create(
            [topics(instrument_id=plan.instrument.pk, topic_id=topic.pk) for plan in plans for topic in plan.topics],
            batch_size=5000,
        )
        for plan in plans:
            for event, pairs, _ in plan.events:
                event.instrument_id, event.instrument_title = plan.instrument.pk, plan.instrument.title
                # Where the engine places most events, and whether their sources disagree: the
                # rebuild then rewrites only those a delay moved or an end pre-empted, not every row.
                event.placed_date, event.placed_precision = event.date, event.precision
                event.claims_disagree = placed.claims_disagree(claim for claim, _ in pairs)
        plain = [event for plan in plans for event, _, target in plan.events if target is None]
        Event.objects.bulk_create(plain, batch_size=2000)
        delays = []
        for plan in plans:
            by_key = {event.key: event for event, _, _ in plan.events}
            for event, _, target in plan.events:
                if target is not None:
                    event.target_id = by_key[target].pk
                    delays.append(event)
        Event.objects.bulk_create(delays, batch_size=2000)
        claims = []
        for plan in plans:
            for event, pairs, _ in plan.events:
                for claim, document in pairs:
                    claim.event_id, claim.document_id = event.pk, document.pk
                    claims.append(claim)
        Claim.objects.bulk_create(claims, batch_size=5000)
