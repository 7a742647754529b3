import time

from django.core.management.base import BaseCommand

from policytrack.timeline.models import Instrument
from policytrack.timeline.periods import (
    find_stale_status_periods,
    rebuild_status_periods,
    rebuild_tally,
    tally_differences,
)


class Command(BaseCommand):
    help = ("Check that every instrument's stored status periods agree with the status engine, "
            "and the phase tally with the periods; with --repair, rebuild what disagrees. Exit status 1 when "
            "anything stale is left.")

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="Rebuild the periods that disagree.")
        parser.add_argument("slugs", nargs="*", metavar="SLUG", help="Only these instruments (default: all).")

    def handle(self, *args, repair, slugs, **options):
        instruments = Instrument.objects.order_by("pk")
        if slugs:
            found = dict(instruments.filter(slug__in=slugs).values_list("slug", "pk"))
            missing = [slug for slug in slugs if slug not in found]
            if missing:
                self.stderr.write(f"No instrument has the slug {', '.join(repr(s) for s in missing)}.")
                raise SystemExit(2)
            instruments = instruments.filter(pk__in=found.values())
        total = instruments.count()
        started = time.monotonic()
        stale = list(find_stale_status_periods(instruments.values_list("pk", flat=True).iterator(chunk_size=5000)))
        tally_off = tally_differences()
        elapsed = time.monotonic() - started
        if not stale and not tally_off:
            self.stdout.write(f"All {total:,} instruments' status periods agree with the engine, and the phase "
                              f"tally with the periods ({elapsed:.1f} s).")
            return
        if stale:
            names = sorted(Instrument.objects.filter(pk__in=stale[:20]).values_list("slug", flat=True))
            more = f" and {len(stale) - 20:,} more" if len(stale) > 20 else ""
            self.stdout.write(f"{len(stale):,} of {total:,} instruments have stale status periods: "
                              f"{', '.join(names)}{more}.")
        if tally_off:
            days = len({day for day, _ in tally_off})
            self.stdout.write(f"The phase tally (the counts of the point-in-time pages) disagrees with the stored "
                              f"status periods on {days:,} day{'s' if days != 1 else ''}, "
                              f"from {tally_off[0][0]} to {tally_off[-1][0]}.")
        if not repair:
            self.stdout.write("Run again with --repair to rebuild them.")
            raise SystemExit(1)
        if stale:
            rebuild_status_periods(stale)
            left = list(find_stale_status_periods(stale))
            if left:
                self.stderr.write(f"{len(left):,} instruments are still stale after the rebuild.")
                raise SystemExit(1)
            self.stdout.write(f"Rebuilt the status periods of {len(stale):,} instruments; they now agree.")
        # Periods changed behind the tally's back (a restore, a hand edit) leave it wrong even
        # after they are rebuilt: check it again.
        if tally_differences():
            rebuild_tally()
            self.stdout.write("Rebuilt the phase tally from the status periods.")
