"""The package's layout is its architecture: a ground floor every domain stands on, domains
side by side, and the doors (API, admin, pages) on top. Imports only point downward."""

import ast
from pathlib import Path

import wagtail_privacy

PACKAGE = Path(wagtail_privacy.__file__).parent

#: Modules every domain may use; they import no domain.
GROUND = {
    "batching",
    "background",
    "claims",
    "client",
    "conf",
    "exceptions",
    "formats",
    "hosts",
    "i18n",
    "information",
    "mail",
    "periods",
    "records",
    "restriction",
    "signals",
    "sources",
    "spreadsheets",
    "storage",
    "throttling",
    "tick",
}
#: Each domain and the domains below it that it may import.
DOMAINS = {
    "policies": set(),
    # Verification (the step-up and the pages' door for its refusals) is below the domains
    # whose services refuse without a step-up, or whose pages render a refusal.
    "notices": {"policies", "verification"},
    "consent": {"policies", "verification"},
    "rights": {"verification"},
    # Told of rights' work through signals (``account_erasing``, ``rectified``,
    # ``restriction_changed``): rights never imports it.
    "recipients": set(),
    "verification": set(),
    # The breach report is typeset like policy PDFs (their fonts and URL fetcher).
    "breaches": {"policies"},
    # Cookie choices name the cookie policy version in force, and link to its page.
    "cookies": {"policies"},
}
#: Where domains meet: they may import anything.
DOORS = {
    "admin",
    "api",
    "apps",
    "checks",
    "management",
    "models",
    "service_checks",
    "templatetags",
    "urls",
    "wagtail_hooks",
}


def unit(parts):
    """The top-level module or subpackage of the package a dotted path is in."""
    return parts[1] if len(parts) > 1 else "__init__"


def imports():
    """(importing unit, imported unit, file) for every import inside the package, including
    imports inside functions."""
    found = []
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        if "migrations" in relative.parts:
            continue
        module = list(relative.parts)
        package = module if path.name == "__init__.py" else module[:-1]
        if path.name == "__init__.py":
            module = module[:-1]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = package[: len(package) - node.level + 1]
                targets = (
                    [base + node.module.split(".")]
                    if node.module
                    else [base + [alias.name] for alias in node.names]
                )
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "wagtail_privacy."
            ):
                targets = [node.module.split(".")]
            elif isinstance(node, ast.Import):
                targets = [
                    alias.name.split(".")
                    for alias in node.names
                    if alias.name.startswith("wagtail_privacy.")
                ]
            else:
                continue
            for target in targets:
                if unit(module) != unit(target):
                    found.append((unit(module), unit(target), str(relative)))
    return found


def test_every_module_has_a_floor():
    units = {p.stem if p.is_file() else p.name for p in PACKAGE.iterdir()}
    units = {
        u for u in units if (PACKAGE / f"{u}.py").exists() or (PACKAGE / u / "__init__.py").exists()
    }
    units -= {"__init__", "migrations"}
    assert units - GROUND - set(DOMAINS) - DOORS == set(), "place new modules in a floor"


def test_imports_point_downward():
    wrong = []
    for source, target, where in imports():
        if source in GROUND:
            allowed = GROUND
        elif source in DOMAINS:
            allowed = GROUND | DOMAINS[source]
        else:
            continue  # doors may import anything
        if target not in allowed and target != "__init__":
            wrong.append(f"{where}: {source} -> {target}")
    assert wrong == []


def test_the_ground_floor_has_no_cycles():
    edges = {}
    for source, target, _where in imports():
        if source in GROUND and target in GROUND:
            edges.setdefault(source, set()).add(target)

    def reaches(start, goal, seen=()):
        return any(
            nxt == goal or (nxt not in seen and reaches(nxt, goal, (*seen, nxt)))
            for nxt in edges.get(start, ())
        )

    assert [name for name in edges if reaches(name, name)] == []


def test_the_checker_sees_imports_inside_functions():
    """A lazy import still counts: the check would miss the arrows hidden in functions."""
    found = {(s, t) for s, t, _ in imports()}
    assert ("apps", "consent") in found  # AppConfig.ready imports inside a method
