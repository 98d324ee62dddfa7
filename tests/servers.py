"""The process helpers the tests use: free ports and a throwaway production-like site.

They live in deploy/processes.py, which deploy/topology.py and the benchmarks use too
(deployment code never imports the test suite; the tests may import deployment helpers).
"""

import os
from pathlib import Path

from deploy.processes import (
    GUNICORN,
    PROJECT,
    PROJECT_VARIABLES,
    PYTHON,
    TemporarySite,
    free_port,
    free_ports,
    generated_secret_key,
    read_env_file,
)

__all__ = [
    "GUNICORN", "PROJECT", "PROJECT_VARIABLES", "PYTHON", "TemporarySite", "free_port",
    "free_ports", "generated_secret_key", "read_env_file", "children", "open_descriptors",
]


def children(pid):
    """The process ids of `pid`'s children (a Gunicorn master's workers)."""
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def open_descriptors(pid):
    """{descriptor number: what it is open on} of a running process: a file's path, or
    `socket:[inode]`."""
    found = {}
    for descriptor in Path(f"/proc/{pid}/fd").iterdir():
        try:
            found[int(descriptor.name)] = os.readlink(descriptor)
        except FileNotFoundError:  # closed meanwhile
            pass
    return found
