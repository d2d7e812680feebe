from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "omni_privacy.policy"
    label = "policy"
