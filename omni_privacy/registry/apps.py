from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "omni_privacy.registry"
    label = "registry"
