"""core/pdf.py: HTML to PDF with the application's own static files and nothing external."""

import pytest

from omni_privacy.core.pdf import ExternalResourceError, _fetcher, html_to_pdf


def test_a_document_becomes_a_pdf_with_french_accents():
    pdf = html_to_pdf("<html><body><h1>Rapport d’accès « Évaluée »</h1></body></html>")
    assert pdf.startswith(b"%PDF-")
    assert len(pdf) > 1000


def test_external_addresses_are_refused():
    with pytest.raises(ExternalResourceError):
        _fetcher().fetch("https://cdn.example.com/font.woff2")


def test_the_applications_own_stylesheet_is_used():
    sheet = '<link rel="stylesheet" href="/static/vendor/pico/pico.min.css">'
    html = f"<html><head>{sheet}</head><body>x</body></html>"
    assert html_to_pdf(html).startswith(b"%PDF-")
