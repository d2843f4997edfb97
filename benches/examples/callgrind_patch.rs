//! Callgrind driver for items 1 and 2: runs one approach `N` times on one body, so that
//! `valgrind --tool=callgrind` counts instructions without timing noise.
//!
//! `callgrind_patch <safe_update|deserialize|floor|floor_text|manual|struct_patch|create|floor_create|floor_create_text|grants_owner|grants_trivial|grants_role> <accept|changing|reject> <N>`;
//! `changing` alternates two bodies so that every apply changes all 12 fields; the `create`
//! variants build a new model from the body each call (and drop it); `deserialize` reads the
//! patch through its serde `Deserialize` (`serde_json::from_str`); the `grants_` variants apply
//! the profile with an owner condition, a condition that does no work, or a role gate on every
//! field, on behalf of its owner, who holds the role. The cost of one call is
//! `(Ir(N) - Ir(0)) / N` (scripts/callgrind.sh).
#![forbid(unsafe_code)]

use std::hint::black_box;

use safe_update_benches::grants::{
    owner_path, role_path, trivial_path, GatedProfile, OwnedProfile, Owner, TrivialProfile,
};
use safe_update_benches::{
    floor, floor_create, floor_create_text, floor_text, manual_allowlist, profile,
    safe_update_create, safe_update_deserialize, safe_update_path, ACCEPT_BODY, ACCEPT_BODY_B,
    REJECT_BODY,
};

#[path = "../benches/shared/struct_patch.rs"]
mod sp;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, variant, body, n] = args.as_slice() else {
        eprintln!(
            "usage: callgrind_patch <safe_update|deserialize|floor|floor_text|manual|struct_patch|create|floor_create|floor_create_text|grants_owner|grants_trivial|grants_role> <accept|changing|reject> <N>"
        );
        std::process::exit(2);
    };
    let n: u64 = n.parse().expect("N is a number");
    let bodies = match body.as_str() {
        "accept" => [ACCEPT_BODY, ACCEPT_BODY],
        "changing" => [ACCEPT_BODY, ACCEPT_BODY_B],
        "reject" => [REJECT_BODY, REJECT_BODY],
        other => panic!("unknown body {other}"),
    };
    // Same set-up in every run, so that it cancels out of Ir(N) - Ir(0).
    sp::check_struct_patch();
    let mut target = profile();
    let mut sp_target = sp::sp_profile();
    let owner = Owner {
        name: "alice".to_owned(),
    };
    let mut owned = OwnedProfile::from_profile("alice");
    let mut trivial = TrivialProfile::from_profile("alice");
    let mut gated = GatedProfile::from_profile("alice");
    // On the heap, not where the linker put the constants: the UTF-8 check and serde_json
    // read words at a time, so a body's alignment moves their counts from one build to the
    // next, whatever the code under test.
    let bodies = bodies.map(<[u8]>::to_vec);
    let mut ok = 0u64;
    for i in 0..n {
        let body = bodies[(i % 2) as usize].as_slice();
        let accepted = match variant.as_str() {
            "safe_update" => black_box(safe_update_path(black_box(body), &mut target)).is_ok(),
            "deserialize" => {
                black_box(safe_update_deserialize(black_box(body), &mut target)).is_ok()
            }
            "floor" => black_box(floor(black_box(body), &mut target)).is_ok(),
            "floor_text" => black_box(floor_text(black_box(body), &mut target)).is_ok(),
            "manual" => black_box(manual_allowlist(black_box(body), &mut target)).is_ok(),
            "struct_patch" => black_box(sp::struct_patch(black_box(body), &mut sp_target)).is_ok(),
            "create" => black_box(safe_update_create(black_box(body))).is_ok(),
            "floor_create" => black_box(floor_create(black_box(body))).is_ok(),
            "floor_create_text" => black_box(floor_create_text(black_box(body))).is_ok(),
            "grants_owner" => black_box(owner_path(black_box(body), &mut owned, &owner)).is_ok(),
            "grants_trivial" => {
                black_box(trivial_path(black_box(body), &mut trivial, &owner)).is_ok()
            }
            "grants_role" => black_box(role_path(black_box(body), &mut gated, &owner)).is_ok(),
            other => panic!("unknown variant {other}"),
        };
        ok += u64::from(accepted);
    }
    println!("{variant} {n} accepted={ok}");
}
