"""The readable difference between two notice texts (pure; no database)."""

from __future__ import annotations

from omni_privacy.notices.domain.diff import DiffLine, Segment, diff_html, diff_lines, has_changes

OLD = "## 1. Purpose\n\nOmni keeps data for 5 years.\n\n- Email\n- Phone\n"
NEW = "## 1. Purpose\n\nOmni keeps data for 3 years.\n\n- Email\n- Language\n- Phone\n"


def test_a_changed_word_is_deleted_and_inserted_inside_its_line() -> None:
    assert diff_lines(OLD, NEW, context=None) == [
        DiffLine("same", (Segment("same", "## 1. Purpose"),)),
        DiffLine(
            "changed",
            (
                Segment("same", "Omni keeps data for "),
                Segment("del", "5"),
                Segment("ins", "3"),
                Segment("same", " years."),
            ),
        ),
        DiffLine("same", (Segment("same", "- Email"),)),
        DiffLine("added", (Segment("ins", "- Language"),)),
        DiffLine("same", (Segment("same", "- Phone"),)),
    ]


def test_html_marks_deletions_and_insertions_and_escapes_the_text() -> None:
    html = diff_html("Keep <b>5</b> years & more\n", "Keep <b>3</b> years & more\n")
    assert html == (
        '<div class="diff"><p class="diff-changed">Keep '
        "<del>&lt;b&gt;5&lt;/b&gt;</del><ins>&lt;b&gt;3&lt;/b&gt;</ins> years &amp; more</p></div>"
    )


def test_a_line_rewritten_entirely_is_one_removal_and_one_addition() -> None:
    assert diff_html("Alpha beta gamma.\n", "Nothing in common here!\n") == (
        '<div class="diff"><p class="diff-removed"><del>Alpha beta gamma.</del></p>'
        '<p class="diff-added"><ins>Nothing in common here!</ins></p></div>'
    )


def test_a_removed_paragraph_is_struck_through() -> None:
    assert diff_lines("A.\n\nB.\n\nC.\n", "A.\n\nC.\n", context=None) == [
        DiffLine("same", (Segment("same", "A."),)),
        DiffLine("removed", (Segment("del", "B."),)),
        DiffLine("same", (Segment("same", "C."),)),
    ]


def test_long_unchanged_runs_are_cut_to_their_context() -> None:
    old = "\n".join(f"line {n}" for n in range(1, 11)) + "\n"
    new = old.replace("line 5", "line five")
    kinds = [line.kind for line in diff_lines(old, new, context=1)]
    assert kinds == ["skip", "same", "changed", "same", "skip"]
    texts = [line.segments[0].text for line in diff_lines(old, new, context=1) if line.segments]
    assert texts == ["line 4", "line ", "line 6"]


def test_blank_lines_and_surrounding_spaces_are_not_changes() -> None:
    assert not has_changes("A.\n\n\nB.\n", "  A.\nB.  \n")
    assert has_changes("A.\n", "A!\n")
    assert diff_lines("A.\n", "A.\n") == [DiffLine("same", (Segment("same", "A."),))]
