from django.apps import AppConfig


class StoresConfig(AppConfig):
    name = "omni_privacy.stores"
    label = "stores"
