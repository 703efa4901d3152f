"""Code fingerprints for the caches: a hash of the code that shapes a cached result.

A cache entry is only as fresh as the code that made it. Instead of a list of
modules kept by hand, the fingerprint of a module or subpackage covers its
own files and every module of this package they import, directly or through
others (found in the import statements), so a new import is covered the day
it is written and a module the result does not depend on changes nothing.
What depends on all of the project's code (a page, the whole build), or
cannot spend the parse (the check's index, in the pre-commit hook), takes
``package_digest``: every source file's bytes, without parsing any.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import importlib.util
from pathlib import Path

PACKAGE = __name__.rpartition(".")[0]


def package_digest() -> str:
    """sha256 over every Python file of this package, by its path inside the package and its bytes."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(f"{path.relative_to(root).as_posix()}\0".encode() + path.read_bytes() + b"\0")
    return digest.hexdigest()


@functools.cache
def code_fingerprint(name: str) -> str:
    """sha256 over the source of ``name`` (a module or subpackage of this package) and of all it imports from it."""
    digest = hashlib.sha256()
    for module, path in sorted(module_closure(name).items()):
        digest.update(f"{module}\0".encode() + path.read_bytes() + b"\0")
    return digest.hexdigest()


def module_closure(name: str) -> dict[str, Path]:
    """The modules of this package that ``name`` consists of or imports, transitively: name → file."""
    found: dict[str, Path] = {}
    waiting = package_modules(name)
    while waiting:
        module = waiting.pop()
        if module in found:
            continue
        found[module] = source_file(module)
        waiting.extend(imported_modules(module, found[module]))
    return found


def package_modules(name: str) -> list[str]:
    """``name`` itself, and if it is a subpackage every module under it."""
    path = source_file(name)
    if path.name != "__init__.py":
        return [name]
    modules = []
    for file in sorted(path.parent.rglob("*.py")):
        parts = file.relative_to(path.parent).with_suffix("").parts
        modules.append(".".join((name, *parts[:-1])) if parts[-1] == "__init__" else ".".join((name, *parts)))
    return modules


def source_file(module: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.origin:
        raise ModuleNotFoundError(module)
    return Path(spec.origin)


@functools.cache  # the closures of several caches share most modules
def imported_modules(module: str, path: Path) -> tuple[str, ...]:
    """Modules of this package that ``module`` imports (``from .x import y`` may name a module y, too)."""
    is_package = path.name == "__init__.py"
    found = []
    for node in import_statements(ast.parse(path.read_bytes(), str(path))):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            package = module if is_package else module.rpartition(".")[0]
            base = importlib.util.resolve_name("." * node.level + (node.module or ""), package) if node.level else node.module
            found.append(base)
            found.extend(f"{base}.{alias.name}" for alias in node.names)
    return tuple(name for name in found if is_own_module(name))


def import_statements(tree: ast.Module):
    """The import statements of a module, at any depth.

    An import is a statement, and statements are only found in the bodies of
    other statements (and of ``except`` and ``case`` clauses), so the
    expressions, nine nodes in ten, are not walked.
    """
    pending: list[ast.AST] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
            continue
        for _, value in ast.iter_fields(node):
            if isinstance(value, list):
                pending.extend(item for item in value if isinstance(item, STATEMENT_NODES))


STATEMENT_NODES = (ast.stmt, ast.excepthandler, ast.match_case)


def is_own_module(name: str) -> bool:
    if name != PACKAGE and not name.startswith(PACKAGE + "."):
        return False
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False
