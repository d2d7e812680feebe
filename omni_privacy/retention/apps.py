import datetime as dt

from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "omni_privacy.retention"
    label = "retention"

    def ready(self) -> None:
        from omni_privacy.core.periodic import PeriodicJob, register

        register(
            PeriodicJob(
                name="retention_sweep_daily",
                interval=dt.timedelta(days=1),
                enqueue=_enqueue_sweep,
            )
        )


def _enqueue_sweep(day: dt.date) -> None:
    from omni_privacy.retention.tasks import task_retention_run

    task_retention_run.enqueue(day.isoformat())
