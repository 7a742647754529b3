from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("policytrack.web.urls")),
]

handler400 = "policytrack.web.views.bad_request"
handler404 = "policytrack.web.views.not_found"
