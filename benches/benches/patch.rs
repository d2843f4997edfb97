//! Items 1 and 2 of BENCHMARKS.md: a 12-field patch from JSON bytes, accepted and rejected,
//! by `safe-update`, the hand-written floor, the manual allowlist and struct-patch, in one run;
//! then the cost of grants (an owner condition against role gates).
#![forbid(unsafe_code)]
// `criterion_group!` generates an undocumented `pub fn`.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use safe_update_benches::grants::{
    owner_path, role_path, trivial_path, GatedProfile, OwnedProfile, Owner, TrivialProfile,
};
use safe_update_benches::{
    floor, floor_text, manual_allowlist, profile, safe_update_path, Profile, Refused, ACCEPT_BODY,
    ACCEPT_BODY_B, REJECT_BODY,
};

#[path = "shared/config.rs"]
mod config;
#[path = "shared/struct_patch.rs"]
mod sp;

fn bodies(c: &mut Criterion) {
    sp::check_struct_patch();
    for (group_name, body) in [
        ("accept_12_fields", ACCEPT_BODY),
        ("reject_3_forbidden_2_unknown", REJECT_BODY),
    ] {
        let mut group = c.benchmark_group(group_name);
        group.throughput(criterion::Throughput::Bytes(body.len() as u64));
        let mut target = profile();
        group.bench_function(BenchmarkId::from_parameter("safe_update"), |b| {
            b.iter(|| black_box(safe_update_path(black_box(body), &mut target)).is_ok())
        });
        let mut target = profile();
        group.bench_function(BenchmarkId::from_parameter("floor_serde_derive"), |b| {
            b.iter(|| black_box(floor(black_box(body), &mut target)).is_ok())
        });
        let mut target = profile();
        group.bench_function(BenchmarkId::from_parameter("floor_text"), |b| {
            b.iter(|| black_box(floor_text(black_box(body), &mut target)).is_ok())
        });
        let mut target = profile();
        group.bench_function(BenchmarkId::from_parameter("manual_allowlist_value"), |b| {
            b.iter(|| black_box(manual_allowlist(black_box(body), &mut target)).is_ok())
        });
        let mut target = sp::sp_profile();
        group.bench_function(BenchmarkId::from_parameter("struct_patch_0_14"), |b| {
            b.iter(|| black_box(sp::struct_patch(black_box(body), &mut target)).is_ok())
        });
        group.finish();
    }
    changing(c);
    grants(c);
}

/// The accept body applied by the profile's owner, who holds the role, with an owner
/// condition, a condition that does no work, or a role gate on every field.
fn grants(c: &mut Criterion) {
    let mut group = c.benchmark_group("grants_12_fields");
    group.throughput(criterion::Throughput::Bytes(ACCEPT_BODY.len() as u64));
    let owner = Owner {
        name: "alice".to_owned(),
    };
    let mut target = OwnedProfile::from_profile("alice");
    group.bench_function(BenchmarkId::from_parameter("owner_condition"), |b| {
        b.iter(|| black_box(owner_path(black_box(ACCEPT_BODY), &mut target, &owner)).is_ok())
    });
    let mut target = TrivialProfile::from_profile("alice");
    group.bench_function(BenchmarkId::from_parameter("trivial_condition"), |b| {
        b.iter(|| black_box(trivial_path(black_box(ACCEPT_BODY), &mut target, &owner)).is_ok())
    });
    let mut target = GatedProfile::from_profile("alice");
    group.bench_function(BenchmarkId::from_parameter("role_gate"), |b| {
        b.iter(|| black_box(role_path(black_box(ACCEPT_BODY), &mut target, &owner)).is_ok())
    });
    group.finish();
}

/// Alternates two bodies, so that every apply changes all 12 fields.
fn changing(c: &mut Criterion) {
    let mut group = c.benchmark_group("accept_12_fields_changing");
    group.throughput(criterion::Throughput::Bytes(ACCEPT_BODY.len() as u64));
    let bodies = [ACCEPT_BODY, ACCEPT_BODY_B];
    let run = |b: &mut criterion::Bencher, f: fn(&[u8], &mut Profile) -> Result<(), Refused>| {
        let mut target = profile();
        let mut turn = 0;
        b.iter(|| {
            turn ^= 1;
            black_box(f(black_box(bodies[turn]), &mut target)).is_ok()
        })
    };
    group.bench_function(BenchmarkId::from_parameter("safe_update"), |b| {
        run(b, |body, target| safe_update_path(body, target).map(drop))
    });
    group.bench_function(BenchmarkId::from_parameter("floor_serde_derive"), |b| {
        run(b, floor)
    });
    group.bench_function(BenchmarkId::from_parameter("floor_text"), |b| {
        run(b, floor_text)
    });
    group.bench_function(BenchmarkId::from_parameter("manual_allowlist_value"), |b| {
        run(b, manual_allowlist)
    });
    let mut target = sp::sp_profile();
    let mut turn = 0;
    group.bench_function(BenchmarkId::from_parameter("struct_patch_0_14"), |b| {
        b.iter(|| {
            turn ^= 1;
            black_box(sp::struct_patch(black_box(bodies[turn]), &mut target)).is_ok()
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = config::short();
    targets = bodies
}
criterion_main!(benches);
