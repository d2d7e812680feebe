"""Staff users and the team each belongs to (REQUIREMENTS: who uses it)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from omni_privacy.core.models import PublicIdModel


class Team(models.TextChoices):
    CUSTOMER_SERVICE = "customer_service", _("Customer service")
    SALES = "sales", _("Sales")
    ADMINISTRATION = "administration", _("Administration")
    PRIVACY_OFFICE = "privacy_office", _("Privacy office")


class User(AbstractUser):
    """A staff member. Staff are not data subjects of the registry: their own account data is
    governed by Omni's employment policies, not notice QAC-REC-004."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    team = models.CharField(max_length=32, choices=Team.choices)
    preferred_language = models.CharField(
        max_length=2, choices=[("fr", "Français"), ("en", "English")], default="fr"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(team__in=[choice.value for choice in Team]),
                name="accounts_user_team_valid",
            )
        ]


class PrivacyOfficerDelegation(PublicIdModel):
    """The written delegation of the privacy-officer role to a staff member (notice §12: the
    CEO and the QA team leader hold it jointly; QC s.3.1: the person in charge may delegate it
    in writing). It holds from ``valid_from`` to ``valid_until`` (inclusive; empty: with no end)
    unless revoked, from ``revoked_on`` on."""

    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="privacy_officer_delegations"
    )
    valid_from = models.DateField()
    valid_until = models.DateField(null=True, blank=True)
    document = models.CharField(max_length=200, help_text="reference of the signed delegation")
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField()
    revoked_on = models.DateField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-valid_from", "user__username"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="accounts_delegation_until_after_from",
            ),
            models.CheckConstraint(
                condition=models.Q(revoked_on__isnull=True, revoked_at__isnull=True)
                | models.Q(revoked_on__isnull=False, revoked_at__isnull=False),
                name="accounts_delegation_revocation_complete",
            ),
        ]

    def __str__(self) -> str:
        return str(self.public_id)

    def holds_on(self, day: dt.date) -> bool:
        return (
            self.valid_from <= day
            and (self.valid_until is None or day <= self.valid_until)
            and (self.revoked_on is None or day < self.revoked_on)
        )


class StaffApiToken(PublicIdModel):
    """A staff member's API token (`omni-privacy api-token create`). Only its SHA-256 is
    stored: the token is 256 random bits, so no slow hash is needed to resist guessing.

    The table keeps the name it had when the model lived in dsr (moved by state only:
    accounts migration 0003, dsr migration 0002)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    name = models.CharField(max_length=100, blank=True, help_text="what it is for, for people")
    scopes = models.JSONField(default=list, help_text="accounts/tokens.py SCOPES")
    expires_at = models.DateTimeField(null=True, blank=True, help_text="none: a token from before")
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "dsr_staffapitoken"

    def __str__(self) -> str:
        return f"token {self.prefix}…"


class SpentSignInToken(models.Model):
    """A sign-in form token already used (issue 15: one form token, one attempt). Rows older
    than the token's lifetime are deleted as new ones come (accounts/signin.py)."""

    nonce = models.CharField(max_length=64, unique=True)
    spent_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"spent sign-in token at {self.spent_at:%Y-%m-%d %H:%M}"
