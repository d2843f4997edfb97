#!/usr/bin/env bash
# Instruction counts (valgrind callgrind) per call of each approach of BENCHMARKS.md items 1-2:
# deterministic, so ratios near 1 can be trusted on a noisy machine.
#   scripts/callgrind.sh [N]        (default N=20000 calls per approach and body)
# floor_text is the floor after one UTF-8 check of the whole body (as safe-update reads).
# Per-call cost = (Ir(N) - Ir(0)) / N, which cancels start-up and the correctness checks.
# Bodies: accept (the same 12 values every call), changing (two bodies alternated, so every
# call changes all 12 fields), reject (3 forbidden and 2 unknown keys).
# Then creating (item 16): the create input read from the 12-field body and built into a new
# model, against floor_create (a hand-written `#[derive(Deserialize)]` input struct and a
# constructor); on the reject body the create input also lists the 10 missing fields, where
# serde stops at the first unknown key.
# Then the Deserialize impl (`deserialize`: the patch type's serde `Deserialize` through
# `serde_json::from_str`, then apply) against floor_text, which reads the same way. With
# BASE_BIN=<a callgrind_patch built from an earlier commit> (`base:` variants), each
# safe-update variant (patch, create, Deserialize) of that binary is measured beside this
# build's in the same run, for a before/after ratio on every body.
# Then grants: the same profile with a role gate on every field (grants_role, the reference),
# a condition that does no work (grants_trivial: the machinery of a condition), an owner
# condition comparing the sender's name with a server-only owner field (grants_owner), each
# applied by the owner, who holds the role; the last column is against the ungated profile.
# Then views: the profile serialized into a reused buffer for a reader who sees all its fields
# (all) or half (half), against serde's derive of a struct of the same fields (floor_view);
# view checks the read rules, view_plain has none to check (the last column: the checks' cost).
# Then JSON Patch: the change of each body as a merge patch (merge: what safe_update runs, the
# reference), as an RFC 6902 document of 12 operations through JsonPatch (json_patch), the same
# preceded by a `test` (json_patch_view: applied to the sender's view), and the document applied
# by hand (handwritten: an allowlist, to_value, json_patch::patch, from_value; the last column);
# skim parses the document and keeps nothing, the floor of any reader of it.
# TABLES="patch create deserialize grants views json_patch" (the default: all) picks the tables
# to run.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-20000}"
TABLES="${TABLES:-patch create deserialize grants views json_patch}"
want() { [[ " $TABLES " == *" $1 "* ]]; }
command -v valgrind >/dev/null || { echo "valgrind missing: apt-get install -y valgrind" >&2; exit 1; }
cargo build --quiet -p safe-update-benches --release --example callgrind_patch
BIN="${CARGO_TARGET_DIR:-target}/release/examples/callgrind_patch"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT

ir() { # variant body n; a variant `base:name` is `name` run by $BASE_BIN
    local bin=$BIN variant=$1
    if [[ $variant == base:* ]]; then
        bin=${BASE_BIN:?"base: variants need BASE_BIN"}
        variant=${variant#base:}
    fi
    valgrind --tool=callgrind --callgrind-out-file="$OUT/${1/:/_}.$2.$3" "$bin" "$variant" "$2" "$3" \
        2>&1 >/dev/null | awk '/Collected/ {print $4}'
}

# table "bodies" "variants": per call and per body, each variant's Ir against the first variant
# (the floor) and the last (the floor after the same UTF-8 check).
table() {
    local bodies=($1) variants=($2)
    local floor=${variants[0]} text=${variants[-1]}
    printf '%-8s %-18s %12s %10s %21s\n' body approach "Ir/call" "vs $floor" "vs $text"
    for body in "${bodies[@]}"; do
        declare -A per=()
        for variant in "${variants[@]}"; do
            zero=$(ir "$variant" "$body" 0)
            full=$(ir "$variant" "$body" "$N")
            per[$variant]=$(( (full - zero) / N ))
        done
        for variant in "${variants[@]}"; do
            ratio=$(awk -v a="${per[$variant]}" -v b="${per[$floor]}" 'BEGIN {printf "%.3f", a / b}')
            vs_text=$(awk -v a="${per[$variant]}" -v b="${per[$text]}" 'BEGIN {printf "%.3f", a / b}')
            printf '%-8s %-18s %12d %9sx %20sx\n' "$body" "$variant" "${per[$variant]}" "$ratio" "$vs_text"
        done
        unset per
    done
}

if [[ -n ${BASE_BIN:-} ]]; then
    # Each safe-update variant beside the same variant of the earlier build, in one run.
    want patch && { table "accept changing reject" "floor base:safe_update safe_update manual struct_patch floor_text"; echo; }
    want create && { table "accept reject" "floor_create base:create create floor_create_text"; echo; }
    want deserialize && { table "accept reject" "base:deserialize deserialize floor_text"; echo; }
else
    want patch && { table "accept changing reject" "floor safe_update manual struct_patch floor_text"; echo; }
    want create && { table "accept reject" "floor_create create floor_create_text"; echo; }
    want deserialize && { table "accept reject" "floor_text deserialize floor_text"; echo; }
fi
want grants && { table "accept changing reject" "grants_role grants_trivial grants_owner safe_update"; echo; }
want views && { table "all half" "floor_view view view_plain"; echo; }
want json_patch && { table "accept changing reject" "merge json_patch json_patch_view skim handwritten"; echo; }
echo "callgrind: N=$N calls per approach and body; $(date -u +%FT%TZ); $(nproc) cores"
