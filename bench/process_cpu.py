"""CPU time spent by the topology's own processes, read from /proc (Linux).

On a machine shared with other work, requests per second say more about the neighbours
than about the site; the CPU seconds the site's processes used per request say less, but
not nothing: busy neighbours slow every instruction (shared caches, a busy sibling core),
and on this machine the same code's consent decision cost 3.2 ms in one run and 6.5 ms in
another within the hour, with load averages of 1.6 and 2.6 before them (the neighbours
outside this machine's view do not show in it). Compare CPU figures between runs made
back to back, alternating, as the benches' rounds do. A bench reads
`topology_cpu(topology)` before and after a run and divides the difference by the requests
it made: what one request costs nginx, the app servers, PostgreSQL and Redis, and so what
one core carries (1 / cost).
"""

import os
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def _processes():
    """{pid: (parent pid, user+system CPU seconds)} of every process, its children that
    have ended included: a Gunicorn worker replaced after GUNICORN_MAX_REQUESTS, or the
    PostgreSQL backend that served it, leaves its CPU time in its parent's account."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        # After the command: state, ppid, ..., utime (14th field overall), stime (15th),
        # then cutime and cstime (children waited for).
        found[int(entry.name)] = (int(fields[1]), sum(map(int, fields[11:15])) / TICKS)
    return found


def cpu_seconds(roots):
    """CPU seconds used so far by each root process and all its descendants."""
    processes = _processes()
    children = {}
    for pid, (parent, _) in processes.items():
        children.setdefault(parent, []).append(pid)
    totals = {}
    for name, root in roots.items():
        total, stack = 0.0, [root]
        while stack:
            pid = stack.pop()
            if pid in processes:
                total += processes[pid][1]
                stack.extend(children.get(pid, []))
        totals[name] = total
    return totals


def topology_roots(topology):
    """{part: pid} of the topology's servers (deploy/topology.py)."""
    roots = {"nginx": topology.processes["nginx"].pid, "redis": topology.processes["redis"].pid}
    for index, process in enumerate(topology.apps):
        if process is not None:
            roots[f"app{index}"] = process.pid
    postmaster = topology.folder / "pg" / "postmaster.pid"
    if postmaster.exists():
        roots["postgres"] = int(postmaster.read_text().split()[0])
    return roots


def topology_cpu(topology):
    """{"nginx": s, "apps": s, "postgres": s, "redis": s} used so far."""
    totals = cpu_seconds(topology_roots(topology))
    apps = sum(value for name, value in totals.items() if name.startswith("app"))
    return {
        "nginx": totals["nginx"], "apps": apps, "postgres": totals.get("postgres", 0.0),
        "redis": totals["redis"],
    }


def per_request_ms(before, after, requests):
    """Milliseconds of CPU per request, per part and in all."""
    costs = {name: (after[name] - before[name]) * 1000 / max(requests, 1) for name in after}
    costs["all"] = sum(costs.values())
    return costs


def describe(costs):
    return ", ".join(f"{name} {value:.2f}" for name, value in costs.items())
