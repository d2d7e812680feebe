import datetime as dt

from django.apps import AppConfig


class ConformanceConfig(AppConfig):
    """The live conformance report: clause by clause, the checks that prove it today."""

    name = "omni_privacy.conformance"
    label = "conformance"

    def ready(self) -> None:
        from omni_privacy.core.periodic import PeriodicJob, register

        register(
            PeriodicJob(
                name="conformance_daily",
                interval=dt.timedelta(days=1),
                enqueue=_enqueue_conformance,
            )
        )


def _enqueue_conformance(day: dt.date) -> None:
    from omni_privacy.conformance.tasks import task_conformance_daily

    task_conformance_daily.enqueue(day.isoformat())
