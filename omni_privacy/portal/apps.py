from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The public FR/EN pages: views and templates only (notice §2.3: no cookie here)."""

    name = "omni_privacy.portal"
    label = "portal"
