from django.apps import AppConfig


class ConsentConfig(AppConfig):
    """The consent ledger and the suppression list (notice §9, §9.1)."""

    name = "omni_privacy.consent"
    label = "consent"

    def ready(self) -> None:
        # Honoured before every send, not only when a campaign is built: a suppression added
        # while a message waits in the outbox cancels it (REQUIREMENTS #19: immediate).
        from omni_privacy.consent.selectors import outbox_veto
        from omni_privacy.outbox import hooks

        if outbox_veto not in hooks.before_send:
            hooks.before_send.append(outbox_veto)
