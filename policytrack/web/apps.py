from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "policytrack.web"
    label = "web"
