//! Every answer of the README's HTTP table, checked as documented: status, the headers it
//! names, the body members it shows. Plus the body limit for a chunked body, which has no
//! `Content-Length` to refuse it by.
//!
//! The real binary on `127.0.0.1:0` (see `common`).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use crate::common::{Server, Setup};
use serde_json::json;

const JSON: &str = "application/json";
const FORM: &str = "application/x-www-form-urlencoded";

fn every_answer_of_the_readme_table(setup: Setup) {
    let db = setup.db();
    let server = Server::start(&db);
    let (alice, password) = server.login("alice");
    let a = (alice.as_str(), password.as_str());
    let (admin, admin_password) = server.login("admin");
    let admin = (admin.as_str(), admin_password.as_str());
    let send =
        |method: &str, path: &str, who, headers: &[(&str, &str)], body: Option<(&str, &str)>| {
            server.send(
                method,
                path,
                who,
                headers,
                body.map(|(t, b)| (t, b.as_bytes())),
            )
        };

    let document = send("GET", "/openapi.json", None, &[], None);
    assert_eq!(
        (document.status, &document.json["openapi"]),
        (200, &"3.1.0".into())
    );

    let health = send("GET", "/healthz", None, &[], None);
    assert_eq!(
        (health.status, &health.json),
        (200, &serde_json::json!({"status":"ok"}))
    );

    let profile = send("GET", "/profile", Some(a), &[], None);
    assert_eq!(
        (profile.status, profile.etag.as_deref()),
        (200, Some("\"v1\""))
    );
    for member in [
        "id",
        "username",
        "display_name",
        "email",
        "bio",
        "is_admin",
        "version",
    ] {
        assert!(profile.json.get(member).is_some(), "{member}: {profile:?}");
    }
    assert_eq!(
        (&profile.json["username"], &profile.json["version"]),
        (&"alice".into(), &1.into())
    );
    assert!(profile.json.get("password_hash").is_none());

    let wrong = send("GET", "/profile", Some(("alice", "wrong")), &[], None);
    assert_eq!(wrong.status, 401);
    assert_eq!(
        wrong.challenge.as_deref(),
        Some(r#"Basic realm="safe-update demo", charset="UTF-8""#)
    );
    assert_eq!(wrong.code(), "invalid_credentials");

    let merge = (
        "application/merge-patch+json",
        r#"{"display_name":"Alice A.","bio":"hello"}"#,
    );
    let updated = send("PATCH", "/profile", Some(a), &[], Some(merge));
    assert_eq!(
        (updated.status, updated.etag.as_deref()),
        (200, Some("\"v2\""))
    );
    assert_eq!(
        (&updated.json["display_name"], &updated.json["bio"]),
        (&"Alice A.".into(), &"hello".into())
    );

    let gated = send(
        "PATCH",
        "/profile",
        Some(a),
        &[],
        Some((JSON, r#"{"is_admin":true}"#)),
    );
    assert_eq!((gated.status, gated.code()), (403, "role_required"));
    assert_eq!(
        gated.json["detail"],
        "field `is_admin` requires role \"admin\""
    );
    assert_eq!(
        gated.json["denied"],
        serde_json::json!([{"field":"is_admin","roles":["admin"]}])
    );

    let forbidden = send(
        "PATCH",
        "/profile",
        Some(a),
        &[],
        Some((
            JSON,
            r#"{"bio":"x","password_hash":"x","version":99,"role":"admin"}"#,
        )),
    );
    assert_eq!(
        (forbidden.status, forbidden.code()),
        (422, "forbidden_fields")
    );
    assert_eq!(forbidden.listed("forbidden"), ["password_hash", "version"]);
    assert_eq!(forbidden.listed("unknown"), ["role"]);

    let invalid = send(
        "PATCH",
        "/profile",
        Some(a),
        &[],
        Some((JSON, r#"{"display_name":"","email":"nope"}"#)),
    );
    assert_eq!((invalid.status, invalid.code()), (422, "invalid_fields"));
    assert_eq!(
        invalid.json["invalid"],
        serde_json::json!({
            "display_name": "must be 1 to 64 characters without control characters",
            "email": "must be an address like name@example.org",
        })
    );

    let stale = send(
        "PUT",
        "/profile",
        Some(a),
        &[("If-Match", "\"v1\"")],
        Some((JSON, r#"{"bio":null}"#)),
    );
    assert_eq!((stale.status, stale.code()), (412, "precondition_failed"));
    assert_eq!(stale.json["version"], 2);
    assert_eq!(stale.etag.as_deref(), Some("\"v2\""));
    let current = send(
        "PUT",
        "/profile",
        Some(a),
        &[("If-Match", "\"v2\"")],
        Some((JSON, r#"{"bio":null}"#)),
    );
    assert_eq!(
        (current.status, current.etag.as_deref()),
        (200, Some("\"v3\""))
    );

    let form = |body: &'static str, headers: &[(&str, &str)]| {
        send("POST", "/profile", Some(a), headers, Some((FORM, body)))
    };
    let posted = form("bio=from+a+form", &[]);
    assert_eq!(
        (posted.status, &posted.json["bio"]),
        (200, &"from a form".into())
    );
    let cleared = form("bio=", &[]);
    assert_eq!(
        (cleared.status, &cleared.json["bio"]),
        (200, &serde_json::Value::Null)
    );
    let forbidden_form = form("bio=x&is_admin=true&id=9", &[]);
    assert_eq!(
        (forbidden_form.status, forbidden_form.code()),
        (422, "forbidden_fields")
    );
    assert_eq!(forbidden_form.listed("forbidden"), ["id"]);
    let cross_site = form("bio=x", &[("Origin", "https://elsewhere.example")]);
    assert_eq!(
        (cross_site.status, cross_site.code()),
        (403, "cross_site_request")
    );
    let delete = send("DELETE", "/profile", Some(a), &[], None);
    assert_eq!(
        (delete.status, delete.code(), delete.header("allow")),
        (
            405,
            "method_not_allowed",
            Some("GET, HEAD, PATCH, POST, PUT")
        )
    );

    let unquoted = send(
        "PATCH",
        "/profile",
        Some(a),
        &[("If-Match", "v3")],
        Some((JSON, r#"{"bio":"x"}"#)),
    );
    assert_eq!(
        (unquoted.status, unquoted.code()),
        (400, "malformed_if_match")
    );

    let text = send(
        "PATCH",
        "/profile",
        Some(a),
        &[],
        Some(("text/plain", "{}")),
    );
    assert_eq!((text.status, text.code()), (415, "unsupported_media_type"));
    assert_eq!(
        text.header("accept-patch"),
        Some("application/merge-patch+json, application/json, application/json-patch+json")
    );

    // The JSON Patch table (README, "JSON Patch (RFC 6902) under the same rules").
    let json_patch = |body| {
        let body = Some(("application/json-patch+json", body));
        send("PATCH", "/profile", Some(a), &[], body)
    };
    let before = send("GET", "/profile", Some(a), &[], None).json;
    let patched = json_patch(
        r#"[{"op":"test","path":"/username","value":"alice"},{"op":"add","path":"/bio","value":"hi"},{"op":"copy","from":"/bio","path":"/display_name"}]"#,
    );
    assert_eq!(
        (
            patched.status,
            &patched.json["bio"],
            &patched.json["display_name"]
        ),
        (200, &"hi".into(), &"hi".into())
    );
    let stored = |answer: &crate::common::Response| {
        let mut after = send("GET", "/profile", Some(a), &[], None).json;
        assert_eq!(after["bio"], "hi", "{answer:?}");
        after.as_object_mut().unwrap().remove("updated_at");
        after
    };
    let after_patch = stored(&patched);
    let refused = json_patch(
        r#"[{"op":"copy","from":"/password_hash","path":"/bio"},{"op":"replace","path":"/version","value":9},{"op":"remove","path":""}]"#,
    );
    let listed = refused.refused_operations();
    assert_eq!(
        (refused.status, refused.code(), listed),
        (
            422,
            "operations_refused",
            vec![
                json!([0, "from", "/password_hash", "unreadable"]),
                json!([1, "path", "/version", "forbidden"]),
                json!([2, "path", "", "whole_document"]),
            ]
        )
    );
    let gated = json_patch(r#"[{"op":"replace","path":"/is_admin","value":false}]"#);
    assert_eq!(
        (gated.status, gated.code(), &gated.json["denied"]),
        (
            403,
            "role_required",
            &json!([{"field": "is_admin", "roles": ["admin"]}])
        )
    );
    let failed = json_patch(
        r#"[{"op":"add","path":"/bio","value":"lost"},{"op":"test","path":"/is_admin","value":true}]"#,
    );
    assert_eq!(
        (
            failed.status,
            failed.code(),
            &failed.json["operation"]["index"],
            &failed.json["operation"]["problem"]
        ),
        (409, "operation_failed", &json!(1), &json!("test_failed"))
    );
    let malformed = json_patch(r#"[{"op":"add","path":"/bio"}]"#);
    assert_eq!(
        (
            malformed.status,
            malformed.code(),
            &malformed.json["operation"]
        ),
        (400, "malformed_json_patch", &json!(0))
    );
    // Nothing refused changed the user.
    assert_eq!(stored(&failed), after_patch);
    assert_ne!(before["bio"], after_patch["bio"]);

    let huge = format!(r#"{{"bio":"{}"}}"#, "x".repeat(17 * 1024));
    let too_large = send("PATCH", "/profile", Some(a), &[], Some((JSON, &huge)));
    assert_eq!(
        (too_large.status, too_large.code()),
        (413, "payload_too_large")
    );
    assert_eq!(too_large.json["limit"], 16384);
    let truncated = send(
        "PATCH",
        "/profile",
        Some(a),
        &[],
        Some((JSON, r#"{"bio":"#)),
    );
    assert_eq!(
        (truncated.status, truncated.code()),
        (400, "malformed_json")
    );

    // Another user's public fields, without the version (no `ETag`).
    let other = send("GET", "/users/admin", Some(a), &[], None);
    assert_eq!(
        (other.status, &other.json, other.etag.as_deref()),
        (
            200,
            &serde_json::json!({"username":"admin","display_name":"admin","bio":null}),
            None
        ),
        "{other:?}"
    );

    let not_admin = send(
        "PATCH",
        "/users/admin",
        Some(a),
        &[],
        Some((JSON, r#"{"bio":"x"}"#)),
    );
    assert_eq!((not_admin.status, not_admin.code()), (403, "role_required"));
    assert_eq!(
        not_admin.json["detail"],
        "this action requires the role \"admin\""
    );
    assert_eq!(not_admin.json["roles"], serde_json::json!(["admin"]));

    let nobody = send("GET", "/users/nobody", Some(admin), &[], None);
    assert_eq!((nobody.status, nobody.code()), (404, "not_found"));
    assert_eq!(nobody.json["detail"], "no such user");

    let promoted = send(
        "PATCH",
        "/users/alice",
        Some(admin),
        &[],
        Some((JSON, r#"{"is_admin":true}"#)),
    );
    assert_eq!(
        (promoted.status, &promoted.json["is_admin"]),
        (200, &true.into())
    );

    // The two `POST /users` rows, as written.
    let carol = r#"{"username":"carol","password":"carol first pass","display_name":"Carol","email":"carol@example.org"}"#;
    let created = send("POST", "/users", Some(admin), &[], Some((JSON, carol)));
    assert_eq!(
        (
            created.status,
            created.header("location"),
            created.etag.as_deref()
        ),
        (201, Some("/users/carol"), Some("\"v1\"")),
        "{created:?}"
    );
    // The user, as `GET /profile` shows one: every member of it, none more.
    let id = created.json["id"].clone();
    assert!(id.as_i64().is_some_and(|id| id > 0), "{created:?}");
    let mut user = created.json.clone();
    for stamp in ["created_at", "updated_at"] {
        let stamped = user.as_object_mut().unwrap().remove(stamp);
        assert!(
            stamped.is_some_and(|time| time.is_string()),
            "{stamp}: {created:?}"
        );
    }
    assert_eq!(
        user,
        serde_json::json!({
            "id": id, "username": "carol", "display_name": "Carol",
            "email": "carol@example.org", "bio": null, "is_admin": false, "version": 1,
        })
    );
    let again = send("POST", "/users", Some(admin), &[], Some((JSON, carol)));
    assert_eq!((again.status, again.code()), (409, "username_taken"));

    let dave = r#"{"username":"dave","password_hash":"x","version":9}"#;
    let refused = send("POST", "/users", Some(admin), &[], Some((JSON, dave)));
    assert_eq!((refused.status, refused.code()), (422, "forbidden_fields"));
    assert_eq!(refused.listed("forbidden"), ["password_hash", "version"]);
    assert_eq!(
        refused.listed("missing"),
        ["display_name", "email", "password"]
    );
    assert_eq!(
        send("GET", "/users/dave", Some(admin), &[], None).status,
        404,
        "nothing was created"
    );

    // A sixth wrong password for one name from one address within a minute (one was sent
    // above, for the 401 row).
    for _ in 0..4 {
        assert_eq!(
            send("GET", "/profile", Some(("alice", "guess")), &[], None).status,
            401
        );
    }
    let throttled = send("GET", "/profile", Some(("alice", "guess")), &[], None);
    assert_eq!(
        (throttled.status, throttled.code()),
        (429, "too_many_attempts")
    );
    assert_eq!(throttled.retry_after.as_deref(), Some("60"));
    assert_eq!(throttled.json["retry_after"], 60);
    assert_eq!(
        throttled.json["detail"],
        "too many failed logins; retry later"
    );

    // Nothing the refusals sent was written: the bio and version are the JSON Patch's.
    let stored = send("GET", "/profile", Some(a), &[], None);
    assert_eq!(
        (&stored.json["bio"], &stored.json["version"]),
        (&"hi".into(), &7.into())
    );

    // The password row (admin's: alice's name is throttled from here by now), last because
    // the old password stops working.
    let changed = send(
        "PUT",
        "/profile/password",
        Some(admin),
        &[],
        Some((JSON, r#"{"password":"a new long password"}"#)),
    );
    assert_eq!((changed.status, changed.text.as_str()), (204, ""));
    let old = send("GET", "/profile", Some(admin), &[], None);
    assert_eq!((old.status, old.code()), (401, "invalid_credentials"));
    let new = send(
        "GET",
        "/profile",
        Some(("admin", "a new long password")),
        &[],
        None,
    );
    assert_eq!(new.status, 200);
}

/// Sends a chunked PATCH (no `Content-Length`) of `size` body bytes; the status line.
fn chunked(server: &Server, auth: (&str, &str), size: usize) -> String {
    let address = server.base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let token = crate::common::basic(auth);
    let head = format!(
        "PATCH /profile HTTP/1.1\r\nHost: {address}\r\nAuthorization: {token}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).unwrap();
    let body = format!(r#"{{"bio":"{}"}}"#, "x".repeat(size.saturating_sub(10)));
    for chunk in body.as_bytes().chunks(1000) {
        // The server may answer and close before the whole body is sent.
        if stream
            .write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
            .is_err()
            || stream.write_all(chunk).is_err()
            || stream.write_all(b"\r\n").is_err()
        {
            break;
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n");
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer.lines().next().unwrap_or_default().to_owned()
}

fn a_chunked_body_is_held_to_the_limit_while_it_streams(setup: Setup) {
    let db = setup.db();
    let server = Server::start(&db);
    let (alice, password) = server.login("alice");
    let a = (alice.as_str(), password.as_str());
    assert_eq!(chunked(&server, a, 900), "HTTP/1.1 200 OK");
    assert_eq!(
        chunked(&server, a, 64 * 1024),
        "HTTP/1.1 413 Payload Too Large"
    );
    let stored = server.get("/profile", a);
    assert_eq!(stored.json["version"], 2, "only the small body was written");
}

both_servers!(
    every_answer_of_the_readme_table,
    every_answer_of_the_readme_articles_table,
    a_chunked_body_is_held_to_the_limit_while_it_streams
);

/// Every answer of the README's table of article requests, in its order, as documented.
fn every_answer_of_the_readme_articles_table(setup: Setup) {
    let db = setup.db();
    let server = Server::start(&db);
    let (alice, password) = server.login("alice");
    let a = (alice.as_str(), password.as_str());
    let (admin, admin_password) = server.login("admin");
    let admin = (admin.as_str(), admin_password.as_str());
    let c = ("bob", "bob first pass");
    let send = |method: &str, path: &str, who, headers: &[(&str, &str)], body: Option<&str>| {
        let body = body.map(|text| (JSON, text.as_bytes()));
        server.send(method, path, Some(who), headers, body)
    };
    let bob = r#"{"username":"bob","password":"bob first pass","display_name":"Bob","email":"bob@example.org"}"#;
    assert_eq!(send("POST", "/users", admin, &[], Some(bob)).status, 201);
    // The fields a refusal shows of a rule.
    let refused_by = |field: &str, rule: &str, reason: &str| serde_json::json!({"field": field, "roles": ["admin"], "rules": [{"rule": rule, "reason": reason}]});

    let created = send(
        "POST",
        "/articles",
        a,
        &[],
        Some(r#"{"title":"Hello","body":"A draft."}"#),
    );
    assert_eq!(
        (
            created.status,
            created.header("location"),
            created.etag.as_deref()
        ),
        (201, Some("/articles/1"), Some("\"v1\""))
    );
    let mut article = created.json.clone();
    for stamp in ["created_at", "updated_at"] {
        assert!(article.as_object_mut().unwrap().remove(stamp).is_some());
    }
    assert_eq!(
        article,
        serde_json::json!({"id": 1, "author": "alice", "title": "Hello", "body": "A draft.",
                           "tags": [], "status": "draft", "version": 1})
    );

    let read = send("GET", "/articles/1", c, &[], None);
    assert_eq!(
        (read.status, read.etag.as_deref(), &read.json),
        (200, Some("\"v1\""), &created.json)
    );

    let edited = send(
        "PATCH",
        "/articles/1",
        a,
        &[],
        Some(r#"{"title":"Hello, world","tags":["intro"]}"#),
    );
    assert_eq!(
        (edited.status, edited.etag.as_deref()),
        (200, Some("\"v2\""))
    );
    assert_eq!(
        (&edited.json["title"], &edited.json["tags"]),
        (&"Hello, world".into(), &serde_json::json!(["intro"]))
    );

    let published = send(
        "PATCH",
        "/articles/1",
        a,
        &[],
        Some(r#"{"status":"published"}"#),
    );
    assert_eq!(
        (
            published.status,
            published.etag.as_deref(),
            &published.json["status"]
        ),
        (200, Some("\"v3\""), &"published".into())
    );

    let frozen = send(
        "PATCH",
        "/articles/1",
        a,
        &[],
        Some(r#"{"body":"Changed."}"#),
    );
    assert_eq!((frozen.status, frozen.code()), (403, "not_permitted"));
    assert_eq!(
        frozen.json["denied"],
        serde_json::json!([refused_by(
            "body",
            "is_draft",
            "the article is no longer a draft"
        )])
    );
    assert_eq!(frozen.json["invalid"], serde_json::json!({}));

    let not_hers = send(
        "PATCH",
        "/articles/1",
        c,
        &[],
        Some(r#"{"title":"Mine","status":"archived"}"#),
    );
    assert_eq!((not_hers.status, not_hers.code()), (403, "not_permitted"));
    let reason = "the condition `is_author` does not hold";
    assert_eq!(
        not_hers.json["denied"],
        serde_json::json!([
            refused_by("title", "is_author", reason),
            refused_by("status", "is_author", reason)
        ])
    );

    let archive = send(
        "PATCH",
        "/articles/1",
        a,
        &[],
        Some(r#"{"status":"archived"}"#),
    );
    assert_eq!((archive.status, archive.code()), (403, "not_permitted"));
    assert_eq!(
        archive.json["denied"],
        serde_json::json!([refused_by(
            "status",
            "author_may_publish",
            "an author may only publish a draft, not move an article from published to archived"
        )])
    );

    let by_admin = send(
        "PATCH",
        "/articles/1",
        admin,
        &[],
        Some(r#"{"body":"Fixed.","status":"archived"}"#),
    );
    assert_eq!(
        (
            by_admin.status,
            by_admin.etag.as_deref(),
            &by_admin.json["body"],
            &by_admin.json["status"]
        ),
        (200, Some("\"v4\""), &"Fixed.".into(), &"archived".into())
    );

    let news = r#"{"title":"News","body":"Out.","status":"published"}"#;
    let not_a_draft = send("POST", "/articles", a, &[], Some(news));
    assert_eq!(
        (not_a_draft.status, not_a_draft.code()),
        (403, "not_permitted")
    );
    assert_eq!(
        not_a_draft.json["denied"],
        serde_json::json!([
            refused_by("body", "is_draft", "the article is no longer a draft"),
            refused_by(
                "status",
                "author_may_publish",
                "an author may create only a draft, not a published article"
            )
        ])
    );
    assert_eq!(
        send("GET", "/articles/2", a, &[], None).status,
        404,
        "nothing was created"
    );
    let admins = send("POST", "/articles", admin, &[], Some(news));
    assert_eq!(
        (admins.status, &admins.json["status"]),
        (201, &"published".into())
    );

    let forbidden = send(
        "PATCH",
        "/articles/1",
        a,
        &[],
        Some(r#"{"author":"bob","id":9}"#),
    );
    assert_eq!(
        (forbidden.status, forbidden.code()),
        (422, "forbidden_fields")
    );
    assert_eq!(forbidden.listed("forbidden"), ["author", "id"]);

    let invalid = send(
        "POST",
        "/articles",
        a,
        &[],
        Some(r#"{"title":"","body":"x","tags":["Bad"]}"#),
    );
    assert_eq!((invalid.status, invalid.code()), (422, "invalid_fields"));
    assert_eq!(
        (&invalid.json["denied"], &invalid.json["invalid"]),
        (
            &serde_json::json!([]),
            &serde_json::json!({
                "tags": "tag 0 must be 1 to 32 of a-z, 0-9, '-'",
                "title": "must be 1 to 100 characters without control characters",
            })
        )
    );

    let unknown = send("GET", "/articles/99", a, &[], None);
    assert_eq!(
        (unknown.status, unknown.code(), &unknown.json["detail"]),
        (404, "not_found", &"no such article".into())
    );

    let stale = send(
        "PATCH",
        "/articles/1",
        admin,
        &[("If-Match", "\"v1\"")],
        Some(r#"{"title":"x"}"#),
    );
    assert_eq!(
        (stale.status, stale.code(), stale.etag.as_deref()),
        (412, "precondition_failed", Some("\"v4\""))
    );
    assert_eq!(stale.json["version"], 4);

    let delete = send("DELETE", "/articles/1", a, &[], None);
    assert_eq!(
        (delete.status, delete.code(), delete.header("allow")),
        (405, "method_not_allowed", Some("GET, HEAD, PATCH"))
    );
}
