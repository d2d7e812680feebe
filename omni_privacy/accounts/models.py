"""Staff users and the team each belongs to (REQUIREMENTS: who uses it)."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


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
