"""docs/security-tests.md stays true: every one of the 31 families of security.md has a line, and every test file and
function the map names exists (a renamed or deleted test fails here, naming the line)."""
from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAP = ROOT / "docs" / "security-tests.md"
FAMILIES = 31
LINE = re.compile(r"^(\d+)\. ([^:]+): (.+)$")


def _families() -> dict[int, list[str]]:
    found = {}
    for line in MAP.read_text(encoding="utf-8").splitlines():
        match = LINE.match(line)
        if match:
            found[int(match.group(1))] = [part.strip() for part in match.group(3).split(";")]
    return found


def _tests_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.name.startswith("test_")}


def test_every_family_has_a_line():
    assert sorted(_families()) == list(range(1, FAMILIES + 1))


def test_every_named_file_and_test_exists():
    missing = []
    for family, parts in sorted(_families().items()):
        for part in parts:
            path, _sep, names = part.partition("::")
            file = ROOT / path
            if not file.is_file():
                missing.append(f"{family}: no file {path}")
                continue
            tests = _tests_in(file)
            if not names and not tests:
                missing.append(f"{family}: {path} holds no test")
            for name in filter(None, (n.strip() for n in names.split(","))):
                if name not in tests:
                    missing.append(f"{family}: {path} has no {name}")
    assert not missing, "\n".join(missing)
