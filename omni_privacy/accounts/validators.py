"""A password validator for what Django's do not catch (issue 15): the published demo
passphrase, and one character repeated (``aaaaaaaaaaaa``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class KnownWeakPasswordValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if password.strip().lower() == str(settings.OMNI_DEMO_PASSWORD).lower():
            raise ValidationError(
                _("This password is the published demo passphrase."), code="password_demo"
            )
        if len(set(password)) <= 2:
            raise ValidationError(
                _("This password repeats one or two characters."), code="password_repetitive"
            )

    def get_help_text(self) -> str:
        return _("Your password can’t be the demo passphrase or one character repeated.")
