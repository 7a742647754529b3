"""Background work, through django-tasks (the backport of Django 6's ``django.tasks``; on
Django 6 the import becomes ``from django.tasks import task``). The embedded backend is
django-tasks-db: ``python manage.py db_worker`` runs what is enqueued."""

from django_tasks import task

from policytrack.timeline.dates import parse_date

from . import watcher


@task()
def watch_federal_register(since=None, max_pages=watcher.MAX_PAGES):
    """The watcher, as a task: arguments are JSON (``since`` as YYYY-MM-DD); returns the summary."""
    outcome = watcher.watch(since=parse_date(since, "since") if since else None, max_pages=max_pages)
    return {"summary": outcome.summary(), "filed": outcome.filed, "problems": outcome.problems}
