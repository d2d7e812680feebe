"""The notice section of each retention rule id, as the reads show it beside a holding or a
run (a rule dropped from a newer policy file shows no clause rather than a wrong one)."""

from __future__ import annotations

from omni_privacy.policy.loader import active_policy


class Clauses:
    """The notice section of each rule id, looked up once per rule."""

    def __init__(self) -> None:
        self._policy = active_policy()
        self._cache: dict[str, str] = {}

    def __call__(self, rule_id: str) -> str:
        if not rule_id:
            return ""
        if rule_id not in self._cache:
            try:
                self._cache[rule_id] = self._policy.rule(rule_id).section
            except KeyError:
                # A rule dropped from a newer policy file: the stored answer is stale until
                # the holding is re-evaluated; show no clause rather than a wrong one.
                self._cache[rule_id] = ""
        return self._cache[rule_id]
