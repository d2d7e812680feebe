"""Records of processing activities, generated (GDPR art. 30(1); Quebec P-39.1 s.3.2 asks for
the governance policies; issue 16 point 5): one activity per source x purpose of the policy
file, plus the usage data (§2.2) and the authentication cookies (§2.3) as what they are:
collected by the software solutions and kept in the customer's instance, not by Omni's
privacy system. Pure: the policy and the recipients come in as arguments.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from omni_privacy.policy.domain.schema import Policy

# Security measures of the system (docs/architecture.md, docs/security): the same for every
# activity it runs. (fr, en)
SECURITY = (
    ("Renseignements personnels chiffrés au repos (champs scellés)",
     "Personal information encrypted at rest (sealed fields)"),
    ("Accès par équipe et par source\u00a0; responsables de la protection désignés par écrit (§12)",
     "Access by team and source; privacy officers appointed in writing (§12)"),
    ("Journal d’audit chaîné et infalsifiable\u00a0; aucune donnée personnelle en clair",
     "Hash-chained, append-only audit log; no personal data in clear in logs"),
    ("Conservation et destruction automatiques selon l’avis (§4, §5)",
     "Automatic retention and destruction under the notice (§4, §5)"),
)  # fmt: skip
OMNI_INFRASTRUCTURE = (
    "Infrastructure d’Omni (Québec, Canada)",
    "Omni's infrastructure (Quebec, Canada)",
)
NO_TRANSFER = ("Aucun transfert hors du Québec", "No transfer outside Quebec")


@dataclass(frozen=True)
class Activity:
    source: str
    purpose: str
    section: str
    name: str
    persons: tuple[str, ...]
    data: tuple[str, ...]
    purpose_text: str
    legal_bases: tuple[str, ...]
    retention: tuple[str, ...]
    recipients: tuple[str, ...]
    transfers: tuple[str, ...]
    security: tuple[str, ...]


def _pick(pair: tuple[str, str], language: str) -> str:
    return pair[1] if language == "en" else pair[0]


def records_of_processing(
    policy: Policy,
    *,
    language: str,
    recipients: Mapping[str, Sequence[tuple[str, str]]] | None = None,
    transfers: Mapping[str, Sequence[tuple[str, str]]] | None = None,
) -> list[Activity]:
    """Every processing activity, in ``language``. ``recipients`` and ``transfers`` by source
    id, as (fr, en) pairs (from the recipients register and the external stores)."""
    recipients = recipients or {}
    transfers = transfers or {}
    security = tuple(_pick(pair, language) for pair in SECURITY)
    activities = []
    for source in policy.sources.values():
        persons = tuple(policy.roles[role].label.get(language) for role in source.roles) or (
            source.condition_text.get(language),
        )
        data = tuple(policy.fields[name].label.get(language) for name in source.fields)
        rules = tuple(
            f"{rule.section} · {rule.text.get(language)}"
            for rule in policy.retention
            if rule.source == source.id
        )
        bases = tuple(policy.legal_bases[basis].label.get(language) for basis in source.legal_bases)
        for purpose in source.purposes:
            activities.append(
                Activity(
                    source=source.id,
                    purpose=purpose,
                    section=f"{source.section}; {policy.purposes[purpose].section}",
                    name=source.label.get(language),
                    persons=persons,
                    data=data,
                    purpose_text=policy.purposes[purpose].label.get(language),
                    legal_bases=bases,
                    retention=rules,
                    recipients=(
                        _pick(OMNI_INFRASTRUCTURE, language),
                        *(_pick(pair, language) for pair in recipients.get(source.id, ())),
                    ),
                    transfers=tuple(_pick(p, language) for p in transfers.get(source.id, ()))
                    or (_pick(NO_TRANSFER, language),),
                    security=security,
                )
            )
    return activities + _software_activities(language)


USAGE_DATA = (
    (
        "Adresse IP publique, navigateur et version, date et heure de connexion, identifiants "
        "de l’appareil, données de diagnostic"
    ),
    (
        "Public IP address, browser and version, time and date of connection, device "
        "identifiers, diagnostic data"
    ),
)
USAGE_PURPOSE = (
    "Fonctionnement et diagnostic des solutions logicielles",
    "Operation and diagnosis of the software solutions",
)
COOKIE_PURPOSE = (
    (
        "Identifier la session et prévenir l’utilisation frauduleuse des comptes "
        "(essentiels\u00a0; les sites publics n’en déposent aucun)"
    ),
    (
        "Identify the session and prevent fraudulent use of accounts (essential; the public "
        "websites set none)"
    ),
)
INSTANCE = (
    "L’instance du client (les données y restent)",
    "The customer's instance (the data stay there)",
)
USERS = ("Utilisateurs des solutions logicielles", "Users of the software solutions")
CONTRACT = ("Exécution d’un contrat", "Performance of a contract")
KEPT_THERE = ("Selon l’instance du client", "As the customer's instance keeps them")


def _software_activities(language: str) -> list[Activity]:
    """§2.2 and §2.3: processed by the software solutions in the customer's own instance."""

    def activity(source: str, purpose: str, section: str, *, name: tuple[str, str],
                 data: tuple[str, str], why: tuple[str, str]) -> Activity:  # fmt: skip
        return Activity(
            source=source,
            purpose=purpose,
            section=section,
            name=_pick(name, language),
            persons=(_pick(USERS, language),),
            data=(_pick(data, language),),
            purpose_text=_pick(why, language),
            legal_bases=(_pick(CONTRACT, language),),
            retention=(_pick(KEPT_THERE, language),),
            recipients=(_pick(INSTANCE, language),),
            transfers=(_pick(NO_TRANSFER, language),),
            security=(),
        )

    return [
        activity("usage_data", "diagnostics", "§2.2",
                 name=("Données d’utilisation", "Usage data"), data=USAGE_DATA, why=USAGE_PURPOSE),
        activity("authentication_cookies", "session", "§2.3",
                 name=("Témoins d’authentification", "Authentication cookies"),
                 data=("Identifiant de session", "Session identifier"), why=COOKIE_PURPOSE),
    ]  # fmt: skip
