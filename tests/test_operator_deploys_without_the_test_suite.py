"""An operator deploys without the test suite: nothing outside tests/ and bench/ imports it
(read from the source with `ast`, lazy imports inside functions too), and the production
topology script starts with `tests` unimportable."""

import ast
import subprocess
import sys

from tests.servers import PROJECT

NOT_DEPLOYED = {"tests", "bench", ".venv", "node_modules"}


def deployed_sources():
    return sorted(
        path for path in PROJECT.rglob("*.py")
        if not NOT_DEPLOYED & set(path.relative_to(PROJECT).parts)
        and not any(part.startswith(".") for part in path.relative_to(PROJECT).parts)
    )


def imports_of_tests(source, name="<source>"):
    """Each `tests` module imported anywhere in `source`."""
    found = []
    for node in ast.walk(ast.parse(source, name)):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level:
            modules = [node.module or ""]
        else:
            continue
        found += [module for module in modules if module.split(".")[0] == "tests"]
    return found


def test_no_deployed_module_imports_the_test_suite():
    sources = deployed_sources()
    assert PROJECT / "deploy" / "topology.py" in sources
    offenders = {
        str(path.relative_to(PROJECT)): imports_of_tests(path.read_text(), str(path))
        for path in sources
    }
    assert {path: found for path, found in offenders.items() if found} == {}


def test_the_check_sees_a_lazy_import_of_a_test_helper():
    source = "def start():\n    from tests.servers import free_port\n    import tests.topology\n"
    assert imports_of_tests(source) == ["tests.servers", "tests.topology"]


def test_the_topology_script_loads_without_the_test_suite():
    blocked = (
        "import sys; sys.modules['tests'] = None; "  # any `import tests...` now fails
        "sys.argv = ['topology', '--help']; import runpy; "
        "runpy.run_path('deploy/topology.py', run_name='__main__')"
    )
    result = subprocess.run(
        [sys.executable, "-c", blocked], cwd=PROJECT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "production topology" in result.stdout
