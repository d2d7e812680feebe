import datetime as dt

from django.apps import AppConfig


class MailingsConfig(AppConfig):
    """Campaigns with purpose limitation (notice §3, §11; REQUIREMENTS #6, #25)."""

    name = "omni_privacy.mailings"
    label = "mailings"

    def ready(self) -> None:
        from omni_privacy.core.periodic import PeriodicJob, register

        register(
            PeriodicJob(
                name="mailings_close", interval=dt.timedelta(minutes=5), enqueue=_enqueue_close
            )
        )
        # Notice §11: publishing a notice version announces it. The notices app calls the
        # callables in notices.hooks.on_publish (after commit) without importing this app.
        from omni_privacy.mailings.services import announce_published_notice
        from omni_privacy.notices import hooks

        if announce_published_notice not in hooks.on_publish:
            hooks.on_publish.append(announce_published_notice)


def _enqueue_close(day: dt.date) -> None:  # noqa: ARG001 - PeriodicJob contract
    from omni_privacy.mailings.tasks import task_campaigns_close

    task_campaigns_close.enqueue()
