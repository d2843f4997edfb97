//! The authenticator: argon2id PHC hashes, the dummy hash for unknown users, the verified
//! cache (hits, misses, invalidation, expiry, coalescing), the login limiter under concurrent
//! attack, the cap on concurrent argon2 runs, store failures and unusable hashes.

use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use safe_update::auth::{
    hash_password, Attempt, AuthError, Authenticator, AuthenticatorBuilder, BuildError,
    Credentials, Identity, Limiter, LimiterError, Limits, MemoryLimiter, MemoryStore, NoLimit,
    Outcome, Refusal, StoreError, StoredUser, UserStore, ARGON2_M_COST, ARGON2_T_COST,
};
use safe_update::{from_json, SafeUpdate};
use safe_update_tests::fixtures::hashes::SLOW_HASH;
use safe_update_tests::fixtures::refusals::denied;
use tokio::task::JoinHandle;

fn credentials(user: &str, password: &str) -> Credentials {
    Credentials::new(user, password).unwrap()
}

fn store() -> Arc<MemoryStore> {
    Arc::new(
        MemoryStore::new()
            .with_user("alice", "correct horse", ["user", "admin"])
            .unwrap(),
    )
}

/// The builder with no login limit: these tests count argon2 runs, not attempts.
fn unlimited(store: impl UserStore) -> AuthenticatorBuilder {
    Authenticator::builder(store).limiter(NoLimit)
}

async fn check(auth: &Authenticator, user: &str, password: &str) -> Result<Identity, AuthError> {
    auth.authenticate(&credentials(user, password), None).await
}

/// The answer is the one refusal for an unknown user and a wrong password, with its message:
/// not a throttle, a busy slot or a store failure, which a client is told apart.
#[track_caller]
fn assert_bad_credentials(answer: &Result<Identity, AuthError>) {
    match answer {
        Err(error @ AuthError::BadCredentials) => {
            assert_eq!(error.to_string(), "unknown user or wrong password");
        }
        other => panic!("expected BadCredentials, got {other:?}"),
    }
}

#[test]
fn new_passwords_are_hashed_with_argon2id_and_owasp_parameters() {
    let first = hash_password("correct horse").unwrap();
    let second = hash_password("correct horse").unwrap();
    assert!(
        first.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{first}"
    );
    assert_ne!(first, second, "each hash has its own salt");
}

#[tokio::test]
async fn good_credentials_give_the_stored_roles() {
    let auth = unlimited(store()).build().unwrap();
    let who = check(&auth, "alice", "correct horse").await.unwrap();
    assert_eq!(who, Identity::new("alice", ["user", "admin"]));
    assert_eq!(auth.hash_checks(), 1);
}

#[tokio::test]
async fn wrong_password_and_unknown_user_are_one_error_and_the_same_work() {
    let auth = unlimited(store()).build().unwrap();
    let wrong = check(&auth, "alice", "battery staple").await;
    assert!(matches!(wrong, Err(AuthError::BadCredentials)));
    // One finished argon2 run with the stored hash's costs (OWASP: 19 MiB, two passes).
    let one_check = u64::from(ARGON2_M_COST) * u64::from(ARGON2_T_COST);
    assert_eq!(auth.hash_work(), one_check);
    // The unknown user is checked against the dummy hash, made with the same costs: the
    // same work, not a cheaper shortcut.
    let unknown = check(&auth, "mallory", "correct horse").await;
    assert!(matches!(unknown, Err(AuthError::BadCredentials)));
    assert_eq!(auth.hash_work(), 2 * one_check);
    assert_eq!(auth.hash_checks(), 2);
    assert_eq!(
        AuthError::BadCredentials.to_string(),
        "unknown user or wrong password"
    );
}

#[tokio::test]
async fn a_success_is_cached_a_failure_is_not() {
    let auth = unlimited(store()).build().unwrap();
    for _ in 0..3 {
        check(&auth, "alice", "correct horse").await.unwrap();
    }
    assert_eq!(auth.hash_checks(), 1);
    for _ in 0..2 {
        assert_bad_credentials(&check(&auth, "alice", "correct horsE").await);
    }
    assert_eq!(auth.hash_checks(), 3);
}

