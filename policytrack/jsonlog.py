"""Log records as JSON lines on stderr, for whatever collects a container's or a service's output."""

from __future__ import annotations

import datetime
import json
import logging


class JSONFormatter(logging.Formatter):
    """One JSON object a line: time (UTC), level, logger, message; for a request's record
    (django.request, django.security) its method, path and status; and any traceback, whole."""

    def format(self, record):
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.timezone.utc).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request = getattr(record, "request", None)
        if hasattr(request, "path") and hasattr(request, "method"):
            entry["method"], entry["path"] = request.method, request.path
        if hasattr(record, "status_code"):
            entry["status"] = record.status_code
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
