//! The identity extractors over actix-web: each status an authentication can end in, with its
//! headers and JSON body.

use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::ServiceResponse;
use actix_web::http::{header, StatusCode};
use actix_web::{test, web, App, HttpResponse};
use safe_update::actix::{ClientAddr, RequireRole, Role};
use safe_update::auth::{
    Authenticator, AuthenticatorBuilder, Credentials, Identity, Limits, MemoryLimiter, MemoryStore,
    StoreError, StoredUser, UserStore,
};
use serde_json::{json, Value};

const REALM: &str = r#"the "staff" \ area"#;
const CHALLENGE: &str = r#"Basic realm="the \"staff\" \\ area", charset="UTF-8""#;

/// See `auth_verifier.rs`: a check that holds its verification slot for a few hundred ms.
const SLOW_HASH: &str = "$argon2id$v=19$m=19456,t=40,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

struct Admin;

impl Role for Admin {
    const NAME: &'static str = "admin";
}

fn users() -> Arc<MemoryStore> {
    let store = MemoryStore::new()
        .with_user("alice", "correct horse", ["user", "admin"])
        .unwrap()
        .with_user("bob", "battery staple", ["user"])
        .unwrap();
    store.insert(StoredUser::new("slow", SLOW_HASH, ["user"]));
    // Not a PHC string: the operator's mistake, answered as a wrong password.
    store.insert(StoredUser::new("broken", "correct horse", ["user"]));
    Arc::new(store)
}

fn builder(store: impl UserStore) -> AuthenticatorBuilder {
    Authenticator::builder(store).realm(REALM)
}

fn login(user: &str, password: &str) -> String {
    Credentials::new(user, password)
        .unwrap()
        .to_header_value()
        .to_string()
}

async fn me(who: Identity) -> HttpResponse {
    HttpResponse::Ok().body(who.name().to_owned())
}

async fn admin_only(admin: RequireRole<Admin>) -> HttpResponse {
    HttpResponse::Ok().body(format!("hello admin {}", admin.name()))
}

/// Asks for the identity three ways; the credentials must still be verified once.
async fn three_times(who: Identity, again: Identity, admin: RequireRole<Admin>) -> HttpResponse {
    assert_eq!((who.name(), again.name()), (admin.name(), "alice"));
    HttpResponse::Ok().finish()
}

fn routes(app_config: &mut web::ServiceConfig) {
    app_config
        .route("/me", web::get().to(me))
        .route("/admin", web::get().to(admin_only))
        .route("/three", web::get().to(three_times));
}

/// The test service with `auth` in its app data (a macro: its type cannot be named here).
macro_rules! app {
    ($auth:expr) => {
        test::init_service(App::new().app_data($auth).configure(routes)).await
    };
}

