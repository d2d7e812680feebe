from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "omni_privacy.console"
    label = "console"
