"""Run a command and print its wall time and the CPU time (user + system) of it and of every
process it starts, Chromium's renderers included (which `time` misses once they are reparented):
read from /proc every 0.2 s, so a process's last 0.2 s may be lost.

    python bench/cpu_tree.py .venv/bin/python -m pytest -n 0 tests/test_accessibility.py
"""

import os
import subprocess
import sys
import time


def _descendants_cpu(root: int, seen: dict[tuple[int, int], int]) -> None:
    parent, cpu = {}, {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(name)
        parent[pid] = int(fields[1])
        cpu[pid] = (int(fields[19]), int(fields[11]) + int(fields[12]))  # start, utime + stime
    for pid, (started, ticks) in cpu.items():
        ancestor = pid
        while ancestor > 1 and ancestor != root:
            ancestor = parent.get(ancestor, 0)
        if ancestor == root:
            seen[(pid, started)] = max(seen.get((pid, started), 0), ticks)


def main() -> int:
    started = time.monotonic()
    process = subprocess.Popen(sys.argv[1:])
    seen: dict[tuple[int, int], int] = {}
    while process.poll() is None:
        _descendants_cpu(process.pid, seen)
        time.sleep(0.2)
    cpu = sum(seen.values()) / os.sysconf("SC_CLK_TCK")
    wall = time.monotonic() - started
    print(f"wall {wall:.1f} s, CPU {cpu:.1f} s in {len(seen)} processes", file=sys.stderr)
    return process.returncode


if __name__ == "__main__":
    sys.exit(main())
