from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "policytrack.api"
    label = "api"
    verbose_name = "Data out: JSON API, feeds and calendars"

    def ready(self):
        from . import schema  # noqa: F401  (registers the filter schema extension)
