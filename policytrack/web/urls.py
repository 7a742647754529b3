from django.urls import path

from . import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("instruments/<slug:slug>/", views.instrument_detail, name="instrument_detail"),
    path("documents/<int:pk>/", views.document_detail, name="document_detail"),
]
