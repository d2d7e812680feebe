from django.apps import AppConfig


class TransfersConfig(AppConfig):
    name = "omni_privacy.transfers"
    label = "transfers"

    def ready(self) -> None:
        from omni_privacy.outbox import hooks
        from omni_privacy.transfers.services import relay_hold

        # Notice §6: the mail relay is a recipient; no round of delivery without its current
        # assessment (outbox/hooks.py: a held round leaves the mail queued).
        if relay_hold not in hooks.before_round:
            hooks.before_round.append(relay_hold)
