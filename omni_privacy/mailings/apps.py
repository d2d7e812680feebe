import datetime as dt
import importlib
import logging

from django.apps import AppConfig

logger = logging.getLogger(__name__)


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
        # callables in notices.hooks.on_publish without importing this app; it is looked up by
        # name so that this app also runs where the notices app is not installed.
        try:
            notice_hooks = importlib.import_module("omni_privacy.notices.hooks")
        except ModuleNotFoundError:
            return
        from omni_privacy.mailings.services import announce_published_notice

        on_publish = getattr(notice_hooks, "on_publish", None)
        if isinstance(on_publish, list) and announce_published_notice not in on_publish:
            on_publish.append(announce_published_notice)


def _enqueue_close(day: dt.date) -> None:  # noqa: ARG001 - PeriodicJob contract
    from omni_privacy.mailings.tasks import task_campaigns_close

    task_campaigns_close.enqueue()
