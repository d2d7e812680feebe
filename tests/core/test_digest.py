"""Keyed digests: the sync's fast keyer gives exactly the reference HMAC."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable

from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from omni_privacy.core.digest import profile_key, profile_keying
from omni_privacy.core.keyed import hmac_sha256_keyer


def profile_keyer(instance_id: int) -> Callable[[str], str]:
    """As the sync's parsing processes key profiles: once per instance."""
    return hmac_sha256_keyer(*profile_keying(instance_id))


@given(instance_id=st.integers(min_value=1, max_value=10**9), user_id=st.text(max_size=80))
def test_the_keyer_gives_the_reference_hmac(instance_id: int, user_id: str) -> None:
    assert profile_keyer(instance_id)(user_id) == profile_key(instance_id, user_id)


def test_profile_key_is_hmac_sha256_of_the_instance_and_user_id() -> None:
    with override_settings(OMNI_DIGEST_KEY="a-test-digest-key"):
        expected = hmac.new(b"a-test-digest-key", b"profile\x007\x00u-42", hashlib.sha256)
        assert profile_key(7, "u-42") == expected.hexdigest()
        assert profile_keyer(7)("u-42") == expected.hexdigest()


def test_a_key_longer_than_a_block_is_hashed_first_as_rfc_2104_says() -> None:
    long_key = "k" * 100
    with override_settings(OMNI_DIGEST_KEY=long_key):
        expected = hmac.new(long_key.encode(), b"profile\x001\x00x", hashlib.sha256).hexdigest()
        assert profile_keyer(1)("x") == expected


def test_another_instance_gives_another_key() -> None:
    assert profile_keyer(1)("u-1") != profile_keyer(2)("u-1")
