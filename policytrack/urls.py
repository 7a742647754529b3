from django.contrib import admin
from django.urls import include, path

from policytrack import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", include("policytrack.api.urls")),
    # Feeds and calendars sit beside the pages they follow (/instruments/<slug>/changes.atom).
    path("", include("policytrack.api.feed_urls")),
    path("", include("policytrack.web.urls")),
]

handler400 = "policytrack.web.views.bad_request"
handler404 = "policytrack.web.views.not_found"
