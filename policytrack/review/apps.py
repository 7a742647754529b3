from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "policytrack.review"
    label = "review"
    verbose_name = "Review queue"
