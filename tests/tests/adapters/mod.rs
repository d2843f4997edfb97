//! The actix and the axum adapters over real sockets, side by side: the same routes in both
//! (`actix_server.rs`, `axum_server.rs`), each request sent to both, and every answer checked
//! as documented and checked equal across the two: statuses, the headers a client acts on,
//! RFC 9457 bodies. Identities (Basic Auth and an application's own), roles, the login
//! limiter, store failures and saturation, JSON and form patch bodies.

mod actix_server;
mod app;
mod axum_server;
mod client;
mod json_patch;

use std::time::Duration;

use safe_update::auth::{Authenticator, Limits, MemoryLimiter, StoreError, StoredUser, UserStore};
use safe_update::web::PatchConfig;
use serde_json::{json, Value};

use app::{bob, builder, Profile, State};
use client::{request, Answer, Pair, Request};

const CHALLENGE: &str = r#"Basic realm="the \"staff\" \\ area", charset="UTF-8""#;
const JSON: &str = "application/json";
const FORM: &str = "application/x-www-form-urlencoded";

/// Both servers, each with its own authenticator from `auth` and its own stored profile.
fn start(auth: impl Fn() -> Authenticator, config: PatchConfig) -> (Pair, [State; 2]) {
    let states = [State::new(auth(), config), State::new(auth(), config)];
    let pair = Pair {
        actix: actix_server::serve(states[0].clone()),
        axum: axum_server::serve(states[1].clone()),
    };
    (pair, states)
}

fn default_auth() -> Authenticator {
    builder().build().unwrap()
}

fn start_default() -> (Pair, [State; 2]) {
    start(default_auth, PatchConfig::default())
}

/// The stored profiles of both servers are what they were at the start.
fn unchanged(states: &[State; 2]) {
    for state in states {
        assert_eq!(*state.profile.lock().unwrap(), bob());
    }
}

fn stored(states: &[State; 2]) -> Profile {
    let [actix, axum] = states
        .each_ref()
        .map(|state| state.profile.lock().unwrap().clone());
    assert_eq!(actix, axum);
    actix
}

/// An RFC 9457 problem document with no extension member.
fn problem(status: u16, code: &str, title: &str, detail: &str) -> Value {
    json!({
        "type": format!("tag:safe-update,2026:problem/{code}"),
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
    })
}

fn bob_patches(body: &str) -> Request {
    request("PATCH", "/profile")
        .login("bob", "battery staple")
        .body("application/merge-patch+json", body)
}

#[test]
fn basic_auth_identities() {
    let (pair, _) = start_default();
    let alice = pair.send(request("GET", "/me").login("alice", "correct horse"));
    assert_eq!((alice.status, alice.text()), (200, "alice".to_owned()));

    let missing = pair.send(request("GET", "/me"));
    assert_eq!(
        (missing.status, missing.header("www-authenticate")),
        (401, Some(CHALLENGE))
    );
    assert_eq!(
        missing.json(),
        problem(
            401,
            "missing_credentials",
            "Authentication required",
            "send Basic credentials in the Authorization header"
        )
    );

    // A wrong password and an unknown user: one answer.
    let wrong = pair.send(request("GET", "/me").login("alice", "wrong"));
    let unknown = pair.send(request("GET", "/me").login("mallory", "correct horse"));
    for answer in [&wrong, &unknown] {
        assert_eq!(
            (answer.status, answer.header("www-authenticate")),
            (401, Some(CHALLENGE))
        );
        assert_eq!(
            answer.json(),
            problem(
                401,
                "invalid_credentials",
                "Invalid credentials",
                "unknown user or wrong password"
            )
        );
    }

    for value in [
        &b"Bearer abc"[..],
        b"Basic",
        b"Basic not base64!",
        b"Basic dXNlcg==", // "user": no colon
        b"Basic \xff\xfe",
    ] {
        let answer = pair.send(request("GET", "/me").header("Authorization", value));
        assert_eq!(
            (answer.status, answer.header("www-authenticate")),
            (401, Some(CHALLENGE)),
            "{value:?}"
        );
        assert_eq!(answer.code(), "malformed_credentials", "{value:?}");
    }

    let two = request("GET", "/me")
        .login("bob", "battery staple")
        .login("alice", "correct horse");
    let two = pair.send(two);
    assert_eq!(
        (two.status, two.header("www-authenticate"), two.code()),
        (400, None, "duplicate_authorization".to_owned())
    );
}

