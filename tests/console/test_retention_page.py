"""The retention dashboard (on top of the registry) and the retention page (notice §4-§5:
overdue is an alarm; what is due per clause; holds, runs and their receipts; the
anonymisation register)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from omni_privacy.retention.models import LegalHold, RetentionRun
from omni_privacy.retention.services import retention_run
from tests.console.retention_registry import AS_OF, build
from tests.console.test_views import EXTERNAL, in_english

pytestmark = pytest.mark.django_db

REGISTRY = "/console/"
RETENTION = "/console/retention/"


@pytest.fixture
def registry(officer):
    return build(officer)


def figure(html: str, name: str) -> tuple[str, str]:
    """(class attribute, number) of one dashboard figure."""
    match = re.search(
        rf'<li class="([^"]+)" id="figure-{name}">\s*<span class="figure-number">(\d+)</span>', html
    )
    assert match is not None, name
    return match[1], match[2]


def test_retention_page_url() -> None:
    from django.urls import reverse

    assert reverse("console:retention") == RETENTION


def test_dashboard_on_the_registry_shows_exact_figures_and_overdue_in_red(
    client: Client, officer, registry
) -> None:
    client.force_login(officer)
    response = client.get(REGISTRY)
    overview = response.context["overview"]
    assert (overview.overdue, overview.late, overview.held, overview.due_soon) == (3, 1, 2, 5)
    html = response.content.decode().replace("&#x27;", "'")
    assert figure(html, "overdue") == ("figure figure-alarm", "3")
    assert figure(html, "late") == ("figure figure-warn", "1")
    assert figure(html, "due-soon") == ("figure", "5")
    assert figure(html, "held") == ("figure", "2")
    assert "Toutes les sources" in html
    assert "En retard\u00a0: le délai de l’avis est dépassé" in html
    assert "Aucune exécution de conservation pour l’instant." in html
    assert f'<a href="{RETENTION}">Ouvrir la page Conservation</a>' in html


def test_no_alarm_class_when_nothing_is_overdue(client: Client, officer) -> None:
    client.force_login(officer)
    html = client.get(REGISTRY).content.decode()
    assert figure(html, "overdue") == ("figure", "0")
    assert figure(html, "late") == ("figure", "0")


def test_a_team_sees_the_figures_of_its_own_sources_only(
    client: Client, sales_user, service_user, registry
) -> None:
    client.force_login(sales_user)
    response = client.get(REGISTRY)
    overview = response.context["overview"]
    assert (overview.overdue, overview.late, overview.held, overview.due_soon) == (1, 1, 2, 4)
    html = response.content.decode()
    assert figure(html, "overdue") == ("figure figure-alarm", "1")
    assert "Sources de votre équipe" in html
    assert RETENTION not in html  # neither the dashboard link nor the menu entry

    client.force_login(service_user)
    overview = client.get(REGISTRY).context["overview"]
    assert (overview.overdue, overview.late, overview.held, overview.due_soon) == (1, 0, 0, 1)


def test_dashboard_shows_the_last_run_and_its_receipt(client: Client, officer, registry) -> None:
    retention_run(actor="test", as_of=AS_OF)
    in_english(officer)
    client.force_login(officer)
    html = client.get(REGISTRY).content.decode()
    assert (
        'Sweep · <time datetime="2026-11-25">2026-11-25</time> · '
        '<span class="status status-finished">Finished</span> · '
        "receipt kept in the audit log"
    ) in html
    assert figure(html, "overdue") == ("figure", "0")
    assert figure(html, "held") == ("figure", "2")


@pytest.mark.parametrize("user", ["sales_user", "service_user"])
def test_only_privacy_officers_see_the_retention_page(client: Client, request, user) -> None:
    client.force_login(request.getfixturevalue(user))
    assert client.get(RETENTION).status_code == 403


def test_anonymous_is_sent_to_sign_in(client: Client) -> None:
    response = client.get(RETENTION)
    assert (response.status_code, response["Location"]) == (
        302,
        f"/console/login/?next={RETENTION}",
    )


def test_chart_has_one_bar_per_week_with_heights_from_the_counts(
    client: Client, officer, registry
) -> None:
    in_english(officer)
    client.force_login(officer)
    response = client.get(RETENTION)
    assert response.status_code == 200
    html = response.content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert '<svg class="chart" viewBox="0 0 720 308" width="720" height="308" role="img"' in svg
    assert (
        '<title id="due-chart-title">Holdings due in the next 90 days, per week and notice '
        "clause</title>"
    ) in svg
    assert (
        "Stacked bars, one per week from 2026-11-25 to 2027-02-23, one colour per notice clause: "
        "5 holdings in all. The table below gives the same numbers."
    ) in svg
    # The tallest week holds 2 (the axis goes to 2): 100 units per holding, 200 for the plot.
    rects = re.findall(
        r'<rect x="([\d.]+)" y="([\d.]+)" width="35.97" height="([\d.]+)" fill="(#\w+)">'
        r"<title>([^<]+)</title>",
        svg,
    )
    assert rects == [
        ("51.71", "16", "200", "#CC79A7", "§4 ¶3 · Sales, week of 2026-11-25: 2 holdings"),
        (
            "308.63",
            "116",
            "100",
            "#009E73",
            "§4 ¶2 · Customer service, week of 2026-12-30: 1 holding",
        ),
        ("360.02", "116", "100", "#CC79A7", "§4 ¶3 · Sales, week of 2027-01-06: 1 holding"),
        ("668.32", "116", "100", "#CC79A7", "§4 ¶3 · Sales, week of 2027-02-17: 1 holding"),
    ]
    labels = re.findall(r'<text x="[\d.]+" y="232.8" text-anchor="middle">([^<]+)</text>', svg)
    assert labels[:3] == ["Nov 25", "Dec 2", "Dec 9"]
    assert len(labels) == 13
    assert re.findall(r'dominant-baseline="middle">(§[^<]+)</text>', svg) == [
        "§4 ¶1 · Software solution profile",
        "§3 ¶1, §4 ¶2 · Software solution profile",
        "§4 ¶2 · Customer service",
        "§4 ¶3 · Sales",
        "§4 ¶3, §5, §9.1 · Sales",
        "§4 ¶4 · Administration",
    ]
    # Axis values 0 to 2, then the total above each non-empty bar.
    assert re.findall(r">(\d)</text>", svg) == ["0", "1", "2", "2", "1", "1", "1"]


def test_table_gives_the_same_numbers_as_the_chart(client: Client, officer, registry) -> None:
    client.force_login(officer)
    html = client.get(RETENTION).content.decode()
    table = html[html.index('<table class="numbers" id="due-table">') :]
    table = table[: table.index("</table>")]
    rows = re.findall(
        r'<th scope="row"><time datetime="([\d-]+)">[\d-]+</time> \u2013 <time datetime="([\d-]+)">'
        r"[\d-]+</time></th>\s*((?:<td>\d+</td>)+)\s*<td>(\d+)</td>",
        table,
    )
    nonzero = {
        (start, end): [int(n) for n in re.findall(r"\d+", cells)]
        for start, end, cells, total in rows
        if total != "0"
    }
    assert len(rows) == 13
    assert nonzero == {
        ("2026-11-25", "2026-12-01"): [0, 0, 0, 2, 0, 0],
        ("2026-12-30", "2027-01-05"): [0, 0, 1, 0, 0, 0],
        ("2027-01-06", "2027-01-12"): [0, 0, 0, 1, 0, 0],
        ("2027-02-17", "2027-02-23"): [0, 0, 0, 1, 0, 0],
    }


def test_page_is_french_by_default(client: Client, officer, registry) -> None:
    client.force_login(officer)
    html = client.get(RETENTION).content.decode().replace("&#x27;", "'")
    assert '<html lang="fr"' in html
    assert "<h1>Conservation</h1>" in html
    assert "Fiches à échéance d’ici 90 jours, par semaine et par article de l’avis" in html
    assert "§4 ¶3 · Ventes, semaine du 2026-11-25\u00a0: 2 fiches" in html
    # French day labels under the bars.
    assert '<text x="69.69" y="232.8" text-anchor="middle">25 nov</text>' in html
    assert '<h2 id="holds-title">Conservations légales</h2>' in html
    assert "Jusqu’à la levée" in html
    assert "Aucune exécution de conservation pour l’instant." in html
    assert "Rien n’a encore été anonymisé." in html


def test_holds_in_force_and_past(client: Client, officer, registry) -> None:
    released = LegalHold.objects.create(
        organization=registry.organizations["acme"],
        reason="Vérification terminée",
        placed_by=officer,
        released_at=timezone.now(),
        released_by=officer,
    )
    expired = LegalHold.objects.create(
        organization=registry.organizations["cirrus"],
        reason="Ancienne demande",
        placed_by=officer,
        until=dt.date(2026, 11, 1),
    )
    in_english(officer)
    client.force_login(officer)
    response = client.get(RETENTION)
    assert [hold.hold_id for hold in response.context["active_holds"]] == [
        registry.person_hold.public_id,
        registry.org_hold.public_id,
    ]
    assert [hold.hold_id for hold in response.context["past_holds"]] == [
        expired.public_id,
        released.public_id,
    ]
    html = response.content.decode()
    person = registry.holdings["held_by_person"].person.public_id
    assert f'<a href="/console/people/{person}/">Person {person}</a>' in html
    assert 'Dunes Distribution <span class="code">(dunes)</span>' in html
    assert "Released on 2026-11-25 by Pat Gagnon" in html
    assert "<td>Expired</td>" in html
    assert html.count('<button type="submit">Release</button>') == 2
    # A person hold names the person by public id only: no name or email on this page.
    assert "Prospect held_by_person" not in html
    assert "@example." not in html


def test_runs_with_receipts_and_interrupted_runs_in_amber(
    client: Client, officer, registry
) -> None:
    report = retention_run(actor="test", as_of=AS_OF)
    RetentionRun.objects.create(
        as_of=AS_OF,
        actor="cli",
        status="interrupted",
        started_at=timezone.now() - dt.timedelta(hours=2),
        heartbeat_at=timezone.now() - dt.timedelta(hours=2),
        processed=7,
        counts={"sales_last_contact": {"anonymize": 7}},
    )
    RetentionRun.objects.filter(public_id=report.run_id).update(duration_ms=1234)
    in_english(officer)
    client.force_login(officer)
    html = client.get(RETENTION).content.decode()
    runs = html[html.index('<section id="runs"') : html.index('<section id="register"')]
    rows = re.findall(r'<tr class="run run-(\w+)">(.*?)</tr>', runs, re.S)
    assert [status for status, _cells in rows] == ["finished", "interrupted"]
    finished = re.sub(r"\s+", " ", rows[0][1])
    assert "<td>Sweep</td> <td>2026-11-25</td>" in finished
    assert '<span class="status status-finished">Finished</span></td> <td>5</td>' in finished
    assert '<li>§4 ¶3: <span class="counts">Deleted: 0 · Anonymized: 3 · Held: 2</span></li>' in (
        finished
    )
    assert '<li>§4 ¶2: <span class="counts">Deleted: 0 · Anonymized: 1 · Held: 0</span></li>' in (
        finished
    )
    assert f"<td>1.2 s</td> <td>No. {report.receipt_event}</td>" in finished
    interrupted = re.sub(r"\s+", " ", rows[1][1])
    assert '<span class="status status-interrupted">Interrupted</span></td> <td>7</td>' in (
        interrupted
    )
    assert "<td>— </td>" not in interrupted
    assert interrupted.endswith("<td>—</td> <td>—</td> ")


def test_anonymisation_register_names_its_codes_in_french_and_english(
    client: Client, officer, registry
) -> None:
    report = retention_run(actor="test", as_of=AS_OF)
    client.force_login(officer)
    html = client.get(RETENTION).content.decode().replace("&#x27;", "'")
    register = html[html.index('<section id="register"') :]
    assert "5 fiches anonymisées" in register
    assert "Suppression\u00a0: identifiants directs supprimés, ni masqués ni chiffrés" in register
    assert "Généralisation\u00a0: dates ramenées au mois" in register
    assert "Réponse aux demandes d'information (processus de vente)" in register
    assert "Ventes · Réponse aux demandes d'information (processus de vente) : 3" not in register
    assert "Ventes · Réponse aux demandes d'information (processus de vente): 3" in register
    assert "Risque de réidentification très faible" in register
    assert f"nº {report.receipt_event}" in register

    in_english(officer)
    register = client.get(RETENTION).content.decode().replace("&#x27;", "'")
    register = register[register.index('<section id="register"') :]
    assert "5 holdings anonymized" in register
    assert (
        "Unlinking: holding and person records deleted; the facts kept are stored apart, "
        "with new identifiers, in random order and by month only"
    ) in register
    assert "Only privacy officers see the register and the legal holds" in register
    assert (
        "<dd>Full name, Email address, Telephone number, Preferred language, Profile roles, "
        "Link to the person, Link to the customer instance, Holding identifier, "
        "Last contact date, Role removal date</dd>"
    ) in register
    assert "<dd>Collection date</dd>" in register
    assert (
        "<dd>Organisation, Source, Purpose, Legal basis, Channel, Collection month, "
        "Anonymisation month, Retention rule</dd>"
    ) in register


def test_retention_page_loads_nothing_from_another_host(client: Client, officer, registry) -> None:
    retention_run(actor="test", as_of=AS_OF)
    client.force_login(officer)
    html = client.get(RETENTION).content.decode()
    assert EXTERNAL.findall(html) == []
    assert "<script" not in html
    assert " style=" not in html


def _more_history(officer, registry, count: int) -> None:
    """``count`` runs (each with a register entry when anything is left to anonymise) and
    ``count`` more holds."""
    for index in range(count):
        retention_run(actor="test", as_of=AS_OF + dt.timedelta(days=index * 40))
        LegalHold.objects.create(
            organization=registry.organizations["cirrus"],
            reason=f"Dossier {index}",
            placed_by=officer,
        )


@pytest.mark.parametrize("count", [1, 3])
def test_retention_page_query_count_does_not_grow(
    client: Client, officer, registry, django_assert_max_num_queries, count
) -> None:
    _more_history(officer, registry, count)
    assert RetentionRun.objects.count() == count
    client.force_login(officer)
    client.get(RETENTION)  # the first page of a session stores its CSRF token in the session
    # Session, user, figures, last run, instance syncs, overdue rights requests and the
    # request figures, due per clause, holds, runs, register, external stores, undelivered mail,
    # open incidents, last conformance run.
    # +2 queries since issue 16: the transfers alarms of the dashboard (notice §6).
    with django_assert_max_num_queries(17):
        response = client.get(RETENTION)
    assert len(response.context["runs"]) == count
    assert len(response.context["active_holds"]) == 2 + count
