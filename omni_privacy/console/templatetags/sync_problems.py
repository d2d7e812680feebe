"""``{{ run|sync_problems }}``, ``{{ item.last_problem|sync_problem }}``: a refused sync's
problems in the reader's language (each a coded problem, core/errors.py)."""

from __future__ import annotations

from typing import Any

from django import template

from omni_privacy.core.errors import Problem

register = template.Library()


@register.filter
def sync_problems(run: Any) -> list[str]:
    """A sync run's problems, one sentence each."""
    return [problem.said() for problem in run.refusal()] if run is not None else []


@register.filter
def sync_problem(problem: Problem | None) -> str:
    return problem.said() if problem is not None else ""
