"""Templates ask accounts.permissions too:
``{% load permissions %}{% if user|is_privacy_officer %}``."""

from __future__ import annotations

from django import template

from omni_privacy.accounts import permissions

register = template.Library()


@register.filter(name="is_privacy_officer")
def is_privacy_officer(user: permissions.StaffLike) -> bool:
    return permissions.is_privacy_officer(user)
