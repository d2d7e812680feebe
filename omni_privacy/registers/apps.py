import datetime as dt

from django.apps import AppConfig


class RegistersConfig(AppConfig):
    """The regulator's registers: disclosures (§7), confidentiality incidents (§8) and the
    records of processing generated from the policy file and these registers."""

    name = "omni_privacy.registers"
    label = "registers"

    def ready(self) -> None:
        from omni_privacy.core.periodic import PeriodicJob, register

        register(
            PeriodicJob(
                name="incident_reminders_hourly",
                interval=dt.timedelta(hours=1),
                enqueue=_enqueue_incident_reminders,
            )
        )


def _enqueue_incident_reminders(day: dt.date) -> None:  # noqa: ARG001 - PeriodicJob contract
    from omni_privacy.registers.tasks import task_incident_reminders

    task_incident_reminders.enqueue()
