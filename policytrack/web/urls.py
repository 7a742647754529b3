from django.urls import path

from . import documents, instruments, pointintime, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("instruments/", instruments.instrument_list, name="instrument_list"),
    path("instruments/<slug:slug>/", instruments.instrument_detail, name="instrument_detail"),
    path("on/", views.go_to_date, name="go_to_date"),
    path("on/<str:date>/", pointintime.on_date, name="on_date"),
    path("changes/", pointintime.changes, name="changes"),
    path("methodology/", views.methodology, name="methodology"),
    path("documents/", documents.document_list, name="document_list"),
    path("documents/<int:pk>/", views.document_detail, name="document_detail"),
]
