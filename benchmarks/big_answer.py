"""A huge answer: peak RSS growth while a registry receives a 50 MB body, against ``max_response_bytes``.

A loopback HTTP server streams the body in 1 MiB chunks (so it holds almost nothing itself); the
client runs in a fresh process and ``get()``s it once with the default cap (32 MiB: the answer is
refused) and once with a cap above it (the answer is read and parsed). The figure is the growth
of the peak resident set size over the process's own baseline.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from benchmarks._report import Result

SIZE = 50 * 1024 * 1024
ROOT = Path(__file__).resolve().parent.parent
CHILD = """
import resource, socket, sys, threading
import modelreg

size, cap = int(sys.argv[1]), int(sys.argv[2])
listener = socket.create_server(("127.0.0.1", 0))

def serve():
    conn, _ = listener.accept()
    conn.recv(65536)
    head, tail = b'{"result": {"id": 1, "name": "', b'", "language": "en"}}'
    filler = size - len(head) - len(tail)
    status = b"HTTP/1.1 200 OK\\r\\ncontent-type: application/json\\r\\n"
    conn.sendall(status + b"content-length: %d\\r\\n\\r\\n" % size + head)
    chunk = b"a" * (1 << 20)
    while filler > 0:
        conn.sendall(chunk[: min(filler, len(chunk))])
        filler -= len(chunk)
    conn.sendall(tail)
    conn.close()

threading.Thread(target=serve, daemon=True).start()
options = {} if cap == 0 else {"max_response_bytes": cap}
reg = modelreg.connect("scriptix", api_key="bench-key-0001", base_url=f"http://127.0.0.1:{listener.getsockname()[1]}",
                       max_retries=0, **options)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    reg.get(1)
    outcome = "read"
except modelreg.ModelRegError as exc:
    outcome = type(exc).__name__
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(after - before, outcome)
"""


def measure(python: str, cap: int, size: int = SIZE) -> tuple[int, str] | None:
    """Peak RSS growth in KB of one ``get()`` of a ``size``-byte answer and how it ended (None: no such cap)."""
    done = subprocess.run([python, "-c", CHILD, str(size), str(cap)], capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:  # an install older than max_response_bytes
        return None
    growth, outcome = done.stdout.split()
    return int(growth), outcome


def run(*, python: str = sys.executable, runs: int = 2) -> Result:
    """Peak RSS growth of a 50 MB answer with the default cap and with a cap above it (least of ``runs``)."""
    result = Result(
        f"a {SIZE // 2**20} MB answer: peak RSS growth of one get() over loopback",
        ["max_response_bytes", "outcome", "peak RSS growth"],
    )
    for label, cap in (("default (32 MiB)", 0), ("64 MiB", 64 * 2**20)):
        cells = [cell for cell in (measure(python, cap) for _ in range(runs)) if cell is not None]
        if not cells:
            result.rows.append([label, "not offered by this install", "-"])
            continue
        growth = min(kb for kb, _ in cells)
        result.rows.append([label, cells[0][1], f"{growth / 1024:.0f} MB"])
        if cap == 0:
            refused = cells[0][1] == "ProtocolError"
            target = "refused past the default cap, memory near the cap (at most 2x 32 MiB)"
            result.check(target, refused and growth <= 64 * 1024, f"{cells[0][1]}, {growth / 1024:.0f} MB")
    result.notes.append(f"one fresh process per cell, least of {runs}; the server streams 1 MiB chunks")
    return result


if __name__ == "__main__":  # python -m benchmarks.big_answer [PYTHON]: one table, for comparing installs
    print(run(python=sys.argv[1] if len(sys.argv) > 1 else sys.executable).markdown())