#[test]
fn a_missing_role_is_403_after_authentication() {
    let (pair, _) = start_default();
    let bob = pair.send(request("GET", "/admin").login("bob", "battery staple"));
    assert_eq!(bob.status, 403);
    assert_eq!(
        bob.json(),
        json!({
            "type": "tag:safe-update,2026:problem/role_required",
            "title": "Role required",
            "status": 403,
            "code": "role_required",
            "detail": "this action requires the role \"admin\"",
            "roles": ["admin"],
        })
    );
    let alice = pair.send(request("GET", "/admin").login("alice", "correct horse"));
    assert_eq!(
        (alice.status, alice.text()),
        (200, "hello admin alice".into())
    );
    assert_eq!(pair.send(request("GET", "/admin")).status, 401);
}

#[test]
fn credentials_are_verified_once_per_request() {
    // No cache: every verification would show in the count.
    let no_cache = || builder().cache_ttl(Duration::ZERO).build().unwrap();
    let (pair, states) = start(no_cache, PatchConfig::default());
    let three = pair.send(request("GET", "/three").login("alice", "correct horse"));
    assert_eq!(three.status, 200);
    for state in &states {
        assert_eq!(state.auth.hash_checks(), 1);
    }
}

struct BrokenStore;

impl UserStore for BrokenStore {
    async fn find(&self, _user_id: &str) -> Result<Option<StoredUser>, StoreError> {
        Err(StoreError::new("disk I/O error at /var/db/users.sqlite"))
    }
}

#[test]
fn a_store_failure_is_503_and_tells_the_client_nothing() {
    let broken = || Authenticator::builder(BrokenStore).build().unwrap();
    let (pair, _) = start(broken, PatchConfig::default());
    let answer = pair.send(request("GET", "/me").login("alice", "correct horse"));
    assert_eq!(
        (
            answer.status,
            answer.header("www-authenticate"),
            answer.code()
        ),
        (503, None, "authentication_unavailable".to_owned())
    );
    assert!(!answer.text().contains("sqlite"), "{}", answer.text());
}

/// On each server: a request whose check holds the only verification slot for a few hundred
/// ms, then one that needs a slot and waits for it up to `slot_wait`; both answers.
fn race_for_the_only_slot(slot_wait: Duration) -> Vec<(Answer, Answer)> {
    let one_slot = || {
        builder()
            .max_concurrent_verifications(1)
            .slot_wait(slot_wait)
            .build()
            .unwrap()
    };
    let (pair, states) = start(one_slot, PatchConfig::default());
    let mut answers = Vec::new();
    for (base, state) in [(&pair.actix, &states[0]), (&pair.axum, &states[1])] {
        let slow = {
            let base = base.clone();
            std::thread::spawn(move || request("GET", "/me").login("slow", "x").send(&base))
        };
        // The count goes up once the slow check holds the slot and argon2 has started.
        while state.auth.hash_checks() == 0 {
            std::thread::sleep(Duration::from_millis(1));
        }
        let waiting = request("GET", "/me")
            .login("alice", "correct horse")
            .send(base);
        answers.push((slow.join().unwrap(), waiting));
    }
    answers
}

#[test]
fn when_every_verification_slot_stays_taken_the_answer_is_503_with_retry_after() {
    let answers = race_for_the_only_slot(Duration::from_millis(30));
    for (slow, waiting) in &answers {
        assert_eq!(slow.status, 401);
        assert_eq!(
            (
                waiting.status,
                waiting.header("retry-after"),
                waiting.code()
            ),
            (503, Some("1"), "authentication_busy".to_owned())
        );
    }
    assert_eq!(answers[0].1.json(), answers[1].1.json());
}

#[test]
fn a_request_waits_for_a_slot_without_failing() {
    for (slow, waiting) in race_for_the_only_slot(Duration::from_secs(10)) {
        assert_eq!(slow.status, 401);
        assert_eq!((waiting.status, waiting.text()), (200, "alice".to_owned()));
    }
}

