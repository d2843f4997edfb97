//! The articles over HTTP: who may write which field (the author, an admin, the server), on
//! both servers and both databases at once. One script of requests goes to each of them (the
//! actix and the axum server, each over a fresh SQLite file and, with
//! `SAFE_UPDATE_TEST_POSTGRES`, a fresh PostgreSQL database); every answer must be the same
//! on all (compared as `same_answers.rs` does, by `common::alike`), and each is asserted
//! whole, so that a bug all of them share fails too.
//!
//! The real binaries on `127.0.0.1:0` (see `common`).

use serde_json::{json, Value};

use crate::common::{alike::same_answer, Setup, TestDb};
use crate::common::{applied, document, postgres_available, Backend, Binary, Response, Server};

const JSON: &str = "application/json";
const MERGE: &str = "application/merge-patch+json";
const JSON_PATCH: &str = "application/json-patch+json";

/// Who sends a request: the seeded `alice` and `admin`, `bob` (created by the script), or
/// nobody.
#[derive(Clone, Copy, Debug)]
enum Who {
    Alice,
    Bob,
    Admin,
    Nobody,
}

const BOB_PASSWORD: &str = "bob's long password";

/// Every server of the script, each over its own database.
struct Servers {
    servers: Vec<(String, Server)>,
    _dbs: Vec<TestDb>,
}

impl Servers {
    fn start() -> Servers {
        let mut backends = vec![Backend::Sqlite];
        if postgres_available() {
            backends.push(Backend::Postgres);
        }
        let (mut servers, mut dbs) = (Vec::new(), Vec::new());
        for backend in backends {
            for bin in [Binary::Actix, Binary::Axum] {
                let db = Setup { bin, backend }.db();
                servers.push((format!("{bin:?} on {backend:?}"), Server::start(&db)));
                dbs.push(db);
            }
        }
        Servers { servers, _dbs: dbs }
    }

    /// Sends the request to every server; asserts their answers are the same (timestamps
    /// aside) and a refusal is a problem document; the first server's answer.
    fn send(
        &self,
        method: &str,
        path: &str,
        who: Who,
        headers: &[(&str, &str)],
        body: Option<(&str, &str)>,
    ) -> Response {
        let request = format!("{who:?}: {method} {path} {headers:?} {body:?}");
        let answers = self.servers.iter().map(|(name, server)| {
            let login = match who {
                Who::Alice => Some(server.login("alice")),
                Who::Admin => Some(server.login("admin")),
                Who::Bob => Some(("bob".to_owned(), BOB_PASSWORD.to_owned())),
                Who::Nobody => None,
            };
            let auth = login.as_ref().map(|(u, p)| (u.as_str(), p.as_str()));
            let body = body.map(|(content_type, text)| (content_type, text.as_bytes()));
            (name, server.send(method, path, auth, headers, body))
        });
        same_answer(&request, body.map(|(_, text)| text), answers)
    }
}

/// An article as the servers answer it, without its two timestamps (checked to be there).
fn article(answer: &Response) -> Value {
    let mut article = answer.json.clone();
    for stamp in ["created_at", "updated_at"] {
        let stamped = article.as_object_mut().unwrap().remove(stamp);
        assert!(stamped.is_some_and(|time| time.is_string()), "{answer:?}");
    }
    article
}

/// What `denied` says of a field refused by one rule, which an admin could write.
fn refused_by(field: &str, rule: &str, reason: &str) -> Value {
    json!({"field": field, "roles": ["admin"], "rules": [{"rule": rule, "reason": reason}]})
}

fn not_the_author(field: &str) -> Value {
    refused_by(
        field,
        "is_author",
        "the condition `is_author` does not hold",
    )
}

