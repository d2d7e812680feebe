from django.urls import path

from omni_privacy.portal import views

app_name = "portal"

urlpatterns = [
    path(
        "fr/demande-d-information/",
        views.information_request,
        {"language": "fr"},
        name="information_request_fr",
    ),
    path(
        "en/information-request/",
        views.information_request,
        {"language": "en"},
        name="information_request_en",
    ),
]
