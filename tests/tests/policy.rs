//! Policies beyond one field's `allow`/`server_only`: a struct-wide default, replaced bounds,
//! tri-state detection by the written type, and reading from deserializers other than JSON.

use safe_update::{from_json, NoRoles, SafeUpdate};
use serde::de::value::{Error as ValueError, MapDeserializer};
use serde::Deserialize;

/// `default = server_only`: a field added later without a policy is protected, not exposed.
#[derive(Debug, Default, SafeUpdate)]
#[update(default = server_only)]
struct Account {
    #[update(allow)]
    nickname: String,
    // No policy: server-only by the struct's default.
    balance: i64,
    is_admin: bool,
}

#[test]
fn unannotated_fields_are_server_only_under_default_server_only() {
    use safe_update::Patch;
    assert_eq!(AccountPatch::WRITABLE, ["nickname"]);
    assert_eq!(AccountPatch::SERVER_ONLY, ["balance", "is_admin"]);
    let error = from_json::<AccountPatch>(br#"{"nickname":"x","balance":1000000,"is_admin":true}"#)
        .unwrap_err();
    assert_eq!(error.forbidden(), ["balance", "is_admin"]);
    // And in code: `AccountPatch { balance: .. }` does not compile (tests/ui/forbidden).
    let mut account = Account::default();
    let patch: AccountPatch = from_json(br#"{"nickname":"x"}"#).unwrap();
    patch.apply(&mut account).unwrap();
    assert_eq!(
        (account.nickname.as_str(), account.balance, account.is_admin),
        ("x", 0, false)
    );
}

/// A value type that is not `PartialEq`: the inferred bounds would ask `T: PartialEq`, which
/// `#[update(bound = ...)]` replaces with what the patch needs for this model.
#[derive(Debug, Clone, Deserialize)]
struct Opaque(u32);

impl PartialEq for Opaque {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

#[derive(Debug, SafeUpdate)]
#[update(bound = "T: serde::de::DeserializeOwned + PartialEq + Clone")]
struct Holder<T> {
    #[update(allow)]
    value: T,
}

#[test]
fn bound_replaces_the_inferred_bounds() {
    fn needs_clone<T: Clone>(_: &T) {}
    let mut holder = Holder { value: Opaque(1) };
    let patch: HolderPatch<Opaque> = from_json(br#"{"value":2}"#).unwrap();
    // The replaced bound is the one the impls carry: `Clone` is required of `T` here.
    needs_clone(&holder.value);
    patch.apply(&mut holder).unwrap();
    assert_eq!(holder.value, Opaque(2));
}

/// `Option` written with its full path is tri-state like `Option`.
#[derive(Debug, SafeUpdate)]
struct Paths {
    #[update(allow)]
    a: std::option::Option<String>,
    #[update(allow)]
    b: core::option::Option<u32>,
    #[update(allow)]
    c: ::std::option::Option<bool>,
}

#[test]
fn option_is_recognised_by_any_path() {
    let mut paths = Paths {
        a: Some("x".into()),
        b: Some(1),
        c: Some(true),
    };
    let patch: PathsPatch = from_json(br#"{"a":null,"b":null,"c":false}"#).unwrap();
    patch.apply(&mut paths).unwrap();
    assert_eq!((paths.a, paths.b, paths.c), (None, None, Some(false)));
    // Behind a type alias an `Option` does not compile (tests/ui/nested/option_alias.rs).
}

#[derive(Debug, SafeUpdate)]
struct Settings {
    #[update(allow)]
    theme: String,
    #[update(server_only)]
    owner: String,
}

#[test]
fn a_deserializer_other_than_json_text_gets_the_same_refusals() {
    use serde_json::{json, Value};
    // Not JSON text: serde's own deserializer over key-value pairs, which, unlike a
    // `serde_json::Value`, can repeat a key.
    let read = |pairs: Vec<(&'static str, Value)>| {
        let deserializer = MapDeserializer::<_, serde_json::Error>::new(pairs.into_iter());
        SettingsPatch::deserialize(deserializer)
    };
    let message = read(vec![
        ("theme", json!("dark")),
        ("owner", json!("mallory")),
        ("theme", json!("light")),
        ("x", json!(1)),
    ])
    .unwrap_err()
    .to_string();
    assert_eq!(
        message,
        "forbidden (server-only) fields: `owner`; unknown fields: `x`; duplicate fields: `theme`"
    );
    let message = read(vec![("theme", Value::Null)]).unwrap_err().to_string();
    assert_eq!(
        message,
        "invalid field `theme`: null is not allowed: the field is not optional"
    );
    let patch = read(vec![("theme", json!("dark"))]).unwrap();
    let mut settings = Settings {
        theme: "light".into(),
        owner: "alice".into(),
    };
    patch.apply_as(&mut settings, &NoRoles).unwrap();
    assert_eq!(
        (settings.theme.as_str(), settings.owner.as_str()),
        ("dark", "alice")
    );
    // A `serde_json::Value` is a deserializer too.
    let message = SettingsPatch::deserialize(json!({"owner": "mallory"}))
        .unwrap_err()
        .to_string();
    assert_eq!(message, "forbidden (server-only) fields: `owner`");
}

#[test]
fn a_deserializer_that_cannot_say_null_cannot_read_a_patch() {
    // The claim is "any self-describing deserializer that can say `null`": serde's plain
    // string deserializer cannot, and a patch refuses it rather than guess what `null` is.
    let pairs = [("theme", "dark")];
    let deserializer = MapDeserializer::<_, ValueError>::new(pairs.into_iter());
    let message = SettingsPatch::deserialize(deserializer)
        .unwrap_err()
        .to_string();
    // Refused as the field's value, named (the reading goes on after a scalar it refused).
    assert_eq!(
        message,
        "invalid field `theme`: invalid type: string \"dark\", expected option"
    );
}
