//! The security log holds user and field names, never values or passwords: checked by
//! capturing the events of real requests. The capturing subscriber is global, so it sees
//! events from every thread (a scoped one missed events whose callsite another test thread had
//! registered first), and the test asserts on every event it saw: its body runs in a process
//! of its own (`own_process`), where no other test logs.

use std::sync::Arc;

use actix_web::test as web_test;
use actix_web::{web, App, HttpResponse};

use safe_update::actix::{PatchConfig, PatchRejection, SafePatch};
use safe_update::auth::{
    Authenticator, Credentials, Limits, MemoryLimiter, MemoryStore, StoredUser,
};
use safe_update::web::PatchBody;
use safe_update_tests::capture::Capture;
use safe_update_tests::fixtures::audit::{account, note, AccountPatch, NotePatch};
use safe_update_tests::own_process;

async fn update(patch: SafePatch<AccountPatch>) -> Result<HttpResponse, PatchRejection> {
    let mut account = account();
    patch.apply_to(&mut account)?;
    assert!(!account.is_admin);
    Ok(HttpResponse::Ok().finish())
}

async fn update_by_json_patch(
    patch: SafePatch<PatchBody<AccountPatch>>,
) -> Result<HttpResponse, PatchRejection> {
    let mut account = account();
    patch.apply_to(&mut account)?;
    assert!(!account.is_admin);
    Ok(HttpResponse::Ok().finish())
}

async fn update_note(patch: SafePatch<NotePatch>) -> Result<HttpResponse, PatchRejection> {
    let mut note = note();
    patch.apply_to(&mut note)?;
    Ok(HttpResponse::Ok().finish())
}

#[test]
fn refusals_are_logged_with_names_never_values() {
    own_process::run(
        module_path!(),
        "refusals_are_logged_with_names_never_values",
        log_real_requests_and_read_it_all,
    );
}

/// The test's body: installs the global capture, and reads every event of the process.
fn log_real_requests_and_read_it_all() {
    let capture = Capture::install();
    {
        actix_web::rt::System::new().block_on(async {
            let store = Arc::new(
                MemoryStore::new()
                    .with_user("bob", "hunter2-secret", ["user"])
                    .unwrap(),
            );
            store.insert(StoredUser::new("carol", "plaintext-secret", ["user"]));
            let auth = Authenticator::builder(Arc::clone(&store)).build().unwrap();
            let wrong = Credentials::new("bob", "wrong-secret").unwrap();
            assert!(auth.authenticate(&wrong, None).await.is_err());
            // carol's stored "hash" is a plaintext: the operator must hear of it.
            let carol = Credentials::new("carol", "plaintext-secret").unwrap();
            assert!(auth.authenticate(&carol, None).await.is_err());
            // A second guess past a limit of one is throttled, and logged.
            let strict = Authenticator::builder(Arc::clone(&store))
                .limiter(MemoryLimiter::new(Limits {
                    per_user_and_client: 1,
                    ..Limits::default()
                }))
                .build()
                .unwrap();
            for _ in 0..2 {
                assert!(strict.authenticate(&wrong, None).await.is_err());
            }

            let app = web_test::init_service(
                App::new()
                    .app_data(auth)
                    .route("/", web::patch().to(update))
                    .route("/note", web::patch().to(update_note))
                    .service(
                        web::resource("/json-patch")
                            .app_data(PatchConfig::default().accept_json_patch())
                            .route(web::patch().to(update_by_json_patch)),
                    ),
            )
            .await;
            let login = Credentials::new("bob", "hunter2-secret")
                .unwrap()
                .to_header_value();
            let json = "application/json";
            let json_patch = "application/json-patch+json";
            for (uri, content_type, body, status) in [
                (
                    "/",
                    json,
                    r#"{"is_admin":true,"bio":"VALUE-1","x-secret-key":1}"#,
                    422,
                ),
                ("/", json, r#"{"verified":true,"bio":"VALUE-2"}"#, 403),
                // bob does not own alice's note: refused by the condition.
                ("/note", json, r#"{"text":"VALUE-4"}"#, 403),
                // A JSON Patch writing the server-only field: its pointer is named, the
                // client's other pointer only counted.
                (
                    "/json-patch",
                    json_patch,
                    r#"[{"op":"replace","path":"/is_admin","value":true},{"op":"add","path":"/x-secret-key","value":"VALUE-5"}]"#,
                    422,
                ),
                // Its net change refused by roles: logged as the merge patch's.
                (
                    "/json-patch",
                    json_patch,
                    r#"[{"op":"add","path":"/bio","value":"VALUE-6"},{"op":"replace","path":"/verified","value":true}]"#,
                    403,
                ),
            ] {
                let request = web_test::TestRequest::patch()
                    .uri(uri)
                    .insert_header(("Authorization", login.as_str()))
                    .insert_header(("Content-Type", content_type))
                    .set_payload(body)
                    .to_request();
                assert_eq!(web_test::call_service(&app, request).await.status(), status);
            }
        });
        // A conversion with `?` outside the extractor does not know the user.
        let error =
            safe_update::from_json::<AccountPatch>(br#"{"is_admin":"VALUE-3"}"#).unwrap_err();
        let _ = PatchRejection::from(error);
    }

    let lines = capture.lines();
    let security: Vec<&String> = lines
        .iter()
        .filter(|line| line.starts_with("safe_update::security "))
        .collect();
    assert_eq!(security.len(), 10, "{lines:#?}");
    assert!(security[0].contains(r#"user="bob""#) && security[0].contains("authentication failed"));
    assert!(
        security[1].contains(r#"user="carol""#)
            && security[1].contains("stored password hash is not a usable argon2id PHC string"),
        "{}",
        security[1]
    );
    assert!(security[2].contains(r#"user="bob""#) && security[2].contains("authentication failed"));
    assert!(
        security[3].contains(r#"user="bob""#) && security[3].contains("login throttled"),
        "{}",
        security[3]
    );
    assert!(security[4].contains(r#"user="bob" fields=["is_admin"] unknown_keys=1"#));
    assert!(security[5].contains(r#"user="bob" fields=["verified"]"#));
    assert!(
        security[5].contains("patch refused: role-gated fields"),
        "{}",
        security[5]
    );
    assert!(
        security[6].contains(r#"user="bob" fields=["text"]"#)
            && security[6].contains("patch refused: fields not permitted"),
        "{}",
        security[6]
    );
    assert!(
        security[7].contains(r#"user="bob" pointers=["/is_admin"] other_refusals=1"#)
            && security[7].contains("patch refused: operations on server-only fields"),
        "{}",
        security[7]
    );
    assert!(
        security[8].contains(r#"user="bob" fields=["verified"]"#)
            && security[8].contains("patch refused: role-gated fields"),
        "{}",
        security[8]
    );
    assert!(security[9].contains(r#"user="<unknown>" fields=["is_admin"]"#));
    let everything = lines.join("\n");
    for secret in ["secret", "VALUE-", "hunter2", "plaintext"] {
        assert!(!everything.contains(secret), "{secret} in {everything}");
    }
}
