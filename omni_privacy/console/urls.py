from django.contrib.auth import views as auth_views
from django.urls import path

from omni_privacy.console import (
    account_views,
    consent_views,
    instance_views,
    intake_views,
    notice_views,
    request_views,
    retention_views,
    store_views,
    token_views,
    views,
)
from omni_privacy.console.login import SignInView, signin_enrol, signin_factor

app_name = "console"

urlpatterns = [
    path("login/", SignInView.as_view(), name="login"),
    path("login/code/", signin_factor, name="signin_factor"),
    path("login/enrol/", signin_enrol, name="signin_enrol"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", account_views.account, name="account"),
    path("account/second-factor/", account_views.account_enrol, name="account_enrol"),
    path("account/recovery-codes/", account_views.account_recovery, name="account_recovery"),
    path("second-factors/", account_views.second_factors, name="second_factors"),
    path("language/", views.language, name="language"),
    path("", views.registry, name="registry"),
    path("people/<uuid:public_id>/", views.person, name="person"),
    path("record/", intake_views.record_start, name="record_start"),
    path("record/<slug:source>/", intake_views.record_contact, name="record"),
    path("people/<uuid:public_id>/holds/", retention_views.hold_person, name="hold_person"),
    path("retention/", retention_views.retention, name="retention"),
    path("instances/", instance_views.instances, name="instances"),
    path("instances/add/", instance_views.instance_add, name="instance_add"),
    path("instances/<slug:name>/sync/", instance_views.instance_sync, name="instance_sync"),
    path("instances/<slug:name>/upload/", instance_views.instance_upload, name="instance_upload"),
    path("tokens/", token_views.tokens, name="tokens"),
    path("tokens/<str:prefix>/revoke/", token_views.token_revoke, name="token_revoke"),
    path("stores/", store_views.stores, name="stores"),
    path("stores/<slug:name>/check/", store_views.store_check_now, name="store_check"),
    path("stores/<slug:name>/scan/", store_views.store_scan_now, name="store_scan"),
    path(
        "stores/erasures/<int:erasure>/retry/",
        store_views.store_erasure_retry_now,
        name="store_erasure_retry",
    ),
    path("consent/", consent_views.consent_lookup, name="consent"),
    path("suppressions/", consent_views.suppression_list, name="suppressions"),
    path("campaigns/", consent_views.campaign_list, name="campaigns"),
    path("campaigns/<uuid:public_id>/", consent_views.campaign_detail, name="campaign"),
    path(
        "campaigns/<uuid:public_id>/send/",
        consent_views.campaign_send_view,
        name="campaign_send",
    ),
    path("requests/", request_views.requests_queue, name="requests"),
    path("requests/<uuid:public_id>/", request_views.request_case, name="request"),
    path(
        "requests/<uuid:public_id>/<slug:action>/",
        request_views.request_action,
        name="request_action",
    ),
    path("retention/holds/", retention_views.hold_organization, name="hold_organization"),
    path(
        "retention/holds/<uuid:hold_id>/release/",
        retention_views.hold_release,
        name="hold_release",
    ),
    path("notices/", notice_views.notices, name="notices"),
    path("notices/import/", notice_views.notice_import_page, name="notice_import"),
    path("notices/<uuid:public_id>/", notice_views.notice_detail, name="notice"),
    path(
        "notices/<uuid:public_id>/publish/",
        notice_views.notice_publish_view,
        name="notice_publish",
    ),
    path("officers/", notice_views.officers, name="officers"),
    path("officers/delegate/", notice_views.officer_delegate, name="officer_delegate"),
    path("officers/<uuid:public_id>/revoke/", notice_views.officer_revoke, name="officer_revoke"),
]
