from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "omni_privacy.core"
    label = "core"
