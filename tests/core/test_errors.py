"""Errors as codes: the words come from the code's template, in the reader's language."""

from django.utils import translation
from django.utils.translation import gettext_noop

from omni_privacy.core.errors import (
    InvalidInputError,
    Problem,
    Refused,
    define,
    template_of,
    words,
)

COUNT = define("test.lines", gettext_noop("%(count)s line"), gettext_noop("%(count)s lines"))


def test_a_problem_says_its_line_and_field_in_the_readers_language():
    problem = Problem("test.undefined", field="email", line=3)
    with translation.override("fr"):
        assert problem.said() == "ligne 3\u00a0: email\u00a0: test.undefined"
    with translation.override("en"):
        assert problem.said() == "line 3: email: test.undefined"
        assert str(Refused(problems=[problem])) == "line 3: email: test.undefined"


def test_plural_templates_follow_the_count():
    with translation.override("en"):
        assert words(COUNT, {"count": 1}) == "1 line"
        assert words(COUNT, {"count": 2}) == "2 lines"


def test_a_code_is_defined_once_with_one_wording():
    define("test.once", "once")
    assert template_of("test.once") == "once"
    try:
        define("test.once", "other words")
    except RuntimeError:
        pass
    else:
        raise AssertionError("a second wording of one code must be refused")


def test_invalid_input_keeps_its_problems():
    error = InvalidInputError([Problem("test.a", field="a"), Problem("test.b", field="b")])
    assert [problem.field for problem in error.errors] == ["a", "b"]
    assert isinstance(error, Refused)
    assert Problem("test.a", {"n": 1}, "a", 2).as_dict()["params"] == {"n": 1}
