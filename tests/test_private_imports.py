"""No module uses another module's private names: `from annotator.x import _name`, or
`x._name` on an imported annotator module."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "annotator"


def private_uses(path: Path, package: Path = PACKAGE) -> list[str]:
    module = ".".join(path.relative_to(package.parent).with_suffix("").parts)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found, modules = [], {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or not node.module or node.level:
            continue
        if not node.module.startswith("annotator") or node.module == module:
            continue
        for alias in node.names:
            if alias.name.startswith("_"):
                found.append(f"{node.lineno}: {alias.name} from {node.module}")
            modules[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.attr.startswith("_") and not node.attr.startswith("__")
                and node.value.id in modules):
            found.append(f"{node.lineno}: {node.value.id}.{node.attr}")
    return [f"{path.relative_to(package.parent)}:{line}" for line in found]


def test_no_private_name_crosses_a_module_boundary() -> None:
    assert [use for path in sorted(PACKAGE.rglob("*.py")) for use in private_uses(path)] == []


def test_the_check_sees_both_kinds_of_private_use(tmp_path: Path) -> None:
    package = tmp_path / "annotator"
    package.mkdir()
    sample = package / "sample.py"
    sample.write_text("from annotator import cli\nfrom annotator.io.readers import _x\n"
                      "cli._open()\n", encoding="utf-8")
    assert [u.split(":", 1)[1] for u in private_uses(sample, package)] == [
        "2: _x from annotator.io.readers", "3: cli._open"]
