"""axe-core (from the npm registry, pinned in tests/e2e/package.json) run inside headless Chromium.

The script is evaluated through the DevTools protocol, which the portal's CSP does not govern, so the
pages are checked exactly as served. WCAG 2.0/2.1/2.2 A and AA rules only.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest

HERE = Path(__file__).parent
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@cache
def axe_source() -> str:
    """The axe-core script; installed with `npm ci` on first use. Without npm the accessibility tests are
    skipped with a notice, or fail where PORTAL_REQUIRE_BROWSER=1 (CI)."""
    if not AXE.exists():
        npm = shutil.which("npm")
        if npm:
            subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--silent"], cwd=HERE, check=True, timeout=300)
    if not AXE.exists():
        message = "axe-core is not installed and npm is missing: install Node.js and npm to run the axe checks."
        if os.environ.get("PORTAL_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return AXE.read_text(encoding="utf-8")


def violations(page) -> list[dict]:
    """axe's violations on the page as it is now (WCAG A/AA), each with the offending elements."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    result = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5]} for v in result["violations"]]


def describe(found: list[dict]) -> str:
    return "\n".join(f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes']}" for v in found)
