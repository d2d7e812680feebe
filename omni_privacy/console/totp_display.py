"""The TOTP enrolment's QR code, drawn here as inline SVG (qrcode's SVG path image): the
secret never leaves the server in a request for an image."""

from __future__ import annotations

from typing import Any

import qrcode
import qrcode.image.svg
from django.utils.safestring import mark_safe
from django_otp.plugins.otp_totp.models import TOTPDevice

from omni_privacy.accounts.signin import totp_secret


def enrolment_context(device: TOTPDevice) -> dict[str, Any]:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    svg = image.to_string(encoding="unicode")
    secret = totp_secret(device)
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return {"qr_svg": mark_safe(svg), "secret": grouped}  # noqa: S308 - our own drawing
