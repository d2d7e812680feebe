"""Input hygiene (issue 15 §8): strict JSON, invisible characters in names, UTF-8 only."""

from __future__ import annotations

import io
import json

import pytest
from django.test import Client
from django.utils import translation

from omni_privacy.core import strictjson
from omni_privacy.core.text import NAME_INVISIBLE, invisible_character
from omni_privacy.intake.domain.snapshot import SnapshotError, read_snapshot
from omni_privacy.registry.domain.gate import HoldingCandidate
from omni_privacy.registry.importer import parse_line


def test_deep_nesting_is_refused_with_its_line_and_column_not_a_recursion_error():
    with pytest.raises(strictjson.StrictJsonError) as refused, translation.override("en"):
        strictjson.loads("[" * 100_000)
    assert (refused.value.code, refused.value.lineno, refused.value.colno) == (
        strictjson.TOO_DEEP,
        1,
        33,
    )
    assert refused.value.msg == "nested deeper than 32 levels"
    assert strictjson.loads("[" * 32 + "]" * 32) == json.loads("[" * 32 + "]" * 32)


@pytest.mark.parametrize("fast", [False, True])
def test_a_duplicate_key_is_refused_with_its_place(fast):
    text = '{"type": "holding",\n "email": "a@example.com", "email": "b@example.com"}'
    with pytest.raises(strictjson.StrictJsonError) as refused, translation.override("en"):
        strictjson.loads(text, fast=fast)
    with translation.override("en"):
        said = refused.value.problems[0].said()
    assert said == ('line 2: the key "email" appears twice in one object')
    assert isinstance(refused.value, json.JSONDecodeError)


def test_strings_holding_brackets_and_colons_are_not_miscounted():
    text = '{"a": "[[[[\\":", "b": {"c": ["]"]}}'
    assert strictjson.loads(text, fast=True) == {"a": '[[[[":', "b": {"c": ["]"]}}


def test_the_importer_refuses_a_duplicate_key_and_survives_deep_nesting():
    _, problems = parse_line('{"type": "organization", "id": "a", "id": "b"}')
    with translation.override("en"):
        said = [str(p) for p in problems]
    assert said == [
        '(line): is not valid JSON (the key "id" appears twice in one object at column 37)'
    ]
    _, deep = parse_line("[" * 100_000)
    assert [p.field for p in deep] == ["(line)"]


def test_the_snapshot_refuses_a_duplicate_key_on_its_line():
    good = {"user_id": "u1", "full_name": "Ana Roy", "email": "ana@example.com",
            "preferred_language": "fr", "roles": []}  # fmt: skip
    line = json.dumps(good)[:-1] + ', "email": "other@example.com"}'
    data = (json.dumps(good | {"user_id": "u0"}) + "\n" + line + "\n").encode()
    with pytest.raises(SnapshotError) as refused:
        list(read_snapshot(io.BytesIO(data), fmt="jsonl"))
    with translation.override("en"):
        assert str(refused.value) == "line 2: not valid JSON"


@pytest.mark.parametrize(
    ("name", "codepoint"),
    [("Ana\u202eyoR", "202E"), ("An\u200ba", "200B"), ("\ufeffAna", "FEFF"),
     ("Ana\u2066x\u2069", "2066"), ("Ana Roy", None), ("Zoë Ng-Tremblay", None)],
)  # fmt: skip
def test_invisible_characters_in_names(name, codepoint):
    assert invisible_character(name) == codepoint


def test_the_gate_refuses_an_invisible_character_with_its_own_code(policy, today):
    from omni_privacy.registry.domain.facts import Interval, OrganizationFacts
    from omni_privacy.registry.domain.gate import check_holding

    candidate = HoldingCandidate(
        source="customer_service", purpose="service_obligations", legal_basis="contract",
        channel="email", collected_at=today, full_name="Ana\u202eyoR", email="ana@example.com",
    )  # fmt: skip
    facts = OrganizationFacts(subscriptions=(Interval(today),), purchasing_group_contracts=())
    result = check_holding(candidate, policy, facts, today=today)
    assert [(e.field, e.code) for e in result.errors] == [("person.full_name", NAME_INVISIBLE)]


@pytest.mark.django_db
def test_the_portal_form_refuses_an_invisible_character_in_french():
    from omni_privacy.portal.forms import InformationRequestForm

    form = InformationRequestForm({"full_name": "Ana\u200bRoy", "email": "ana@example.com"})
    assert not form.is_valid()
    assert form.errors.as_data()["full_name"][0].code == NAME_INVISIBLE


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "words"), [("/fr/", "UTF-8"), ("/en/", "UTF-8")])
def test_a_form_in_latin_1_gets_a_translated_400_not_u_fffd(path, words):
    client = Client()
    response = client.post(
        path, b"full_name=Ana%E9", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert words in response.content.decode()
    assert client.get(path + "?q=%E9").status_code == 400
    assert client.get(path + "?q=%C3%A9").status_code == 200
