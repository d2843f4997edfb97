//! Item 3 of BENCHMARKS.md: Basic Auth header parsing, one argon2id verification, a hit in
//! the verified-credentials cache, and the two failure paths whose times must match (unknown
//! user, wrong password), in one run.
#![forbid(unsafe_code)]
// `criterion_group!` generates an undocumented `pub fn`.
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use safe_update::auth::{Authenticator, Credentials, MemoryStore, NoLimit};

#[path = "shared/config.rs"]
mod config;

const HEADER: &str = "Basic YWxpY2U6Y29ycmVjdCBob3JzZSBiYXR0ZXJ5IHN0YXBsZQ=="; // alice:correct horse battery staple

fn store() -> MemoryStore {
    MemoryStore::new()
        .with_user("alice", "correct horse battery staple", ["user"])
        .expect("hash")
}

fn auth(c: &mut Criterion) {
    // What a web framework's worker is: a tokio runtime (argon2 goes to its blocking pool).
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let run = |auth: &Authenticator, credentials: &Credentials| {
        runtime.block_on(auth.authenticate(credentials, None))
    };
    let credentials = Credentials::parse(HEADER).expect("valid header");
    // No limit: the failure paths run thousands of times from one "client".
    let uncached = Authenticator::builder(store())
        .cache_ttl(Duration::ZERO)
        .limiter(NoLimit)
        .build()
        .expect("authenticator");
    let cached = Authenticator::builder(store())
        .build()
        .expect("authenticator");
    run(&cached, &credentials).expect("primes the cache");
    let before = cached.hash_checks();

    let mut group = c.benchmark_group("basic_auth");
    group.bench_function("parse_header", |b| {
        b.iter(|| Credentials::parse(black_box(HEADER)).is_ok())
    });
    group.bench_function("cache_hit", |b| {
        b.iter(|| run(&cached, black_box(&credentials)).is_ok())
    });
    assert_eq!(cached.hash_checks(), before, "every cached call was a hit");
    group.sample_size(10);
    group.bench_function("argon2id_verify", |b| {
        b.iter(|| run(&uncached, black_box(&credentials)).is_ok())
    });
    let unknown = Credentials::new("mallory", "correct horse battery staple").expect("valid");
    let wrong = Credentials::new("alice", "wrong horse battery staple").expect("valid");
    group.bench_function("fail_unknown_user", |b| {
        b.iter(|| run(&uncached, black_box(&unknown)).is_err())
    });
    group.bench_function("fail_wrong_password", |b| {
        b.iter(|| run(&uncached, black_box(&wrong)).is_err())
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = config::short();
    targets = auth
}
criterion_main!(benches);
