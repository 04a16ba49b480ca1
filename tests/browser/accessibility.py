"""axe-core in the browser tests: every page a journey visits has no serious or critical
accessibility violation.

axe-core is vendored under tests/browser/vendor (see its README) and injected by
Playwright; the portal never serves it. Pages carry a Content-Security-Policy that allows
only the portal's own scripts, so contexts that run axe are opened with ``bypass_csp=True``.
"""

from pathlib import Path

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")


def axe_violations(page, *, impacts=BLOCKING) -> list[str]:
    """The page's violations of these impacts, one readable line each (empty when clean)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + " " + n.failureSummary),
            }));
        }"""
    )
    return [
        f"{page.url} [{v['impact']}] {v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"])
        for v in result
        if v["impact"] in impacts
    ]


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert violations == [], "\n".join(violations)
