"""Find the code that writes the holding and person tables, from the source alone.

STYLE.md: each table has one owning app that writes it; the registry writes holdings and
people (registry/services.py, registry/writers.py), every other app calls them. This scanner
reads each module's syntax tree (no import, no database) and reports every write of a
``Holding`` or ``Person`` row it can see:

- ORM: a write method (``create``, ``bulk_create``, ``update``, ``bulk_update``, ``delete``,
  ``update_or_create``, ``get_or_create``, ``save``) called on ``Holding.objects`` or
  ``Person.objects`` (or their other managers), on a queryset or row derived from them, on a
  related ``.holdings`` manager, or on a ``Holding(...)``/``Person(...)`` built in place;
- raw SQL: an ``UPDATE``, ``INSERT INTO`` or ``DELETE FROM`` string (f-strings and ``+``
  included) whose table is ``registry_holding``/``registry_person``, or an expression naming
  either model (``Holding._meta.db_table``, ``_table(Person)``), or a variable bound to one.

Variables are followed within a module: a name bound to such a manager, queryset, row or
table name (or a loop over one) is itself one. Rows reached through a function's return value
are not followed; a write through one is missed, never invented.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

OWNED_MODELS = frozenset({"Holding", "Person"})
OWNED_TABLES = re.compile(r"registry_(holding|person)\b")
MANAGERS = frozenset({"objects", "_default_manager", "_base_manager"})
RELATED = frozenset({"holdings"})  # Person.holdings, Organization.holdings, Instance.holdings
WRITES = frozenset(
    {
        "create",
        "bulk_create",
        "update",
        "bulk_update",
        "delete",
        "update_or_create",
        "get_or_create",
        "save",
    }
)
SQL_WRITE = re.compile(
    r"\b(?:UPDATE|INSERT\s+INTO|DELETE\s+FROM)\s+(?P<target>\{[^{}]*\}|[\w.\"`]+)",
    re.IGNORECASE,
)


@dataclass(frozen=True, order=True)
class Write:
    line: int
    function: str
    what: str


def _root(node: ast.expr) -> ast.expr:
    """The start of a chain ``a.b(...).c[...]``: ``a``."""
    while True:
        if isinstance(node, ast.Attribute | ast.Subscript):
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        else:
            return node


def _chain(node: ast.expr) -> list[str]:
    """The attribute names along a chain, innermost first."""
    names = []
    while True:
        if isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Subscript):
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        else:
            return names[::-1]


def _bound(target: ast.expr) -> set[str]:
    """The plain names a binding target binds (``x``, ``x, y``), not attributes (``self.x``)."""
    if isinstance(target, ast.Name):
        return {target.id}
    if isinstance(target, ast.Tuple | ast.List):
        return set().union(*(_bound(element) for element in target.elts))
    if isinstance(target, ast.Starred):
        return _bound(target.value)
    return set()


def _names(node: ast.AST) -> set[str]:
    return {child.id for child in ast.walk(node) if isinstance(child, ast.Name)}


def _text(node: ast.expr) -> str | None:
    """A string expression's text, with each f-string field as ``{its source}``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(str(value.value))
            elif isinstance(value, ast.FormattedValue):
                parts.append("{" + ast.unparse(value.value) + "}")
        return "".join(parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _text(node.left), _text(node.right)
        if left is not None or right is not None:
            # The other side is an expression: shown as an f-string field would be.
            left = left if left is not None else "{" + ast.unparse(node.left) + "}"
            right = right if right is not None else "{" + ast.unparse(node.right) + "}"
            return left + right
    return None


class _Module:
    def __init__(self, tree: ast.Module) -> None:
        self.tree = tree
        self.rows: set[str] = set()  # names bound to owned managers, querysets or rows
        self.tables: set[str] = set()  # names bound to an owned table's name
        self._follow()

    def is_rows(self, node: ast.expr) -> bool:
        """``node`` is a manager, queryset or row of an owned model."""
        root, chain = _root(node), _chain(node)
        if RELATED & set(chain):
            return True
        if not isinstance(root, ast.Name):
            return False
        if root.id in OWNED_MODELS:
            # Holding.objects..., or Holding(...) itself; not Holding._meta or the bare class.
            return bool(chain and chain[0] in MANAGERS) or (
                not chain and isinstance(node, ast.Call)
            )
        return root.id in self.rows

    def is_table(self, node: ast.expr) -> bool:
        """``node`` may be an owned table's name: it names an owned model (as in
        ``Holding._meta.db_table`` or ``_table(Person)``), the table itself, or a variable
        bound to one. Generous on purpose: it only matters as the target of a write."""
        names = _names(node) & (OWNED_MODELS | self.tables)
        return bool(names) or bool(OWNED_TABLES.search(ast.unparse(node)))

    def _follow(self) -> None:
        bindings: list[tuple[ast.expr, ast.expr, bool]] = []  # target, value, iterated over
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Assign):
                bindings += [(target, node.value, False) for target in node.targets]
            elif isinstance(node, ast.AnnAssign | ast.AugAssign | ast.NamedExpr) and node.value:
                bindings.append((node.target, node.value, False))
            elif isinstance(node, ast.For | ast.AsyncFor | ast.comprehension):
                bindings.append((node.target, node.iter, True))
            elif isinstance(node, ast.withitem) and node.optional_vars is not None:
                bindings.append((node.optional_vars, node.context_expr, False))
        changed = True
        while changed:  # until no binding adds a name: a chain of variables is followed
            changed = False
            for target, value, iterated in bindings:
                bound = _bound(target)
                if self.is_rows(value) and not bound <= self.rows:
                    self.rows |= bound
                    changed = True
                if not iterated and self.is_table(value) and not bound <= self.tables:
                    self.tables |= bound
                    changed = True


def _function_at(tree: ast.Module, line: int) -> str:
    """The innermost function (or class) defined around ``line``."""
    around = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        and node.lineno <= line <= (node.end_lineno or node.lineno)
    ]
    return max(around, key=lambda node: node.lineno).name if around else "<module>"


def writes_in(source: str) -> list[Write]:
    """Every write of a holding or person row found in ``source`` (a module's text)."""
    tree = ast.parse(source)
    module = _Module(tree)
    found: set[tuple[int, str]] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in WRITES and module.is_rows(node.func.value):
                found.add((node.lineno, ast.unparse(node.func)))
        elif isinstance(node, ast.expr) and (text := _text(node)) is not None:
            for match in SQL_WRITE.finditer(text):
                target = match["target"]
                owned = bool(OWNED_TABLES.search(target))
                if target.startswith("{"):
                    owned = owned or module.is_table(ast.parse(target[1:-1], mode="eval").body)
                if owned:
                    found.add((node.lineno, " ".join(match.group(0).split())))
    return [Write(line, _function_at(tree, line), what) for line, what in sorted(found)]


def package_writes(package: Path, *, allowed: tuple[str, ...]) -> dict[str, list[Write]]:
    """The writes found in each module of ``package`` (migrations aside) whose path, relative
    to the package's parent, starts with none of ``allowed``."""
    found = {}
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package.parent).as_posix()
        if "/migrations/" in relative or relative.startswith(allowed):
            continue
        if writes := writes_in(path.read_text(encoding="utf-8")):
            found[relative] = writes
    return found
