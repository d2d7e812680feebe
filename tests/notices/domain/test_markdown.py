"""The small notice renderer: headings, bullet lists, paragraphs; everything escaped."""

from __future__ import annotations

from omni_privacy.notices.domain.markdown import render_html


def test_headings_lists_and_paragraphs() -> None:
    text = (
        "# Title\n\n## 1. Purpose\n\nFirst line\nof a paragraph.\n\n### 2.1. Data\n\n"
        "- one\n- two\n  continued\n• three\n"
    )
    assert render_html(text) == (
        "<h2>Title</h2>\n<h2>1. Purpose</h2>\n<p>First line of a paragraph.</p>\n"
        "<h3>2.1. Data</h3>\n<ul><li>one</li><li>two continued</li><li>three</li></ul>"
    )


def test_html_in_the_text_is_escaped_not_rendered() -> None:
    text = '<script>alert(1)</script>\n\n- <img src="https://tracker.example.net/x.gif">\n'
    assert render_html(text) == (
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"
        "<ul><li>&lt;img src=&quot;https://tracker.example.net/x.gif&quot;&gt;</li></ul>"
    )


def test_plain_text_and_top_level() -> None:
    assert render_html("One.\r\n\r\nTwo.") == "<p>One.</p>\n<p>Two.</p>"
    assert render_html("# A\n\n#### B", top_level=1) == "<h1>A</h1>\n<h4>B</h4>"
    assert render_html("") == ""
