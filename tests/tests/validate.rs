//! Field and container validators run before the first write; every problem is reported.

use safe_update::{from_json, SafeUpdate};

#[derive(Debug, Clone, PartialEq, SafeUpdate)]
#[update(validate = verified_email_is_set)]
struct Contact {
    #[update(allow, validate = display_name)]
    name: String,
    #[update(allow, validate = email)]
    email: String,
    #[update(allow)]
    email_verified: bool,
    #[update(allow, validate = short_bio)]
    bio: Option<String>,
}

fn display_name(name: &str) -> Result<(), String> {
    match name.chars().count() {
        1..=64 if !name.chars().any(char::is_control) => Ok(()),
        _ => Err("must be 1 to 64 characters without control characters".into()),
    }
}

fn email(email: &str) -> Result<(), &'static str> {
    if email.is_empty() || email.contains('@') {
        Ok(())
    } else {
        Err("must contain @")
    }
}

fn short_bio(bio: &Option<String>) -> Result<(), &'static str> {
    match bio {
        Some(bio) if bio.len() > 10 => Err("too long"),
        _ => Ok(()),
    }
}

fn verified_email_is_set(contact: &Contact) -> Result<(), &'static str> {
    if contact.email_verified && contact.email.is_empty() {
        Err("a verified email cannot be empty")
    } else {
        Ok(())
    }
}

fn contact() -> Contact {
    Contact {
        name: "Eve".into(),
        email: "eve@example.org".into(),
        email_verified: true,
        bio: None,
    }
}

#[test]
fn valid_values_are_written() {
    let mut target = contact();
    let patch: ContactPatch = from_json(br#"{"name":"Ann","bio":"short"}"#).unwrap();
    patch.apply(&mut target).unwrap();
    assert_eq!(target.name, "Ann");
}

#[test]
fn every_invalid_field_is_reported_and_nothing_is_written() {
    let mut target = contact();
    let patch: ContactPatch =
        from_json(br#"{"name":"","email":"nope","bio":"far too long a bio"}"#).unwrap();
    let error = patch.apply(&mut target).unwrap_err();
    assert_eq!(target, contact());
    assert_eq!(error.code(), "invalid_fields");
    assert_eq!(
        error.invalid().keys().collect::<Vec<_>>(),
        ["bio", "email", "name"]
    );
    assert_eq!(error.invalid()["email"], "must contain @");
}

#[test]
fn the_container_validator_sees_the_would_be_result() {
    let mut target = contact();
    let patch: ContactPatch = from_json(br#"{"email":""}"#).unwrap();
    let error = patch.apply(&mut target).unwrap_err();
    assert_eq!(error.invalid()[""], "a verified email cannot be empty");
    assert_eq!(target, contact());

    let patch: ContactPatch = from_json(br#"{"email":"","email_verified":false}"#).unwrap();
    patch.apply(&mut target).unwrap();
    assert_eq!((target.email.as_str(), target.email_verified), ("", false));
}

#[test]
fn field_and_container_errors_are_reported_together() {
    let mut target = contact();
    let patch: ContactPatch = from_json(br#"{"email":"","name":""}"#).unwrap();
    let error = patch.apply(&mut target).unwrap_err();
    assert_eq!(error.invalid().keys().collect::<Vec<_>>(), ["", "name"]);
}

/// A model declared by a `macro_rules!` whose field validator and container validator are
/// given by the macro's caller: their paths carry the caller's hygiene, the derive's own
/// bindings the macro's, and each must still resolve.
macro_rules! validated_by_the_caller {
    ($name:ident, $check:path, $whole:path) => {
        #[derive(Clone, Debug, PartialEq, SafeUpdate)]
        #[update(validate = $whole, create)]
        struct $name {
            #[update(allow, validate = $check)]
            name: String,
        }
    };
}

fn short(name: &str) -> Result<(), &'static str> {
    if name.len() <= 3 {
        Ok(())
    } else {
        Err("too long")
    }
}

fn not_x(model: &Caller) -> Result<(), &'static str> {
    if model.name == "x" {
        Err("not x")
    } else {
        Ok(())
    }
}

validated_by_the_caller!(Caller, short, not_x);

#[test]
fn validators_given_through_a_macro_still_run() {
    let mut model = Caller { name: "ab".into() };
    let patch: CallerPatch = safe_update::from_json(br#"{"name":"abcd"}"#).unwrap();
    assert_eq!(
        patch.apply(&mut model).unwrap_err().invalid()["name"],
        "too long"
    );
    let patch: CallerPatch = safe_update::from_json(br#"{"name":"x"}"#).unwrap();
    assert_eq!(patch.apply(&mut model).unwrap_err().invalid()[""], "not x");
    let new: CallerNew = safe_update::from_json(br#"{"name":"abcd"}"#).unwrap();
    assert!(new.build(CallerServerFields {}).is_err());
    assert_eq!(model.name, "ab");
}
