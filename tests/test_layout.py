"""The package's shape: folders that follow the data flow with no import running back up, small modules,
no POSIX-only import, and a docstring on every public module, function, class and method."""
from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil

import pytest
from conftest import REPO

import wsp_analysis

PACKAGE = REPO / "wsp_analysis"
# Each layer may import from the layers before it (and from itself), never from one after it.
LAYERS = ["errors", "data", "format", "calc", "report", "publish", "scrutiny", "returns", "cli"]
POSIX_ONLY = {"fcntl", "termios", "pwd", "grp", "resource", "posix"}


def _modules():
    return sorted(PACKAGE.rglob("*.py"))


def _layer(path) -> str:
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def _imports(path, top_level_only: bool = False) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else ast.walk(tree)
    out = []
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.module:
            out += [(node.lineno, node.module)] + [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
        elif isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
    return out


def test_the_layer_order_names_every_folder():
    assert {_layer(p) for p in _modules()} - {"__init__"} == set(LAYERS)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(REPO)))
def test_no_import_runs_back_up_the_data_flow(path):
    layer = _layer(path)
    if layer == "__init__":  # the package's front door re-exports the API
        return
    later = set(LAYERS[LAYERS.index(layer) + 1:])
    upward = [f"line {n}: {name}" for n, name in _imports(path)
              if name.startswith("wsp_analysis.") and name.split(".")[1] in later]
    assert not upward, f"{path.relative_to(REPO)} ({layer}) imports from a later layer: {upward}"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(REPO)))
def test_modules_stay_under_400_lines(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) < 400


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(REPO)))
def test_no_posix_only_module_is_imported_at_module_level(path):
    # Council analysts mostly work on Windows, where these modules do not exist.
    found = [f"line {n}: {name}" for n, name in _imports(path, top_level_only=True) if name in POSIX_ONLY]
    assert not found, found


def test_fcntl_is_not_imported_anywhere():
    found = [f"{p.relative_to(REPO)} line {n}" for p in _modules() for n, name in _imports(p) if name == "fcntl"]
    assert not found, found


def _public(module):
    for name, obj in vars(module).items():
        if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
            continue
        if inspect.isfunction(obj):
            yield f"{module.__name__}.{name}", obj
        elif inspect.isclass(obj):
            yield f"{module.__name__}.{name}", obj
            for mname, member in vars(obj).items():
                if not mname.startswith("_") and inspect.isfunction(member):
                    yield f"{module.__name__}.{name}.{mname}", member


def _package_modules():
    yield wsp_analysis
    for info in pkgutil.walk_packages(wsp_analysis.__path__, "wsp_analysis."):
        yield importlib.import_module(info.name)


def test_every_module_has_a_docstring():
    missing = [m.__name__ for m in _package_modules() if not (m.__doc__ or "").strip()]
    assert not missing, missing


def test_every_public_function_class_and_method_has_a_docstring():
    missing = [name for m in _package_modules() for name, obj in _public(m) if not (obj.__doc__ or "").strip()]
    assert not missing, missing


def test_the_api_an_analyst_finds_is_reexported_with_docstrings():
    for name in ("load", "validate", "figures", "every", "load_all", "Register", "Figure", "KINDS", "read_csv"):
        obj = getattr(wsp_analysis, name)
        assert name in wsp_analysis.__all__
        if name != "KINDS":  # a dict: its Kind entries carry the docstring
            assert (obj.__doc__ or "").strip(), name
