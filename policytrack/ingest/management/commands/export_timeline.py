import json
import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from policytrack.ingest.schema import TimelineError
from policytrack.ingest.timeline import check_export, export_timeline


class Command(BaseCommand):
    help = (
        "Export instruments (all when no slug is given: every agency, document and instrument) "
        "as policytrack-timeline/1 JSON on standard output, or into --output FILE."
    )

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", metavar="SLUG")
        parser.add_argument("--output", "-o", metavar="FILE", help="write here instead of standard output")

    def handle(self, *args, slugs, output=None, **options):
        try:
            data = export_timeline(slugs or None)
        except LookupError as error:
            raise CommandError(str(error), returncode=2) from None
        try:
            check_export(data)
        except TimelineError as error:
            raise CommandError(
                f"{error}\nNothing written: this export would not import. Correct these records in the admin, "
                "then export again.",
                returncode=1,
            ) from None
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        if not output:
            self.stdout.write(text, ending="")
            return
        target = Path(output)
        if not target.parent.is_dir():
            raise CommandError(f"{output}: no such directory {str(target.parent)!r}", returncode=2)
        # Write beside the target and rename, so a failure never leaves half a backup.
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        counts = ", ".join(f"{len(data[k])} {k}" for k in ("agencies", "documents", "instruments"))
        self.stderr.write(f"wrote {output}: {counts}")
