from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "omni_privacy.retention"
    label = "retention"
