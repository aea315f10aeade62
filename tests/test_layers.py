"""The import graph of textcheck: no cycles, and no module imports from a layer above its own.

The graph is read from the source with ``ast``: every ``import`` and ``from ... import`` anywhere in
a module (module level, inside functions, under ``TYPE_CHECKING``). ``from package import name``
counts as importing ``package.name`` when that is a module. The layers are declared once, here.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "textcheck"

# lowest first; a module may import from its own layer and the layers below it
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("base", ("textcheck", "textcheck.finding", "textcheck.document", "textcheck.text", "textcheck.errors",
              "textcheck.resources", "textcheck.segment_worker", "textcheck.output", "textcheck.config")),
    ("readers", ("textcheck.readers",)),
    ("parse", ("textcheck.parse",)),
    ("analysis", ("textcheck.gazetteer", "textcheck.analysis")),
    ("rules", ("textcheck.rules",)),
    ("engine", ("textcheck.engine",)),
    ("commands", ("textcheck.compare", "textcheck.batch")),
    ("render", ("textcheck.render",)),
    ("serve", ("textcheck.serve",)),  # the local web page: renders results, below the command line that starts it
    ("cli", ("textcheck.cli", "textcheck.launch", "textcheck.__main__")),
]


def modules() -> dict[str, Path]:
    """Every module of the package: dotted name -> file."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def layer_of(module: str) -> int:
    """Index in LAYERS of the most specific prefix that names ``module`` (itself or a package above it)."""
    best, best_len = None, -1
    for k, (_name, prefixes) in enumerate(LAYERS):
        for p in prefixes:
            if (module == p or module.startswith(p + ".")) and len(p) > best_len and (p != "textcheck" or module == p):
                best, best_len = k, len(p)
    if best is None:
        raise AssertionError(f"{module} belongs to no layer: add it to LAYERS in tests/test_layers.py")
    return best


def imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The textcheck modules that module ``name`` imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.split(".")[0] == "textcheck")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            if target.split(".")[0] != "textcheck":
                continue
            subs = [f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in known]
            out.update(subs)
            if len(subs) < len(node.names):
                out.add(target)
    return {m for m in out if m != name}


def graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {name: {m for m in imports(name, path, known) if m in known} for name, path in mods.items()}


def test_every_module_has_a_layer():
    for name in modules():
        layer_of(name)


def test_no_module_imports_from_a_layer_above():
    upward = []
    for name, targets in sorted(graph().items()):
        mine = layer_of(name)
        for t in sorted(targets):
            if layer_of(t) > mine:
                upward.append(f"{name} ({LAYERS[mine][0]}) imports {t} ({LAYERS[layer_of(t)][0]})")
    assert not upward, "imports from a layer above:\n" + "\n".join(upward)


def test_no_import_cycles():
    g = graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(g[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    for v in sorted(g):
        if v not in index:
            visit(v)
    assert not cycles, f"import cycles: {cycles}"


def test_the_graph_is_read_correctly():
    g = graph()
    assert "textcheck.engine" in g["textcheck.cli.check"]  # a function-level import
    assert "textcheck.render.batch_html" in g["textcheck.render.batch_output"]  # from package import module
    assert "textcheck.analysis.subtopics" in g["textcheck.engine"]  # under TYPE_CHECKING
    assert layer_of("textcheck.rules.name_mismatch") > layer_of("textcheck.analysis.issuer") > layer_of("textcheck.parse")
