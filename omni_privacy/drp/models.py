"""Authorised agents of the Data Rights Protocol 1.0, their pair-wise tokens, and the rights
requests they submitted (issue 15 point 6). Only drp/services.py writes these tables."""

from __future__ import annotations

from django.db import models

from omni_privacy.core.models import TimeStampedModel


class Agent(TimeStampedModel):
    """An authorised agent, registered out of band by a privacy officer with its Ed25519
    public key (DRP §3.05.1: the root of trust of its signed requests)."""

    agent_id = models.CharField(max_length=64, unique=True, help_text="[A-Z_]+, DRP §3.05.1")
    name = models.CharField(max_length=200)
    verify_key = models.CharField(max_length=64, help_text="base64 Ed25519 public key")
    active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.agent_id


class AgentToken(TimeStampedModel):
    """A pair-wise bearer token (DRP §2.05), stored as its SHA-256 only."""

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="tokens")
    digest = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.agent_id}:{self.digest[:8]}"


class SignedMessage(models.Model):
    """Every signed body accepted, by digest, until it expires: a replayed body is refused."""

    digest = models.CharField(max_length=64, unique=True)
    agent = models.ForeignKey(Agent, on_delete=models.CASCADE)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.digest[:8]


class AgentRequest(TimeStampedModel):
    """A rights request an agent submitted, and what its status callback last told the agent."""

    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="requests")
    rights_request = models.OneToOneField(
        "dsr.RightsRequest", on_delete=models.CASCADE, related_name="drp"
    )
    agent_request_id = models.CharField(max_length=200, blank=True)
    status_callback = models.URLField(max_length=500, blank=True)
    last_status_sent = models.CharField(max_length=40, blank=True)
    callback_attempts = models.PositiveSmallIntegerField(default=0)
    callback_failed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.agent_id}:{self.rights_request_id}"
