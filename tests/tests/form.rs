//! `from_form`: an HTML form's body read into the same patch type as JSON, with the same
//! refusals, and its text decoded exactly (never with U+FFFD in place of what was sent).

use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use proptest::prelude::*;
use safe_update::{from_form, from_json, SafeUpdate};

// Local models: each field type is one a form may or may not write (a list, a nested model).
#[derive(Debug, Clone, PartialEq, SafeUpdate)]
struct Address {
    #[update(allow)]
    city: String,
}

#[derive(Debug, Clone, PartialEq, SafeUpdate)]
struct User {
    #[update(server_only)]
    id: u64,
    #[update(allow)]
    name: String,
    #[update(allow)]
    bio: Option<String>,
    #[update(allow)]
    age: u8,
    #[update(allow(role = "admin"))]
    is_admin: bool,
    #[update(allow)]
    tags: Vec<String>,
    #[update(nested)]
    address: Address,
}

fn form(body: &str) -> Result<UserPatch, safe_update::PatchError> {
    from_form(body.as_bytes())
}

#[test]
fn values_are_decoded_as_the_url_standard_says() {
    let patch = form("name=Ada+L%C3%B6velace&&bio=a%2Bb%3Dc%26d&age=36&").unwrap();
    assert_eq!(patch.name.as_deref(), Some("Ada Lövelace"));
    assert_eq!(patch.bio, Some(Some("a+b=c&d".to_owned())));
    assert_eq!(patch.age, Some(36));
    // The first `=` splits; a malformed escape stays as it was sent.
    let patch = form("name=a=b%G1%").unwrap();
    assert_eq!(patch.name.as_deref(), Some("a=b%G1%"));
    // Nothing sent, nothing changed.
    assert!(form("").unwrap().is_empty());
}

#[test]
fn an_empty_value_clears_an_option_and_is_refused_elsewhere() {
    assert_eq!(form("bio=").unwrap().bio, Some(None));
    // A key without `=` has the empty value too.
    assert_eq!(form("bio").unwrap().bio, Some(None));
    let error = form("name=&age=").unwrap_err();
    assert_eq!(error.invalid().len(), 2, "{error}");
    for field in ["name", "age"] {
        assert!(
            error.invalid()[field].starts_with("an empty value is not allowed"),
            "{field}: {error}"
        );
    }
}

#[test]
fn every_refused_key_is_listed_and_one_bad_value_hides_no_other() {
    let error = form("id=1&name=a&role=x&name=b&age=old&is_admin=maybe&id=2").unwrap_err();
    assert_eq!(error.forbidden(), ["id", "id"]);
    assert_eq!(error.unknown(), ["role"]);
    assert_eq!(error.duplicate(), ["name"]);
    let invalid: Vec<&String> = error.invalid().keys().collect();
    assert_eq!(invalid, ["age", "is_admin"]);
    assert_eq!(error.code(), "forbidden_fields");
}

#[test]
fn bytes_that_are_not_utf8_are_refused_not_replaced() {
    let error = form("bio=caf%E9").unwrap_err();
    assert!(error.invalid()["bio"].contains("UTF-8"), "{error}");
    // In a key: it names no field.
    let error = from_form::<UserPatch>(b"n%FFme=x").unwrap_err();
    assert_eq!(error.unknown(), ["n\u{fffd}me"]);
    // Raw (unescaped) bytes too.
    let error = from_form::<UserPatch>(b"name=\xff").unwrap_err();
    assert!(error.invalid()["name"].contains("UTF-8"), "{error}");
    // A U+FFFD the client did send is text like any other.
    let patch = form("name=%EF%BF%BD").unwrap();
    assert_eq!(patch.name.as_deref(), Some("\u{fffd}"));
}

#[test]
fn a_form_cannot_write_a_list_or_a_nested_model() {
    let error = form("tags=a&address=Paris").unwrap_err();
    let invalid: Vec<&String> = error.invalid().keys().collect();
    assert_eq!(invalid, ["address", "tags"]);
    // Nor reach into one with a bracketed key.
    let error = form("address[city]=Paris").unwrap_err();
    assert_eq!(error.unknown(), ["address[city]"]);
}

proptest! {
    /// Any text, encoded as a browser encodes it, reads back as JSON would carry it (a name
    /// that is not empty: an empty value is no value, see above).
    #[test]
    fn a_form_reads_what_json_reads(name in ".+", bio in ".*", age: u8) {
        let body = format!(
            "name={}&bio={}&age={age}",
            utf8_percent_encode(&name, NON_ALPHANUMERIC),
            utf8_percent_encode(&bio, NON_ALPHANUMERIC).to_string().replace("%20", "+"),
        );
        let from_form = from_form::<UserPatch>(body.as_bytes());
        let json = serde_json::json!({
            "name": name,
            "bio": if bio.is_empty() { None } else { Some(&bio) },
            "age": age,
        });
        let from_json = from_json::<UserPatch>(json.to_string().as_bytes());
        match (from_form, from_json) {
            (Ok(form), Ok(json)) => {
                prop_assert_eq!(&form.name, &json.name);
                prop_assert_eq!(&form.bio, &json.bio);
                prop_assert_eq!(form.age, json.age);
            }
            (form, json) => prop_assert!(false, "{:?} / {:?}", form.err(), json.err()),
        }
    }
}
