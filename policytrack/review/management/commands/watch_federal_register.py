from django.core.management.base import BaseCommand, CommandError

from policytrack.review import watcher
from policytrack.review.tasks import watch_federal_register
from policytrack.timeline.dates import BadDate, parse_date


class Command(BaseCommand):
    help = (
        "Ask the Federal Register API (FEDERAL_REGISTER_API) for new documents touching what is tracked — "
        "by agency, RIN, docket, CFR part, and documents citing tracked documents — and file each new one "
        "as a proposal in the review queue. Idempotent; each query resumes where it stopped."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--since",
            metavar="DATE",
            help="ask from this publication date (YYYY-MM-DD) for every query, instead of where each stopped",
        )
        parser.add_argument(
            "--max-pages",
            type=int,
            default=watcher.MAX_PAGES,
            metavar="N",
            help=f"pages per query and run (default {watcher.MAX_PAGES})",
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="put the run on the task queue for `manage.py db_worker` instead of running it now",
        )

    def handle(self, *args, since=None, max_pages, enqueue, **options):
        try:
            day = parse_date(since, "--since") if since else None
        except BadDate as error:
            raise CommandError(str(error), returncode=2) from None
        if max_pages < 1:
            raise CommandError(f"--max-pages must be 1 or more, not {max_pages}", returncode=2)
        if enqueue:
            result = watch_federal_register.enqueue(since=since, max_pages=max_pages)
            self.stdout.write(f"enqueued as task {result.id}; `manage.py db_worker` runs it")
            return
        try:
            outcome = watcher.watch(since=day, max_pages=max_pages)
        except watcher.WatchError as error:
            raise CommandError(str(error), returncode=1) from None
        for problem in outcome.problems:
            self.stderr.write(f"warning: {problem}; its cursor stays where it was")
        for number in outcome.filed:
            self.stdout.write(f"proposed {number}")
        self.stdout.write(outcome.summary())
