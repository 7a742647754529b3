import datetime
import random
import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from policytrack.timeline import engine, known_tally, placed
from policytrack.timeline.derived import forget_records_before, record_rules_version, records_from, stored_rules_version
from policytrack.timeline.knowledge import public_since
from policytrack.timeline.models import BEGINNING_OF_TIME, END_OF_TIME, Event, Instrument, KnownPeriod, engine_input
from policytrack.timeline.recorded import events_as_recorded
from policytrack.timeline.periods import (
    CORES,
    find_stale_status_periods,
    rebuild_status_periods,
    rebuild_tally,
    reindex_status_periods,
    tally_differences,
)

PROGRESS_EVERY = 5000  # instruments between progress lines
# Replaced rows checked against the edit history: each rebuilds an instrument's input from the
# history tables, so a few dozen, not --samples' hundreds.
PAST_SAMPLES = 50


class Command(BaseCommand):
    help = (
        "Check that every instrument's stored status periods agree with the status engine (and its "
        "events' copies of its title, of where the engine places them (with every source and as known "
        "on each date) and of whether their sources disagree), that they were derived by the engine's rules version, "
        "and the phase tally with the periods; with --repair, rebuild what disagrees. Exit status 1 when "
        "anything stale is left."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="Rebuild the periods that disagree.")
        parser.add_argument(
            "--jobs",
            type=int,
            default=CORES,
            metavar="N",
            help=f"Rebuild in N processes at once on PostgreSQL (default {CORES}, one per core; 1: one process).",
        )
        parser.add_argument(
            "--samples",
            type=int,
            default=200,
            metavar="N",
            help="Also read the stored status of N random (instrument, date, known on) "
            "as the lists read it, and compare it with the engine's (default 200; 0: none).",
        )
        parser.add_argument("slugs", nargs="*", metavar="SLUG", help="Only these instruments (default: all).")

    def handle(self, *args, repair, samples, slugs, jobs, **options):
        if samples < 0:
            self.stderr.write(f"--samples must be 0 or more, not {samples}.")
            raise SystemExit(2)
        if jobs < 1:
            self.stderr.write(f"--jobs must be 1 or more, not {jobs}.")
            raise SystemExit(2)
        instruments = Instrument.objects.order_by("pk")
        if slugs:
            found = dict(instruments.filter(slug__in=slugs).values_list("slug", "pk"))
            missing = [slug for slug in slugs if slug not in found]
            if missing:
                self.stderr.write(f"No instrument has the slug {', '.join(repr(s) for s in missing)}.")
                raise SystemExit(2)
            instruments = instruments.filter(pk__in=found.values())
        total = instruments.count()
        version = stored_rules_version()
        version_off = version != engine.RULES_VERSION
        started = time.monotonic()
        ids = self._counted(instruments.values_list("pk", flat=True).iterator(chunk_size=5000), total, "checked")
        stale = list(find_stale_status_periods(ids))
        seen = set(stale)
        stale += [pk for pk in self._sampled_disagreements(instruments, samples) if pk not in seen]
        past_off = self._sampled_past_disagreements(instruments, min(samples, PAST_SAMPLES))
        tally_off = tally_differences()
        known_tally_off = known_tally.differences()
        elapsed = time.monotonic() - started
        if not stale and not tally_off and not known_tally_off and not version_off and not past_off:
            sampled = f", as do {samples:,} random dates as known on random dates" if samples and total else ""
            self.stdout.write(
                f"All {total:,} instruments' status periods agree with the engine{sampled}, and the "
                f"phase tally with the periods ({elapsed:.1f} s)."
            )
            return
        if version_off:
            found = f"rules version {version}" if version is not None else "no recorded rules version"
            self.stdout.write(
                f"The stored status periods were derived by {found}; the engine's rules are version "
                f"{engine.RULES_VERSION}."
            )
        if stale:
            names = sorted(Instrument.objects.filter(pk__in=stale[:20]).values_list("slug", flat=True))
            more = f" and {len(stale) - 20:,} more" if len(stale) > 20 else ""
            self.stdout.write(
                f"{len(stale):,} of {total:,} instruments have stale status periods "
                f"(or events with an old copy of their title, of where the engine places them or of whether "
                f"their sources disagree): "
                f"{', '.join(names)}{more}."
            )
        if tally_off:
            days = len({day for day, _ in tally_off})
            self.stdout.write(
                f"The phase tally (the counts of the point-in-time pages) disagrees with the stored "
                f"status periods on {days:,} day{'s' if days != 1 else ''}, "
                f"from {tally_off[0][0]} to {tally_off[-1][0]}."
            )
        if known_tally_off:
            days = sorted({valid for _, valid, _, _ in known_tally_off})
            self.stdout.write(
                f"The phase tally as known on a date (the counts of the point-in-time pages as known on "
                f"a date) disagrees with the rows over knowledge time in {len(known_tally_off):,} "
                f"bucket{'s' if len(known_tally_off) != 1 else ''}, valid from {days[0]} to {days[-1]}."
            )
        if past_off and not repair:
            self.stdout.write(
                "Replaced rows disagree with the edit history; they cannot be rebuilt: --repair makes the "
                "lists refuse recorded= before now (instrument pages still answer any moment)."
            )
        if not repair:
            self.stdout.write("Run again with --repair to rebuild them.")
            raise SystemExit(1)
        if past_off:
            forget_records_before(timezone.now())
            self.stdout.write("The lists now answer recorded= only from now on; instrument pages answer any moment.")
        if stale:
            progress = self._progress if len(stale) >= PROGRESS_EVERY else None
            rebuild_status_periods(
                stale, progress=progress and (lambda done, of: progress(done, of, "rebuilt")), jobs=jobs
            )
            left = list(find_stale_status_periods(stale))
            if left:
                self.stderr.write(f"{len(left):,} instruments are still stale after the rebuild.")
                raise SystemExit(1)
            self.stdout.write(f"Rebuilt the status periods of {len(stale):,} instruments; they now agree.")
            if len(stale) * 10 >= total and reindex_status_periods():
                self.stdout.write(
                    "Reindexed the status periods: rewriting so many had left their indexes about twice their size."
                )
        # Periods changed behind the tally's back (a restore, a hand edit) leave it wrong even
        # after they are rebuilt: check it again.
        days_off, known_off = tally_differences(), known_tally.differences()
        if days_off or known_off:
            rebuild_tally()
        if days_off:
            self.stdout.write("Rebuilt the phase tally from the status periods.")
        if known_off:
            self.stdout.write("Rebuilt the phase tally as known on a date from the rows over knowledge time.")
        if version_off:
            if slugs:
                self.stderr.write(
                    f"Only {total:,} of the instruments were checked: run check_status_periods --repair "
                    f"without SLUG to check every instrument and record rules version {engine.RULES_VERSION}."
                )
                raise SystemExit(1)
            # Every instrument was compared with this code's engine, and those that differed rebuilt.
            record_rules_version()
            self.stdout.write(
                f"Recorded rules version {engine.RULES_VERSION}: every instrument's periods agree with it."
            )

    def _sampled_disagreements(self, instruments, samples):
        """The instruments among ``samples`` random (instrument, on, known) whose stored row
        covering (on, known), read as a list reads it, is missing or differs from the engine's
        status. Dates are drawn around the instrument's own event and publication dates."""
        if not samples:
            return []
        picked = list(instruments.order_by("?").values_list("pk", flat=True)[:samples])
        found = engine_input(Event.objects.filter(instrument_id__in=picked))
        chance, wrong, examples, misplaced, misdated = random.Random(), [], [], [], []
        for pk in (chance.choice(picked) for _ in range(samples if picked else 0)):
            events = found.get(pk, ([], []))[1]
            days = [d for e in events for d in (e.date, *(c.published_on for c in e.claims))] or [datetime.date.today()]
            on, known = (chance.choice(days) + datetime.timedelta(days=chance.randint(-3, 3)) for _ in "ok")
            # As known before the instrument was public nothing is stored, which the full check
            # compares row by row: the samples ask from then on.
            known = None if chance.random() < 0.2 else max(known, public_since(events))
            row, expected = _stored_and_engine(pk, events, on, known)
            if row != expected:
                wrong.append(pk)
                examples.append((pk, on, known, row, expected))
            if placed.stored_as_known(pk, known) != placed.as_known(events, known):
                misplaced.append((pk, known))
            if placed.stored_dated_as_known(pk, known) != placed.dated_as_known(events, known):
                misdated.append((pk, known))
        if not picked:
            return []
        self.stdout.write(
            f"Sampled {samples:,} random (instrument, date, known on) from {len(picked):,} instruments, "
            f"read as the lists read them: {len(wrong):,} disagree with the engine."
        )
        if wrong:
            self.stdout.write(
                f"{len(wrong):,} of {samples:,} random dates (as known on random dates) are stored "
                f"with a status the engine does not give. For example:"
            )
            slugs = dict(Instrument.objects.filter(pk__in=[e[0] for e in examples[:5]]).values_list("pk", "slug"))
            for pk, on, known, row, expected in examples[:5]:
                stored = _described(row) if row else "nothing stored"
                self.stdout.write(
                    f"  {slugs[pk]} on {on} as known on {known or 'today, with every source'}: "
                    f"{stored}; the engine says {_described(expected)}"
                )
        if misplaced:
            slugs = dict(Instrument.objects.filter(pk__in=[pk for pk, _ in misplaced[:5]]).values_list("pk", "slug"))
            self.stdout.write(
                f"{len(misplaced):,} of {samples:,} have events stored placed (as the calendars as known on "
                f"that date read them) where the engine does not place them: "
                + ", ".join(f"{slugs[pk]} as known on {known or 'today'}" for pk, known in misplaced[:5])
            )
        if misdated:
            slugs = dict(Instrument.objects.filter(pk__in=[pk for pk, _ in misdated[:5]]).values_list("pk", "slug"))
            self.stdout.write(
                f"{len(misdated):,} of {samples:,} have events stored dated (as the changes as known on that "
                f"date read them) where their sources known then do not date them: "
                + ", ".join(f"{slugs[pk]} as known on {known or 'today'}" for pk, known in misdated[:5])
            )
        return list(dict.fromkeys([*wrong, *(pk for pk, _ in misplaced), *(pk for pk, _ in misdated)]))

    def _sampled_past_disagreements(self, instruments, samples):
        """The closed rows, among ``samples`` random ones, that disagree with the engine at a
        random (on, known) they cover, run on the instrument's edit history as it was at a random
        moment of their record time (as its page rebuilds it): a list of examples. Each sample
        reads the history tables (a few ms), so there are few of them."""
        start = records_from()
        if not samples or start is None:
            return []
        closed = KnownPeriod.objects.filter(recorded_to__gt=start, instrument__in=instruments.values("pk"))
        picked = list(
            closed.order_by("?").values_list(
                "instrument_id", "valid_from", "valid_to", "known_from", "known_to", "recorded_from", "recorded_to"
            )[:samples]
        )
        chance, wrong = random.Random(), []
        for pk, valid_from, valid_to, known_from, known_to, recorded_from, recorded_to in picked:
            on = _day_within(chance, valid_from, valid_to, datetime.date.today())
            known = _day_within(chance, known_from, known_to, None)
            since = max(recorded_from, start)
            moment = since + (recorded_to - since) * chance.random()
            row, expected = _stored_and_engine(pk, events_as_recorded(pk, moment), on, known, moment)
            if row != expected:
                wrong.append((pk, on, known, moment, row, expected))
        if picked:
            self.stdout.write(
                f"Sampled {len(picked):,} random replaced rows at a moment they were recorded, against the "
                f"engine on the edit history then: {len(wrong):,} disagree."
            )
        slugs = dict(Instrument.objects.filter(pk__in=[w[0] for w in wrong[:5]]).values_list("pk", "slug"))
        for pk, on, known, moment, row, expected in wrong[:5]:
            stored = _described(row) if row else "nothing stored"
            self.stdout.write(
                f"  {slugs[pk]} on {on} as known on {known or 'today, with every source'} as recorded at "
                f"{moment:%Y-%m-%d %H:%M:%S} UTC: {stored}; the engine says {_described(expected)}"
            )
        return wrong

    def _progress(self, done, total, verb):
        self.stderr.write(f"\r  {done:,}/{total:,} instruments {verb}", ending="\n" if done == total else "")
        self.stderr.flush()

    def _counted(self, ids, total, verb):
        """``ids``, reporting progress on the way when there are many."""
        for done, pk in enumerate(ids, 1):
            yield pk
            if total >= PROGRESS_EVERY and (done % PROGRESS_EVERY == 0 or done == total):
                self._progress(done, total, verb)