#[test]
fn who_may_write_which_field_of_an_article() {
    use Who::*;
    let servers = Servers::start();
    let send = |method, path, who, headers: &[(&str, &str)], body: Option<(&str, &str)>| {
        servers.send(method, path, who, headers, body)
    };
    let json_body = |text| Some((JSON, text));
    // A refusal, asserted whole; and what the article is after it, unchanged.
    let refused = |method, path, who, body: &str, expected: (u16, &str, Value)| {
        let before = send("GET", "/articles/1", Admin, &[], None);
        let answer = send(method, path, who, &[], Some((MERGE, body)));
        assert_eq!(answer.problem(), expected, "{who:?} {method} {path} {body}");
        let after = send("GET", "/articles/1", Admin, &[], None);
        // Timestamps and all: nothing was written.
        assert_eq!(
            (after.status, &after.json, &after.etag),
            (before.status, &before.json, &before.etag),
            "{who:?} {method} {path} {body}"
        );
    };

    // Bob, a user like alice.
    let bob = format!(
        r#"{{"username":"bob","password":"{BOB_PASSWORD}","display_name":"Bob","email":"bob@example.org"}}"#
    );
    assert_eq!(
        send("POST", "/users", Admin, &[], json_body(bob.as_str())).status,
        201
    );

    // Any user creates an article, its author; `tags` and `status` have their defaults.
    let created = send(
        "POST",
        "/articles",
        Alice,
        &[],
        json_body(r#"{"title":"Hello","body":"A first draft."}"#),
    );
    assert_eq!(
        (
            created.status,
            created.header("location"),
            created.etag.as_deref()
        ),
        (201, Some("/articles/1"), Some("\"v1\"")),
        "{created:?}"
    );
    assert_eq!(
        article(&created),
        json!({"id": 1, "author": "alice", "title": "Hello", "body": "A first draft.",
               "tags": [], "status": "draft", "version": 1})
    );
    // Any user reads it; nobody anonymous does.
    let read = send("GET", "/articles/1", Bob, &[], None);
    assert_eq!((read.status, &read.json), (200, &created.json));
    assert_eq!(read.etag.as_deref(), Some("\"v1\""));
    assert_eq!(send("HEAD", "/articles/1", Bob, &[], None).status, 200);
    let anonymous = send("GET", "/articles/1", Nobody, &[], None);
    assert_eq!(anonymous.problem(), (401, "missing_credentials", json!({})));

    // The author edits the draft, then publishes it.
    let edited = send(
        "PATCH",
        "/articles/1",
        Alice,
        &[("If-Match", "\"v1\"")],
        Some((
            MERGE,
            r#"{"title":"Hello, world","body":"The text.","tags":["intro","rust"]}"#,
        )),
    );
    assert_eq!(
        (edited.status, edited.etag.as_deref()),
        (200, Some("\"v2\""))
    );
    assert_eq!(
        article(&edited),
        json!({"id": 1, "author": "alice", "title": "Hello, world", "body": "The text.",
               "tags": ["intro", "rust"], "status": "draft", "version": 2})
    );
    let published = send(
        "PATCH",
        "/articles/1",
        Alice,
        &[],
        Some((MERGE, r#"{"status":"published"}"#)),
    );
    assert_eq!(
        (
            published.status,
            &published.json["status"],
            &published.json["version"]
        ),
        (200, &json!("published"), &json!(3))
    );

    // Published: its author may no longer change the body, and a permitted field sent with it
    // is not written either.
    let frozen = || {
        let reason = "the article is no longer a draft";
        applied(json!({"denied": [refused_by("body", "is_draft", reason)]}))
    };
    refused(
        "PATCH",
        "/articles/1",
        Alice,
        r#"{"body":"Changed."}"#,
        (403, "not_permitted", frozen()),
    );
    refused(
        "PATCH",
        "/articles/1",
        Alice,
        r#"{"title":"Still mine","body":"Changed."}"#,
        (403, "not_permitted", frozen()),
    );
    // The title and tags stay the author's.
    let retitled = send(
        "PATCH",
        "/articles/1",
        Alice,
        &[],
        Some((MERGE, r#"{"title":"Hello again","tags":[]}"#)),
    );
    assert_eq!(
        (
            retitled.status,
            &retitled.json["title"],
            &retitled.json["tags"]
        ),
        (200, &json!("Hello again"), &json!([]))
    );

    // Another user: every field refused at once, each with the rule that refused it.
    let everything = r#"{"title":"Mine","body":"Mine.","status":"archived"}"#;
    let every_field = ["title", "body", "status"].map(not_the_author);
    let denied = json!({ "denied": every_field });
    refused(
        "PATCH",
        "/articles/1",
        Bob,
        everything,
        (403, "not_permitted", applied(denied)),
    );

    // The author cannot archive, nor take the article back to draft, nor re-send its status.
    for (status, reason) in [
        (
            "archived",
            "an author may only publish a draft, not move an article from published to archived",
        ),
        (
            "draft",
            "an author may only publish a draft, not move an article from published to draft",
        ),
        (
            "published",
            "an author may only publish a draft, not move an article from published to published",
        ),
    ] {
        let body = format!(r#"{{"status":"{status}"}}"#);
        let denied = json!({"denied": [refused_by("status", "author_may_publish", reason)]});
        refused(
            "PATCH",
            "/articles/1",
            Alice,
            &body,
            (403, "not_permitted", applied(denied)),
        );
    }

    // An admin may do everything.
    let by_admin = send(
        "PATCH",
        "/articles/1",
        Admin,
        &[],
        Some((
            JSON,
            r#"{"title":"Edited","body":"Edited by an admin.","tags":["news"],"status":"archived"}"#,
        )),
    );
    assert_eq!(
        (by_admin.status, by_admin.etag.as_deref()),
        (200, Some("\"v5\""))
    );
    assert_eq!(
        article(&by_admin),
        json!({"id": 1, "author": "alice", "title": "Edited", "body": "Edited by an admin.",
               "tags": ["news"], "status": "archived", "version": 5})
    );
    let back = send(
        "PATCH",
        "/articles/1",
        Admin,
        &[],
        Some((JSON, r#"{"status":"draft"}"#)),
    );
    assert_eq!((back.status, &back.json["status"]), (200, &json!("draft")));
    // A draft again: its author writes the body again.
    let rewritten = send(
        "PATCH",
        "/articles/1",
        Alice,
        &[],
        Some((JSON, r#"{"body":"Rewritten."}"#)),
    );
    assert_eq!(
        (rewritten.status, &rewritten.json["body"]),
        (200, &json!("Rewritten."))
    );

    // A user creates only drafts: a published article would also be one whose body its author
    // may not write, and the answer says both. Nothing is created.
    let publish_at_once = r#"{"title":"News","body":"Out now.","status":"published"}"#;
    let denied = json!({"denied": [
        refused_by("body", "is_draft", "the article is no longer a draft"),
        refused_by("status", "author_may_publish", "an author may create only a draft, not a published article"),
    ]});
    refused(
        "POST",
        "/articles",
        Alice,
        publish_at_once,
        (403, "not_permitted", applied(denied)),
    );
    let nothing = send("GET", "/articles/2", Alice, &[], None);
    assert_eq!(nothing.problem(), (404, "not_found", json!({})));
    // An admin may.
    let news = send("POST", "/articles", Admin, &[], json_body(publish_at_once));
    assert_eq!(
        (news.status, news.header("location")),
        (201, Some("/articles/2")),
        "{news:?}"
    );
    assert_eq!(
        article(&news),
        json!({"id": 2, "author": "admin", "title": "News", "body": "Out now.",
               "tags": [], "status": "published", "version": 1})
    );

    // No such article: 404, for a read and an update alike, and for a path no id can be.
    let not_found = || (404, "not_found", json!({}));
    for path in [
        "/articles/999",
        "/articles/0",
        "/articles/01",
        "/articles/x",
        "/articles/%FF",
        "/articles/99999999999999999999",
    ] {
        assert_eq!(
            send("GET", path, Alice, &[], None).problem(),
            not_found(),
            "{path}"
        );
    }
    let missing = send(
        "PATCH",
        "/articles/999",
        Admin,
        &[],
        json_body(r#"{"title":"x"}"#),
    );
    assert_eq!(missing.problem(), not_found());
    assert_eq!(missing.json["detail"], "no such article");

    // `If-Match` as for users: a stale tag is 412 with the current version, nothing written.
    let stale = send(
        "PATCH",
        "/articles/2",
        Admin,
        &[("If-Match", "\"v7\"")],
        json_body(r#"{"title":"x"}"#),
    );
    assert_eq!(
        stale.problem(),
        (412, "precondition_failed", json!({"version": 1}))
    );
    assert_eq!(stale.etag.as_deref(), Some("\"v1\""));
    let malformed = send(
        "PATCH",
        "/articles/2",
        Admin,
        &[("If-Match", "v1")],
        json_body(r#"{"title":"x"}"#),
    );
    assert_eq!(malformed.problem(), (400, "malformed_if_match", json!({})));
    let current = send(
        "PATCH",
        "/articles/2",
        Admin,
        &[("If-Match", "\"v1\"")],
        json_body(r#"{"title":"Newer"}"#),
    );
    assert_eq!(
        (current.status, current.etag.as_deref()),
        (200, Some("\"v2\""))
    );

    // The server's fields are the server's, for anyone: refused by name before any rule.
    refused(
        "PATCH",
        "/articles/1",
        Alice,
        r#"{"title":"x","author":"bob","id":5,"views":1}"#,
        (
            422,
            "forbidden_fields",
            document(json!({"forbidden": ["author", "id"], "unknown": ["views"]})),
        ),
    );
    refused(
        "PATCH",
        "/articles/1",
        Admin,
        r#"{"version":9,"created_at":"2000-01-01T00:00:00.000Z"}"#,
        (
            422,
            "forbidden_fields",
            document(json!({"forbidden": ["version", "created_at"]})),
        ),
    );
    refused(
        "POST",
        "/articles",
        Bob,
        r#"{"title":"x","body":"y","author":"alice"}"#,
        (
            422,
            "forbidden_fields",
            document(json!({"forbidden": ["author"]})),
        ),
    );
    refused(
        "POST",
        "/articles",
        Bob,
        r#"{"title":"x"}"#,
        (
            422,
            "missing_fields",
            document(json!({"missing": ["body"]})),
        ),
    );
    // The validators, every refusal at once; a status that is none.
    refused(
        "POST",
        "/articles",
        Bob,
        r#"{"title":"","body":"a\u0000b","tags":["ok","Not ok"]}"#,
        (
            422,
            "invalid_fields",
            applied(json!({"invalid": {
                "title": "must be 1 to 100 characters without control characters",
                "body": "must not contain the NUL character (U+0000)",
                "tags": "tag 1 must be 1 to 32 of a-z, 0-9, '-'",
            }})),
        ),
    );
    refused(
        "PATCH",
        "/articles/1",
        Admin,
        r#"{"status":"deleted"}"#,
        (
            422,
            "invalid_fields",
            document(
                json!({"invalid": {"status": "unknown variant `deleted`, expected one of `draft`, `published`, `archived`"}}),
            ),
        ),
    );

    // A JSON Patch, under the same grants: the author edits the tags element by element.
    let json_patch =
        |who, body: &str| send("PATCH", "/articles/1", who, &[], Some((JSON_PATCH, body)));
    let edited = json_patch(
        Alice,
        r#"[{"op":"test","path":"/status","value":"draft"},{"op":"add","path":"/tags/-","value":"rust"},{"op":"remove","path":"/tags/0"}]"#,
    );
    assert_eq!(
        (edited.status, &edited.json["tags"], &edited.json["version"]),
        (200, &json!(["rust"]), &json!(8))
    );
    // Refused as the merge patch of the same fields, nothing written.
    let refused_patch = |who, body: &str, expected: (u16, &str, Value)| {
        let before = send("GET", "/articles/1", Admin, &[], None);
        let answer = json_patch(who, body);
        assert_eq!(answer.problem(), expected, "{who:?} {body}");
        let after = send("GET", "/articles/1", Admin, &[], None);
        assert_eq!(
            (&after.json, &after.etag),
            (&before.json, &before.etag),
            "{body}"
        );
    };
    let not_bobs = json!({"denied": [not_the_author("tags")]});
    refused_patch(
        Bob,
        r#"[{"op":"add","path":"/tags/-","value":"mine"}]"#,
        (403, "not_permitted", applied(not_bobs)),
    );
    let repeated = json!({"invalid": {"tags": "tag 1 repeats \"rust\""}});
    refused_patch(
        Alice,
        r#"[{"op":"add","path":"/tags/-","value":"rust"}]"#,
        (422, "invalid_fields", applied(repeated)),
    );
    refused_patch(
        Alice,
        r#"[{"op":"test","path":"/status","value":"published"},{"op":"replace","path":"/title","value":"x"}]"#,
        (
            409,
            "operation_failed",
            json!({"operation": {"index": 0, "op": "test", "member": "path", "pointer": "/status",
                "problem": "test_failed", "detail": "`/status` does not hold the tested value"}}),
        ),
    );
    refused_patch(
        Alice,
        r#"[{"op":"replace","path":"/author","value":"alice"},{"op":"copy","from":"/id","path":"/title"}]"#,
        (
            422,
            "operations_refused",
            json!({"operations": [{"index": 0, "op": "replace", "member": "path",
                "pointer": "/author", "problem": "forbidden",
                "detail": "`/author` is a field a patch may not write (server-only or create-only)"}]}),
        ),
    );

    // The routes' methods.
    let delete = send("DELETE", "/articles/1", Admin, &[], None);
    assert_eq!(delete.problem(), (405, "method_not_allowed", json!({})));
    assert_eq!(delete.header("allow"), Some("GET, HEAD, PATCH"));
    let list = send("GET", "/articles", Admin, &[], None);
    assert_eq!((list.status, list.header("allow")), (405, Some("POST")));

    // And every server stored the same, bob's refused writes nowhere.
    let first = send("GET", "/articles/1", Bob, &[], None);
    assert_eq!(
        article(&first),
        json!({"id": 1, "author": "alice", "title": "Edited", "body": "Rewritten.",
               "tags": ["rust"], "status": "draft", "version": 8})
    );
}
