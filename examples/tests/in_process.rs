//! The application in process (`actix_web::test`), over a real database file: the answers
//! that need no socket.

use actix_web::http::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE, IF_MATCH};
use actix_web::http::StatusCode;
use actix_web::{test, App};
use safe_update::auth::{hash_password, Credentials};
use safe_update_demo::actix_app;
use safe_update_demo::db::{Database, DatabaseUrl};
use safe_update_demo::server::{Options, Shared};

#[actix_web::test]
async fn health_unknown_routes_methods_and_malformed_preconditions() {
    let dir = tempfile::tempdir().unwrap();
    let url = DatabaseUrl::Sqlite(dir.path().join("demo.db"));
    let db = Database::open(&url).await.unwrap();
    let hash = hash_password("alice's password").unwrap();
    db.insert_user("alice", false, &hash)
        .await
        .unwrap()
        .unwrap();
    let shared = Shared::new(db, Options::default()).unwrap();
    let app = test::init_service(App::new().configure(actix_app::configure(&shared))).await;
    let login = Credentials::new("alice", "alice's password")
        .unwrap()
        .to_header_value();

    let health = test::TestRequest::get().uri("/healthz").to_request();
    let health = test::call_service(&app, health).await;
    assert_eq!(health.status(), StatusCode::OK);
    let body: serde_json::Value = test::read_body_json(health).await;
    assert_eq!(body["status"], "ok");

    let missing = test::TestRequest::get().uri("/nothing/here").to_request();
    let missing = test::call_service(&app, missing).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let body: serde_json::Value = test::read_body_json(missing).await;
    assert_eq!(body["code"], "not_found");

    let delete = test::TestRequest::delete()
        .uri("/profile")
        .insert_header((AUTHORIZATION, login.as_str()))
        .to_request();
    assert_eq!(
        test::call_service(&app, delete).await.status(),
        StatusCode::METHOD_NOT_ALLOWED
    );

    // An If-Match that is not text at all is a bad request, not a failed precondition.
    let garbled = test::TestRequest::patch()
        .uri("/profile")
        .insert_header((AUTHORIZATION, login.as_str()))
        .insert_header((CONTENT_TYPE, "application/json"))
        .insert_header((IF_MATCH, HeaderValue::from_bytes(b"\"v1\xff\"").unwrap()))
        .set_payload(r#"{"bio":"x"}"#)
        .to_request();
    let garbled = test::call_service(&app, garbled).await;
    assert_eq!(garbled.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = test::read_body_json(garbled).await;
    assert_eq!(body["code"], "malformed_if_match");

    // Nor is an unquoted tag: `v1` is not an entity tag (RFC 9110), and answering 412 would
    // tell the client its version is stale when its header is wrong.
    for value in ["v1", "W/v1", "\"v1\" \"v2\""] {
        let unquoted = test::TestRequest::patch()
            .uri("/profile")
            .insert_header((AUTHORIZATION, login.as_str()))
            .insert_header((CONTENT_TYPE, "application/json"))
            .insert_header((IF_MATCH, value))
            .set_payload(r#"{"bio":"x"}"#)
            .to_request();
        let unquoted = test::call_service(&app, unquoted).await;
        assert_eq!(unquoted.status(), StatusCode::BAD_REQUEST, "{value}");
        let body: serde_json::Value = test::read_body_json(unquoted).await;
        assert_eq!(body["code"], "malformed_if_match", "{value}");
    }

    let profile = test::TestRequest::get()
        .uri("/profile")
        .insert_header((AUTHORIZATION, login.as_str()))
        .to_request();
    let profile: serde_json::Value = test::call_and_read_body_json(&app, profile).await;
    assert_eq!(
        (profile["bio"].is_null(), &profile["version"]),
        (true, &1.into())
    );
}

/// `POST /users` reads the creator's roles again before building: an identity that
/// authenticated as an admin but is no longer one in the database creates nobody, and an
/// admin's `is_admin` for the new user is checked against the database's roles too.
#[actix_web::test]
async fn a_creator_demoted_since_authentication_creates_nobody() {
    use safe_update::auth::Identity;
    use safe_update_demo::account::{self, NewUserBody};
    use safe_update_demo::error::ApiError;

    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(&DatabaseUrl::Sqlite(dir.path().join("demo.db")))
        .await
        .unwrap();
    let hash = hash_password("a password of the admin").unwrap();
    db.insert_user("root", true, &hash).await.unwrap().unwrap();
    db.insert_user("former", false, &hash)
        .await
        .unwrap()
        .unwrap();
    let body = |name: &str| -> NewUserBody {
        let json = format!(
            r#"{{"username":"{name}","password":"a long password","display_name":"N","email":"n@example.org","is_admin":true}}"#
        );
        safe_update::from_json(json.as_bytes()).unwrap()
    };

    // Authenticated with role admin, but the database says otherwise now.
    let former = Identity::new("former", ["admin"]);
    let auth = Shared::new(db.clone(), Options::default()).unwrap().auth;
    let refused = account::create(&db, &former, body("carol"), &auth).await;
    let Err(error) = refused else {
        panic!("created by a demoted admin")
    };
    assert_eq!(error.problem().code(), "role_required");
    assert!(db.user("carol").await.unwrap().is_none());
    assert!(!matches!(error, ApiError::Internal(_)));

    let root = Identity::new("root", ["admin"]);
    let created = account::create(&db, &root, body("dave"), &auth)
        .await
        .unwrap()
        .unwrap();
    assert!(created.is_admin);
}
