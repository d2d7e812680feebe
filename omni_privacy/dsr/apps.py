import datetime as dt

from django.apps import AppConfig


class DsrConfig(AppConfig):
    """Rights requests (notice §9): intake, identity verification, deadlines, fulfilment."""

    name = "omni_privacy.dsr"
    label = "dsr"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from omni_privacy.core.periodic import PeriodicJob, register

        # Daily: reminders to the privacy officers before due days, expiry of requests never
        # verified, purge of closed case files (docs/rights-requests.md).
        register(PeriodicJob(name="dsr_daily", interval=dt.timedelta(days=1), enqueue=_enqueue))


def _enqueue(day: dt.date) -> None:
    from omni_privacy.dsr.tasks import task_dsr_daily

    task_dsr_daily.enqueue(day.isoformat())
