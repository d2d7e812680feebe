"""The reference graph (issue 17 item 2): children before parents, unreachable tables and
cycles named."""

from __future__ import annotations

from omni_privacy.stores.domain.dataset import parse_dataset
from omni_privacy.stores.domain.plan import build_plan
from omni_privacy.stores.domain.problems import Problem

HEAD = """
[tables.customers]
source = "sales"
[tables.customers.columns.email]
identifies = "email"
field = "email"
erase = "null"
"""


def _plan(text: str, policy):
    dataset, problems = parse_dataset(HEAD + text, policy=policy)
    assert [p for p in problems if p.severity == "error"] == []
    assert dataset is not None
    return build_plan(dataset, None)


def test_children_come_before_the_rows_they_reference(policy) -> None:
    plan, problems = _plan(
        """
[tables.orders]
erase = "delete"
references = [{ column = "customer_id", table = "customers", to = "id" }]
[tables.order_items]
erase = "delete"
references = [{ column = "order_id", table = "orders", to = "id" }]
[tables.logins]
erase = "delete"
references = [{ column = "customer_id", table = "customers", to = "id" }]
""",
        policy,
    )
    assert problems == []
    assert plan is not None
    assert plan.order == ("logins", "order_items", "orders", "customers")
    assert [(r.table, r.column, r.to_table) for r in plan.parents["order_items"]] == [
        ("order_items", "order_id", "orders")
    ]


def test_an_unreachable_table_and_a_cycle_are_named(policy) -> None:
    _plan_value, problems = _plan('[tables.lost]\nerase = "delete"\n', policy)
    assert problems == [Problem("tables.lost", "table_unreachable", {"table": "lost"})]
    plan, problems = _plan(
        """
[tables.a]
erase = "delete"
references = [{ column = "c", table = "customers", to = "id" },
              { column = "b_id", table = "b", to = "id" }]
[tables.b]
erase = "delete"
references = [{ column = "a_id", table = "a", to = "id" }]
""",
        policy,
    )
    assert plan is None
    assert [(p.key, p.code) for p in problems] == [("tables", "references_cycle")]
