"""``{{ run.problems|sync_problems }}``: a refused sync's problems in the reader's language."""

from __future__ import annotations

from django import template

from omni_privacy.intake.problems import translated_problem, translated_problems

register = template.Library()


@register.filter
def sync_problems(problems: str | None) -> list[str]:
    return translated_problems(problems or "")


@register.filter
def sync_problem(problem: str | None) -> str:
    return translated_problem(problem) if problem else ""
