import datetime as dt

from django.apps import AppConfig


class DrpConfig(AppConfig):
    """The Data Rights Protocol 1.0 for authorised agents (docs/drp.md)."""

    name = "omni_privacy.drp"
    label = "drp"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from omni_privacy.core.periodic import PeriodicJob, register

        # Every 5 minutes: tell agents whose request changed status (DRP §2.03 callbacks).
        register(
            PeriodicJob(name="drp_callbacks", interval=dt.timedelta(minutes=5), enqueue=_enqueue)
        )


def _enqueue(day: dt.date) -> None:
    from omni_privacy.drp.tasks import task_drp_callbacks

    task_drp_callbacks.enqueue(day.isoformat())
