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
    // And in code: `AccountPatch { balance: .. }` does not compile (the compile-fail cases
    // under `forbidden/`).
    let mut account = Account::default();
    let patch: AccountPatch = from_json(br#"{"nickname":"x"}"#).unwrap();
    patch.apply(&mut account).unwrap();
    assert_eq!(
        (account.nickname.as_str(), account.balance, account.is_admin),
        ("x", 0, false)
    );
}

/// A unit of measure: what a reading's value is checked against. `Celsius` implements nothing
/// else: not `Clone`, `PartialEq`, `Debug` nor `Deserialize`.
trait Unit {
    /// The lowest value the unit can measure.
    const LOWEST: f64;
}

struct Celsius;

impl Unit for Celsius {
    const LOWEST: f64 = -273.15;
}

/// A value in the unit `T`: read and compared as its number, for any `T`.
#[derive(Debug, Deserialize)]
#[serde(transparent, bound = "")]
struct Measured<T> {
    value: f64,
    #[serde(skip)]
    unit: std::marker::PhantomData<fn() -> T>,
}

impl<T> PartialEq for Measured<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

/// Needs `T: Unit`, which no inference can know: only `bound` can give it to the impls.
fn physically_possible<T: Unit>(measured: &Measured<T>) -> Result<(), String> {
    if measured.value < T::LOWEST {
        Err(format!("below the lowest value, {}", T::LOWEST))
    } else {
        Ok(())
    }
}

/// The inferred bounds (`Measured<T>: DeserializeOwned + PartialEq`, what reading and
/// comparing the field needs) say nothing of `Unit`; `bound` replaces them with `T: Unit`, the
/// one thing the validator needs. This model compiles only because `bound` is what its impls
/// carry, and `Celsius` has none of the traits the derive infers for a value it reads.
#[derive(SafeUpdate)]
#[update(bound = "T: Unit")]
struct Reading<T> {
    #[update(allow, validate = physically_possible)]
    temperature: Measured<T>,
}

#[test]
fn bound_replaces_the_inferred_bounds() {
    let mut reading = Reading::<Celsius> {
        temperature: Measured {
            value: 20.0,
            unit: std::marker::PhantomData,
        },
    };
    let patch: ReadingPatch<Celsius> = from_json(br#"{"temperature":-300}"#).unwrap();
    let error = patch.apply(&mut reading).unwrap_err();
    assert_eq!(error.code(), "invalid_fields");
    assert_eq!(
        error.invalid().iter().collect::<Vec<_>>(),
        [(
            &"temperature".to_owned(),
            &"below the lowest value, -273.15".to_owned()
        )]
    );
    assert_eq!(reading.temperature.value, 20.0);
    let patch: ReadingPatch<Celsius> = from_json(br#"{"temperature":21.5}"#).unwrap();
    patch.apply(&mut reading).unwrap();
    assert_eq!(reading.temperature.value, 21.5);
    // And the impls carry what `bound` asks for, no less: a parameter without a trait it
    // names cannot be used (compile-fail case `policy/bound_asks_more.rs`).
}

/// A length stored in metres, sent in the unit `T`.
struct Millimetres;

/// How many of a unit make a metre.
trait PerMetre {
    const PER_METRE: f64;
}

impl PerMetre for Millimetres {
    const PER_METRE: f64 = 1000.0;
}

fn in_metres<'de, T: PerMetre, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<f64, D::Error> {
    let sent = f64::deserialize(deserializer)?;
    Ok(sent / T::PER_METRE)
}

fn any_number(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({ "type": "number" })
}

/// As with serde, `bound` covers the model's `deserialize_with` function too: `in_metres`
/// needs `T: PerMetre`, which nothing but `bound` says.
#[derive(SafeUpdate)]
#[update(bound = "T: PerMetre")]
struct Length<T> {
    #[update(allow, schema_with = any_number)]
    #[serde(deserialize_with = "in_metres::<T, _>")]
    metres: f64,
    #[update(server_only)]
    unit: std::marker::PhantomData<T>,
}

#[test]
fn bound_reaches_a_deserialize_with_function() {
    let mut length = Length::<Millimetres> {
        metres: 0.0,
        unit: std::marker::PhantomData,
    };
    let patch: LengthPatch<Millimetres> = from_json(br#"{"metres":1500}"#).unwrap();
    patch.apply(&mut length).unwrap();
    assert_eq!(length.metres, 1.5);
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
    // Behind a type alias an `Option` does not compile (the compile-fail case
    // `nested/option_alias.rs`).
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
