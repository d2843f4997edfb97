#!/usr/bin/env python3
"""A concurrent burst of wrong passwords against the demo, for scripts/reliability.sh.

`login_burst.py --port PORT [--port PORT...] --user NAME --count N --limit L`: N threads,
released together, spread over the instances (one --port each),
each send GET /profile once with Basic credentials of NAME and a password of its own (all
wrong). Every answer must be 401 (the password was checked) or 429 (the login limiter refused
to check it); exactly L must be 401: fewer means the limiter refuses more than it documents,
more means a burst gets past it. Prints the counts; exit status 0 only then.

Only 127.0.0.1 is targeted; one request per thread, each with a 30 s timeout.
"""

import argparse
import base64
import http.client
import sys
import threading
from collections import Counter


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--port", type=int, action="append", required=True,
        help="once per instance: guess n goes to instance n mod N"
    )
    parser.add_argument("--user", required=True)
    parser.add_argument("--count", type=int, default=64)
    parser.add_argument("--limit", type=int, default=5)
    args = parser.parse_args()
    start = threading.Barrier(args.count)
    statuses = Counter()
    lock = threading.Lock()

    def guess(n):
        token = base64.b64encode(f"{args.user}:wrong guess {n}".encode()).decode()
        port = args.port[n % len(args.port)]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        start.wait()
        try:
            conn.request("GET", "/profile", headers={"Authorization": f"Basic {token}"})
            status = conn.getresponse().status
        except OSError as error:
            status = f"error: {error}"
        with lock:
            statuses[status] += 1

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(args.count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    checked, refused = statuses[401], statuses[429]
    others = {k: v for k, v in statuses.items() if k not in (401, 429)}
    ok = checked == args.limit and refused == args.count - args.limit and not others
    print(
        f"{args.count} concurrent wrong passwords for {args.user} over {len(args.port)} "
        f"instance(s): {checked} checked (401), "
        f"{refused} refused by the limiter (429), other answers {others or 'none'}; "
        f"expected exactly {args.limit} checked: {'ok' if ok else 'VIOLATION'}"
    )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
