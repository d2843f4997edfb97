#!/usr/bin/env python3
"""A burst of password changes against the demo, for scripts/password_burst.sh.

`password_burst.py --port PORT --pid PID --user NAME --password PW --other NAME:PW
[--count N] [--budget-mib M]`: N threads, released together, each send
PUT /profile/password as NAME, setting the password it authenticates with (so every request
stays authenticated and every one hashes a new password). Meanwhile a sampler reads the
server's VmRSS from /proc/PID/status every 5 ms, and the other user sends GET /profile at
0.1, 0.25, 0.5, 1 and 2 s into the burst (each on a thread of its own) (its credentials checked once before, as a user who
is logged in). Prints the answers by status, the server's resident memory before, its peak
growth (the larger of the sampled VmRSS and VmHWM at the end, less VmRSS before), and each
GET's status and latency.

Exit status 0 only when every PUT answered 204, 429 or 503 (none 500 or a broken
connection), the growth is at most the budget + 64 MiB, and every GET answered 200 within 1 s.
Only 127.0.0.1 is targeted; every request has a 120 s timeout.
"""

import argparse
import base64
import http.client
import json
import sys
import threading
import time
from collections import Counter


def status_kib(pid, field):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/{pid}/status")


def basic(user, password):
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def send(port, method, path, auth, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Authorization": auth}
    if body is not None:
        headers["Content-Type"] = "application/json"
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status
    except OSError as error:
        return f"error: {error}"
    finally:
        conn.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--other", required=True, help="NAME:PASSWORD of another user")
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--budget-mib", type=float, default=512)
    args = parser.parse_args()
    other_user, other_password = args.other.split(":", 1)
    other = basic(other_user, other_password)
    mine = basic(args.user, args.password)
    body = json.dumps({"password": args.password})

    # Both logged in once: their successes are cached, as for users of a running service.
    for auth in (mine, other):
        status = send(args.port, "GET", "/profile", auth)
        if status != 200:
            sys.exit(f"warm-up GET /profile answered {status}")
    before = status_kib(args.pid, "VmRSS")

    peak = [before]
    done = threading.Event()

    def sample():
        while not done.is_set():
            try:
                peak[0] = max(peak[0], status_kib(args.pid, "VmRSS"))
            except (OSError, RuntimeError):
                return
            time.sleep(0.005)

    start = threading.Barrier(args.count + 1)
    statuses = Counter()
    lock = threading.Lock()

    def change(_n):
        start.wait()
        status = send(args.port, "PUT", "/profile/password", mine, body)
        with lock:
            statuses[status] += 1

    gets = []

    def other_get(t0, at):
        time.sleep(max(0.0, t0 + at - time.monotonic()))
        sent = time.monotonic()
        status = send(args.port, "GET", "/profile", other)
        with lock:
            gets.append((at, status, time.monotonic() - sent))

    sampler = threading.Thread(target=sample)
    sampler.start()
    threads = [threading.Thread(target=change, args=(n,)) for n in range(args.count)]
    for thread in threads:
        thread.start()
    start.wait()
    t0 = time.monotonic()
    # Each GET on a thread of its own: each is sent at its time, whatever the others took.
    getters = [threading.Thread(target=other_get, args=(t0, at))
               for at in (0.1, 0.25, 0.5, 1.0, 2.0)]
    for getter in getters:
        getter.start()
    for thread in threads:
        thread.join()
    burst = time.monotonic() - t0
    for getter in getters:
        getter.join()
    gets.sort()
    done.set()
    sampler.join()
    hwm = status_kib(args.pid, "VmHWM")
    growth_mib = (max(peak[0], hwm) - before) / 1024

    unexpected = {k: v for k, v in statuses.items() if k not in (204, 429, 503)}
    slow = [g for g in gets if g[1] != 200 or g[2] > 1.0]
    allowed = args.budget_mib + 64
    ok = not unexpected and not slow and growth_mib <= allowed
    answers = ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items(), key=str))
    print(f"{args.count} concurrent PUT /profile/password by {args.user}: {answers}; "
          f"burst {burst:.2f} s")
    print(f"server RSS before {before / 1024:.1f} MiB, peak VmRSS {peak[0] / 1024:.1f} MiB, "
          f"VmHWM {hwm / 1024:.1f} MiB: growth {growth_mib:.1f} MiB "
          f"(allowed {allowed:.0f} MiB = budget {args.budget_mib:.0f} + 64)")
    print(f"{other_user}'s GET /profile during the burst: " + ", ".join(
        f"at {at:.2f} s {status} in {took * 1000:.0f} ms" for at, status, took in gets))
    print("ok" if ok else "VIOLATION")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
