//! The axum counterpart of `actix_audit.rs`: the security log of real requests to an axum app
//! holds user and field names, never values or passwords, and each refused request adds
//! exactly one event (README: "Each refusal is logged once"), whole as expected. The
//! capturing subscriber is global, so it sees the server thread's events, and the test counts
//! every event: its body runs in a process of its own (`own_process`), where no other test
//! logs.

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;

use axum::routing::patch;
use axum::Router;
use safe_update::auth::{
    Authenticator, Credentials, Identity, Limits, MemoryLimiter, MemoryStore, StoredUser,
};
use safe_update::axum::{MergePatch, PatchRejection, SafePatch};
use safe_update::NoRoles;
use safe_update_tests::capture::Capture;
use safe_update_tests::fixtures::audit::{account, AccountPatch};
use safe_update_tests::own_process;
use safe_update_tests::serve::{self, Peer};
use serde_json::{json, Value};

/// Asks for the identity twice, as a handler may: verified once per request all the same.
async fn update(who: Identity, patch: SafePatch<AccountPatch>) -> Result<(), PatchRejection> {
    assert_eq!(who.name(), patch.identity().name());
    let mut account = account();
    patch.apply_to(&mut account)?;
    assert!(!account.is_admin);
    Ok(())
}

/// A patch without an identity: its refusals are logged for `<unknown>`.
async fn anonymous(patch: MergePatch<AccountPatch>) -> Result<(), PatchRejection> {
    let mut account = account();
    patch.into_inner().apply_as(&mut account, &NoRoles)?;
    Ok(())
}

/// Serves the app on `127.0.0.1:0` with the client's address; its address.
fn serve() -> SocketAddr {
    let store = Arc::new(
        MemoryStore::new()
            .with_user("bob", "hunter2-secret", ["user"])
            .unwrap()
            .with_user("mallory", "mallory-secret", ["user"])
            .unwrap(),
    );
    // carol's stored "hash" is a plaintext: the operator must hear of it.
    store.insert(StoredUser::new("carol", "plaintext-secret", ["user"]));
    // One check per name and client: mallory's second guess is throttled, and logged.
    let auth = Authenticator::builder(store)
        .limiter(MemoryLimiter::new(Limits {
            per_user_and_client: 1,
            ..Limits::default()
        }))
        .build()
        .unwrap();
    let app = Router::new()
        .route("/", patch(update))
        .route("/anonymous", patch(anonymous))
        .with_state(auth);
    serve::serve(serve::one_worker(), app, Peer::Known)
}

/// `PATCH path` with a JSON `body`, as `login` (user, password) when given; the status and
/// the problem document (`null` for an empty body).
fn send(addr: SocketAddr, path: &str, login: Option<(&str, &str)>, body: &str) -> (u16, Value) {
    let mut stream = TcpStream::connect(addr).unwrap();
    let mut head = format!("PATCH {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n");
    if let Some((user, password)) = login {
        let value = Credentials::new(user, password).unwrap().to_header_value();
        let _ = write!(head, "Authorization: {}\r\n", value.as_str());
    }
    let _ = write!(
        head,
        "Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let status = answer.split(' ').nth(1).expect("a status line");
    let body = answer.split("\r\n\r\n").nth(1).unwrap_or_default();
    let problem = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(body).unwrap()
    };
    (status.parse().unwrap(), problem)
}

/// A request, the answer it must get (status, problem code, the problem's list members) and
/// the one security event it must add, whole (its message, then its fields).
struct Case {
    path: &'static str,
    login: Option<(&'static str, &'static str)>,
    body: &'static str,
    status: u16,
    code: &'static str,
    members: Value,
    event: &'static str,
}

#[test]
fn refusals_are_logged_once_with_names_never_values() {
    own_process::run(
        module_path!(),
        "refusals_are_logged_once_with_names_never_values",
        log_real_requests_and_count_it_all,
    );
}

/// The test's body: installs the global capture, and counts every event of the process.
fn log_real_requests_and_count_it_all() {
    let capture = Capture::install();
    let addr = serve();

    // Each request, its answer, and the one security event it must add (the event is written
    // before the answer, so it is there when the answer is read).
    let bob = Some(("bob", "hunter2-secret"));
    let cases = [
        Case {
            path: "/",
            login: Some(("mallory", "wrong-secret")),
            body: r#"{"bio":"VALUE-0"}"#,
            status: 401,
            code: "invalid_credentials",
            members: json!({}),
            event: r#"message=authentication failed user="mallory""#,
        },
        Case {
            path: "/",
            login: Some(("carol", "plaintext-secret")),
            body: r#"{"bio":"VALUE-1"}"#,
            status: 401,
            code: "invalid_credentials",
            members: json!({}),
            event: r#"message=login refused: the stored password hash is not a usable argon2id PHC string; set a new password user="carol""#,
        },
        Case {
            path: "/",
            login: Some(("mallory", "other-secret")),
            body: r#"{"bio":"VALUE-2"}"#,
            status: 429,
            code: "too_many_attempts",
            members: json!({}),
            event: r#"message=login throttled: too many attempts user="mallory" client=Some(127.0.0.1)"#,
        },
        Case {
            path: "/",
            login: bob,
            body: r#"{"is_admin":true,"bio":"VALUE-3","x-secret-key":1}"#,
            status: 422,
            code: "forbidden_fields",
            members: json!({"forbidden": ["is_admin"], "unknown": ["x-secret-key"]}),
            event: r#"message=patch refused: server-only fields user="bob" fields=["is_admin"] unknown_keys=1"#,
        },
        Case {
            path: "/",
            login: bob,
            body: r#"{"verified":true,"bio":"VALUE-4"}"#,
            status: 403,
            code: "role_required",
            members: json!({"denied": [{"field": "verified", "roles": ["admin"]}], "invalid": {}}),
            event: r#"message=patch refused: role-gated fields user="bob" fields=["verified"]"#,
        },
        Case {
            path: "/anonymous",
            login: None,
            body: r#"{"is_admin":"VALUE-5","bio":"VALUE-6"}"#,
            status: 422,
            code: "forbidden_fields",
            members: json!({"forbidden": ["is_admin"], "unknown": []}),
            event: r#"message=patch refused: server-only fields user="<unknown>" fields=["is_admin"] unknown_keys=0"#,
        },
    ];
    for case in &cases {
        let before = capture.security().len();
        let (status, problem) = send(addr, case.path, case.login, case.body);
        assert_eq!(
            (status, &problem["code"]),
            (case.status, &json!(case.code)),
            "{problem}"
        );
        for (member, value) in case.members.as_object().unwrap() {
            assert_eq!(&problem[member], value, "{member} of {problem}");
        }
        let security = capture.security();
        assert_eq!(
            security.len(),
            before + 1,
            "one security event for {}: {security:#?}",
            case.body
        );
        let logged = &security[before];
        let expected = format!("safe_update::security {}", case.event);
        assert_eq!(logged, &expected);
    }
    // A request with nothing to refuse logs nothing.
    assert_eq!(
        send(addr, "/", bob, r#"{"bio":"VALUE-7"}"#),
        (200, Value::Null)
    );
    assert_eq!(capture.security().len(), cases.len());

    let everything = capture.lines().join("\n");
    for secret in ["secret", "VALUE-", "hunter2", "plaintext"] {
        assert!(!everything.contains(secret), "{secret} in {everything}");
    }
}
