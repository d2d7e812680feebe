"""GET /api/policy: the notice as policy, as the CLI's `policy show --json` prints it."""

from __future__ import annotations

from typing import Any

from ninja import Router

from omni_privacy.policy.loader import active_policy
from omni_privacy.policy.render import policy_as_dict

router = Router(tags=["policy"])


@router.get("", summary="The notice as policy (public: the notice itself is public)")
def policy_get(request: Any) -> dict[str, Any]:  # noqa: ARG001 (ninja passes it)
    return policy_as_dict(active_policy())
