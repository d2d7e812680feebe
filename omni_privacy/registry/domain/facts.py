"""Moved to policy/domain/facts.py (issue 13: the notice's rules in one pure package).

Re-exported only for registry/domain/gate.py and registry/importer.py, whose owners change
them at the same time; the merge points their imports at policy/domain/facts.py and drops
this module.
"""

from omni_privacy.policy.domain.facts import Interval, OrganizationFacts

__all__ = ["Interval", "OrganizationFacts"]
