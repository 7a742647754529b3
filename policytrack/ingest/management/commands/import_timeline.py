from django.core.management.base import BaseCommand, CommandError

from policytrack.ingest.schema import TimelineError
from policytrack.ingest.timeline import import_timeline_file


class Command(BaseCommand):
    help = (
        "Import policytrack-timeline/1 files (JSON, or YAML for .yaml/.yml). Idempotent by slug and key; "
        "each file is imported whole or not at all."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")

    def handle(self, *args, files, **options):
        failed = 0
        for path in files:
            try:
                result = import_timeline_file(path)
            except TimelineError as error:
                failed += 1
                self.stderr.write(str(error))
                self.stderr.write(f"{path}: nothing imported from this file.")
                continue
            for warning in result.warnings:
                self.stderr.write(self.style.WARNING(f"warning: {warning}"))
            self.stdout.write(f"{path}: {result.summary()}")
        if failed:
            raise CommandError(f"{failed} of {len(files)} file(s) refused", returncode=2)
