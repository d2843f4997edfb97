//! The timing checker shared by `timing_check` (the real authenticator) and
//! `timing_check_control` (one that skips argon2 for unknown users, which it must catch).
//!
//! Two checks, each alternating the two cases, one of each per round, then comparing the
//! medians:
//!
//! - *sequential*: one request at a time, on an authenticator without cache (every request
//!   one argon2 run);
//! - *concurrent*: `CONCURRENCY` identical requests at once, on the default authenticator
//!   (cache on), timed until the last answer: a known user's burst shares one check through
//!   the cache's single flight, and an unknown user's must share one too (were it not, the
//!   burst would cost `CONCURRENCY` runs, or fail for want of verification slots). Every
//!   request of both bursts must get the same answer (bad credentials).
//!
//! Both run without a login limit (`NoLimit`): the limiter counts the same for both cases
//! and would refuse most of the rounds.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use safe_update::auth::{
    AuthError, Authenticator, AuthenticatorBuilder, Credentials, Identity, MemoryStore, NoLimit,
};

/// What the checker times: something that refuses credentials the way a server would.
pub trait Login: Clone + Send + Sync + 'static {
    /// Checks `credentials`, as [`Authenticator::authenticate`] does without a client address.
    fn authenticate(
        &self,
        credentials: &Credentials,
    ) -> impl Future<Output = Result<Identity, AuthError>> + Send;

    /// How many argon2 verifications have started (reported, not checked).
    fn hash_checks(&self) -> u64;
}

impl Login for Authenticator {
    fn authenticate(
        &self,
        credentials: &Credentials,
    ) -> impl Future<Output = Result<Identity, AuthError>> + Send {
        Authenticator::authenticate(self, credentials, None)
    }

    fn hash_checks(&self) -> u64 {
        Authenticator::hash_checks(self)
    }
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// The one known user, `alice`, shared so that a [`Login`] may look users up too.
fn store() -> Arc<MemoryStore> {
    let store = MemoryStore::new()
        .with_user("alice", "correct horse battery staple", ["user"])
        .expect("hash");
    Arc::new(store)
}

/// An authenticator over a new store, configured by `configure`, without login limit, and
/// the store it reads.
fn authenticator(
    configure: impl FnOnce(AuthenticatorBuilder) -> AuthenticatorBuilder,
) -> (Authenticator, Arc<MemoryStore>) {
    let store = store();
    let builder = Authenticator::builder(Arc::clone(&store)).limiter(NoLimit);
    let auth = configure(builder).build().expect("authenticator");
    (auth, store)
}

/// Times `case(unknown)` and `case(wrong)` alternately for `rounds`; their medians.
fn alternate(rounds: usize, mut case: impl FnMut(bool) -> Duration) -> (Duration, Duration) {
    // Warm-up: page in argon2's memory for both paths.
    case(true);
    case(false);
    let (mut unknown, mut wrong) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        // Alternate which goes first, so that neither always follows the other.
        for is_unknown in [round % 2 == 0, round % 2 != 0] {
            let took = case(is_unknown);
            if is_unknown {
                unknown.push(took);
            } else {
                wrong.push(took);
            }
        }
    }
    (median(unknown), median(wrong))
}

fn report(
    name: &str,
    (unknown, wrong): (Duration, Duration),
    tolerance: f64,
    detail: &str,
) -> bool {
    let ratio = unknown.as_secs_f64() / wrong.as_secs_f64();
    let ok = (ratio - 1.0).abs() <= tolerance;
    println!(
        "timing {name}: unknown user median {:.2} ms, wrong password median {:.2} ms, ratio {ratio:.3} ({detail}, tolerance {tolerance}): {}",
        unknown.as_secs_f64() * 1e3,
        wrong.as_secs_f64() * 1e3,
        if ok { "ok" } else { "VIOLATION" }
    );
    ok
}

/// Reads `[ROUNDS] [TOLERANCE] [CONCURRENCY]` (defaults 41, 0.10 and 20), runs both checks
/// on what `login` makes of each authenticator (and its store), prints one line per check
/// and exits 1 when a ratio of medians is outside `1 ± TOLERANCE` or an answer differs.
pub fn main<L: Login>(login: impl Fn(Authenticator, Arc<MemoryStore>) -> L) -> ! {
    let mut args = std::env::args().skip(1);
    let rounds: usize = args.next().map_or(41, |n| n.parse().expect("ROUNDS"));
    let tolerance: f64 = args.next().map_or(0.10, |t| t.parse().expect("TOLERANCE"));
    let concurrency: usize = args.next().map_or(20, |n| n.parse().expect("CONCURRENCY"));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let unknown = Credentials::new("mallory", "correct horse battery staple").expect("valid");
    let wrong = Credentials::new("alice", "wrong horse battery staple").expect("valid");
    let (unknown, wrong) = (Arc::new(unknown), Arc::new(wrong));
    let pick = |is_unknown: bool| Arc::clone(if is_unknown { &unknown } else { &wrong });

    let (auth, store) = authenticator(|builder| builder.cache_ttl(Duration::ZERO));
    let uncached = login(auth, store);
    let checks = uncached.hash_checks();
    let sequential = alternate(rounds, |is_unknown| {
        let start = Instant::now();
        let refused = runtime.block_on(uncached.authenticate(&pick(is_unknown)));
        assert!(
            matches!(refused, Err(AuthError::BadCredentials)),
            "{refused:?}"
        );
        start.elapsed()
    });
    let runs = uncached.hash_checks() - checks;
    let mut ok = report(
        "sequential",
        sequential,
        tolerance,
        &format!("{rounds} rounds, {runs} argon2 runs"),
    );

    let (auth, store) = authenticator(|builder| builder);
    let cached = login(auth, store);
    let mut answers_differ = 0;
    let checks = cached.hash_checks();
    let concurrent = alternate(rounds, |is_unknown| {
        let credentials = pick(is_unknown);
        let start = Instant::now();
        let answers = runtime.block_on(async {
            let requests: Vec<_> = (0..concurrency)
                .map(|_| {
                    let (auth, credentials) = (cached.clone(), Arc::clone(&credentials));
                    tokio::spawn(async move { auth.authenticate(&credentials).await })
                })
                .collect();
            let mut answers = Vec::new();
            for request in requests {
                answers.push(request.await.expect("task"));
            }
            answers
        });
        let took = start.elapsed();
        answers_differ += answers
            .iter()
            .filter(|answer| !matches!(answer, Err(AuthError::BadCredentials)))
            .count();
        took
    });
    let runs = cached.hash_checks() - checks;
    ok &= report(
        "concurrent",
        concurrent,
        tolerance,
        &format!(
            "{rounds} rounds of {concurrency} identical requests, {runs} argon2 runs for {} bursts, {answers_differ} answers other than bad credentials",
            2 * (rounds + 1)
        ),
    );
    ok &= answers_differ == 0;
    std::process::exit(if ok { 0 } else { 1 });
}
