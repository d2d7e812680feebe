"""Store the evaluator's answer once more for every live holding (issue 12).

The evaluator now counts every clock from the last day its condition held (the strict reading,
docs/retention.md "How the days are counted") and applies an erasure request only to the data
it covered, to subscribers' sales data too (notice §9.1). The stored retention columns of
existing holdings were computed the old way. This migration lives in retention, which owns the
evaluator; the columns it writes are the registry's stored copy of that answer.
"""

from django.db import migrations


def reevaluate_live_holdings(apps, schema_editor):
    """The evaluator now counts every clock from the last day its condition held (the strict
    reading of "within 60 days", docs/retention.md) and applies an erasure request to the data
    it covered only, to subscribers' sales data too (§9.1): store its answer once for every
    live holding, as a service would when a fact changes."""
    import datetime as dt

    from omni_privacy.policy.loader import active_policy
    from omni_privacy.policy.domain.facts import HoldingFacts, Interval, OrganizationFacts
    from omni_privacy.policy.domain.retention import evaluate

    Holding = apps.get_model("registry", "Holding")
    Organization = apps.get_model("registry", "Organization")
    policy = active_policy()
    today = dt.date.today()  # only ``provisional`` reads it, and it is not stored
    columns = ["due_at", "deadline_at", "retention_rule", "retention_action"]
    for organization in Organization.objects.all():
        facts = OrganizationFacts(
            subscriptions=tuple(
                Interval(start, end)
                for start, end in organization.subscriptions.values_list("start", "end")
            ),
            purchasing_group_contracts=tuple(
                Interval(start, end)
                for start, end in organization.purchasing_group_contracts.values_list(
                    "start", "end"
                )
            ),
        )
        holdings = list(
            Holding.objects.filter(
                organization=organization, state__in=["active", "pending_deletion"]
            )
        )
        for holding in holdings:
            decision = evaluate(
                HoldingFacts(
                    source=holding.source,
                    collected_at=holding.collected_at,
                    last_contact_at=holding.last_contact_at,
                    role_removed_at=holding.role_removed_at,
                    erasure_requested_at=holding.erasure_requested_at,
                    roles=tuple(holding.roles or ()),
                ),
                facts,
                policy,
                as_of=today,
            )
            if decision is None:
                holding.due_at = holding.deadline_at = None
                holding.retention_rule = holding.retention_action = ""
            else:
                holding.due_at, holding.deadline_at = decision.due_at, decision.deadline_at
                holding.retention_rule = decision.rule_id
                holding.retention_action = decision.action
        Holding.objects.bulk_update(holdings, columns, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("retention", "0003_legalhold_placed_at"),
        ("registry", "0005_holding_erasure_requested_at"),
    ]

    operations = [migrations.RunPython(reevaluate_live_holdings, migrations.RunPython.noop)]
