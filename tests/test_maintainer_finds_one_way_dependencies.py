"""A maintainer can change one part without the others: the project's modules import each
other one way only (read from their source with `ast`, lazy imports inside functions too),
the shared machinery in `reportsite` never imports the apps, which register into it, and
the editorial core (`editorial`) imports no content app: content plugs into it."""

import ast
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
PACKAGES = ("reportsite", "editorial", "publications", "consent")
APPS = ("editorial", "publications", "consent")
# Apps whose content plugs into the editorial core (any new one is one too, by default).
CONTENT_APPS = tuple(app for app in APPS if app != "editorial")


def module_name(path):
    parts = list(path.relative_to(PROJECT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules():
    return {
        module_name(path): path
        for package in PACKAGES
        for path in sorted((PROJECT / package).rglob("*.py"))
    }


def imported_modules(name, source, modules, is_package=False):
    """The project's modules that module `name` imports anywhere in its source."""
    package = name if is_package else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(source, name)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            # `from package import module` imports the module; `from module import name`
            # imports the module that defines the name.
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            # `import a.b.c` names a module; otherwise the closest enclosing project module.
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def import_graph():
    modules = project_modules()
    return {
        name: imported_modules(name, path.read_text(), modules, path.name == "__init__.py")
        for name, path in modules.items()
    }


def import_cycles(graph):
    """Strongly connected groups of more than one module (Tarjan), each sorted."""
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for neighbour in graph.get(node, ()):
            if neighbour not in index:
                visit(neighbour)
                low[node] = min(low[node], low[neighbour])
            elif neighbour in on_stack:
                low[node] = min(low[node], index[neighbour])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def test_the_projects_modules_import_each_other_one_way():
    graph = import_graph()
    assert "consent.state" in graph and "reportsite.pagecache" in graph
    assert import_cycles(graph) == []


def test_the_shared_machinery_imports_no_app():
    graph = import_graph()
    offenders = {
        name: sorted(target for target in targets if target.split(".")[0] in APPS)
        for name, targets in graph.items()
        if name.split(".")[0] == "reportsite"
    }
    assert {name: targets for name, targets in offenders.items() if targets} == {}


def editorial_offenders(graph):
    return {
        name: sorted(target for target in targets if target.split(".")[0] in CONTENT_APPS)
        for name, targets in graph.items()
        if name.split(".")[0] == "editorial" and any(t.split(".")[0] in CONTENT_APPS for t in targets)
    }


def test_the_editorial_core_imports_no_content_app():
    graph = import_graph()
    assert "editorial.actions" in graph and "editorial.files" in graph
    assert editorial_offenders(graph) == {}


def test_the_editorial_check_fails_on_an_import_of_a_content_app():
    graph = import_graph()
    graph["editorial.previews"] |= imported_modules(
        "editorial.previews",
        "def _render(request):\n    from publications.views import render_publication\n",
        project_modules(),
    )
    assert editorial_offenders(graph) == {"editorial.previews": ["publications.views"]}


def test_the_check_fails_on_a_lazy_import_back_into_an_app():
    """The check itself can fail: the page cache once imported consent inside a function,
    while consent imported the page cache."""
    assert import_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    graph = import_graph()
    graph["reportsite.pagecache"] |= imported_modules(
        "reportsite.pagecache",
        "def _variant(request):\n    from consent.state import page_variant\n",
        project_modules(),
    )
    cycles = import_cycles(graph)
    assert any({"reportsite.pagecache", "consent.state"} <= set(cycle) for cycle in cycles)
