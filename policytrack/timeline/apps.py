from django.apps import AppConfig


class TimelineConfig(AppConfig):
    name = "policytrack.timeline"
    label = "timeline"
    verbose_name = "Timeline"

    def ready(self):
        from . import periods  # noqa: F401  (connects the rebuild signals)
