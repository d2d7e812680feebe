import datetime as dt

from django.apps import AppConfig


class StoresConfig(AppConfig):
    name = "omni_privacy.stores"
    label = "stores"

    def ready(self) -> None:
        from omni_privacy.core.periodic import PeriodicJob, register

        # Every 5 minutes: per-store erasures whose attempt has come (first tries and retries
        # of stores that were down, stores/domain/retry.py).
        register(
            PeriodicJob(name="store_erasures", interval=dt.timedelta(minutes=5), enqueue=_enqueue)
        )


def _enqueue(day: dt.date) -> None:
    from omni_privacy.stores.tasks import task_store_erasures

    task_store_erasures.enqueue(day.isoformat())
