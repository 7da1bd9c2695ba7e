"""The package's shape: imports point one way (the layers below), no cycles, no file over 500 lines,
and fast starts for ``import visionlab`` and ``visionlab --help``.

Every import counts, deferred (inside a function) and ``TYPE_CHECKING`` ones included: a deferred
import that hides a cycle is still a cycle.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "visionlab"
MAX_LINES = 500

# Lowest first; a module may import its own layer and the layers before it. README "Architecture".
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("core", ("visionlab._version", "visionlab.errors", "visionlab.utils", "visionlab.runs")),
    ("data", ("visionlab.data",)),
    ("models", ("visionlab.models",)),
    ("inference", ("visionlab.predict", "visionlab.segment", "visionlab.segment_options")),
    ("evaluate", ("visionlab.evaluate",)),
    ("train", ("visionlab.train",)),
    ("explain", ("visionlab.explain",)),
    ("stages", ("visionlab.compare", "visionlab.compare_options", "visionlab.pipeline", "visionlab.pipeline_options", "visionlab.walkmap",
                "visionlab.walkmap_options", "visionlab.distill", "visionlab.export", "visionlab.studies")),
    ("report", ("visionlab.report",)),
    ("lab", ("visionlab.lab", "visionlab.demo")),
    ("front ends", ("visionlab.cli", "visionlab.app", "visionlab.api", "visionlab.__main__", "visionlab")),
]


def module_files() -> dict[str, Path]:
    mods = {}
    for f in PACKAGE.rglob("*.py"):
        parts = list(f.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        mods[".".join(parts)] = f
    return mods


def layer_of(module: str) -> int:
    best, best_len = None, -1
    for i, (_, prefixes) in enumerate(LAYERS):
        for p in prefixes:
            if (module == p or module.startswith(p + ".")) and len(p) > best_len:
                best, best_len = i, len(p)
    if best is None:
        raise AssertionError(f"{module} belongs to no layer; add it to LAYERS (and to the README's Architecture)")
    return best


def import_graph() -> dict[str, set[str]]:
    """Module -> the package modules it imports (anywhere in the file)."""
    mods = module_files()

    def resolve(name: str) -> str | None:
        while name and name not in mods:
            name = name.rpartition(".")[0]
        return name or None

    edges: dict[str, set[str]] = {m: set() for m in mods}
    for m, f in mods.items():
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in mods else node.module for a in node.names]
            for t in targets:
                r = resolve(t) if t.startswith("visionlab") else None
                if r and r != m:
                    edges[m].add(r)
    return edges


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(v: str) -> list[str] | None:
        state[v] = 1
        path.append(v)
        for w in sorted(edges[v]):
            if state.get(w) == 1:
                return path[path.index(w):] + [w]
            if w not in state and (found := visit(w)):
                return found
        state[v] = 2
        path.pop()
        return None

    for v in sorted(edges):
        if v not in state and (found := visit(v)):
            return found
    return None


def test_graph_sees_deferred_imports():
    # The walker must find imports inside functions, or it would miss the cycles they hide.
    edges = import_graph()
    assert "visionlab.lab" in edges["visionlab.cli.lab"] or any(e.startswith("visionlab.lab") for e in edges["visionlab.cli.lab"])


def test_no_import_cycle():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_cycle_finder_finds_a_planted_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_imports_point_down_the_layers():
    wrong = []
    for m, targets in import_graph().items():
        for t in targets:
            if layer_of(t) > layer_of(m):
                wrong.append(f"{m} ({LAYERS[layer_of(m)][0]}) imports {t} ({LAYERS[layer_of(t)][0]})")
    assert not wrong, "imports that point up the layers:\n" + "\n".join(sorted(wrong))


def test_no_file_over_the_limit():
    long = {str(f.relative_to(PACKAGE.parent)): n for f in PACKAGE.rglob("*.py")
            if (n := len(f.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"files over {MAX_LINES} lines: {long}"


def _run_python(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120).stdout


def test_import_visionlab_loads_no_heavy_library():
    # What keeps `import visionlab` fast: torch, gradio and onnx load when an API function is first used.
    out = _run_python("import sys, visionlab; print(sorted(m for m in ('torch', 'gradio', 'onnx', 'onnxruntime', 'timm', "
                      "'matplotlib', 'sklearn') if m in sys.modules))")
    assert out.strip() == "[]"


def test_api_is_lazy_but_complete():
    out = _run_python("import sys, visionlab as vl; f = vl.train_classifier; print(f.__module__, 'torch' in sys.modules)")
    assert out.split() == ["visionlab.train.classify", "True"]


def test_help_loads_no_heavy_library():
    code = ("import sys\nfrom visionlab.cli import build_parser\np = build_parser()\n"
            "for cmd in ([], ['train', 'classify'], ['explain'], ['segment'], ['pipeline'], ['compare'], ['walkmap'], ['lab'], ['app'],\n"
            "            ['distill']):\n"
            "    try:\n        p.parse_args([*cmd, '--help'])\n    except SystemExit:\n        pass\n"
            "print(sorted(m for m in ('torch', 'gradio', 'onnx', 'onnxruntime', 'timm') if m in sys.modules), file=sys.stderr)")
    err = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120).stderr
    assert err.strip().splitlines()[-1] == "[]"


def test_unknown_api_name_is_an_attribute_error():
    import visionlab

    with pytest.raises(AttributeError, match="no_such_thing"):
        visionlab.no_such_thing  # noqa: B018
