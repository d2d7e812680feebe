"""Which address a request comes from, behind trusted reverse proxies (issue 15 §7).

Pure. ``X-Forwarded-For`` is honoured only when the connection itself comes from a trusted
proxy (OMNI_TRUSTED_PROXIES); the client is then the right-most address of the header that is
not a trusted proxy: everything to its left was written by the client and may be forged.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def networks(entries: Iterable[str]) -> tuple[Network, ...]:
    """Addresses or CIDR blocks (``10.0.0.0/8``, ``::1``); ValueError names a bad one."""
    out: list[Network] = []
    for entry in entries:
        try:
            out.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError as exc:
            raise ValueError(f"not an address or CIDR block: {entry!r}") from exc
    return tuple(out)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("["):  # [2001:db8::1]:443
        text = text[1 : text.find("]")] if "]" in text else text[1:]
    elif text.count(":") == 1:  # 192.0.2.1:443
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _trusted(address: object, trusted: Sequence[Network]) -> bool:
    return any(address in network for network in trusted)


def is_trusted(remote_addr: str, trusted: Sequence[Network]) -> bool:
    """Whether the connection comes from a trusted proxy."""
    peer = _address(remote_addr)
    return peer is not None and _trusted(peer, trusted)


def client_address(remote_addr: str, forwarded_for: str, trusted: Sequence[Network]) -> str:
    """The visitor's address: ``remote_addr`` unless it is a trusted proxy, in which case the
    right-most untrusted hop of ``forwarded_for`` (the left-most hop if all are trusted).
    A hop that is not an address ends the walk: it is untrusted, and the last hop that was
    an address stands for the visitor (never text the visitor chose)."""
    peer = _address(remote_addr)
    if peer is None or not trusted or not _trusted(peer, trusted) or not forwarded_for:
        return remote_addr
    client = peer
    for hop in reversed(forwarded_for.split(",")):
        address = _address(hop)
        if address is None:
            break
        client = address
        if not _trusted(address, trusted):
            break
    return str(client)
