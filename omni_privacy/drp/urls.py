from django.urls import path

from omni_privacy.drp import views

app_name = "drp"
urlpatterns = [
    path("v1/agent/<str:agent_id>", views.agent, name="agent"),
    path("v1/data-rights-request", views.exercise, name="exercise"),
    path("v1/data-rights-request/<str:request_id>", views.rights_request, name="request"),
]
