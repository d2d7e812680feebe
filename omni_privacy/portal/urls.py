from django.urls import path

from omni_privacy.portal import (
    governance_views,
    home_views,
    notice_views,
    privacy_views,
    rights_views,
    views,
)

app_name = "portal"

urlpatterns = [
    path("", home_views.root, name="root"),
    path("fr/", home_views.home, {"language": "fr"}, name="home_fr"),
    path("en/", home_views.home, {"language": "en"}, name="home_en"),
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
    path("fr/avis-de-confidentialite", notice_views.notice, {"language": "fr"}, name="notice_fr"),
    path("en/privacy-notice", notice_views.notice, {"language": "en"}, name="notice_en"),
    path(
        "fr/avis-de-confidentialite/v/<int:number>",
        notice_views.notice_version,
        {"language": "fr"},
        name="notice_version_fr",
    ),
    path(
        "en/privacy-notice/v/<int:number>",
        notice_views.notice_version,
        {"language": "en"},
        name="notice_version_en",
    ),
    path(
        "fr/avis-de-confidentialite/comparer",
        notice_views.compare,
        {"language": "fr"},
        name="notice_compare_fr",
    ),
    path(
        "en/privacy-notice/compare",
        notice_views.compare,
        {"language": "en"},
        name="notice_compare_en",
    ),
    path(".well-known/gpc.json", privacy_views.gpc_json, name="gpc_json"),
    path("fr/gouvernance", governance_views.governance, {"language": "fr"}, name="governance_fr"),
    path("en/governance", governance_views.governance, {"language": "en"}, name="governance_en"),
    path(
        "fr/controle-global-de-confidentialite",
        privacy_views.gpc_page,
        {"language": "fr"},
        name="gpc_fr",
    ),
    path("en/global-privacy-control", privacy_views.gpc_page, {"language": "en"}, name="gpc_en"),
    path(
        "fr/desabonnement/<str:token>",
        privacy_views.unsubscribe,
        {"language": "fr"},
        name="unsubscribe_fr",
    ),
    path(
        "en/unsubscribe/<str:token>",
        privacy_views.unsubscribe,
        {"language": "en"},
        name="unsubscribe_en",
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
        "fr/droits/retrouver/",
        rights_views.rights_lookup,
        {"language": "fr"},
        name="rights_lookup_fr",
    ),
    path(
        "en/rights/find/", rights_views.rights_lookup, {"language": "en"}, name="rights_lookup_en"
    ),
    path(
        "fr/droits/suivi/lien/<str:token>/",
        rights_views.rights_link,
        {"language": "fr"},
        name="rights_link_fr",
    ),
    path(
        "en/rights/status/link/<str:token>/",
        rights_views.rights_link,
        {"language": "en"},
        name="rights_link_en",
    ),
    path(
        "fr/droits/retrait/",
        rights_views.rights_withdraw,
        {"language": "fr"},
        name="rights_withdraw_fr",
    ),
    path(
        "en/rights/withdraw/",
        rights_views.rights_withdraw,
        {"language": "en"},
        name="rights_withdraw_en",
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