def _stored_and_engine(pk, events, on, known, moment=None):
    """Instrument ``pk``'s stored row covering (on, known, moment), read as a list reads it, and
    the engine's status on its ``events``, each as (phase, in_force, enforced, obligations_apply,
    rescission_pending); the row None when nothing is stored, the status None when nothing should
    be (as known before the instrument was public, ``knowledge.public_since``)."""
    row = (
        KnownPeriod.objects.covering(on, known, moment)
        .filter(instrument_id=pk)
        .values_list("phase", "in_force", "enforced", "obligations_apply", "rescission_pending")
        .first()
    )
    if known is not None and known < public_since(events):
        return row, None
    status = engine.status(events, on=on, known=known)
    return row, (status.phase, status.in_force, status.enforced, status.obligations_apply, status.rescission_pending)


def _day_within(chance, start, end, open_end):
    """A random day of [start, end), or ``open_end`` for a stretch without ends (or, for one
    end open, the other end's day)."""
    if start == BEGINNING_OF_TIME and end == END_OF_TIME:
        return open_end
    if start == BEGINNING_OF_TIME:
        return end - datetime.timedelta(days=1)
    if end == END_OF_TIME:
        return start if open_end is not None or chance.random() < 0.5 else open_end
    return start + datetime.timedelta(days=chance.randrange((end - start).days))


def _described(flags):
    if flags is None:
        return "nothing (the instrument was not yet public)"
    phase, in_force, enforced, obligations_apply, rescission_pending = flags
    said = [phase.replace("_", " ")]
    said += [name for name, on in (("rescission pending", rescission_pending),) if on]
    if in_force:
        said.append("obligations apply" if obligations_apply else "no obligations yet")
        said.append("enforced" if enforced else "not enforced")
    return ", ".join(dict.fromkeys(said))
