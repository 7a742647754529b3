"""``/healthz``, for a load balancer or a monitor: can this process serve? It answers 200
``{"status": "ok", "checks": {...}}`` when the database, the cache and (where one is
configured) the task queue's table all answer, else 503 naming what failed. Never cached, never
rate limited, open even when pages ask for a login."""

from __future__ import annotations

import logging
import uuid

from django.apps import apps
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger("policytrack.health")

# django-tasks' database backend, under its app's name before and after it became django-tasks-db.
TASK_QUEUE_APPS = ("django_tasks_db", "django_tasks_database")


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache():
    key = f"healthz-{uuid.uuid4().hex}"
    cache.set(key, "ok", timeout=10)
    kept = cache.get(key)
    cache.delete(key)
    if kept != "ok":
        raise RuntimeError("the cache did not keep a value")


def _task_queue_model():
    for label in TASK_QUEUE_APPS:
        if label in apps.app_configs:
            return apps.get_app_config(label).get_model("DBTaskResult")
    return None


def checks():
    """What to check, by name: the database and the cache always, the task queue where configured."""
    found = {"database": _database, "cache": _cache}
    if (model := _task_queue_model()) is not None:
        found["task_queue"] = model.objects.exists
    return found


@never_cache
@require_safe
def healthz(request):
    results, failed = {}, []
    for name, check in checks().items():
        try:
            check()
            results[name] = "ok"
        except Exception as error:  # any failure is the answer, and is logged with its traceback
            logger.exception("health check failed: %s", name)
            results[name] = f"failed: {type(error).__name__}"
            failed.append(name)
    body = {"status": "unavailable" if failed else "ok", "checks": results}
    if failed:
        body["failed"] = failed
    return JsonResponse(body, status=503 if failed else 200)
