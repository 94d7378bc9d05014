"""Check that vaultsync's imports go only downward through its layers, with no circle.

    python3 tools/check_layers.py [PACKAGE_FOLDER]     # default: vaultsync/ beside tools/

Every import counts: at the top of a module, inside a function (kept there for a fast start),
under ``if TYPE_CHECKING:``. A module may import from its own layer or a lower one; the imports
among the modules of one layer must not close a circle. Prints each problem and exits 1, else
exits 0 silently. ``LAYERS`` is the one table of the layers (docs/api.md shows it).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

#: Bottom to top: each layer's modules, as dotted names below the package ("x.*": a folder).
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("base", ("", "errors", "obsidian", "properties", "config_values", "config_spec", "config")),
    ("reading", ("reading.*",)),
    ("model", ("model.*",)),
    ("store", ("store.*",)),
    ("outputs", ("outputs.*",)),
    ("incremental", ("incremental.*",)),
    ("pipeline", ("pipeline", "pipeline_push")),
    ("drivers", ("drivers.*", "__main__")),
)


def layer_of(module: str, package: str) -> int | None:
    """The index in LAYERS of ``module`` (a dotted name in ``package``), None when in none."""
    inner = module[len(package) + 1 :] if module != package else ""
    for number, (_, patterns) in enumerate(LAYERS):
        for pattern in patterns:
            folder = pattern.removesuffix(".*")
            if inner == pattern or (
                pattern.endswith(".*") and (inner == folder or inner.startswith(folder + "."))
            ):
                return number
    return None


def modules(root: Path) -> dict[str, Path]:
    """Every module of the package at ``root``, by dotted name."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imported(
    tree: ast.Module, module: str, is_package: bool, known: dict[str, Path]
) -> list[tuple[int, str]]:
    """(line, module) for each module of the package that ``tree`` imports, wherever it does."""
    package = module if is_package else module.rpartition(".")[0]
    top = next(iter(known)).split(".")[0] if known else ""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                name = f"{base}.{alias.name}"
                found.append((node.lineno, name if name in known else base))
    return [(line, name) for line, name in found if name == top or name.startswith(top + ".")]


def check(root: Path) -> list[str]:
    """What is wrong with the imports of the package at ``root`` (its folder), in order."""
    package = root.name
    known = modules(root)
    problems = []
    same_layer: dict[str, list[str]] = {}
    for module, path in known.items():
        where = path.relative_to(root.parent).as_posix()
        own = layer_of(module, package)
        if own is None:
            problems.append(f"{where}: {module} is in no layer: add it to LAYERS in tools/check_layers.py")
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for line, target in imported(tree, module, path.name == "__init__.py", known):
            theirs = layer_of(target, package)
            if theirs is None or target == module:
                continue
            if theirs > own:
                problems.append(
                    f"{where}:{line}: {module} ({LAYERS[own][0]}) imports {target} "
                    f"({LAYERS[theirs][0]}), a higher layer"
                )
            elif theirs == own and target not in same_layer.setdefault(module, []):
                same_layer[module].append(target)
    problems += [
        f"a circle among the {LAYERS[layer_of(circle[0], package) or 0][0]} modules: {' -> '.join(circle)}"
        for circle in circles(same_layer)
    ]
    return problems


def circles(edges: dict[str, list[str]]) -> list[list[str]]:
    """One circle through each strongly connected group of ``edges`` (Tarjan's algorithm), each
    starting at its smallest name and closing on it again."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for after in edges.get(node, []):
            if after not in index:
                visit(after)
                low[node] = min(low[node], low[after])
            elif after in stack:
                low[node] = min(low[node], index[after])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(edges):
        if node not in index:
            visit(node)
    found = []
    for group in groups:  # the shortest way from the group's smallest name back to it
        start = min(group)
        came_from: dict[str, str] = {}
        frontier = [start]
        while start not in came_from:
            reached = []
            for node in frontier:
                for after in sorted(edges.get(node, [])):
                    if after in group and after not in came_from:
                        came_from[after] = node
                        reached.append(after)
            frontier = reached
        path = [start]
        while len(path) == 1 or path[-1] != start:
            path.append(came_from[path[-1]])
        found.append(path[::-1])
    return sorted(found)


def main(argv: list[str]) -> int:
    root = Path(argv[0]) if argv else Path(__file__).resolve().parent.parent / "vaultsync"
    problems = check(root)
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
