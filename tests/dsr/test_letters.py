"""Letters (issue 6 item 6): every kind in French and English names the privacy officers and
the authority of the request's jurisdiction; delivery waits for the commit."""

from __future__ import annotations

import pytest
from django.db import transaction

from omni_privacy.dsr.letters import KINDS, render_letter
from omni_privacy.dsr.services import dsr_request_submit
from tests.dsr.conftest import NOW, TODAY

pytestmark = pytest.mark.django_db

AUTHORITIES = {
    ("quebec", "fr"): "auprès de la Commission d’accès à l’information du Québec (CAI)",
    ("pipeda", "fr"): "auprès du Commissariat à la protection de la vie privée du Canada (CPVP)",
    ("pipeda", "en"): "the Office of the Privacy Commissioner of Canada (OPC)",
    ("quebec", "en"): "the Commission d’accès à l’information du Québec (CAI)",
    ("gdpr", "en"): "the data protection authority of your EU or EEA member state",
    ("gdpr", "fr"): "auprès de l’autorité de protection des données de votre État membre de l’UE",
}
OFFICERS = {
    "fr": "le président-directeur général et le chef d’équipe Assurance qualité, conjointement",
    "en": "the Chief Executive Officer and the QA team leader, jointly",
}
CONTEXT = {
    "code": "123456",
    "quebec": True,
    "links": [],
    "lines_fr": [],
    "lines_en": [],
    "reason_fr": "x",
    "reason_en": "x",
    "text": "",
}


@pytest.mark.parametrize(("jurisdiction", "language"), sorted(AUTHORITIES))
@pytest.mark.parametrize("kind", KINDS)
def test_every_letter_names_the_officers_and_the_authority(
    db, frozen, kind: str, jurisdiction: str, language: str
) -> None:
    rights = dsr_request_submit(
        kind="erasure",
        email="camille@example.com",
        language=language,
        jurisdiction=jurisdiction,
        now=NOW,
        received_on=TODAY,
    )
    subject, body = render_letter(request=rights, kind=kind, language=language, context=CONTEXT)
    assert subject
    assert "{{" not in body
    assert "&#x27;" not in body + subject
    assert OFFICERS[language] in body
    assert "info@omni-assistant.net" in body
    assert AUTHORITIES[jurisdiction, language] in body
    assert str(rights.public_id) in body


def test_nothing_is_sent_when_the_transaction_rolls_back(
    db, frozen, smtp, django_capture_on_commit_callbacks
) -> None:
    with (  # noqa: PT012 - the submit and the failure share the transaction
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        dsr_request_submit(
            kind="access",
            email="camille@example.com",
            language="fr",
            jurisdiction="quebec",
            now=NOW,
            received_on=TODAY,
        )
        raise RuntimeError("rolled back")
    assert smtp.messages == []
