from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operator commands (`omni-privacy ...`): an interface app, like the console."""

    name = "omni_privacy.ops"
    label = "ops"
