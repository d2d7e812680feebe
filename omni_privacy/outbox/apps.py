import datetime as dt

from django.apps import AppConfig


class OutboxConfig(AppConfig):
    """The durable outbox: every mail the system sends is a row first (outbox/delivery.py)."""

    name = "omni_privacy.outbox"
    label = "outbox"

    def ready(self) -> None:
        from omni_privacy.core.periodic import PeriodicJob, register

        # The row is the truth and a task only a nudge: every minute the worker picks up what
        # is queued or due for a retry, and reclaims what a dead worker left in "sending".
        register(
            PeriodicJob(name="outbox_deliver", interval=dt.timedelta(minutes=1), enqueue=_enqueue)
        )


def _enqueue(day: dt.date) -> None:  # noqa: ARG001 - PeriodicJob contract
    from omni_privacy.outbox.tasks import task_outbox_deliver

    task_outbox_deliver.enqueue()
