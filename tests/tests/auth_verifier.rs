//! The authenticator: argon2id PHC hashes, the dummy hash for unknown users, the verified
//! cache (hits, misses, invalidation, expiry, coalescing), the cap on concurrent argon2 runs,
//! store failures and unusable hashes.

use std::sync::{Arc, Barrier};
use std::thread;
use std::time::Duration;

use safe_update::auth::{
    hash_password, AuthError, Authenticator, BuildError, Credentials, Identity, MemoryStore,
    StoreError, StoredUser, UserStore,
};
use safe_update::{from_json, SafeUpdate};

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

/// A PHC string with the OWASP memory cost but 40 passes (~20 times the work of a normal
/// check) and an output no password produces: a check that holds its slot for a while.
const SLOW_HASH: &str = "$argon2id$v=19$m=19456,t=40,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

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

#[test]
fn good_credentials_give_the_stored_roles() {
    let auth = Authenticator::builder(store()).build().unwrap();
    let who = auth
        .authenticate(&credentials("alice", "correct horse"))
        .unwrap();
    assert_eq!(who, Identity::new("alice", ["user", "admin"]));
    assert_eq!(auth.hash_checks(), 1);
}

#[test]
fn wrong_password_and_unknown_user_are_one_error_and_the_same_work() {
    let auth = Authenticator::builder(store()).build().unwrap();
    let wrong = auth.authenticate(&credentials("alice", "battery staple"));
    assert!(matches!(wrong, Err(AuthError::BadCredentials)));
    assert_eq!(auth.hash_checks(), 1);
    // The unknown user is checked against the dummy hash: one argon2 run all the same.
    let unknown = auth.authenticate(&credentials("mallory", "correct horse"));
    assert!(matches!(unknown, Err(AuthError::BadCredentials)));
    assert_eq!(auth.hash_checks(), 2);
    assert_eq!(
        AuthError::BadCredentials.to_string(),
        "unknown user or wrong password"
    );
}

#[test]
fn a_success_is_cached_a_failure_is_not() {
    let auth = Authenticator::builder(store()).build().unwrap();
    let good = credentials("alice", "correct horse");
    for _ in 0..3 {
        auth.authenticate(&good).unwrap();
    }
    assert_eq!(auth.hash_checks(), 1);
    for _ in 0..2 {
        assert!(auth
            .authenticate(&credentials("alice", "correct horsE"))
            .is_err());
    }
    assert_eq!(auth.hash_checks(), 3);
}

#[test]
fn a_password_change_invalidates_the_cache_and_role_changes_apply_at_once() {
    let users = store();
    let auth = Authenticator::builder(Arc::clone(&users)).build().unwrap();
    let old = credentials("alice", "correct horse");
    auth.authenticate(&old).unwrap();

    users.add_user("alice", "new password", ["user"]).unwrap();
    assert!(matches!(
        auth.authenticate(&old),
        Err(AuthError::BadCredentials)
    ));
    let who = auth
        .authenticate(&credentials("alice", "new password"))
        .unwrap();
    assert_eq!(who.roles(), ["user"]);
    assert_eq!(auth.hash_checks(), 3);

    users.remove("alice");
    assert!(auth
        .authenticate(&credentials("alice", "new password"))
        .is_err());
}

#[test]
fn cached_successes_expire() {
    let auth = Authenticator::builder(store())
        .cache_ttl(Duration::from_millis(500))
        .build()
        .unwrap();
    let good = credentials("alice", "correct horse");
    auth.authenticate(&good).unwrap();
    auth.authenticate(&good).unwrap();
    assert_eq!(auth.hash_checks(), 1);
    thread::sleep(Duration::from_millis(700));
    auth.authenticate(&good).unwrap();
    assert_eq!(auth.hash_checks(), 2);
}

#[test]
fn the_cache_can_be_disabled() {
    let auth = Authenticator::builder(store())
        .cache_ttl(Duration::ZERO)
        .build()
        .unwrap();
    let good = credentials("alice", "correct horse");
    auth.authenticate(&good).unwrap();
    auth.authenticate(&good).unwrap();
    assert_eq!(auth.hash_checks(), 2);
}

