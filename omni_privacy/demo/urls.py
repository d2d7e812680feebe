from django.urls import path

from omni_privacy.demo import views

urlpatterns = [
    path(
        "instances/<slug:code>/export.jsonl",
        views.demo_instance_export,
        name="demo_instance_export",
    ),
]
