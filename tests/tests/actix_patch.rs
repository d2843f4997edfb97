//! The patch body extractor over actix-web: authentication before the body, media types,
//! the size limit, malformed and refused documents, role-gated fields, and what a successful
//! patch writes.

use std::sync::{Arc, Mutex, OnceLock};

use actix_web::dev::ServiceResponse;
use actix_web::http::header;
use actix_web::{test, web, App, HttpResponse};
use safe_update::actix::{PatchConfig, PatchRejection, SafePatch};
use safe_update::auth::{Authenticator, Credentials, Identity, MemoryStore};
use safe_update::SafeUpdate;
use serde_json::{json, Value};

#[derive(Debug, Clone, PartialEq, SafeUpdate)]
#[update(validate = bio_is_short)]
struct Profile {
    #[update(server_only)]
    id: u64,
    #[update(allow)]
    display_name: String,
    #[update(allow)]
    bio: Option<String>,
    #[update(allow(role = "admin"))]
    verified: bool,
    #[update(server_only)]
    is_admin: bool,
}

fn bio_is_short(profile: &Profile) -> Result<(), &'static str> {
    match &profile.bio {
        Some(bio) if bio.chars().count() > 20 => Err("bio is longer than 20 characters"),
        _ => Ok(()),
    }
}

fn bob() -> Profile {
    Profile {
        id: 7,
        display_name: "Bob".into(),
        bio: None,
        verified: false,
        is_admin: false,
    }
}

type Profiles = web::Data<Mutex<Profile>>;

/// Applies the patch to the one stored profile, and answers with the changed fields.
async fn update(
    patch: SafePatch<ProfilePatch>,
    profiles: Profiles,
) -> Result<HttpResponse, PatchRejection> {
    let mut profile = profiles.lock().unwrap().clone();
    let applied = patch.apply_to(&mut profile)?;
    *profiles.lock().unwrap() = profile;
    Ok(HttpResponse::Ok().json(applied.changed_top_level()))
}

/// The same through `into_parts` and `?` on the `ApplyError` itself, with the identity also
/// taken as a separate argument.
async fn update_by_hand(
    who: Identity,
    patch: SafePatch<ProfilePatch>,
    profiles: Profiles,
) -> Result<HttpResponse, PatchRejection> {
    let (sender, patch) = patch.into_parts();
    assert_eq!(sender, who);
    let mut profile = profiles.lock().unwrap().clone();
    safe_update::Patch::apply_as(patch, &mut profile, &who)?;
    *profiles.lock().unwrap() = profile;
    Ok(HttpResponse::NoContent().finish())
}

/// One authenticator for the whole file: users are hashed once.
fn authenticator() -> Authenticator {
    static AUTH: OnceLock<Authenticator> = OnceLock::new();
    AUTH.get_or_init(|| {
        let store = MemoryStore::new()
            .with_user("alice", "correct horse", ["user", "admin"])
            .unwrap()
            .with_user("bob", "battery staple", ["user"])
            .unwrap();
        Authenticator::builder(Arc::new(store)).build().unwrap()
    })
    .clone()
}

/// The test service and its stored profile (a macro: the service's type cannot be named).
macro_rules! app {
    () => {
        app!(PatchConfig::default())
    };
    ($config:expr) => {{
        let profiles: Profiles = web::Data::new(Mutex::new(bob()));
        let app = test::init_service(
            App::new()
                .app_data(authenticator())
                .app_data($config)
                .app_data(profiles.clone())
                .route("/profile", web::patch().to(update))
                .route("/by-hand", web::patch().to(update_by_hand)),
        )
        .await;
        (app, profiles)
    }};
}

fn login(user: &str, password: &str) -> String {
    Credentials::new(user, password)
        .unwrap()
        .to_header_value()
        .to_string()
}

fn patch_as(user: &str, password: &str, content_type: &str, body: &str) -> test::TestRequest {
    test::TestRequest::patch()
        .uri("/profile")
        .insert_header((header::AUTHORIZATION, login(user, password)))
        .insert_header((header::CONTENT_TYPE, content_type))
        .set_payload(body.to_owned())
}

fn bob_patches(body: &str) -> test::TestRequest {
    patch_as(
        "bob",
        "battery staple",
        "application/merge-patch+json",
        body,
    )
}