#[test]
fn concurrent_misses_for_the_same_credentials_run_argon2_once() {
    let auth = Authenticator::builder(store()).build().unwrap();
    let start = Arc::new(Barrier::new(8));
    let workers: Vec<_> = (0..8)
        .map(|_| {
            let (auth, start) = (auth.clone(), Arc::clone(&start));
            thread::spawn(move || {
                start.wait();
                auth.authenticate(&credentials("alice", "correct horse"))
                    .map(|who| who.name().to_owned())
            })
        })
        .collect();
    for worker in workers {
        assert_eq!(worker.join().unwrap().unwrap(), "alice");
    }
    assert_eq!(auth.hash_checks(), 1);
}

#[test]
fn when_every_slot_is_taken_an_uncached_check_is_refused_at_once() {
    let users = store();
    users.insert("slow", StoredUser::new(SLOW_HASH, ["user"]));
    let auth = Authenticator::builder(Arc::clone(&users))
        .max_concurrent_verifications(1)
        .build()
        .unwrap();
    let slow = {
        let auth = auth.clone();
        thread::spawn(move || auth.authenticate(&credentials("slow", "anything")))
    };
    // The count goes up once the slow check holds the slot and argon2 has started.
    while auth.hash_checks() == 0 {
        thread::sleep(Duration::from_millis(1));
    }
    let refused = auth.authenticate(&credentials("alice", "correct horse"));
    assert!(matches!(refused, Err(AuthError::Busy)), "{refused:?}");
    assert!(matches!(
        slow.join().unwrap(),
        Err(AuthError::BadCredentials)
    ));
    // The slot is free again.
    auth.authenticate(&credentials("alice", "correct horse"))
        .unwrap();
}

struct BrokenStore;

impl UserStore for BrokenStore {
    fn find(&self, _user_id: &str) -> Result<Option<StoredUser>, StoreError> {
        Err(StoreError::new("disk I/O error"))
    }
}

#[test]
fn a_store_failure_is_not_a_wrong_password() {
    let auth = Authenticator::builder(BrokenStore).build().unwrap();
    let error = auth
        .authenticate(&credentials("alice", "correct horse"))
        .unwrap_err();
    assert!(matches!(error, AuthError::Store(_)), "{error:?}");
    assert_eq!(error.to_string(), "user store failed: disk I/O error");
    let source = std::error::Error::source(&error).unwrap();
    assert_eq!(source.to_string(), "user store failed: disk I/O error");
    assert_eq!(auth.hash_checks(), 0);
}

#[test]
fn an_unusable_stored_hash_is_a_server_fault() {
    let users = store();
    users.insert("plain", StoredUser::new("correct horse", ["user"]));
    let bcrypt = "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW";
    users.insert("legacy", StoredUser::new(bcrypt, ["user"]));
    let auth = Authenticator::builder(users).build().unwrap();
    for user in ["plain", "legacy"] {
        let error = auth
            .authenticate(&credentials(user, "correct horse"))
            .unwrap_err();
        assert!(
            matches!(error, AuthError::BadStoredHash),
            "{user}: {error:?}"
        );
    }
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

#[test]
fn nothing_secret_is_shown_by_debug() {
    let users = store();
    let hash = users.find("alice").unwrap().unwrap().password_hash;
    let auth = Authenticator::builder(Arc::clone(&users)).build().unwrap();
    let shown = format!(
        "{auth:?} {:?} {users:?}",
        users.find("alice").unwrap().unwrap()
    );
    assert!(!shown.contains(&hash), "{shown}");
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

#[test]
fn the_identity_answers_role_gated_fields() {
    let users = store();
    users.add_user("bob", "hunter22", ["user"]).unwrap();
    let auth = Authenticator::builder(users).build().unwrap();
    let alice = auth
        .authenticate(&credentials("alice", "correct horse"))
        .unwrap();
    let bob = auth.authenticate(&credentials("bob", "hunter22")).unwrap();

    let mut account = Account {
        display_name: "Bob".into(),
        is_admin: false,
    };
    let patch: AccountPatch = from_json(br#"{"is_admin":true}"#).unwrap();
    let error = patch.apply_as(&mut account, &bob).unwrap_err();
    assert_eq!(error.denied()[0].field, "is_admin");
    assert!(!account.is_admin);

    let patch: AccountPatch = from_json(br#"{"is_admin":true}"#).unwrap();
    patch.apply_as(&mut account, &alice).unwrap();
    assert!(account.is_admin);
    assert_eq!(account.display_name, "Bob");
}
