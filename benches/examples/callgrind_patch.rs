//! Callgrind driver for items 1 and 2: runs one approach `N` times on one body, so that
//! `valgrind --tool=callgrind` counts instructions without timing noise.
//!
//! `callgrind_patch <safe_update|deserialize|floor|floor_text|manual|struct_patch|create|floor_create|floor_create_text|grants_owner|grants_trivial|grants_role> <accept|changing|reject> <N>` or
//! `callgrind_patch <view|view_plain|floor_view> <all|half> <N>` or
//! `callgrind_patch <merge|json_patch|json_patch_view|handwritten|skim> <accept|changing|reject> <N>`;
//! `changing` alternates two bodies so that every apply changes all 12 fields; the `create`
//! variants build a new model from the body each call (and drop it); `deserialize` reads the
//! patch through its serde `Deserialize` (`serde_json::from_str`); the `grants_` variants apply
//! the profile with an owner condition, a condition that does no work, or a role gate on every
//! field, on behalf of its owner, who holds the role. The `view` variants serialize the
//! profile into a reused buffer for a reader who sees `all` its fields or `half`: its view
//! (the read rules checked), its view with no rule to check (`view_plain`), or serde's derive
//! of the same fields (`floor_view`). The JSON Patch variants write the same change as a
//! merge patch (`merge`, what `safe_update` runs), as an RFC 6902 document of 12 operations
//! through `JsonPatch` (`json_patch`), the same preceded by a `test` (`json_patch_view`:
//! applied to the sender's view), and the same document applied by hand (`handwritten`:
//! an allowlist, `serde_json::to_value`, `json_patch::patch`, `serde_json::from_value`);
//! `skim` parses the document and keeps nothing (the floor of any reader of it).
//! The cost of one call is
//! `(Ir(N) - Ir(0)) / N` (scripts/callgrind.sh).
#![forbid(unsafe_code)]

use std::hint::black_box;

use safe_update::{NoRoles, SafeView};
use safe_update_benches::grants::{
    owner_path, role_path, trivial_path, GatedProfile, OwnedProfile, Owner, TrivialProfile,
};
use safe_update_benches::json_patch::{display_name, document, handwritten, json_patch_path, skim};
use safe_update_benches::views::{
    self, write_json, AllFields, HalfTheFields, PlainHalfProfile, PlainProfile, ViewProfile,
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
            "usage: callgrind_patch <safe_update|deserialize|floor|floor_text|manual|struct_patch|create|floor_create|floor_create_text|grants_owner|grants_trivial|grants_role> <accept|changing|reject> <N>\n       callgrind_patch <view|view_plain|floor_view> <all|half> <N>\n       callgrind_patch <merge|json_patch|json_patch_view|handwritten|skim> <accept|changing|reject> <N>"
        );
        std::process::exit(2);
    };
    let n: u64 = n.parse().expect("N is a number");
    if matches!(variant.as_str(), "view" | "view_plain" | "floor_view") {
        return serialize(variant, body, n);
    }
    if matches!(
        variant.as_str(),
        "merge" | "json_patch" | "json_patch_view" | "handwritten" | "skim"
    ) {
        return apply_documents(variant, body, n);
    }
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

/// The view variants: `n` times, the profile as the reader sees it (`all` its fields or
/// `half`) written into one buffer, cleared each call.
fn serialize(variant: &str, reader: &str, n: u64) {
    // Every model and reader made in every run, so that the set-up cancels out of
    // Ir(N) - Ir(0) whichever variant runs.
    let gated = ViewProfile::from_profile();
    let plain = PlainProfile::from_profile();
    let plain_half = PlainHalfProfile::from_profile();
    let all = AllFields::from_profile();
    let half = HalfTheFields::from_profile();
    let who = match reader {
        "all" => views::owner(),
        "half" => views::other(),
        other => panic!("unknown reader {other}"),
    };
    let mut out = Vec::with_capacity(4096);
    let mut written = 0u64;
    for _ in 0..n {
        match (variant, reader) {
            ("view", _) => write_json(&mut out, &black_box(&gated).view_as(black_box(&who))),
            ("view_plain", "all") => {
                write_json(&mut out, &black_box(&plain).view_as(black_box(&NoRoles)))
            }
            ("view_plain", _) => write_json(
                &mut out,
                &black_box(&plain_half).view_as(black_box(&NoRoles)),
            ),
            ("floor_view", "all") => write_json(&mut out, black_box(&all)),
            ("floor_view", _) => write_json(&mut out, black_box(&half)),
            (other, _) => panic!("unknown variant {other}"),
        }
        written += black_box(out.len()) as u64;
    }
    println!("{variant} {reader} {n} bytes={written}");
}

/// The JSON Patch variants: `n` times, the body's change written to the profile as a merge
/// patch or as a JSON Patch document of the same values.
fn apply_documents(variant: &str, body: &str, n: u64) {
    let merges = match body {
        "accept" => [ACCEPT_BODY, ACCEPT_BODY],
        "changing" => [ACCEPT_BODY, ACCEPT_BODY_B],
        "reject" => [REJECT_BODY, REJECT_BODY],
        other => panic!("unknown body {other}"),
    };
    // Every document made in every run, so that the set-up cancels out of Ir(N) - Ir(0)
    // whichever variant runs. Each call's `test` expects the `display_name` the call before
    // wrote, and the profile starts as the last call of a cycle leaves it.
    let plain = merges.map(|merge| document(merge, None));
    let tested = [
        document(merges[0], Some(&display_name(merges[1]))),
        document(merges[1], Some(&display_name(merges[0]))),
    ];
    let merges = merges.map(<[u8]>::to_vec);
    let mut target = profile();
    let _ = safe_update_path(&merges[1], &mut target);
    let mut ok = 0u64;
    for i in 0..n {
        let at = (i % 2) as usize;
        let accepted = match variant {
            "merge" => black_box(safe_update_path(black_box(&merges[at]), &mut target)).is_ok(),
            "json_patch" => black_box(json_patch_path(black_box(&plain[at]), &mut target)).is_ok(),
            "json_patch_view" => {
                black_box(json_patch_path(black_box(&tested[at]), &mut target)).is_ok()
            }
            "handwritten" => black_box(handwritten(black_box(&plain[at]), &mut target)).is_ok(),
            "skim" => black_box(skim(black_box(&plain[at]))).is_ok(),
            other => panic!("unknown variant {other}"),
        };
        ok += u64::from(accepted);
    }
    // A refused `test` would measure the refusal: every call is what its body says (`skim`
    // refuses nothing).
    let expected = if body == "reject" && variant != "skim" {
        0
    } else {
        n
    };
    assert_eq!(ok, expected, "{variant} {body}: accepted {ok} of {n}");
    println!("{variant} {n} accepted={ok}");
}