#[test]
fn an_unusable_stored_hash_is_answered_as_a_wrong_password() {
    let (pair, _) = start_default();
    let broken = pair.send(request("GET", "/me").login("broken", "correct horse"));
    let wrong = pair.send(request("GET", "/me").login("bob", "wrong"));
    assert_eq!(
        (
            broken.status,
            broken.header("www-authenticate"),
            broken.json()
        ),
        (wrong.status, wrong.header("www-authenticate"), wrong.json())
    );
    assert_eq!(broken.status, 401);
}

#[test]
fn past_the_limit_the_answer_is_429_with_retry_after_counted_per_client() {
    let limited = || {
        let limits = Limits {
            per_user_and_client: 2,
            ..Limits::default()
        };
        builder()
            .limiter(MemoryLimiter::new(limits))
            .build()
            .unwrap()
    };
    let (pair, _) = start(limited, PatchConfig::default());
    let from = |client: &str, password: &str| {
        request("GET", "/me")
            .login("bob", password)
            .header("x-test-client", client)
    };
    for guess in ["one", "two"] {
        assert_eq!(pair.send(from("203.0.113.9", guess)).status, 401);
    }
    for answer in pair.both(from("203.0.113.9", "three")) {
        assert_eq!(answer.status, 429);
        let seconds: u64 = answer.header("retry-after").unwrap().parse().unwrap();
        assert!((59..=60).contains(&seconds), "{seconds}");
        assert_eq!(
            answer.json(),
            json!({
                "type": "tag:safe-update,2026:problem/too_many_attempts",
                "title": "Too many failed logins",
                "status": 429,
                "code": "too_many_attempts",
                "detail": "too many failed logins; retry later",
                "retry_after": seconds,
            })
        );
    }
    // Counted under the client's address: bob from another one is not throttled.
    let elsewhere = pair.send(from("198.51.100.7", "battery staple"));
    assert_eq!(elsewhere.status, 200);
}

