"""The package as a whole: its layers, its imports, and the types its users see."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "adpipeline"
#: Lower layers first; a module may import its own layer and the ones before it.
LAYERS = ["errors", "snapshot", "adjustments", "models", "store", "media", "providers", "pipeline",
          "refine", "review", "cli", "tools", "ui"]
MAX_LINES = 450


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _imports(name: str, path: Path, modules: dict[str, Path], source: str | None = None
             ) -> set[str]:
    """The adpipeline modules ``name`` imports, at any depth of the file: imports inside
    functions and ``if TYPE_CHECKING:`` blocks count too."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("adpipeline"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            if source.startswith("adpipeline"):
                for alias in node.names:
                    submodule = f"{source}.{alias.name}"
                    found.add(submodule if submodule in modules else source)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(source if source is not None else path.read_text(encoding="utf-8")))
    found.discard(name)
    return {m for m in found if m in modules}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            connect(node)
    return found


def _layer(module: str) -> int:
    part = module.split(".")[1] if "." in module else ""
    return LAYERS.index(part) if part in LAYERS else -1


def test_no_module_imports_another_that_imports_it_back() -> None:
    assert _cycles(_graph()) == []


def test_the_import_walk_sees_imports_in_functions_and_type_checking_blocks() -> None:
    modules = _modules()
    source = textwrap.dedent("""
        from typing import TYPE_CHECKING
        if TYPE_CHECKING:
            from .pipeline import Pipeline
        def show():
            from ..ui.display import bundle
            from . import rules
    """)
    found = _imports("adpipeline.pipeline.example", PACKAGE / "pipeline" / "example.py", modules,
                     source)
    assert found == {"adpipeline.ui.display", "adpipeline.pipeline.rules",
                     "adpipeline.pipeline.pipeline"}
    assert _cycles({"a": {"b"}, "b": set()}) == []
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c"]]


def test_imports_point_down_the_layers() -> None:
    upward = [(module, target) for module, targets in _graph().items() for target in targets
              if _layer(module) >= 0 and _layer(target) > _layer(module)]
    assert upward == []


def test_only_the_ui_imports_widget_libraries() -> None:
    widget_libraries = {"ipywidgets", "anywidget", "ipycanvas", "IPython", "traitlets"}
    offenders = []
    for name, path in _modules().items():
        if name.startswith("adpipeline.ui"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level
                     else [])
            offenders += [(name, n) for n in names if n.split(".")[0] in widget_libraries]
    assert offenders == []


def test_modules_are_short_or_say_why_not() -> None:
    long_without_reason = []
    for name, path in _modules().items():
        lines = path.read_text(encoding="utf-8").count("\n")
        docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        if lines > MAX_LINES and "long because" not in docstring.lower():
            long_without_reason.append(f"{name} ({lines} lines)")
    assert long_without_reason == []


_GLOBAL_STATE = textwrap.dedent("""
    import json, logging, os, signal, sys, threading, warnings
    def state():
        return {
            "warnings": [repr(f) for f in warnings.filters],
            "root_logger": [logging.getLogger().level, len(logging.getLogger().handlers)],
            "loggers_with_handlers": sorted(n for n, l in logging.root.manager.loggerDict.items()
                                            if getattr(l, "handlers", None)),
            "environ": dict(os.environ),
            "path": list(sys.path),
            "meta_path": [type(f).__name__ for f in sys.meta_path],
            "signals": {s.name: repr(signal.getsignal(s)) for s in
                        (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD)},
            "hooks": [repr(sys.excepthook), repr(sys.displayhook)],
            "threads": threading.active_count(),
            "cwd": os.getcwd(),
        }
    before = state()
    import adpipeline
    after = state()
    print(json.dumps({"changed": [k for k in before if before[k] != after[k]],
                      "loaded": sorted(m for m in sys.modules if m.split(".")[0] in
                                       ("IPython", "ipywidgets", "anywidget", "ipykernel"))}))
""")


def test_importing_adpipeline_changes_nothing_global_and_loads_no_jupyter_code() -> None:
    out = subprocess.run([sys.executable, "-c", _GLOBAL_STATE], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == '{"changed": [], "loaded": []}'


def test_importing_adpipeline_in_ipython_registers_nothing() -> None:
    code = textwrap.dedent("""
        from IPython.core.interactiveshell import InteractiveShell
        shell = InteractiveShell.instance()
        formatters = shell.display_formatter.formatters
        def registered():
            return {k: (len(f.type_printers), len(f.deferred_printers)) for k, f in formatters.items()}
        before = registered()
        import adpipeline
        print(before == registered())
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"


_TYPED_USE = textwrap.dedent("""
    from typing import assert_type
    import adpipeline as ap
    from adpipeline import ImageItem, Story, VideoOutput

    def check(p: ap.Pipeline) -> None:
        assert_type(p.story.output, Story | None)
        assert_type(p.reference_images.output, list[ImageItem])
        assert_type(p.storyboard.output, list[ImageItem])
        assert_type(p.video.output, VideoOutput | None)
        assert_type(p["story"], ap.StoryStage)
        p.story.status == "review"
        p.stage == "complete"
""")


@pytest.mark.parametrize("snippet, error", [
    (_TYPED_USE, None),
    ("import adpipeline as ap\ndef f(p: ap.Pipeline) -> None:\n    p.story.output.scenes\n",
     'Item "None" of "Story | None" has no attribute "scenes"'),
    ("import adpipeline as ap\ndef f(p: ap.Pipeline) -> None:\n    p.story.status == 'done'\n",
     "Non-overlapping equality check"),
])
def test_the_public_api_is_typed_for_its_users(tmp_path: Path, snippet: str,
                                               error: str | None) -> None:
    from mypy import api

    script = tmp_path / "use.py"
    script.write_text(snippet, encoding="utf-8")
    out, err, status = api.run(["--strict", "--follow-imports=silent", "--no-incremental",
                                "--ignore-missing-imports", str(script)])
    if error is None:
        assert status == 0, out + err
    else:
        assert status == 1 and error in out, out + err


def test_the_public_api_and_stage_classes_pass_strict_typing() -> None:
    from mypy import api

    checked = ["__init__.py", "errors.py", "models.py", "pipeline/__init__.py",
               "pipeline/pipeline.py", "pipeline/stages", "pipeline/outputs.py",
               "pipeline/rules.py", "pipeline/user_input.py", "pipeline/display.py"]
    out, err, status = api.run(["--strict", "--follow-imports=silent", "--no-incremental",
                                "--ignore-missing-imports", *(str(PACKAGE / c) for c in checked)])
    assert status == 0, out + err
