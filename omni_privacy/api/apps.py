from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "omni_privacy.api"
    label = "api"
