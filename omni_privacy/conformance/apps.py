from django.apps import AppConfig


class ConformanceConfig(AppConfig):
    """The live conformance report: clause by clause, the checks that prove it today."""

    name = "omni_privacy.conformance"
    label = "conformance"
