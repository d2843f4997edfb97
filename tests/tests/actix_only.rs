//! What only the actix adapter has (the answers both adapters share are in `adapters/`): where
//! it finds its configuration in app data (`web::Data` too), what happens without an
//! authenticator (a 500; axum's `FromRef` bound makes that a compile error), and
//! `SafePatch::into_parts` beside a separate `Identity` argument. Also, in process, a create
//! input read by the same extractor and built as its sender (`SafePatch::build`, shared code).

use std::sync::{Arc, Mutex, OnceLock};

use actix_web::http::header;
use actix_web::{test, web, App, HttpResponse};
use safe_update::actix::{PatchConfig, PatchRejection, SafePatch};
use safe_update::auth::{Authenticator, Credentials, Identity, MemoryStore};
use safe_update::SafeUpdate;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, SafeUpdate)]
struct Profile {
    #[update(allow)]
    bio: Option<String>,
    #[update(allow(role = "admin"))]
    verified: bool,
}

/// One authenticator for the whole file: users are hashed once.
fn authenticator() -> Authenticator {
    static AUTH: OnceLock<Authenticator> = OnceLock::new();
    AUTH.get_or_init(|| {
        let store = MemoryStore::new()
            .with_user("bob", "battery staple", ["user"])
            .unwrap();
        Authenticator::builder(Arc::new(store)).build().unwrap()
    })
    .clone()
}

fn bob() -> String {
    Credentials::new("bob", "battery staple")
        .unwrap()
        .to_header_value()
        .to_string()
}

async fn me(who: Identity) -> HttpResponse {
    HttpResponse::Ok().body(who.name().to_owned())
}

type Stored = web::Data<Mutex<Profile>>;

/// `into_parts` and `?` on the `ApplyError` itself, with the identity also a separate argument.
async fn update_by_hand(
    who: Identity,
    patch: SafePatch<ProfilePatch>,
    stored: Stored,
) -> Result<HttpResponse, PatchRejection> {
    let (sender, patch) = patch.into_parts();
    assert_eq!(sender, who);
    let mut profile = stored.lock().unwrap().clone();
    safe_update::Patch::apply_as(patch, &mut profile, &who)?;
    *stored.lock().unwrap() = profile;
    Ok(HttpResponse::NoContent().finish())
}

fn patch(body: &str) -> test::TestRequest {
    test::TestRequest::patch()
        .uri("/profile")
        .insert_header((header::AUTHORIZATION, bob()))
        .insert_header((header::CONTENT_TYPE, "application/json"))
        .set_payload(body.to_owned())
}

fn stored() -> Stored {
    web::Data::new(Mutex::new(Profile {
        bio: None,
        verified: false,
    }))
}

#[actix_web::test]
async fn without_an_authenticator_every_request_is_a_500() {
    let app = test::init_service(App::new().route("/me", web::get().to(me))).await;
    let request = test::TestRequest::get()
        .uri("/me")
        .insert_header((header::AUTHORIZATION, bob()))
        .to_request();
    let response = test::call_service(&app, request).await;
    assert_eq!(response.status(), 500);
    let body: Value = test::read_body_json(response).await;
    assert_eq!(body["code"], "authentication_error");
}

#[actix_web::test]
async fn the_authenticator_and_the_patch_config_may_be_in_web_data() {
    let app = test::init_service(
        App::new()
            .app_data(web::Data::new(authenticator()))
            .app_data(web::Data::new(PatchConfig::default().limit(8)))
            .app_data(stored())
            .route("/me", web::get().to(me))
            .route("/profile", web::patch().to(update_by_hand)),
    )
    .await;
    let request = test::TestRequest::get()
        .uri("/me")
        .insert_header((header::AUTHORIZATION, bob()))
        .to_request();
    assert_eq!(test::call_service(&app, request).await.status(), 200);
    let request = patch(r#"{"bio":"hello"}"#).to_request();
    assert_eq!(test::call_service(&app, request).await.status(), 413);
}

#[actix_web::test]
async fn into_parts_and_apply_errors_convert_with_question_mark() {
    let stored = stored();
    let app = test::init_service(
        App::new()
            .app_data(authenticator())
            .app_data(stored.clone())
            .route("/profile", web::patch().to(update_by_hand)),
    )
    .await;
    let response = test::call_service(&app, patch(r#"{"verified":true}"#).to_request()).await;
    assert_eq!(response.status(), 403);
    let body: Value = test::read_body_json(response).await;
    assert_eq!(body["code"], "role_required");
    assert_eq!(
        (&body["denied"], &body["invalid"]),
        (
            &serde_json::json!([{"field": "verified", "roles": ["admin"]}]),
            &serde_json::json!({})
        )
    );
    let response = test::call_service(&app, patch(r#"{"bio":"hi"}"#).to_request()).await;
    assert_eq!(response.status(), 204);
    assert_eq!(stored.lock().unwrap().bio.as_deref(), Some("hi"));
}

#[derive(Debug, Clone, PartialEq, SafeUpdate)]
#[update(create)]
struct Note {
    #[update(server_only)]
    owner: String,
    #[update(allow)]
    text: String,
    #[update(allow(role = "admin"), create_default)]
    pinned: bool,
}

/// `SafePatch::build`: the note, built as its sender, with the sender as its owner.
async fn create_note(note: SafePatch<NoteNew>) -> Result<HttpResponse, PatchRejection> {
    let owner = note.identity().name().to_owned();
    let note = note.build(NoteServerFields { owner })?;
    Ok(HttpResponse::Created().body(format!("{}:{}:{}", note.owner, note.text, note.pinned)))
}

#[actix_web::test]
async fn a_create_input_is_read_and_built_as_its_sender() {
    let app = test::init_service(
        App::new()
            .app_data(authenticator())
            .route("/notes", web::post().to(create_note)),
    )
    .await;
    let post = |body: &str| {
        test::TestRequest::post()
            .uri("/notes")
            .insert_header((header::AUTHORIZATION, bob()))
            .insert_header((header::CONTENT_TYPE, "application/json"))
            .set_payload(body.to_owned())
            .to_request()
    };
    let created = test::call_service(&app, post(r#"{"text":"hi"}"#)).await;
    assert_eq!(created.status(), 201);
    assert_eq!(test::read_body(created).await, "bob:hi:false");
    // bob is no admin: the gated field is refused when sent.
    let refused = test::call_service(&app, post(r#"{"text":"hi","pinned":true}"#)).await;
    assert_eq!(refused.status(), 403);
    let body: Value = test::read_body_json(refused).await;
    assert_eq!(body["code"], "role_required");
    assert_eq!(
        (&body["denied"], &body["invalid"]),
        (
            &serde_json::json!([{"field": "pinned", "roles": ["admin"]}]),
            &serde_json::json!({})
        )
    );
    // The server's field and a missing one, listed together.
    let refused = test::call_service(&app, post(r#"{"owner":"alice"}"#)).await;
    assert_eq!(refused.status(), 422);
    let body: Value = test::read_body_json(refused).await;
    assert_eq!(body["code"], "forbidden_fields");
    assert_eq!(
        (&body["forbidden"], &body["missing"]),
        (&serde_json::json!(["owner"]), &serde_json::json!(["text"]))
    );
}
