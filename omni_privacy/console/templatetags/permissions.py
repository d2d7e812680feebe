"""Templates ask accounts.permissions too:
``{% load permissions %}{% if user|is_privacy_officer %}``."""

from __future__ import annotations

from django import template

from omni_privacy.accounts import permissions

register = template.Library()


@register.filter(name="is_privacy_officer")
def is_privacy_officer(user: permissions.StaffLike) -> bool:
    return permissions.is_privacy_officer(user)


@register.simple_tag(name="mail_kept_here")
def mail_kept_here() -> bool:
    """The development mailbox is on (outbox/mailbox.py): the console links its page."""
    from omni_privacy.outbox.mailbox import mailbox_in_use

    return mailbox_in_use()
