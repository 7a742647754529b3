import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from policytrack.ingest.statement_instruments import instrument_refs
from policytrack.ingest.statements import propose
from policytrack.timeline.dates import BadDate, parse_date


class Command(BaseCommand):
    help = (
        "Propose the dated events a press release, statement or news article asserts, each with its "
        "verbatim sentence and the instrument it most likely concerns. Writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="the statement as plain text (UTF-8)")
        parser.add_argument(
            "--published-on",
            metavar="DATE",
            help="the statement's publication date, YYYY-MM-DD: relative dates ('Tuesday', "
            "'today', 'May 13') are resolved against it (default: today)",
        )
        parser.add_argument("--publisher", metavar="NAME", help="who published it (shown in the readable list)")
        parser.add_argument(
            "--json",
            action="store_true",
            help="one JSON list of {kind, date, precision, quote, instrument} on standard output",
        )

    def handle(self, file, published_on=None, publisher=None, json=False, **options):
        try:
            day = parse_date(published_on, "--published-on") if published_on is not None else timezone.localdate()
        except BadDate as error:
            raise CommandError(str(error), returncode=2) from None
        text = _read(file)
        proposals = propose(text, day, instrument_refs())
        if json:
            self.stdout.write(_dumps([proposal.as_dict() for proposal in proposals]))
            return
        source = f"{publisher}, " if publisher else ""
        self.stdout.write(
            f"{file} ({source}published {day.isoformat()}): {len(proposals)} proposed event"
            f"{'' if len(proposals) == 1 else 's'}"
        )
        for proposal in proposals:
            when = proposal.date.isoformat() if proposal.date else "no date given"
            if proposal.date and proposal.precision != "day":
                when += f" ({proposal.precision})"
            if proposal.resolved_from:
                when += f", resolved from {proposal.resolved_from!r}"
            line = f"  {proposal.kind.replace('_', ' ')}: {when}"
            if proposal.kind == "delayed":
                line += f"; moves {proposal.target or 'an event'} to {proposal.new_date or 'a date not given'}"
            self.stdout.write(f"{line} — {proposal.instrument or 'instrument not found'}")
            self.stdout.write(f"    “{proposal.quote}”")


def _read(name):
    path = Path(name)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CommandError(f"{name}: no such file", returncode=2) from None
    except IsADirectoryError:
        raise CommandError(f"{name}: is a directory, not a file", returncode=2) from None
    except UnicodeDecodeError:
        raise CommandError(f"{name}: not UTF-8 text", returncode=2) from None
    except OSError as error:
        raise CommandError(f"{name}: cannot be read ({error.strerror or error})", returncode=2) from None
    if not text.strip():
        raise CommandError(f"{name}: is empty", returncode=2)
    return text


def _dumps(value):
    return json.dumps(value, ensure_ascii=False, indent=2)
