#!/usr/bin/env python3
"""Read-modify-write load on the demo's PATCH /profile, for scripts/reliability.sh.

`load`: CLIENTS threads each make UPDATES read-modify-write updates of the same user's `bio`:
GET /profile (the bio and its ETag), add the client's next token, PATCH with If-Match, retry
on 412. Token k of client c is `cC.K`; the demo caps `bio` at 1000 characters, so the bio
keeps each client's newest token only, and since each client's tokens are consecutive, `cC.K`
present stands for `cC.1` to `cC.K`. Every GET checks that the client's last acknowledged
token is there (a lost update shows up at the next read, not only at the end) and that no
other client's token went backwards. With --kill-pid/--kill-after, the server is sent SIGKILL
once that many updates have been acknowledged, and the clients stop at their first
connection error. The acknowledged counts are written to --acked as JSON.

`verify`: after a restart, checks that every acknowledged update (from --acked) is there: the
stored `version` counts every committed change of the bio (each acknowledged update changes
it), so it must be 1 + the acknowledged updates, plus at most the updates still in flight at
the kill; and each client's newest acknowledged token must be in the bio. The load also
writes to --acked the last acknowledged update (the one with the highest version: with
If-Match, updates commit in version order) and the bio and version it was based on, which the
database held just before that update committed: scripts/reliability.sh sets alice's row of a
copy back to them, a copy that misses exactly that update, and `verify` must report it.

Several instances: --port once per instance; client c talks to the instance c mod N. With
--failover, a client whose instance stops answering (the one --kill-pid killed) moves to the
next one and carries on: it re-reads, and finds there whether its update in flight was
committed (its token is there: counted as acknowledged, since the version counts it) or not
(sent again). The load then also reports how many updates were acknowledged after the kill,
which must be some: the surviving instance kept answering.

Only 127.0.0.1 is targeted; every loop is bounded in count and by --deadline seconds.
Exit status: 0 when no violation was seen, 1 otherwise.
"""

import argparse
import base64
import http.client
import json
import os
import re
import signal
import sys
import threading
import time

TOKEN = re.compile(r"c(\d+)\.(\d+)")


def parse_bio(bio):
    counters = {}
    for client, k in TOKEN.findall(bio or ""):
        counters[int(client)] = max(counters.get(int(client), 0), int(k))
    return counters


def render_bio(counters):
    return " ".join(f"c{c:02d}.{k}" for c, k in sorted(counters.items()) if k > 0)