#[test]
fn a_permitted_patch_is_applied_in_any_accepted_media_type() {
    let (pair, states) = start_default();
    let applied = pair.send(bob_patches(r#"{"display_name":"Robert","bio":"hi"}"#));
    assert_eq!(
        (applied.status, applied.json()),
        (200, json!(["display_name", "bio"]))
    );
    assert_eq!(
        (stored(&states).display_name, stored(&states).bio),
        ("Robert".to_owned(), Some("hi".to_owned()))
    );
    for content_type in [
        "application/json",
        "Application/JSON; charset=UTF-8",
        "application/merge-patch+json;charset=utf-8",
    ] {
        let answer = pair.send(
            request("PATCH", "/profile")
                .login("bob", "battery staple")
                .body(content_type, r#"{"bio":"x"}"#),
        );
        assert_eq!(answer.status, 200, "{content_type}");
    }
}

#[test]
fn any_other_media_type_is_415_with_accept_patch() {
    let (pair, states) = start_default();
    for content_type in [
        "text/plain",
        FORM,
        "application/json-patch+json",
        "application/json; charset=latin1",
        "not a media type",
    ] {
        let answer = pair.send(
            request("PATCH", "/profile")
                .login("bob", "battery staple")
                .body(content_type, r#"{"bio":"x"}"#),
        );
        assert_eq!(
            (answer.status, answer.code()),
            (415, "unsupported_media_type".to_owned()),
            "{content_type}"
        );
        assert_eq!(
            answer.header("accept-patch"),
            Some("application/merge-patch+json, application/json")
        );
        assert_eq!(
            answer.json()["accepted"],
            json!(["application/merge-patch+json", "application/json"])
        );
    }
    let untyped = request("PATCH", "/profile").login("bob", "battery staple");
    assert_eq!(pair.send(untyped).status, 415);
    unchanged(&states);
}

#[test]
fn a_body_over_the_limit_is_413_declared_or_streamed() {
    let (pair, states) = start(default_auth, PatchConfig::default().limit(32));
    let long = format!(r#"{{"bio":"{}"}}"#, "x".repeat(4000));
    for request in [bob_patches(&long), bob_patches(&long).chunked()] {
        let answer = pair.send(request);
        assert_eq!(
            (answer.status, answer.code(), &answer.json()["limit"]),
            (413, "payload_too_large".to_owned(), &json!(32))
        );
        // The unread rest of the body makes the connection unusable: the client is told.
        assert_eq!(answer.header("connection"), Some("close"));
    }
    // Exactly at the limit is read (and refused by the validator: 22 characters).
    let at_limit = format!(r#"{{"bio":"{}"}}"#, "x".repeat(22));
    assert_eq!(at_limit.len(), 32);
    for request in [bob_patches(&at_limit), bob_patches(&at_limit).chunked()] {
        assert_eq!(pair.send(request).status, 422);
    }
    unchanged(&states);
}

#[test]
fn malformed_json_is_400_and_refusals_are_422_listing_every_key() {
    let (pair, states) = start_default();
    for body in [r#"{"bio":"#, "", "not json", r#"{"bio":"x"} trailing"#] {
        let answer = pair.send(bob_patches(body));
        assert_eq!(
            (answer.status, answer.code()),
            (400, "malformed_json".to_owned()),
            "{body:?}"
        );
    }
    let refused = pair.send(bob_patches(
        r#"{"bio":"hi","is_admin":true,"id":1,"role":"root","bio":"again","display_name":5}"#,
    ));
    assert_eq!(refused.status, 422);
    let body = refused.json();
    assert_eq!(body["code"], "forbidden_fields");
    assert_eq!(body["forbidden"], json!(["is_admin", "id"]));
    assert_eq!(body["unknown"], json!(["role"]));
    assert_eq!(body["duplicate"], json!(["bio"]));
    assert!(body["invalid"]["display_name"].is_string(), "{body}");

    // A value the model's validator refuses: 422 from apply, with the reason.
    let invalid = pair.send(bob_patches(r#"{"bio":"this is far too long a bio"}"#));
    assert_eq!(
        (invalid.status, invalid.code()),
        (422, "invalid_fields".to_owned())
    );
    assert_eq!(
        invalid.json()["invalid"][""],
        "bio is longer than 20 characters"
    );
    unchanged(&states);
}

#[test]
fn a_gated_field_is_403_without_the_role_and_written_with_it() {
    let (pair, states) = start_default();
    let denied = pair.send(bob_patches(r#"{"bio":"hi","verified":true}"#));
    assert_eq!(
        (denied.status, denied.code()),
        (403, "role_required".to_owned())
    );
    assert_eq!(
        denied.json()["denied"],
        json!([{ "field": "verified", "roles": ["admin"] }])
    );
    unchanged(&states);
    let admin = request("PATCH", "/profile")
        .login("alice", "correct horse")
        .body(JSON, r#"{"verified":true}"#);
    let written = pair.send(admin);
    assert_eq!((written.status, written.json()), (200, json!(["verified"])));
    assert!(stored(&states).verified);
}

#[test]
fn authentication_comes_before_the_body() {
    let (pair, states) = start(default_auth, PatchConfig::default().limit(8));
    // Wrong media type, oversized, forbidden field: without credentials, all of it is a 401.
    let body = r#"{"is_admin":true,"bio":"a long enough body"}"#;
    let anonymous = pair.send(request("PATCH", "/profile").body("text/plain", body));
    assert_eq!(
        (anonymous.status, anonymous.code()),
        (401, "missing_credentials".to_owned())
    );
    assert_eq!(anonymous.header("www-authenticate"), Some(CHALLENGE));
    let wrong = request("PATCH", "/profile")
        .login("bob", "guess")
        .body(JSON, body);
    assert_eq!(pair.send(wrong).code(), "invalid_credentials");
    unchanged(&states);
}

fn bob_posts(body: &[u8]) -> Request {
    request("POST", "/form/profile")
        .login("bob", "battery staple")
        .body(FORM, body)
}

#[test]
fn form_bodies_are_read_with_the_same_refusals_where_a_route_takes_them() {
    let (pair, states) = start_default();
    let posted = pair.send(bob_posts(b"display_name=Robert+Ng&bio=caf%C3%A9"));
    assert_eq!(
        (posted.status, posted.json()),
        (200, json!(["display_name", "bio"]))
    );
    let profile = stored(&states);
    assert_eq!(
        (profile.display_name.as_str(), profile.bio.as_deref()),
        ("Robert Ng", Some("café"))
    );

    // An empty value clears an `Option`; anywhere else it is refused, as `null` is.
    let cleared = pair.send(bob_posts(b"bio="));
    assert_eq!((cleared.status, cleared.json()), (200, json!(["bio"])));
    assert_eq!(stored(&states).bio, None);
    let empty_name = pair.send(bob_posts(b"display_name="));
    assert_eq!(empty_name.status, 422);
    assert!(
        empty_name.json()["invalid"]["display_name"]
            .as_str()
            .unwrap()
            .starts_with("an empty value is not allowed"),
        "{}",
        empty_name.text()
    );

    // A server-only key is refused, never dropped; every problem is listed.
    let before = stored(&states);
    let refused = pair.send(bob_posts(
        b"bio=x&is_admin=true&id=1&nickname=b&bio=y&verified=maybe",
    ));
    assert_eq!(refused.status, 422);
    let body = refused.json();
    assert_eq!(body["forbidden"], json!(["is_admin", "id"]));
    assert_eq!(body["unknown"], json!(["nickname"]));
    assert_eq!(body["duplicate"], json!(["bio"]));
    assert!(body["invalid"]["verified"].is_string(), "{body}");
    // Bytes that are not UTF-8 are refused, not stored as U+FFFD.
    let garbled = pair.send(bob_posts(b"bio=%FF"));
    assert_eq!(
        (garbled.status, garbled.json()["invalid"]["bio"].is_string()),
        (422, true)
    );
    let garbled_key = pair.send(bob_posts(b"%FF=1"));
    assert_eq!(garbled_key.json()["unknown"], json!(["\u{fffd}"]));
    // A gated field from a form: 403 like JSON.
    assert_eq!(pair.send(bob_posts(b"verified=true")).status, 403);
    assert_eq!(stored(&states), before);

    // The form route lists forms in Accept-Patch; the JSON route refuses them (above).
    let text = request("POST", "/form/profile")
        .login("bob", "battery staple")
        .body("text/plain", "bio=x");
    let text = pair.send(text);
    assert_eq!(text.status, 415);
    assert_eq!(
        text.header("accept-patch"),
        Some("application/merge-patch+json, application/json, application/x-www-form-urlencoded")
    );
    // And it still takes JSON.
    let json = request("POST", "/form/profile")
        .login("bob", "battery staple")
        .body(JSON, r#"{"bio":"json"}"#);
    assert_eq!(pair.send(json).status, 200);
}

#[test]
fn merge_patch_applies_for_an_identity_of_the_application() {
    let (pair, states) = start_default();
    // No Basic Auth at all: the application's own session says who this is.
    let guest = request("PATCH", "/session")
        .header("x-session", "guest")
        .body(JSON, r#"{"verified":true}"#);
    let denied = pair.send(guest);
    assert_eq!(
        (denied.status, denied.code()),
        (403, "role_required".to_owned())
    );
    unchanged(&states);
    let staff = request("PATCH", "/session")
        .header("x-session", "staff")
        .body(JSON, r#"{"verified":true,"bio":"checked"}"#);
    let written = pair.send(staff);
    assert_eq!(
        (written.status, written.json()),
        (200, json!(["bio", "verified"]))
    );
    assert!(stored(&states).verified);

    // The body's refusals are the same as with SafePatch.
    let before = stored(&states);
    let staff = |body: &str| {
        request("PATCH", "/session")
            .header("x-session", "staff")
            .body(JSON, body)
    };
    assert_eq!(pair.send(staff(r#"{"is_admin":true}"#)).status, 422);
    assert_eq!(pair.send(staff(r#"{"bio":"#)).status, 400);
    assert_eq!(
        pair.send(
            request("PATCH", "/session")
                .header("x-session", "staff")
                .body("text/plain", "{}")
        )
        .status,
        415
    );
    let huge = format!(r#"{{"bio":"{}"}}"#, "x".repeat(100 * 1024));
    assert_eq!(pair.send(staff(&huge)).status, 413);
    // And forms, where the route takes them.
    let form = request("POST", "/form/session")
        .header("x-session", "guest")
        .body(FORM, "bio=from+a+form&id=9");
    let refused = pair.send(form);
    assert_eq!(
        (refused.status, refused.json()["forbidden"].clone()),
        (422, json!(["id"]))
    );
    assert_eq!(stored(&states), before);
}
