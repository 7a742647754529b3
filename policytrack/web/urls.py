from django.urls import path

from policytrack.times import answers_now_only

from . import compare, documents, history, instruments, pointintime, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),  # answers known and recorded itself
    path("instruments/", instruments.instrument_list, name="instrument_list"),
    path("instruments/<slug:slug>/", instruments.instrument_detail, name="instrument_detail"),
    path("instruments/<slug:slug>/compare/", compare.instrument_compare, name="instrument_compare"),
    path("compare/", compare.portfolio_compare, name="compare"),  # answers known and recorded itself
    path("on/", views.go_to_date, name="go_to_date"),
    path("on/<str:date>/", pointintime.on_date, name="on_date"),  # answers known and recorded itself
    path("changes/", pointintime.changes, name="changes"),  # answers known and recorded itself
    path("history/", answers_now_only(history.site_history, what="page"), name="history"),
    path("methodology/", views.methodology, name="methodology"),
    path("documents/", documents.document_list, name="document_list"),  # answers known and recorded itself
    path("documents/<int:pk>/", answers_now_only(views.document_detail, what="page"), name="document_detail"),
]
