import datetime as dt

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "omni_privacy.audit"
    label = "audit"

    def ready(self) -> None:
        from omni_privacy.core.periodic import PeriodicJob, register

        register(
            PeriodicJob(
                name="audit_verify_daily",
                interval=dt.timedelta(days=1),
                enqueue=_enqueue_audit_verify,
            )
        )


def _enqueue_audit_verify(day: dt.date) -> None:  # noqa: ARG001 - PeriodicJob contract
    # The check covers the whole chain whatever the day: the slot's date is not needed.
    from omni_privacy.audit.tasks import task_audit_verify

    task_audit_verify.enqueue()
