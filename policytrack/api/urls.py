from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from policytrack.times import answers_now_only

from . import views

app_name = "api"

urlpatterns = [
    path("", views.api_root, name="root"),
    path("instruments/", views.InstrumentList.as_view(), name="instrument-list"),  # answers known and recorded
    path(
        "instruments/<slug:slug>/",
        answers_now_only(views.InstrumentDetail.as_view(), what="timeline"),  # …/status/ answers both
        name="instrument-detail",
    ),
    path("instruments/<slug:slug>/status/", views.InstrumentStatus.as_view(), name="instrument-status"),
    path("changes/", views.ChangesView.as_view(), name="changes"),  # answers known and recorded
    path("compare/", views.CompareView.as_view(), name="compare"),  # answers known and recorded
    path("documents/", views.DocumentList.as_view(), name="document-list"),  # answers known and recorded
    path(
        "documents/<int:pk>/", answers_now_only(views.DocumentDetail.as_view(), what="document"), name="document-detail"
    ),
    path("agencies/", answers_now_only(views.AgencyList.as_view()), name="agency-list"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    re_path(r"^(?P<path>[\s\S]*)\Z", views.not_found),
]
