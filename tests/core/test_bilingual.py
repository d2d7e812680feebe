"""The letters' lines come from the catalogue in both languages (core/bilingual.py)."""

from __future__ import annotations

from django.utils.translation import ngettext_lazy

from omni_privacy.core.bilingual import both
from omni_privacy.dsr.fulfilment import ERASED_ON, HELD_UNTIL_LIFTED
from omni_privacy.dsr.stores_bridge import STORE_ERASED


def test_a_line_in_both_languages_with_a_label_per_language() -> None:
    line = both(ERASED_ON, label={"fr": "Ventes", "en": "Sales"}, day="2026-11-25")
    assert line == {"fr": "Ventes : effacés le 2026-11-25", "en": "Sales: erased on 2026-11-25"}
    held = both(HELD_UNTIL_LIFTED, label={"fr": "Ventes", "en": "Sales"})
    assert "d’une obligation légale" in held["fr"]  # typographic apostrophes, as everywhere
    assert held["en"].endswith("until it is lifted")
    assert both(STORE_ERASED, store="CRM")["fr"] == (
        "Base « CRM » : vos renseignements ont été effacés."
    )


def test_a_plural_line_agrees_with_its_count_in_each_language() -> None:
    message = ngettext_lazy(
        "Information corrected in %(count)s record.",
        "Information corrected in %(count)s records.",
        "count",
    )
    assert both(message, count=1) == {
        "fr": "Renseignements corrigés dans 1 dossier.",
        "en": "Information corrected in 1 record.",
    }
    assert both(message, count=3)["fr"] == "Renseignements corrigés dans 3 dossiers."
    assert both(message, count=0)["en"] == "Information corrected in 0 records."