class Server:
    def __init__(self, args, port):
        if args.host not in ("127.0.0.1", "localhost", "::1"):
            raise SystemExit("refusing to target anything but the loopback address")
        token = base64.b64encode(f"{args.user}:{args.password}".encode()).decode()
        self.host, self.port = args.host, port
        self.auth = f"Basic {token}"
        self.if_match = not args.without_if_match

    def connect(self):
        return http.client.HTTPConnection(self.host, self.port, timeout=10)

    def get_document(self, conn):
        conn.request("GET", "/profile", headers={"Authorization": self.auth})
        response = conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"GET /profile: {response.status} {body[:200]!r}")
        document = json.loads(body)
        if "bio" not in document and isinstance(document.get("user"), dict):
            document = document["user"]
        return document.get("bio"), response.getheader("ETag"), document.get("version")

    def patch(self, conn, bio, etag):
        body = json.dumps({"bio": bio}).encode()
        headers = {"Authorization": self.auth, "Content-Type": "application/json"}
        if self.if_match:
            headers["If-Match"] = etag
        conn.request("PATCH", "/profile", body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status


class Load:
    def __init__(self, args, servers):
        self.args, self.servers = args, servers
        self.lock = threading.Lock()
        self.acked = [0] * args.clients
        self.in_flight = [False] * args.clients
        self.violations = []
        self.requests = 0
        self.conflicts = 0
        self.errors = 0
        self.total_acked = 0
        self.acked_after_kill = 0
        self.failovers = 0
        self.last = None
        self.killed = threading.Event()
        self.deadline = time.monotonic() + args.deadline

    def violation(self, message):
        with self.lock:
            self.violations.append(message)
        print(f"VIOLATION: {message}", file=sys.stderr)

    def acknowledge(self, client, k, based_on):
        """Counts update k of client as acknowledged; based_on is the (version, bio) it was
        sent against, which If-Match made the state just before it committed."""
        version, bio = based_on
        with self.lock:
            self.acked[client] = k
            self.total_acked += 1
            if self.last is None or version > self.last["version_before"]:
                self.last = {"client": client, "k": k, "version_before": version, "bio_before": bio}
            if self.killed.is_set():
                self.acked_after_kill += 1
            kill = (
                self.args.kill_pid
                and not self.killed.is_set()
                and self.total_acked >= self.args.kill_after
            )
        if kill:
            self.killed.set()
            os.kill(self.args.kill_pid, signal.SIGKILL)
            print(f"SIGKILL sent to {self.args.kill_pid} after {self.total_acked} acknowledged updates")

    def client(self, client):
        instance = client % len(self.servers)
        server = self.servers[instance]
        conn = server.connect()
        seen = {}
        based_on = None
        k = 1
        attempts = 0
        try:
            while k <= self.args.updates:
                attempts += 1
                if attempts > self.args.max_attempts:
                    self.violation(f"client {client}: {self.args.max_attempts} attempts for update {k}")
                    return
                if time.monotonic() > self.deadline:
                    self.violation(f"client {client}: deadline reached at update {k}")
                    return
                try:
                    bio, etag, version = server.get_document(conn)
                    counters = parse_bio(bio)
                    mine = counters.get(client, 0)
                    if mine == k and self.in_flight[client]:
                        # The update in flight when the instance died was committed.
                        self.in_flight[client] = False
                        self.acknowledge(client, k, based_on)
                        k, attempts = k + 1, 0
                        continue
                    self.in_flight[client] = False
                    if mine < self.acked[client]:
                        self.violation(
                            f"lost update: client {client} was acknowledged c{client:02d}."
                            f"{self.acked[client]} but reads c{client:02d}.{mine}"
                        )
                        return
                    for other, count in seen.items():
                        if counters.get(other, 0) < count:
                            self.violation(
                                f"client {client} saw c{other:02d} go back from {count} "
                                f"to {counters.get(other, 0)}"
                            )
                            return
                    seen = counters
                    counters = dict(counters)
                    counters[client] = k
                    self.in_flight[client] = True
                    based_on = (version, bio)
                    status = server.patch(conn, render_bio(counters), etag)
                except (OSError, http.client.HTTPException) as error:
                    if not (self.killed.is_set() and self.args.failover):
                        raise
                    # This instance is gone: on to the next one, as a load balancer would.
                    conn.close()
                    instance = (instance + 1) % len(self.servers)
                    server = self.servers[instance]
                    conn = server.connect()
                    with self.lock:
                        self.failovers += 1
                    continue
                with self.lock:
                    self.requests += 2
                if 200 <= status < 300:
                    self.in_flight[client] = False
                    self.acknowledge(client, k, based_on)
                    k, attempts = k + 1, 0
                    continue
                self.in_flight[client] = False
                if status == 412:
                    with self.lock:
                        self.conflicts += 1
                    continue
                self.violation(f"client {client}: PATCH answered {status}")
                return
        except (OSError, http.client.HTTPException, RuntimeError, ValueError) as error:
            if not self.killed.is_set():
                self.violation(f"client {client}: {error!r}")
            with self.lock:
                self.errors += 1
        finally:
            conn.close()

    def run(self):
        threads = [
            threading.Thread(target=self.client, args=(c,), daemon=True)
            for c in range(self.args.clients)
        ]
        start = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(max(0.0, self.deadline - time.monotonic()) + 15)
        elapsed = time.monotonic() - start
        if any(thread.is_alive() for thread in threads):
            self.violation("a client did not finish before the deadline")
        return elapsed


def final_check(server, acked, in_flight):
    conn = server.connect()
    try:
        bio, _, version = server.get_document(conn)
    finally:
        conn.close()
    counters = parse_bio(bio)
    problems = []
    # Every acknowledged update changed the bio, so bumped the version once; an update in
    # flight at the kill may have committed without its answer arriving.
    low, high = 1 + sum(acked), 1 + sum(acked) + sum(1 for flag in in_flight if flag)
    if not (isinstance(version, int) and low <= version <= high):
        problems.append(f"version {version}, expected {low}" + (f" to {high}" if high > low else ""))
    for client, count in enumerate(acked):
        present = counters.get(client, 0)
        if present < count:
            problems.append(f"acknowledged c{client:02d}.{count} missing (bio has {present})")
        elif present > count + (1 if in_flight[client] else 0):
            problems.append(f"c{client:02d}.{present} present but only {count} acknowledged")
    return problems, len(bio or "")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["load", "verify"])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument(
        "--port", type=int, action="append", required=True, help="once per instance"
    )
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--updates", type=int, default=200)
    parser.add_argument("--max-attempts", type=int, default=10000)
    parser.add_argument("--deadline", type=float, default=300.0)
    parser.add_argument("--kill-pid", type=int, default=0)
    parser.add_argument("--kill-after", type=int, default=0)
    parser.add_argument("--acked", required=True, help="JSON file of acknowledged counts")
    parser.add_argument(
        "--failover",
        action="store_true",
        help="after the kill, clients of the killed instance move to the next one",
    )
    parser.add_argument(
        "--without-if-match",
        action="store_true",
        help="self-test of the checker: PATCH without If-Match, which must lose updates",
    )
    args = parser.parse_args()
    servers = [Server(args, port) for port in args.port]
    server = servers[-1]

    if args.mode == "verify":
        with open(args.acked) as file:
            saved = json.load(file)
        problems, length = final_check(server, saved["acked"], saved["in_flight"])
        for problem in problems:
            print(f"VIOLATION: {problem}", file=sys.stderr)
        print(
            f"verify: version and {sum(saved['acked'])} acknowledged updates checked after "
            f"restart, {len(problems)} problems; bio {length} characters"
        )
        return 1 if problems else 0

    load = Load(args, servers)
    elapsed = load.run()
    with open(args.acked, "w") as file:
        json.dump({"acked": load.acked, "in_flight": load.in_flight, "last": load.last}, file)
    problems = []
    if not args.kill_pid or args.failover:
        # Read through the last instance: with --failover, the one that was not killed.
        problems, length = final_check(server, load.acked, load.in_flight)
        for problem in problems:
            load.violation(problem)
        expected = args.clients * args.updates
        if sum(load.acked) != expected:
            load.violation(f"{sum(load.acked)} of {expected} updates acknowledged")
    if args.kill_pid and not load.killed.is_set():
        load.violation("the load ended before the kill point")
    if args.failover and load.killed.is_set():
        if load.acked_after_kill == 0:
            load.violation("no update was acknowledged after the kill: the other instance stopped")
        print(
            f"after the kill: {load.acked_after_kill} updates acknowledged, "
            f"{load.failovers} client moves to the other instance"
        )
    print(
        f"load: {args.clients} clients, {sum(load.acked)} acknowledged updates, "
        f"{load.conflicts} answered 412 and retried, {load.requests} requests in "
        f"{elapsed:.1f} s ({load.requests / max(elapsed, 1e-9):.0f} req/s), "
        f"{len(load.violations)} violations"
    )
    return 1 if load.violations else 0


if __name__ == "__main__":
    sys.exit(main())
