#!/usr/bin/env python3
"""Start-up A/B of two eventfabric binaries: alternating starts, each on a fresh
data folder, timed from spawn to the first 200 from GET /health (polled every
0.2 ms). Prints each side's median, minimum and samples.

    python3 bench/startup_ab.py BASE_BIN NEW_BIN [--starts 15]

Outside ef_bench_http on purpose: there the start-up figure follows the heavy
runs, and the kernel's write-back of their data lands on the new server's
first fsyncs.
"""
import argparse
import shutil
import socket
import statistics
import subprocess
import tempfile
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def once(binary):
    port = free_port()
    folder = tempfile.mkdtemp(prefix="ef-startup-")
    shutil.rmtree(folder)
    t0 = time.perf_counter()
    proc = subprocess.Popen([binary, "serve", "--port", str(port), "--data-dir", folder],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ms = None
    try:
        while time.perf_counter() - t0 < 10:  # bounded: a server that never answers fails the run
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                    s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    if b" 200 " in s.recv(100):
                        ms = (time.perf_counter() - t0) * 1000
                        break
            except OSError:
                time.sleep(0.0002)
    finally:
        proc.terminate()
        proc.wait()
        shutil.rmtree(folder, ignore_errors=True)
    if ms is None:
        raise SystemExit(f"{binary} did not answer /health within 10 s")
    return ms


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("base")
    ap.add_argument("new")
    ap.add_argument("--starts", type=int, default=15, help="starts per side (default 15)")
    args = ap.parse_args()
    results = {"base": [], "new": []}
    for _ in range(args.starts):
        results["base"].append(once(args.base))
        results["new"].append(once(args.new))
    for side, v in results.items():
        print(f"{side}: median {statistics.median(v):.1f} ms, min {min(v):.1f} ms,",
              [round(x, 1) for x in v])


if __name__ == "__main__":
    main()
