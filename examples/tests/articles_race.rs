//! A state rule under concurrency: the author edits a draft's body while an admin publishes it,
//! on both servers and both databases. The rule (`body` is the author's only while the article
//! is a draft) must be asked of the row the write changes, inside its transaction: an author's
//! accepted body write always answers with a draft, whichever request came first, and a refused
//! one leaves the body as it was. A check made on a row read before the other write committed
//! would let the author write a published body (and answer with `"published"`). The edit is
//! sent in turn as a merge patch, a JSON Patch that only sets the body, and a JSON Patch that
//! tests the status first (409 when the publish won: the test reads the locked row too).

use crate::common::{Server, Setup};

fn a_state_rule_holds_when_a_publish_races_an_edit(setup: Setup) {
    let db = setup.db();
    let server = Server::start(&db);
    let (name, password) = server.login("alice");
    let alice = (name.as_str(), password.as_str());
    let (name, password) = server.login("admin");
    let admin = (name.as_str(), password.as_str());
    let (mut accepted, mut refused) = (0, 0);
    for round in 0..12_usize {
        let created = server.send(
            "POST",
            "/articles",
            Some(alice),
            &[],
            Some((
                "application/json",
                br#"{"title":"Race","body":"draft text"}"#,
            )),
        );
        assert_eq!(created.status, 201, "{created:?}");
        let path = format!("/articles/{}", created.json["id"]);
        let (edit, publish) = std::thread::scope(|scope| {
            // The edit in each format: a merge patch, a JSON Patch that only sets the body (read
            // in one pass), and one that first tests the status (applied to the row the
            // transaction locked: a publish that came first makes the test fail).
            let edit = scope.spawn(|| {
                let (content_type, body) = edit(round);
                let body = Some((content_type, body.as_bytes()));
                server.send("PATCH", &path, Some(alice), &[], body)
            });
            let publish = scope.spawn(|| server.patch(&path, admin, r#"{"status":"published"}"#));
            (edit.join().unwrap(), publish.join().unwrap())
        });
        assert_eq!(publish.status, 200, "{publish:?}");
        let stored = server.get(&path, alice).json;
        assert_eq!(stored["status"], "published");
        match edit.status {
            200 => {
                accepted += 1;
                assert_eq!(edit.json["status"], "draft", "{edit:?}");
                assert_eq!(stored["body"], format!("edit {round}"));
            }
            403 if round % 3 != 2 => {
                refused += 1;
                assert_eq!(edit.json["code"], "not_permitted", "{edit:?}");
                assert_eq!(stored["body"], "draft text");
            }
            409 if round % 3 == 2 => {
                refused += 1;
                assert_eq!(edit.json["operation"]["problem"], "test_failed", "{edit:?}");
                assert_eq!(stored["body"], "draft text");
            }
            other => panic!("round {round}: {other} {edit:?}"),
        }
    }
    assert_eq!(accepted + refused, 12);
}

/// The author's edit of round `round`, as a media type and a body.
fn edit(round: usize) -> (&'static str, String) {
    let text = format!("edit {round}");
    match round % 3 {
        0 => ("application/json", format!(r#"{{"body":"{text}"}}"#)),
        1 => (
            "application/json-patch+json",
            format!(r#"[{{"op":"replace","path":"/body","value":"{text}"}}]"#),
        ),
        _ => (
            "application/json-patch+json",
            format!(
                r#"[{{"op":"test","path":"/status","value":"draft"}},{{"op":"replace","path":"/body","value":"{text}"}}]"#
            ),
        ),
    }
}

both_servers!(a_state_rule_holds_when_a_publish_races_an_edit);