async fn answer(response: ServiceResponse) -> (u16, Value) {
    let status = response.status().as_u16();
    let body = test::read_body(response).await;
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

#[actix_web::test]
async fn a_permitted_patch_is_applied() {
    let (app, profiles) = app!();
    let request = bob_patches(r#"{"display_name":"Robert","bio":"hi"}"#).to_request();
    let (status, body) = answer(test::call_service(&app, request).await).await;
    assert_eq!((status, body), (200, json!(["display_name", "bio"])));
    let profile = profiles.lock().unwrap().clone();
    assert_eq!(
        (profile.display_name.as_str(), profile.bio.as_deref()),
        ("Robert", Some("hi"))
    );
}

#[actix_web::test]
async fn json_and_merge_patch_are_accepted_in_any_case_in_utf_8() {
    let (app, _) = app!();
    for content_type in [
        "application/json",
        "application/merge-patch+json",
        "Application/JSON; charset=UTF-8",
        "application/merge-patch+json;charset=utf-8",
    ] {
        let request = patch_as("bob", "battery staple", content_type, r#"{"bio":"x"}"#);
        let response = test::call_service(&app, request.to_request()).await;
        assert_eq!(response.status(), 200, "{content_type}");
    }
}

#[actix_web::test]
async fn any_other_media_type_is_415_with_accept_patch() {
    let (app, profiles) = app!();
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/json-patch+json",
        "application/json; charset=latin1",
        "not a media type",
    ] {
        let request = patch_as("bob", "battery staple", content_type, r#"{"bio":"x"}"#);
        let response = test::call_service(&app, request.to_request()).await;
        assert_eq!(
            response.headers().get("accept-patch").unwrap(),
            "application/merge-patch+json, application/json"
        );
        let (status, body) = answer(response).await;
        assert_eq!(status, 415, "{content_type}");
        assert_eq!(body["code"], "unsupported_media_type");
        assert_eq!(
            body["accepted"],
            json!(["application/merge-patch+json", "application/json"])
        );
    }
    // No Content-Type at all.
    let request = test::TestRequest::patch()
        .uri("/profile")
        .insert_header((header::AUTHORIZATION, login("bob", "battery staple")))
        .set_payload(r#"{"bio":"x"}"#)
        .to_request();
    assert_eq!(test::call_service(&app, request).await.status(), 415);
    assert_eq!(*profiles.lock().unwrap(), bob());
}

#[actix_web::test]
async fn a_body_over_the_limit_is_413() {
    let (app, profiles) = app!(PatchConfig::default().limit(32));
    let body = format!(r#"{{"bio":"{}"}}"#, "x".repeat(40));
    let (status, reply) =
        answer(test::call_service(&app, bob_patches(&body).to_request()).await).await;
    assert_eq!(status, 413);
    assert_eq!(reply["code"], "payload_too_large");
    assert_eq!(reply["limit"], 32);
    assert_eq!(*profiles.lock().unwrap(), bob());

    // Exactly at the limit is fine.
    let body = format!(r#"{{"bio":"{}"}}"#, "x".repeat(32 - 10));
    assert_eq!(body.len(), 32);
    let response = test::call_service(&app, bob_patches(&body).to_request()).await;
    assert_eq!(
        response.status(),
        422,
        "read, then refused by the validator"
    );
}

#[actix_web::test]
async fn the_limit_may_be_in_web_data() {
    let (app, _) = app!(web::Data::new(PatchConfig::default().limit(8)));
    let response = test::call_service(&app, bob_patches(r#"{"bio":"hello"}"#).to_request()).await;
    assert_eq!(response.status(), 413);
}

#[actix_web::test]
async fn malformed_json_is_400() {
    let (app, _) = app!();
    for body in [r#"{"bio":"#, "", "not json", r#"{"bio":"x"} trailing"#] {
        let (status, reply) =
            answer(test::call_service(&app, bob_patches(body).to_request()).await).await;
        assert_eq!(status, 400, "{body:?}");
        assert_eq!(reply["code"], "malformed_json", "{body:?}");
    }
}

#[actix_web::test]
async fn server_only_fields_are_422_and_nothing_is_written() {
    let (app, profiles) = app!();
    let request = bob_patches(r#"{"bio":"hi","is_admin":true}"#).to_request();
    let (status, body) = answer(test::call_service(&app, request).await).await;
    assert_eq!(status, 422);
    assert_eq!(body["code"], "forbidden_fields");
    assert_eq!(body["forbidden"], json!(["is_admin"]));
    assert_eq!(body["unknown"], json!([]));
    assert_eq!(body["invalid"], json!({}));
    assert_eq!(*profiles.lock().unwrap(), bob());
}

#[actix_web::test]
async fn unknown_and_invalid_fields_are_422() {
    let (app, profiles) = app!();
    let request = bob_patches(r#"{"bio":"hi","role":"root"}"#).to_request();
    let (status, body) = answer(test::call_service(&app, request).await).await;
    assert_eq!((status, &body["code"]), (422, &json!("unknown_fields")));
    assert_eq!(body["unknown"], json!(["role"]));

    let request = bob_patches(r#"{"display_name":5}"#).to_request();
    let (status, body) = answer(test::call_service(&app, request).await).await;
    assert_eq!((status, &body["code"]), (422, &json!("invalid_fields")));
    assert!(body["invalid"]["display_name"].is_string(), "{body}");

    // A value the model's validator refuses: 422 from apply, with the reason.
    let request = bob_patches(r#"{"bio":"this is far too long a bio"}"#).to_request();
    let (status, body) = answer(test::call_service(&app, request).await).await;
    assert_eq!((status, &body["code"]), (422, &json!("invalid_fields")));
    assert_eq!(body["invalid"][""], "bio is longer than 20 characters");
    assert_eq!(*profiles.lock().unwrap(), bob());
}

#[actix_web::test]
async fn a_gated_field_without_the_role_is_403() {
    let (app, profiles) = app!();
    let request = bob_patches(r#"{"bio":"hi","verified":true}"#).to_request();
    let (status, body) = answer(test::call_service(&app, request).await).await;
    assert_eq!(status, 403);
    assert_eq!(body["code"], "role_required");
    assert_eq!(
        body["denied"],
        json!([{ "field": "verified", "roles": ["admin"] }])
    );
    assert_eq!(*profiles.lock().unwrap(), bob());

    // An admin may write it.
    let request = patch_as(
        "alice",
        "correct horse",
        "application/json",
        r#"{"verified":true}"#,
    );
    let (status, body) = answer(test::call_service(&app, request.to_request()).await).await;
    assert_eq!((status, body), (200, json!(["verified"])));
    assert!(profiles.lock().unwrap().verified);
}

#[actix_web::test]
async fn apply_errors_convert_with_question_mark() {
    let (app, profiles) = app!();
    let request = bob_patches(r#"{"verified":true}"#)
        .uri("/by-hand")
        .to_request();
    let (status, body) = answer(test::call_service(&app, request).await).await;
    assert_eq!((status, &body["code"]), (403, &json!("role_required")));
    let request = bob_patches(r#"{"bio":"hi"}"#).uri("/by-hand").to_request();
    assert_eq!(test::call_service(&app, request).await.status(), 204);
    assert_eq!(profiles.lock().unwrap().bio.as_deref(), Some("hi"));
}

#[actix_web::test]
async fn authentication_comes_before_the_body() {
    let (app, profiles) = app!(PatchConfig::default().limit(8));
    // Wrong media type, oversized, forbidden field: without credentials, all of it is a 401.
    let anonymous = test::TestRequest::patch()
        .uri("/profile")
        .insert_header((header::CONTENT_TYPE, "text/plain"))
        .set_payload(r#"{"is_admin":true,"bio":"a long enough body"}"#)
        .to_request();
    let response = test::call_service(&app, anonymous).await;
    assert!(response.headers().contains_key(header::WWW_AUTHENTICATE));
    let (status, body) = answer(response).await;
    assert_eq!(
        (status, &body["code"]),
        (401, &json!("missing_credentials"))
    );

    let wrong_password = patch_as(
        "bob",
        "guess",
        "application/json",
        r#"{"is_admin":true,"bio":"a long enough body"}"#,
    );
    let (status, body) = answer(test::call_service(&app, wrong_password.to_request()).await).await;
    assert_eq!(
        (status, &body["code"]),
        (401, &json!("invalid_credentials"))
    );
    assert_eq!(*profiles.lock().unwrap(), bob());
}
