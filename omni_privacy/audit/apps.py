from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "omni_privacy.audit"
    label = "audit"
