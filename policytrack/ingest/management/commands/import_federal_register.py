from django.core.management.base import BaseCommand, CommandError

from policytrack.ingest.federal_register import (
    FederalRegisterError,
    import_documents,
    read_source,
)


class Command(BaseCommand):
    help = (
        "Import Federal Register API v1 documents: JSON files (one document, or a search page with "
        "results) or document numbers fetched from FEDERAL_REGISTER_API. Idempotent by document number; "
        "each file or number is imported whole or not at all."
    )

    def add_arguments(self, parser):
        parser.add_argument("sources", nargs="+", metavar="FILE_OR_DOCNUM")

    def handle(self, *args, sources, **options):
        failed = 0
        for argument in sources:
            try:
                source, raws = read_source(argument)
                report = import_documents(raws, source, progress=self._progress if len(raws) >= 20 else None)
            except FederalRegisterError as error:
                failed += 1
                self.stderr.write(str(error))
                self.stderr.write(f"{argument}: nothing imported from it.")
                continue
            for warning in report.warnings:
                self.stderr.write(self.style.WARNING(f"warning: {warning}"))
            self.stdout.write(f"{argument}: {len(raws)} document{'s' if len(raws) != 1 else ''}: {report.summary()}")
        if failed:
            raise CommandError(f"{failed} of {len(sources)} source(s) refused", returncode=2)

    def _progress(self, done, total):
        self.stderr.write(f"\r  {done:,}/{total:,} documents", ending="\n" if done == total else "")
        self.stderr.flush()
