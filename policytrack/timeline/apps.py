from django.apps import AppConfig


class TimelineConfig(AppConfig):
    name = "policytrack.timeline"
    label = "timeline"
    verbose_name = "Timeline"

    def ready(self):
        from . import lookups, periods  # noqa: F401  (registers ``__any``; connects the rebuild signals)