#[tokio::test]
async fn a_password_change_invalidates_the_cache_and_role_changes_apply_at_once() {
    let users = store();
    let auth = unlimited(Arc::clone(&users)).build().unwrap();
    check(&auth, "alice", "correct horse").await.unwrap();

    users.add_user("alice", "new password", ["user"]).unwrap();
    assert!(matches!(
        check(&auth, "alice", "correct horse").await,
        Err(AuthError::BadCredentials)
    ));
    let who = check(&auth, "alice", "new password").await.unwrap();
    assert_eq!(who.roles(), ["user"]);
    assert_eq!(auth.hash_checks(), 3);

    users.remove("alice");
    // Removed, alice is an unknown user: the same answer as a wrong password.
    assert_bad_credentials(&check(&auth, "alice", "new password").await);
}

#[tokio::test]
async fn cached_successes_expire() {
    let auth = unlimited(store())
        .cache_ttl(Duration::from_millis(500))
        .build()
        .unwrap();
    check(&auth, "alice", "correct horse").await.unwrap();
    check(&auth, "alice", "correct horse").await.unwrap();
    assert_eq!(auth.hash_checks(), 1);
    tokio::time::sleep(Duration::from_millis(700)).await;
    check(&auth, "alice", "correct horse").await.unwrap();
    assert_eq!(auth.hash_checks(), 2);
}

#[tokio::test]
async fn the_cache_can_be_disabled() {
    let auth = unlimited(store())
        .cache_ttl(Duration::ZERO)
        .build()
        .unwrap();
    check(&auth, "alice", "correct horse").await.unwrap();
    check(&auth, "alice", "correct horse").await.unwrap();
    assert_eq!(auth.hash_checks(), 2);
}

/// `count` identical requests at once; their results in order.
async fn burst(
    auth: &Authenticator,
    count: usize,
    user: impl Fn(usize) -> String,
    password: impl Fn(usize) -> String,
    client: Option<IpAddr>,
) -> Vec<Result<Identity, AuthError>> {
    let tasks: Vec<_> = (0..count)
        .map(|index| {
            let (auth, credentials) = (auth.clone(), credentials(&user(index), &password(index)));
            tokio::spawn(async move { auth.authenticate(&credentials, client).await })
        })
        .collect();
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.unwrap());
    }
    results
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identical_concurrent_checks_share_one_argon2_run_whoever_the_user_is() {
    let auth = unlimited(store()).build().unwrap();
    let right = burst(
        &auth,
        8,
        |_| "alice".into(),
        |_| "correct horse".into(),
        None,
    )
    .await;
    assert!(right.iter().all(|r| r.as_ref().unwrap().name() == "alice"));
    assert_eq!(auth.hash_checks(), 1);
    // A wrong password and an unknown user take the same path: one run for the burst, the
    // same answer for each request. Were the unknown user not shared, its burst would cost 8.
    for user in ["alice", "mallory"] {
        let before = auth.hash_checks();
        let refused = burst(&auth, 8, |_| user.into(), |_| "guess".into(), None).await;
        assert!(
            refused
                .iter()
                .all(|r| matches!(r, Err(AuthError::BadCredentials))),
            "{user}: {refused:?}"
        );
        assert_eq!(auth.hash_checks() - before, 1, "{user}");
    }
}

/// How many of `results` are refusals after argon2 ran (a wrong password or an unknown user),
/// rather than before (throttled, busy).
fn refused_after_a_check(results: &[Result<Identity, AuthError>]) -> usize {
    results
        .iter()
        .filter(|r| matches!(r, Err(AuthError::BadCredentials)))
        .count()
}

fn limited(limits: Limits) -> Authenticator {
    Authenticator::builder(store())
        .limiter(MemoryLimiter::new(limits))
        .build()
        .unwrap()
}

