import json

from django.core.management.base import BaseCommand, CommandError

from policytrack.timeline import engine
from policytrack.timeline.dates import BadDate, parse_date, parse_datetime
from policytrack.timeline.models import Instrument
from policytrack.timeline.recorded import events_as_recorded, instrument_as_recorded
from policytrack.timeline.wording import describe_status, disputed_spans, status_document


class Command(BaseCommand):
    help = "The status of one instrument on a date, as known on a date, as recorded at a moment."

    def add_arguments(self, parser):
        parser.add_argument("slug", metavar="SLUG")
        parser.add_argument("--on", required=True, metavar="DATE", help="valid time: what applied on DATE")
        parser.add_argument("--known", metavar="DATE", help="knowledge time: only sources published by DATE")
        parser.add_argument("--recorded", metavar="DATETIME", help="record time: as this tracker held it then")
        parser.add_argument("--json", action="store_true", help="one JSON object on standard output")

    def handle(self, slug, on, known=None, recorded=None, json=False, **options):
        try:
            on = parse_date(on, "--on")
            known = parse_date(known, "--known") if known is not None else None
            moment = parse_datetime(recorded, "--recorded") if recorded is not None else None
        except BadDate as error:
            raise CommandError(str(error), returncode=2) from None

        if moment is None:
            instrument = Instrument.objects.filter(slug=slug).first()
            if instrument is None:
                raise CommandError(f"no instrument with slug {slug!r}", returncode=2)
            events = instrument.engine_events()
        else:
            instrument = instrument_as_recorded(slug, moment)
            if instrument is None:
                raise CommandError(
                    f"no instrument with slug {slug!r} was recorded at {moment.isoformat()}", returncode=2
                )
            events = events_as_recorded(instrument.id, moment)

        status = engine.status(events, on=on, known=known)
        if json:
            self.stdout.write(_json_dumps(status_document(slug, on, known, status, events)))
            return
        as_of = f"as known on {known}" if known else "as known today"
        if moment:
            as_of += f", as recorded at {moment.isoformat()}"
        self.stdout.write(f"{instrument.short_title or instrument.title} ({slug}) on {on}, {as_of}:")
        self.stdout.write(f"  {describe_status(status, on, disputed_spans(status, events, known))}")
        yes = {True: "yes", False: "no"}
        self.stdout.write(
            f"  in force: {yes[status.in_force]}; enforced: {yes[status.enforced]}; "
            f"obligations apply: {yes[status.obligations_apply]}; rescission pending: {yes[status.rescission_pending]}"
        )
        for item in status.applied:
            self.stdout.write(f"  {item.date}  {item.kind.replace('_', ' ')}")
        if status.upcoming:
            self.stdout.write(f"  next: {status.upcoming.kind.replace('_', ' ')} on {status.upcoming.date}")
        for dispute in status.disputed:
            dates = ", ".join(d.isoformat() for d in dispute.dates)
            self.stdout.write(f"  disputed: {dispute.kind.replace('_', ' ')} — sources give {dates}")


def _json_dumps(data):
    return json.dumps(data, indent=2) + "\n"
