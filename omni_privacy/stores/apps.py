import datetime as dt

from django.apps import AppConfig


class StoresConfig(AppConfig):
    name = "omni_privacy.stores"
    label = "stores"

    def ready(self) -> None:
        from omni_privacy.core.periodic import PeriodicJob, register
        from omni_privacy.registry.signals import holdings_erasing

        # The retention sweep's erasures reach every store (registry/signals.py).
        holdings_erasing.connect(_sweep_reaches_stores, dispatch_uid="stores.sweep")

        # Every 5 minutes: per-store erasures whose attempt has come (first tries and retries
        # of stores that were down, stores/domain/retry.py).
        register(
            PeriodicJob(name="store_erasures", interval=dt.timedelta(minutes=5), enqueue=_enqueue)
        )


def _enqueue(day: dt.date) -> None:
    from omni_privacy.stores.tasks import task_store_erasures

    task_store_erasures.enqueue(day.isoformat())


def _sweep_reaches_stores(
    *, holding_ids: list[int], reason: str, actor: str, **_kwargs: object
) -> None:
    from omni_privacy.registry.selectors import holding_emails_and_sources
    from omni_privacy.stores.jobs import store_erasures_request_many
    from omni_privacy.stores.models import ExternalStore

    if not holding_ids or not ExternalStore.objects.exists():
        return
    people = holding_emails_and_sources(holding_ids)
    store_erasures_request_many(actor=actor, reason=reason, people=people)