fn get(path: &str, authorization: Option<&str>) -> test::TestRequest {
    let request = test::TestRequest::get().uri(path);
    match authorization {
        Some(value) => request.insert_header((header::AUTHORIZATION, value)),
        None => request,
    }
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

/// Status, a header's value and the JSON body of a response.
async fn answer(
    response: ServiceResponse,
    header_name: header::HeaderName,
) -> (u16, Option<String>, Value) {
    let status = response.status().as_u16();
    let value = response
        .headers()
        .get(&header_name)
        .map(|value| value.to_str().unwrap().to_owned());
    let body = test::read_body(response).await;
    let body = serde_json::from_slice(&body).unwrap_or(Value::Null);
    (status, value, body)
}

#[actix_web::test]
async fn good_credentials_reach_the_handler() {
    let app = app!(builder(users()).build().unwrap());
    let request = get("/me", Some(&login("alice", "correct horse"))).to_request();
    let response = test::call_service(&app, request).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(test::read_body(response).await, "alice");
}

#[actix_web::test]
async fn missing_credentials_are_challenged() {
    let app = app!(builder(users()).build().unwrap());
    let response = test::call_service(&app, get("/me", None).to_request()).await;
    assert_eq!(
        response.headers().get(header::CONTENT_TYPE).unwrap(),
        "application/problem+json"
    );
    let (status, challenge, body) = answer(response, header::WWW_AUTHENTICATE).await;
    assert_eq!(status, 401);
    assert_eq!(challenge.as_deref(), Some(CHALLENGE));
    assert_eq!(
        body,
        problem(
            401,
            "missing_credentials",
            "Authentication required",
            "send Basic credentials in the Authorization header"
        )
    );
}

#[actix_web::test]
async fn a_wrong_password_and_an_unknown_user_get_the_same_answer() {
    let app = app!(builder(users()).build().unwrap());
    let mut answers = Vec::new();
    for (user, password) in [("alice", "wrong"), ("mallory", "correct horse")] {
        let request = get("/me", Some(&login(user, password))).to_request();
        let response = test::call_service(&app, request).await;
        answers.push(answer(response, header::WWW_AUTHENTICATE).await);
    }
    assert_eq!(answers[0], answers[1]);
    let (status, challenge, body) = &answers[0];
    assert_eq!(*status, 401);
    assert_eq!(challenge.as_deref(), Some(CHALLENGE));
    assert_eq!(
        *body,
        problem(
            401,
            "invalid_credentials",
            "Invalid credentials",
            "unknown user or wrong password"
        )
    );
}

#[actix_web::test]
async fn malformed_credentials_are_challenged() {
    let app = app!(builder(users()).build().unwrap());
    for value in [
        "Bearer abc",
        "Basic",
        "Basic not base64!",
        "Basic dXNlcg==", // "user": no colon
    ] {
        let response = test::call_service(&app, get("/me", Some(value)).to_request()).await;
        let (status, challenge, body) = answer(response, header::WWW_AUTHENTICATE).await;
        assert_eq!(status, 401, "{value}");
        assert_eq!(challenge.as_deref(), Some(CHALLENGE), "{value}");
        assert_eq!(body["code"], "malformed_credentials", "{value}");
    }
    // A header value that is not even visible ASCII.
    let request = test::TestRequest::get()
        .uri("/me")
        .insert_header((
            header::AUTHORIZATION,
            header::HeaderValue::from_bytes(b"Basic \xff\xfe").unwrap(),
        ))
        .to_request();
    assert_eq!(test::call_service(&app, request).await.status(), 401);
}

#[actix_web::test]
async fn two_authorization_headers_are_a_bad_request() {
    let app = app!(builder(users()).build().unwrap());
    let request = test::TestRequest::get()
        .uri("/me")
        .append_header((header::AUTHORIZATION, login("bob", "battery staple")))
        .append_header((header::AUTHORIZATION, login("alice", "correct horse")))
        .to_request();
    let (status, challenge, body) = answer(
        test::call_service(&app, request).await,
        header::WWW_AUTHENTICATE,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(challenge, None);
    assert_eq!(body["code"], "duplicate_authorization");
}

struct BrokenStore;

impl UserStore for BrokenStore {
    async fn find(&self, _user_id: &str) -> Result<Option<StoredUser>, StoreError> {
        Err(StoreError::new("disk I/O error at /var/db/users.sqlite"))
    }
}

#[actix_web::test]
async fn a_store_failure_is_503_and_tells_the_client_nothing() {
    let app = app!(builder(BrokenStore).build().unwrap());
    let request = get("/me", Some(&login("alice", "correct horse"))).to_request();
    let (status, challenge, body) = answer(
        test::call_service(&app, request).await,
        header::WWW_AUTHENTICATE,
    )
    .await;
    assert_eq!(status, 503);
    assert_eq!(challenge, None);
    assert_eq!(body["code"], "authentication_unavailable");
    assert!(!body.to_string().contains("sqlite"), "{body}");
}

#[actix_web::test]
async fn without_an_authenticator_every_request_is_a_500() {
    let app = test::init_service(App::new().configure(routes)).await;
    let request = get("/me", Some(&login("alice", "correct horse"))).to_request();
    let (status, _, body) = answer(
        test::call_service(&app, request).await,
        header::WWW_AUTHENTICATE,
    )
    .await;
    assert_eq!(status, 500);
    assert_eq!(body["code"], "authentication_error");
}

#[actix_web::test]
async fn the_authenticator_may_be_in_web_data() {
    let auth = builder(users()).build().unwrap();
    let app = test::init_service(App::new().app_data(web::Data::new(auth)).configure(routes)).await;
    let request = get("/me", Some(&login("bob", "battery staple"))).to_request();
    assert_eq!(test::call_service(&app, request).await.status(), 200);
}

#[actix_web::test]
async fn a_missing_role_is_403_with_a_json_body() {
    let app = app!(builder(users()).build().unwrap());
    let request = get("/admin", Some(&login("bob", "battery staple"))).to_request();
    let response = test::call_service(&app, request).await;
    let (status, _, body) = answer(response, header::WWW_AUTHENTICATE).await;
    assert_eq!(status, 403);
    assert_eq!(
        body,
        json!({
            "type": "tag:safe-update,2026:problem/role_required",
            "title": "Role required",
            "status": 403,
            "code": "role_required",
            "detail": "this action requires the role \"admin\"",
            "roles": ["admin"],
        })
    );

    let request = get("/admin", Some(&login("alice", "correct horse"))).to_request();
    let response = test::call_service(&app, request).await;
    assert_eq!(response.status(), 200);
    assert_eq!(test::read_body(response).await, "hello admin alice");

    // Without credentials, authentication comes first: 401, not 403.
    let response = test::call_service(&app, get("/admin", None).to_request()).await;
    assert_eq!(response.status(), 401);
}

#[actix_web::test]
async fn credentials_are_verified_once_per_request() {
    // No cache: every verification would show in the count.
    let auth = builder(users()).cache_ttl(Duration::ZERO).build().unwrap();
    let app = app!(auth.clone());
    let request = get("/three", Some(&login("alice", "correct horse"))).to_request();
    assert_eq!(test::call_service(&app, request).await.status(), 200);
    assert_eq!(auth.hash_checks(), 1);
}

/// Sends a request that holds the only verification slot for a few hundred ms, then
/// another that needs a slot, with `slot_wait` as given; returns both statuses.
async fn race_for_the_only_slot(slot_wait: Duration) -> (u16, Option<String>, u16) {
    let auth = builder(users())
        .max_concurrent_verifications(1)
        .slot_wait(slot_wait)
        .build()
        .unwrap();
    let app = Rc::new(app!(auth.clone()));
    let slow = actix_web::rt::spawn({
        let app = Rc::clone(&app);
        let request = get("/me", Some(&login("slow", "anything"))).to_request();
        async move { test::call_service(&*app, request).await.status().as_u16() }
    });
    // The count goes up once the slow check holds the slot and argon2 has started.
    while auth.hash_checks() == 0 {
        actix_web::rt::time::sleep(Duration::from_millis(1)).await;
    }
    let request = get("/me", Some(&login("alice", "correct horse"))).to_request();
    let response = test::call_service(&*app, request).await;
    let (status, retry_after, _) = answer(response, header::RETRY_AFTER).await;
    (slow.await.unwrap(), retry_after, status)
}

#[actix_web::test]
async fn when_every_slot_stays_taken_the_answer_is_503_with_retry_after() {
    let (slow, retry_after, status) = race_for_the_only_slot(Duration::from_millis(30)).await;
    assert_eq!(slow, 401);
    assert_eq!((status, retry_after.as_deref()), (503, Some("1")));
}

#[actix_web::test]
async fn a_request_waits_for_a_slot_without_failing() {
    let (slow, retry_after, status) = race_for_the_only_slot(Duration::from_secs(10)).await;
    assert_eq!(slow, 401);
    assert_eq!((status, retry_after), (200, None));
}

#[actix_web::test]
async fn an_unusable_stored_hash_is_answered_as_a_wrong_password() {
    let app = app!(builder(users()).build().unwrap());
    let mut answers = Vec::new();
    for (user, password) in [("broken", "correct horse"), ("bob", "wrong")] {
        let request = get("/me", Some(&login(user, password))).to_request();
        let response = test::call_service(&app, request).await;
        answers.push(answer(response, header::WWW_AUTHENTICATE).await);
    }
    assert_eq!(answers[0], answers[1]);
    assert_eq!(answers[0].0, 401);
    assert_eq!(answers[0].1.as_deref(), Some(CHALLENGE));
}

/// Middleware that says where a request came from, as one behind a trusted proxy would.
async fn from_address(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<actix_web::body::BoxBody>,
) -> Result<ServiceResponse, actix_web::Error> {
    use actix_web::HttpMessage;
    let forwarded = req
        .headers()
        .get("x-test-client")
        .and_then(|value| value.to_str().ok()?.parse().ok());
    if let Some(addr) = forwarded {
        req.extensions_mut().insert(ClientAddr(addr));
    }
    next.call(req).await
}

#[actix_web::test]
async fn past_the_limit_the_answer_is_429_with_retry_after_counted_per_client() {
    let auth = builder(users())
        .limiter(MemoryLimiter::new(Limits {
            per_user_and_client: 2,
            ..Limits::default()
        }))
        .build()
        .unwrap();
    let app = test::init_service(
        App::new()
            .app_data(auth)
            .wrap(actix_web::middleware::from_fn(from_address))
            .configure(routes),
    )
    .await;
    let from = |client: &str, password: &str| {
        get("/me", Some(&login("bob", password)))
            .insert_header(("x-test-client", client))
            .to_request()
    };
    for guess in ["one", "two"] {
        let response = test::call_service(&app, from("203.0.113.9", guess)).await;
        assert_eq!(response.status(), 401);
    }
    let response = test::call_service(&app, from("203.0.113.9", "three")).await;
    let (status, retry_after, body) = answer(response, header::RETRY_AFTER).await;
    assert_eq!(status, 429);
    let seconds: u64 = retry_after.unwrap().parse().unwrap();
    assert!((59..=60).contains(&seconds), "{seconds}");
    assert_eq!(
        body,
        json!({
            "type": "tag:safe-update,2026:problem/too_many_attempts",
            "title": "Too many failed logins",
            "status": 429,
            "code": "too_many_attempts",
            "detail": "too many failed logins; retry later",
            "retry_after": seconds,
        })
    );
    // The limiter counted under the client's address, not the connection's: bob from
    // another address is not throttled.
    let response = test::call_service(&app, from("198.51.100.7", "battery staple")).await;
    assert_eq!(response.status(), 200);
}
