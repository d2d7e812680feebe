"""Whom the person may complain to (notice §9.2, REQUIREMENTS #24), by jurisdiction. Pure."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Authority:
    name_fr: str
    name_en: str
    url: str
    after_aupres_fr: str = ""
    """The name as it follows « auprès » in French, with its article: « de la Commission »,
    « du Commissariat », « de l’autorité »."""
    after_to_en: str = ""
    """The name as it follows "complain to" in English, with its article."""

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_fr

    def complain_to(self, language: str) -> str:
        """The name as a sentence's object: "to the Commission …", « auprès de la … »."""
        if language == "en":
            return self.after_to_en or self.name_en
        return self.after_aupres_fr or self.name_fr


AUTHORITIES = {
    "quebec": Authority(
        "Commission d’accès à l’information du Québec (CAI)",
        "Commission d’accès à l’information du Québec (CAI)",
        "https://www.cai.gouv.qc.ca",
        "de la Commission d’accès à l’information du Québec (CAI)",
        "the Commission d’accès à l’information du Québec (CAI)",
    ),
    "pipeda": Authority(
        "Commissariat à la protection de la vie privée du Canada (CPVP)",
        "Office of the Privacy Commissioner of Canada (OPC)",
        "https://www.priv.gc.ca",
        "du Commissariat à la protection de la vie privée du Canada (CPVP)",
        "the Office of the Privacy Commissioner of Canada (OPC)",
    ),
    "gdpr": Authority(
        "l’autorité de protection des données de votre État membre de l’UE ou de l’EEE",
        "the data protection authority of your EU or EEA member state",
        "https://www.edpb.europa.eu/about-edpb/about-edpb/members_en",
        "de l’autorité de protection des données de votre État membre de l’UE ou de l’EEE",
    ),
}

PRIVACY_OFFICER = {
    "fr": (
        "Les personnes responsables de la protection des renseignements personnels "
        "d’Omnitech Innovations : le président-directeur général et le chef d’équipe "
        "Assurance qualité, conjointement"
    ),
    "en": (
        "The persons in charge of the protection of personal information at Omnitech "
        "Innovations: the Chief Executive Officer and the QA team leader, jointly"
    ),
}
PRIVACY_OFFICER_EMAIL = "info@omni-assistant.net"
