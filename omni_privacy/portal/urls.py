from django.urls import path

from omni_privacy.portal import rights_views, views

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
    path("fr/droits/", rights_views.rights_request, {"language": "fr"}, name="rights_fr"),
    path("en/rights/", rights_views.rights_request, {"language": "en"}, name="rights_en"),
    path(
        "fr/droits/verification/",
        rights_views.rights_verify,
        {"language": "fr"},
        name="rights_verify_fr",
    ),
    path(
        "en/rights/verification/",
        rights_views.rights_verify,
        {"language": "en"},
        name="rights_verify_en",
    ),
    path(
        "fr/droits/suivi/", rights_views.rights_status, {"language": "fr"}, name="rights_status_fr"
    ),
    path(
        "en/rights/status/", rights_views.rights_status, {"language": "en"}, name="rights_status_en"
    ),
    path(
        "fr/droits/telechargement/<str:token>/",
        rights_views.rights_download,
        {"language": "fr"},
        name="dsr_download_fr",
    ),
    path(
        "en/rights/download/<str:token>/",
        rights_views.rights_download,
        {"language": "en"},
        name="dsr_download_en",
    ),
]
