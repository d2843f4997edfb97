//! One request sent to several servers (the actix and the axum one, on one or more
//! databases): their answers must be the same, and a refusal an RFC 9457 problem document.
//! Shared by `same_answers.rs` and `articles.rs`, which send such scripts.

use serde_json::Value;

use super::Response;

/// The headers a client acts on; the rest (date, length) legitimately differ.
const COMPARED_HEADERS: [&str; 7] = [
    "content-type",
    "location",
    "allow",
    "accept-patch",
    "www-authenticate",
    "etag",
    "retry-after",
];

/// What must be equal: status, the compared headers, the body (its timestamps removed: the
/// servers did not write at the same instant).
pub fn normalized(response: &Response) -> (u16, Vec<(String, Option<String>)>, Value, String) {
    let headers = COMPARED_HEADERS
        .iter()
        .map(|name| (name.to_string(), response.header(name).map(str::to_owned)))
        .collect();
    let mut json = response.json.clone();
    if let Value::Object(map) = &mut json {
        map.remove("created_at");
        map.remove("updated_at");
    }
    let text = if json.is_null() {
        response.text.clone()
    } else {
        String::new()
    };
    (response.status, headers, json, text)
}

/// The first of the servers' `answers` to `request` (a description, for the messages), after
/// asserting that every other one is the same ([`normalized`]), that a refusal is a
/// problem document with all its members, and that none carries the password hash
/// ([`never_the_hash`]); `sent` is the request's body.
pub fn same_answer(
    request: &str,
    sent: Option<&str>,
    answers: impl IntoIterator<Item = (impl std::fmt::Display, Response)>,
) -> Response {
    let mut answers = answers.into_iter();
    let (first_name, first) = answers.next().expect("at least one server");
    never_the_hash(request, sent, &first);
    for (name, answer) in answers {
        never_the_hash(request, sent, &answer);
        assert_eq!(
            normalized(&answer),
            normalized(&first),
            "{name} and {first_name} differ on {request}"
        );
    }
    if first.status >= 400 {
        assert_eq!(
            first.header("content-type"),
            Some("application/problem+json"),
            "{request}"
        );
        for member in ["type", "title", "status", "detail", "code"] {
            assert!(first.json.get(member).is_some(), "{member}: {request}");
        }
        assert_eq!(first.json["status"], first.status, "{request}");
    }
    first
}

/// No answer shows a password hash (the seeded ones and every one the server makes are
/// argon2 PHC strings), nor names `password_hash`, in its body or headers, unless the request
/// itself sent that key (a refusal lists the keys it refused, by the client's name).
pub fn never_the_hash(request: &str, sent: Option<&str>, answer: &Response) {
    let headers = answer
        .headers
        .iter()
        .map(|(name, value)| format!("{name}: {value}"));
    let whole = headers
        .chain([answer.text.clone()])
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        !whole.contains("$argon2"),
        "a hash in the answer to {request}: {whole}"
    );
    if !sent.is_some_and(|body| body.contains("password_hash")) {
        assert!(
            !whole.contains("password_hash"),
            "`password_hash` in the answer to {request}: {whole}"
        );
    }
}
