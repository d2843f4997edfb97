# Shared by scripts/load.sh and scripts/reliability.sh: start and stop a server of the demo
# on 127.0.0.1 with a port picked by the kernel. Source it; needs $WORK (a scratch directory).

STARTED_PIDS=()
STARTS=0

# start_server NAME BINARY DB [ARGS...]: starts the server in the background, waits for its
# "listening on http://ADDR" line (30 s at most) and sets SERVER_PID, SERVER_PORT, and
# ALICE_PASSWORD when the database was seeded by this start; SERVER_LOG is its stderr. DB is
# an SQLite file or a database URL (sqlite:PATH, postgres://...).
start_server() {
    local name="$1" binary="$2" db="$3"
    shift 3
    # A new file for every start: the shell truncates a redirected file only once the
    # background job runs, so a reused name could show the previous start's address.
    STARTS=$((STARTS + 1))
    local out="$WORK/$name.$STARTS.out"
    SERVER_LOG="$WORK/$name.$STARTS.log"
    local database=(--db "$db")
    case "$db" in
        sqlite:* | postgres://* | postgresql://*) database=(--database-url "$db") ;;
    esac
    "$binary" "${database[@]}" --listen 127.0.0.1:0 "$@" >"$out" 2>"$SERVER_LOG" &
    SERVER_PID=$!
    STARTED_PIDS+=("$SERVER_PID")
    local waited=0
    until grep -q '^listening on http://127.0.0.1:' "$out" 2>/dev/null; do
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            echo "server $name exited before listening; its log:" >&2
            tail -20 "$SERVER_LOG" >&2
            return 1
        fi
        if [ "$waited" -ge 300 ]; then
            echo "server $name did not print its address within 30 s" >&2
            return 1
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
    SERVER_PORT=$(sed -n 's|^listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$out" | head -1)
    local password
    password=$(sed -n 's|^created user alice.* with password: \(.*\)$|\1|p' "$out" | head -1)
    if [ -n "$password" ]; then
        ALICE_PASSWORD="$password"
    fi
}

# stop_server PID: SIGTERM, then SIGKILL after 10 s; waits for it.
stop_server() {
    local pid="$1" i
    kill "$pid" 2>/dev/null || return 0
    for i in $(seq 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# Stops every server this script started that is still running.
stop_all_servers() {
    local pid
    for pid in "${STARTED_PIDS[@]}"; do
        if kill -0 "$pid" 2>/dev/null; then
            stop_server "$pid"
        fi
    done
}

# peak_rss_mib PID: the process's peak resident memory (VmHWM) in MiB.
peak_rss_mib() {
    awk '/^VmHWM:/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"
}

# PostgreSQL databases for a script's runs. PG_ADMIN (a URL, usually SAFE_UPDATE_TEST_POSTGRES
# as for the tests) names the server; psql creates and drops the databases.

# pg_client: psql is here (installed with apt if missing), and PGOPTIONS quiets its notices.
pg_client() {
    if ! command -v psql >/dev/null; then
        apt-get install -y -qq postgresql-client >/dev/null 2>&1 ||
            { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq postgresql-client >/dev/null 2>&1; } ||
            true
    fi
    export PGOPTIONS="--client-min-messages=warning"
    command -v psql >/dev/null
}

PG_DATABASES=()
# pg_database NAME: creates a fresh database and sets PG_URL to it (not in a subshell: the
# name must reach PG_DATABASES, which drop_pg_databases drops; call that from the exit trap).
pg_database() {
    local name="safe_update_rel_$$_$1"
    psql "$PG_ADMIN" -qX -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" \
        -c "CREATE DATABASE $name" >/dev/null
    PG_DATABASES+=("$name")
    # The admin URL with its database replaced.
    local base="${PG_ADMIN%%\?*}" query=""
    [ "$base" != "$PG_ADMIN" ] && query="?${PG_ADMIN#*\?}"
    PG_URL="${base%/*}/$name$query"
}
drop_pg_databases() {
    local name
    for name in "${PG_DATABASES[@]}"; do
        psql "$PG_ADMIN" -qX -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null 2>&1 || true
    done
}