const ATTACKER: [u8; 4] = [203, 0, 113, 66];
const VICTIM: [u8; 4] = [198, 51, 100, 7];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_concurrent_burst_of_guesses_gets_at_most_the_limit_checked() {
    let auth = limited(Limits::default());
    // 64 different wrong passwords for alice at once, from one address.
    let results = burst(
        &auth,
        64,
        |_| "alice".into(),
        |index| format!("guess {index}"),
        Some(ATTACKER.into()),
    )
    .await;
    let checked = refused_after_a_check(&results);
    let throttled = results
        .iter()
        .filter(|r| matches!(r, Err(AuthError::Throttled { .. })))
        .count();
    assert_eq!((checked, throttled), (5, 59), "{results:?}");
    assert_eq!(auth.hash_checks(), 5);
    let Err(AuthError::Throttled { retry_after }) = &results[63] else {
        panic!("{:?}", results[63])
    };
    assert!(*retry_after > Duration::from_secs(55), "{retry_after:?}");
    // alice from her own address is not locked out by the attack.
    let alice = Some(VICTIM.into());
    auth.authenticate(&credentials("alice", "correct horse"), alice)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_per_address_limit_holds_for_a_burst_over_many_names() {
    let auth = limited(Limits::default());
    let results = burst(
        &auth,
        64,
        |index| format!("user{index}"),
        |_| "guess".into(),
        Some(ATTACKER.into()),
    )
    .await;
    let checked = refused_after_a_check(&results);
    assert_eq!(checked, 20);
    assert_eq!(auth.hash_checks(), 20);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_per_name_total_stops_a_campaign_over_many_addresses() {
    let auth = limited(Limits {
        per_user: 10,
        ..Limits::default()
    });
    let tasks: Vec<_> = (0..40u8)
        .map(|last| {
            let auth = auth.clone();
            let client = Some(IpAddr::from([203, 0, 113, last]));
            tokio::spawn(async move {
                let guess = credentials("alice", &format!("guess {last}"));
                auth.authenticate(&guess, client).await
            })
        })
        .collect();
    let mut checked = 0;
    for task in tasks {
        checked += usize::from(matches!(
            task.await.unwrap(),
            Err(AuthError::BadCredentials)
        ));
    }
    assert_eq!(checked, 10);
    // Now alice herself is locked out too, for the window: the documented price.
    let alice = auth
        .authenticate(&credentials("alice", "correct horse"), Some(VICTIM.into()))
        .await;
    assert!(
        matches!(alice, Err(AuthError::Throttled { .. })),
        "{alice:?}"
    );
}

/// A store that matches names whatever their case, and spells them its own way.
struct CaseInsensitive(MemoryStore);

impl UserStore for CaseInsensitive {
    async fn find(&self, user_id: &str) -> Result<Option<StoredUser>, StoreError> {
        self.0.find(&user_id.to_lowercase()).await
    }
}

#[tokio::test]
async fn the_identity_and_the_limiter_use_the_stores_spelling() {
    let store = CaseInsensitive(
        MemoryStore::new()
            .with_user("alice", "correct horse", ["user"])
            .unwrap(),
    );
    let auth = Authenticator::builder(store)
        .limiter(MemoryLimiter::new(Limits {
            per_user_and_client: 3,
            ..Limits::default()
        }))
        .build()
        .unwrap();
    let who = check(&auth, "ALICE", "correct horse").await.unwrap();
    assert_eq!(who.name(), "alice");
    // Three guesses under three spellings use up alice's one counter.
    for spelling in ["Alice", "aLice", "alIce"] {
        let guess = check(&auth, spelling, "guess").await;
        assert!(matches!(guess, Err(AuthError::BadCredentials)), "{guess:?}");
    }
    let fourth = check(&auth, "alicE", "another guess").await;
    assert!(
        matches!(fourth, Err(AuthError::Throttled { .. })),
        "{fourth:?}"
    );
}

/// Records what the authenticator tells a limiter, and allows everything.
#[derive(Clone, Default)]
struct Recording(Arc<Mutex<Vec<String>>>);

impl Limiter for Recording {
    async fn reserve(&self, attempt: Attempt<'_>) -> Result<(), Refusal> {
        self.0
            .lock()
            .unwrap()
            .push(format!("reserve {}", attempt.user));
        Ok(())
    }

    async fn settle(&self, attempt: Attempt<'_>, outcome: Outcome) -> Result<(), LimiterError> {
        let event = format!("settle {} {outcome:?}", attempt.user);
        self.0.lock().unwrap().push(event);
        Ok(())
    }
}

/// Checks a password of the user `slow` (stored with [`SLOW_HASH`]) on a task of its own, and
/// returns once argon2 runs for it: the count of checks goes up when the check holds a slot
/// and its hash has started.
async fn start_the_slow_check(auth: &Authenticator) -> JoinHandle<Result<Identity, AuthError>> {
    let task = {
        let auth = auth.clone();
        tokio::spawn(async move { check(&auth, "slow", "anything").await })
    };
    while auth.hash_checks() == 0 {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    task
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_started_check_runs_to_its_end_and_is_settled_when_its_request_is_dropped() {
    let users = store();
    users.insert(StoredUser::new("slow", SLOW_HASH, ["user"]));
    let recording = Recording::default();
    let auth = Authenticator::builder(users)
        .limiter(recording.clone())
        .build()
        .unwrap();
    // The check has started (argon2 is running), then the client goes away.
    let request = start_the_slow_check(&auth).await;
    request.abort();
    assert!(request.await.unwrap_err().is_cancelled());
    // The check goes on without its request and settles as a failure.
    let settled = ["reserve slow", "settle slow Failed"];
    for _ in 0..500 {
        if recording.0.lock().unwrap().len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(*recording.0.lock().unwrap(), settled);
    // A cached success is not a check: nothing to count.
    check(&auth, "alice", "correct horse").await.unwrap();
    check(&auth, "alice", "correct horse").await.unwrap();
    assert_eq!(
        recording.0.lock().unwrap()[2..],
        ["reserve alice", "settle alice Succeeded"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_no_slot_comes_free_in_time_the_check_is_busy_and_not_counted() {
    let users = store();
    users.insert(StoredUser::new("slow", SLOW_HASH, ["user"]));
    let auth = Authenticator::builder(Arc::clone(&users))
        .max_concurrent_verifications(1)
        .slot_wait(Duration::from_millis(20))
        .limiter(MemoryLimiter::new(Limits {
            per_user_and_client: 1,
            ..Limits::default()
        }))
        .build()
        .unwrap();
    // The slow check holds the only slot.
    let slow = start_the_slow_check(&auth).await;
    let refused = check(&auth, "alice", "correct horse").await;
    assert!(matches!(refused, Err(AuthError::Busy)), "{refused:?}");
    assert!(matches!(
        slow.await.unwrap(),
        Err(AuthError::BadCredentials)
    ));
    // The busy attempt was given back: alice's one allowed attempt is still there.
    check(&auth, "alice", "correct horse").await.unwrap();
}

/// A limiter whose counters are down: for every reservation, or only for settling.
struct CountersDown {
    reserve_fails: bool,
}

impl Limiter for CountersDown {
    async fn reserve(&self, _attempt: Attempt<'_>) -> Result<(), Refusal> {
        if self.reserve_fails {
            return Err(Refusal::Unavailable(LimiterError::new(
                "connection refused",
            )));
        }
        Ok(())
    }

    async fn settle(&self, _attempt: Attempt<'_>, _outcome: Outcome) -> Result<(), LimiterError> {
        Err(LimiterError::new("connection reset"))
    }
}

#[tokio::test]
async fn a_check_the_limiter_cannot_count_is_refused_before_argon2_runs() {
    let down = Authenticator::builder(store())
        .limiter(CountersDown {
            reserve_fails: true,
        })
        .build()
        .unwrap();
    let error = check(&down, "alice", "correct horse").await.unwrap_err();
    assert!(matches!(error, AuthError::Limiter(_)), "{error:?}");
    assert_eq!(
        error.to_string(),
        "the login counters are unavailable: connection refused"
    );
    assert_eq!(
        down.hash_checks(),
        0,
        "no argon2 run for an uncounted check"
    );
    // Counted, but not settled: the verdict stands (the failure is the log's to tell).
    let unsettled = Authenticator::builder(store())
        .limiter(CountersDown {
            reserve_fails: false,
        })
        .build()
        .unwrap();
    check(&unsettled, "alice", "correct horse").await.unwrap();
    let wrong = check(&unsettled, "alice", "guess").await;
    assert!(matches!(wrong, Err(AuthError::BadCredentials)), "{wrong:?}");
}

struct BrokenStore;

impl UserStore for BrokenStore {
    async fn find(&self, _user_id: &str) -> Result<Option<StoredUser>, StoreError> {
        Err(StoreError::new("disk I/O error"))
    }
}

#[tokio::test]
async fn a_store_failure_is_not_a_wrong_password() {
    let auth = Authenticator::builder(BrokenStore).build().unwrap();
    let error = check(&auth, "alice", "correct horse").await.unwrap_err();
    assert!(matches!(error, AuthError::Store(_)), "{error:?}");
    assert_eq!(error.to_string(), "user store failed: disk I/O error");
    let source = std::error::Error::source(&error).unwrap();
    assert_eq!(source.to_string(), "user store failed: disk I/O error");
    assert_eq!(auth.hash_checks(), 0);
}

#[tokio::test]
async fn an_unusable_stored_hash_costs_a_check_and_counts_as_a_failure() {
    let users = store();
    users.insert(StoredUser::new("plain", "correct horse", ["user"]));
    let bcrypt = "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW";
    users.insert(StoredUser::new("legacy", bcrypt, ["user"]));
    let auth = Authenticator::builder(users)
        .limiter(MemoryLimiter::new(Limits {
            per_user_and_client: 1,
            ..Limits::default()
        }))
        .build()
        .unwrap();
    for user in ["plain", "legacy"] {
        let error = check(&auth, user, "correct horse").await.unwrap_err();
        assert!(
            matches!(error, AuthError::BadStoredHash),
            "{user}: {error:?}"
        );
        let again = check(&auth, user, "correct horse").await.unwrap_err();
        assert!(matches!(again, AuthError::Throttled { .. }), "{again:?}");
    }
    assert_eq!(auth.hash_checks(), 2, "the dummy hash's check, once each");
    let one_check = u64::from(ARGON2_M_COST) * u64::from(ARGON2_T_COST);
    assert_eq!(
        auth.hash_work(),
        2 * one_check,
        "as much work as a wrong password"
    );
}

#[test]
fn a_realm_with_control_characters_is_refused() {
    let error = Authenticator::builder(MemoryStore::new())
        .realm("api\r\nX-Injected: 1")
        .build()
        .unwrap_err();
    assert_eq!(error, BuildError::InvalidRealm);
    let auth = Authenticator::builder(MemoryStore::new())
        .realm("Zoë's \"files\"")
        .build()
        .unwrap();
    assert_eq!(
        auth.challenge(),
        r#"Basic realm="Zoë's \"files\"", charset="UTF-8""#
    );
}

#[tokio::test]
async fn nothing_secret_is_shown_by_debug() {
    let users = store();
    let alice = users.find("alice").await.unwrap().unwrap();
    let auth = Authenticator::builder(Arc::clone(&users)).build().unwrap();
    let shown = format!("{auth:?} {alice:?} {users:?}");
    assert!(!shown.contains(&alice.password_hash), "{shown}");
    assert!(
        shown.contains("alice") && shown.contains("realm"),
        "{shown}"
    );
}

#[derive(Debug, SafeUpdate)]
struct Account {
    #[update(allow)]
    display_name: String,
    #[update(allow(role = "admin"))]
    is_admin: bool,
}

#[tokio::test]
async fn the_identity_answers_role_gated_fields() {
    let users = store();
    users.add_user("bob", "hunter22", ["user"]).unwrap();
    let auth = Authenticator::builder(users).build().unwrap();
    let alice = check(&auth, "alice", "correct horse").await.unwrap();
    let bob = check(&auth, "bob", "hunter22").await.unwrap();

    let mut account = Account {
        display_name: "Bob".into(),
        is_admin: false,
    };
    let patch: AccountPatch = from_json(br#"{"is_admin":true}"#).unwrap();
    let error = patch.apply_as(&mut account, &bob).unwrap_err();
    assert_eq!(error.code(), "role_required");
    assert_eq!(denied(&error), [("is_admin", &["admin"][..])]);
    assert!(error.invalid().is_empty(), "{error}");
    assert!(!account.is_admin);

    let patch: AccountPatch = from_json(br#"{"is_admin":true}"#).unwrap();
    patch.apply_as(&mut account, &alice).unwrap();
    assert!(account.is_admin);
    assert_eq!(account.display_name, "Bob");
}
