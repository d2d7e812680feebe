"""The JSON API (django-ninja). OpenAPI 3 at /api/openapi.json. Routers are mounted here."""

from __future__ import annotations

from ninja import NinjaAPI

from omni_privacy.api.docs import staff_docs
from omni_privacy.api.policy import router as policy_router
from omni_privacy.api.rights import router as rights_router

api = NinjaAPI(
    title="omni-privacy",
    version="1",
    description="Privacy operations for notice QAC-REC-004.",
    urls_namespace="api",
    docs_decorator=staff_docs,
)
api.add_router("/policy", policy_router)
api.add_router("/v1", rights_router)
