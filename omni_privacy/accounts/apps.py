from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "omni_privacy.accounts"
    label = "accounts"
