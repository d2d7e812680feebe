"""The visitor's address behind trusted proxies, and the keys rate limits count (issue 15 §7)."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory

from omni_privacy.core.clientip import client_address, networks
from omni_privacy.core.security import TrustedProxyMiddleware
from omni_privacy.core.throttle import allow, normalised
from omni_privacy.portal.views import PER_IP

PROXIES = networks(["10.0.0.0/8", "127.0.0.1"])


@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        ("198.51.100.7", "203.0.113.9", "198.51.100.7"),  # not from a proxy: the header is ignored
        ("127.0.0.1", "203.0.113.9", "203.0.113.9"),
        ("127.0.0.1", "1.1.1.1, 203.0.113.9", "203.0.113.9"),  # the left part is the visitor's
        ("127.0.0.1", "203.0.113.9, 10.1.2.3", "203.0.113.9"),  # a second proxy is skipped
        ("127.0.0.1", "10.1.2.4, 10.1.2.3", "10.1.2.4"),  # all trusted: the left-most
        ("127.0.0.1", "", "127.0.0.1"),
        ("127.0.0.1", "203.0.113.9:5555", "203.0.113.9"),
        ("127.0.0.1", "[2001:db8::1]:443", "2001:db8::1"),
        ("127.0.0.1", "not-an-address, 10.1.2.3", "10.1.2.3"),  # never text the visitor chose
    ],
)
def test_the_right_most_untrusted_hop_is_the_visitor(remote, forwarded, client):
    assert client_address(remote, forwarded, PROXIES) == client


def test_no_trusted_proxy_means_no_forwarded_header():
    assert client_address("127.0.0.1", "203.0.113.9", ()) == "127.0.0.1"


def test_a_bad_proxy_entry_is_named():
    with pytest.raises(ValueError, match="not-a-cidr"):
        networks(["not-a-cidr"])


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("Camille+7@Example.COM", "camille@example.com"),
        ("camille@example.com", "camille@example.com"),
        ("+only@example.com", "+only@example.com"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("::ffff:192.0.2.1", "192.0.2.1"),
        ("192.0.2.1", "192.0.2.1"),
    ],
)
def test_rate_limits_count_one_mailbox_and_one_ipv6_64(value, key):
    assert normalised(value) == key


@pytest.mark.django_db
def test_the_middleware_gives_rate_limits_the_visitor_behind_the_proxy(settings):
    settings.OMNI_TRUSTED_PROXIES = ["127.0.0.1"]
    seen = []

    def view(request):
        seen.append((request.META["REMOTE_ADDR"], request.META.get("HTTP_X_FORWARDED_PROTO")))
        return HttpResponse()

    middleware = TrustedProxyMiddleware(view)
    factory = RequestFactory()
    middleware(
        factory.get(
            "/",
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.9",
            HTTP_X_FORWARDED_PROTO="https",
        )
    )
    middleware(
        factory.get(
            "/",
            REMOTE_ADDR="198.51.100.7",
            HTTP_X_FORWARDED_FOR="203.0.113.9",
            HTTP_X_FORWARDED_PROTO="https",
        )
    )
    assert seen == [("203.0.113.9", "https"), ("198.51.100.7", None)]


@pytest.mark.django_db
def test_visitors_behind_the_proxy_have_their_own_rate_limit(settings):
    """Before: every visitor behind the proxy shared REMOTE_ADDR 127.0.0.1, and ten posts
    from one blocked the information-request form for everyone."""
    settings.OMNI_TRUSTED_PROXIES = ["127.0.0.1"]
    client = Client()

    def hits(visitor: str) -> bool:
        request = client.get("/fr/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=visitor)
        return allow([(PER_IP, request.wsgi_request.META["REMOTE_ADDR"])])

    assert [hits("203.0.113.9") for _ in range(PER_IP.attempts + 1)][-1] is False
    assert hits("203.0.113.10") is True
