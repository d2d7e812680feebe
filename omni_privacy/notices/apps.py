from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "omni_privacy.notices"
    label = "notices"
