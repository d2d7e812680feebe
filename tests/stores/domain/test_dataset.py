"""The dataset file's validator (issue 17 item 1): every problem names its key and has a code;
conformance problems (notice §2.1) do not stop the dataset from working."""

from __future__ import annotations

from omni_privacy.stores.domain.dataset import Keep, parse_dataset
from omni_privacy.stores.domain.problems import CONFORMANCE, ERROR, Problem
from tests.stores.fixture import DATASET


def _codes(text: str, policy) -> list[tuple[str, str, str]]:
    _dataset, problems = parse_dataset(text, policy=policy)
    return [(p.key, p.code, p.severity) for p in problems]


def test_the_fixture_dataset_reads_with_one_conformance_problem(policy) -> None:
    dataset, problems = parse_dataset(DATASET, policy=policy)
    assert problems == [
        Problem(
            "tables.customers.columns.birth_date.field",
            "field_not_allowed",
            {"field": "birth_date", "source": "sales", "section": "§2.1 ¶4, §2.4 scenario 2"},
            severity=CONFORMANCE,
        )
    ]
    assert dataset is not None
    customers = dataset.tables["customers"]
    assert [c.name for c in customers.identity_columns] == ["email"]
    assert customers.columns["full_name"].value == "Anonymised"
    assert customers.columns["birth_date"].generalise == "year"
    assert customers.columns["email"].purposes == ("sales_information",)
    assert dataset.tables["orders"].keep == Keep(
        "legal_obligation", "Tax Administration Act, s. 34"
    )


def test_problems_name_their_keys(policy) -> None:
    text = """
[tables.orders]
source = "sales"
colour = "blue"

[tables.orders.columns.email]
identifies = "email"
field = "email"
erase = "vanish"

[tables.orders.columns.phone]
field = "phone"
erase = "replace"

[tables.orders.columns.name]
field = "full_name"
erase = "keep"
reason = "because"

[tables.orders.columns.born]
field = "birth_date"
erase = "null"
purposes = ["sales_information", "marketing"]

[tables.items]
erase = "delete"
references = [{ column = "order_id", table = "ordres", to = "id" }]
"""
    assert _codes(text, policy) == [
        ("tables.orders.colour", "unknown_key", ERROR),
        ("tables.orders.columns.email.erase", "invalid_choice", ERROR),
        ("tables.orders.columns.phone.erase", "replace_needs_value", ERROR),
        ("tables.orders.columns.name.reason", "unknown_reason", ERROR),
        ("tables.orders.columns.name.clause", "keep_needs_clause", ERROR),
        ("tables.orders.columns.born.purposes[1]", "unknown_purpose", ERROR),
        ("tables.orders.columns.born.field", "field_not_allowed", CONFORMANCE),
        ("tables.items.references[0].table", "unknown_table", ERROR),
    ]


def test_a_column_needs_a_source_a_field_and_an_erasure(policy) -> None:
    text = """
[tables.people.columns.email]
identifies = "email"

[tables.people.columns.code]
identifies = "id"
source = "sales"
erase = "keep"
reason = "contract"
clause = "§9 ¶2"
value = 3
"""
    assert _codes(text, policy) == [
        ("tables.people.columns.email.field", "field_required", ERROR),
        ("tables.people.columns.email.source", "source_required", ERROR),
        ("tables.people.columns.email.erase", "erase_required", ERROR),
        ("tables.people.columns.code.value", "only_with_replace", ERROR),
    ]


def test_a_toml_error_gives_its_line(policy) -> None:
    dataset, problems = parse_dataset("[tables.a]\nsource = \n", policy=policy)
    assert dataset is None
    assert problems == [Problem("(file)", "toml_invalid", {"column": 10}, line=2)]


def test_no_identity_and_no_tables(policy) -> None:
    assert _codes('[tables.a]\nerase = "delete"\n', policy) == [("tables", "no_identity", ERROR)]
    assert _codes("", policy) == [("tables", "no_tables", ERROR)]
