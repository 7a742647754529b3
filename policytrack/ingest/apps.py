from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "policytrack.ingest"
    label = "ingest"
