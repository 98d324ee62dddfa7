"""The process helpers the tests use: free ports and a throwaway production-like site.

They live in deploy/processes.py, which deploy/topology.py and the benchmarks use too
(deployment code never imports the test suite; the tests may import deployment helpers).
"""

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
    "free_ports", "generated_secret_key", "read_env_file",
]
