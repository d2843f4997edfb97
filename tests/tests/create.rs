//! `#[update(create)]`: the create input is read as strictly as a patch, lists every missing
//! required field with the other problems, and builds the model only with every server-only
//! field given by the server, every role held and every validator passed.

use safe_update::{from_form, from_json, Create, NoRoles, SafeUpdate, WithExtra};
use safe_update_tests::fixtures::refusals::{denied, invalid};
use serde_json::json;

// Local models (not `safe_update_tests::fixtures`): their create defaults, aliases and field and
// container validators are what this file checks.
#[derive(Debug, Clone, PartialEq, SafeUpdate)]
#[update(create, validate = no_city_in_zip)]
pub struct Address {
    #[update(allow, validate = not_empty)]
    pub city: String,
    #[update(allow)]
    pub zip: Option<String>,
    #[update(server_only)]
    pub verified: bool,
}

#[derive(Debug, Clone, PartialEq, SafeUpdate)]
#[serde(rename_all = "camelCase")]
#[update(create, validate = adults_only_as_admin)]
pub struct Account {
    #[update(server_only)]
    pub id: u64,
    #[update(allow, validate = not_empty)]
    pub display_name: String,
    #[update(allow)]
    #[serde(alias = "mail")]
    pub email: String,
    #[update(allow)]
    pub bio: Option<String>,
    #[update(allow, create_default = 18)]
    pub age: u8,
    #[update(allow(role = "admin"), create_default)]
    pub is_admin: bool,
    #[update(allow(role = "admin"), create_default = Some("free".to_owned()))]
    pub plan: Option<String>,
    #[update(nested)]
    pub address: Address,
    #[update(nested)]
    pub billing: Option<Address>,
    #[update(server_only)]
    pub password_hash: String,
    #[update(server_only)]
    pub created_at: String,
}

fn not_empty(text: &str) -> Result<(), &'static str> {
    if text.is_empty() {
        Err("must not be empty")
    } else {
        Ok(())
    }
}

fn no_city_in_zip(address: &Address) -> Result<(), &'static str> {
    match &address.zip {
        Some(zip) if zip.contains(&address.city) => Err("the zip code repeats the city"),
        _ => Ok(()),
    }
}

fn adults_only_as_admin(account: &Account) -> Result<(), &'static str> {
    if account.is_admin && account.age < 18 {
        Err("an admin is an adult")
    } else {
        Ok(())
    }
}

fn server() -> AccountServerFields {
    AccountServerFields {
        id: 7,
        password_hash: "$argon2id$...".to_owned(),
        created_at: "2026-11-29T00:00:00Z".to_owned(),
        address: AddressServerFields { verified: false },
        billing: AddressServerFields { verified: false },
    }
}

fn parse(document: serde_json::Value) -> Result<AccountNew, safe_update::PatchError> {
    from_json(document.to_string().as_bytes())
}

const ADMIN: &[&str] = &["admin"];
const USER: &[&str] = &["user"];

#[test]
fn a_full_document_builds_the_model_with_the_servers_fields() {
    let new = parse(json!({
        "displayName": "Eve",
        "mail": "eve@example.org",
        "bio": "hi",
        "age": 30,
        "isAdmin": true,
        "plan": null,
        "address": {"city": "Oslo", "zip": "0150"},
        "billing": {"city": "Bergen"},
    }))
    .unwrap();
    let account = new.build_as(server(), ADMIN).unwrap();
    assert_eq!(
        account,
        Account {
            id: 7,
            display_name: "Eve".into(),
            email: "eve@example.org".into(),
            bio: Some("hi".into()),
            age: 30,
            is_admin: true,
            plan: None,
            address: Address {
                city: "Oslo".into(),
                zip: Some("0150".into()),
                verified: false,
            },
            billing: Some(Address {
                city: "Bergen".into(),
                zip: None,
                verified: false,
            }),
            password_hash: "$argon2id$...".into(),
            created_at: "2026-11-29T00:00:00Z".into(),
        }
    );
}

#[test]
fn left_out_fields_take_their_creation_defaults_or_none() {
    let new = parse(json!({
        "displayName": "Eve",
        "email": "eve@example.org",
        "address": {"city": "Oslo"},
    }))
    .unwrap();
    let account = new.build_as(server(), USER).unwrap();
    assert_eq!(account.age, 18);
    assert!(!account.is_admin);
    assert_eq!(account.plan.as_deref(), Some("free"));
    assert_eq!((account.bio, account.billing), (None, None));
    assert_eq!(account.address.zip, None);
}

#[test]
fn every_missing_required_field_is_listed_with_its_path() {
    let error = parse(json!({"address": {}})).unwrap_err();
    assert_eq!(error.missing(), ["displayName", "email", "address.city"]);
    assert_eq!(error.code(), "missing_fields");
    assert!(
        error
            .to_string()
            .contains("missing (required) fields: `displayName`, `email`, `address.city`"),
        "{error}"
    );
    let error = parse(json!({})).unwrap_err();
    assert_eq!(error.missing(), ["displayName", "email", "address"]);
    assert_eq!(AccountNew::REQUIRED, ["displayName", "email", "address"]);
}

#[test]
fn every_problem_is_listed_at_once() {
    let body = br#"{"id":1,"x":2,"bio":"a","bio":"b","age":"old","address":{"verified":true,"zip":5},"billing":{"city":"B","city":"C"}}"#;
    let error = from_json::<AccountNew>(body).unwrap_err();
    assert_eq!(error.forbidden(), ["id", "address.verified"]);
    assert_eq!(error.unknown(), ["x"]);
    assert_eq!(error.duplicate(), ["bio", "billing.city"]);
    // `address.city` is missing; `age` and `address.zip` were sent, refused, and are not.
    assert_eq!(error.missing(), ["displayName", "email", "address.city"]);
    let invalid: Vec<&String> = error.invalid().keys().collect();
    assert_eq!(invalid, ["address.zip", "age"]);
    assert_eq!(error.code(), "forbidden_fields");
}

#[test]
fn only_an_object_is_read_and_then_nothing_is_missing() {
    for body in [&b"[]"[..], b"\"Eve\"", b"null", b"3"] {
        let error = from_json::<AccountNew>(body).unwrap_err();
        assert!(error.invalid().contains_key(""), "{error}");
        assert!(error.missing().is_empty(), "{error}");
    }
    let error = from_json::<AccountNew>(b"{\"displayName\":").unwrap_err();
    assert!(error.malformed().is_some());
    assert!(error.missing().is_empty());
}

#[test]
fn null_only_for_an_option_and_it_erases_nothing_on_creation() {
    let new = parse(json!({
        "displayName": "Eve", "email": "e@x.org", "bio": null, "billing": null,
        "address": {"city": "Oslo", "zip": null},
    }))
    .unwrap();
    // Clearing `billing` in a patch is refused (it would erase `billing.verified`); here there
    // is nothing yet to erase.
    assert!(new.billing.is_none() && new.bio.is_none());
    let error = parse(json!({
        "displayName": null, "email": "e@x.org", "age": null, "address": null,
    }))
    .unwrap_err();
    let invalid: Vec<&String> = error.invalid().keys().collect();
    assert_eq!(invalid, ["address", "age", "displayName"]);
    assert!(error.missing().is_empty(), "{error}");
}

#[test]
fn a_gated_field_needs_the_role_when_sent_and_the_model_is_not_made() {
    let new = parse(json!({
        "displayName": "Eve", "email": "e@x.org", "address": {"city": "Oslo"},
        "isAdmin": true, "plan": "gold",
    }))
    .unwrap();
    let error = new.clone().build_as(server(), USER).unwrap_err();
    assert_eq!(
        denied(&error),
        [("isAdmin", &["admin"][..]), ("plan", &["admin"][..])]
    );
    assert_eq!(error.code(), "role_required");
    assert!(error.invalid().is_empty(), "{error}");
    let account = new.build_as(server(), ADMIN).unwrap();
    assert!(account.is_admin);
    assert_eq!(account.plan.as_deref(), Some("gold"));
}

#[test]
fn validators_of_fields_sub_models_and_containers_all_report() {
    let new = parse(json!({
        "displayName": "", "email": "e@x.org", "age": 12, "isAdmin": true,
        "address": {"city": ""}, "billing": {"city": "Oslo", "zip": "Oslo 1"},
    }))
    .unwrap();
    let error = new.build_as(server(), ADMIN).unwrap_err();
    assert_eq!(
        invalid(&error),
        [
            ("", "an admin is an adult"),
            ("address.city", "must not be empty"),
            ("billing", "the zip code repeats the city"),
            ("displayName", "must not be empty"),
        ]
    );
}

#[test]
fn a_model_without_gated_fields_builds_without_an_identity() {
    let new: AddressNew = from_json(br#"{"city":"Oslo"}"#).unwrap();
    let address = new.build(AddressServerFields { verified: true }).unwrap();
    assert_eq!((address.city.as_str(), address.verified), ("Oslo", true));
    let new: AddressNew = from_json(br#"{"city":"Oslo","zip":"Oslo"}"#).unwrap();
    let error = new
        .build(AddressServerFields { verified: true })
        .unwrap_err();
    assert_eq!(error.invalid()[""], "the zip code repeats the city");
}

#[test]
fn serde_deserialize_gives_the_same_refusals_in_one_message() {
    let error = serde_json::from_str::<AccountNew>(r#"{"id":1}"#).unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("forbidden (server-only) fields: `id`"),
        "{message}"
    );
    assert!(
        message.contains("missing (required) fields: `displayName`, `email`, `address`"),
        "{message}"
    );
    let new: AddressNew = serde_json::from_str(r#"{"city":"Oslo"}"#).unwrap();
    assert_eq!(new.city, "Oslo");
}

#[test]
fn a_form_creates_as_json_does() {
    let new: AddressNew = from_form(b"city=Oslo&zip=").unwrap();
    assert_eq!((new.city.as_str(), new.zip.as_deref()), ("Oslo", None));
    let error = from_form::<AddressNew>(b"zip=1&verified=true").unwrap_err();
    assert_eq!(error.forbidden(), ["verified"]);
    assert_eq!(error.missing(), ["city"]);
}

/// What a sign-up sends besides the account's fields.
#[derive(SafeUpdate)]
#[update(create)]
pub struct SignUp {
    #[update(allow, redact, validate = long_enough)]
    pub password: String,
    #[update(allow)]
    pub invite: Option<String>,
}

fn long_enough(password: &str) -> Result<(), &'static str> {
    if password.len() >= 8 {
        Ok(())
    } else {
        Err("at least 8 characters")
    }
}

type SignUpBody = WithExtra<AccountNew, SignUpNew>;

#[test]
fn extra_inputs_are_read_from_the_same_object_with_the_same_refusals() {
    let body = json!({
        "displayName": "Eve", "email": "e@x.org", "address": {"city": "Oslo"},
        "password": "correct horse",
    });
    let WithExtra { new, extra } = from_json::<SignUpBody>(body.to_string().as_bytes()).unwrap();
    assert_eq!(new.display_name, "Eve");
    let extra = extra.build(SignUpServerFields {}).unwrap();
    assert_eq!(
        (extra.password.as_str(), extra.invite),
        ("correct horse", None)
    );

    let body =
        br#"{"password_hash":"x","passwordHash":"y","password":"a","password":"b","other":1}"#;
    let error = from_json::<SignUpBody>(body).unwrap_err();
    assert_eq!(error.forbidden(), ["password_hash", "passwordHash"]);
    assert_eq!(error.unknown(), ["other"]);
    assert_eq!(error.duplicate(), ["password"]);
    assert_eq!(error.missing(), ["displayName", "email", "address"]);
    let error = from_json::<SignUpBody>(br#"{"password":5,"invite":null}"#).unwrap_err();
    assert!(error.invalid().contains_key("password"), "{error}");
    assert_eq!(error.missing(), ["displayName", "email", "address"]);
}

#[test]
fn debug_of_an_input_hides_a_redacted_value() {
    let new: SignUpNew = from_json(br#"{"password":"hunter22"}"#).unwrap();
    let shown = format!("{new:?}");
    assert_eq!(shown, r#"SignUpNew { password: [redacted], invite: None }"#);
}

#[test]
fn the_built_model_is_what_the_models_own_serde_would_read() {
    // The input takes the model's wire names and aliases: the document that creates a model is
    // the model's own document without its server-only fields.
    let new = parse(json!({
        "displayName": "Eve", "mail": "e@x.org", "address": {"city": "Oslo"},
    }))
    .unwrap();
    let account = new.build_as(server(), &NoRoles).unwrap();
    assert_eq!(account.email, "e@x.org");
}

#[test]
fn the_schemas_require_one_spelling_of_a_required_field_and_merge_extra_inputs() {
    let schema = serde_json::to_value(schemars::schema_for!(SignUpBody)).unwrap();
    // `email` may be sent as `mail`: one of the two is required, not both.
    assert!(schema["allOf"]
        .as_array()
        .unwrap()
        .contains(&json!({"anyOf": [{"required": ["email"]}, {"required": ["mail"]}]})));
    assert_eq!(
        schema["required"],
        json!(["displayName", "address", "password"])
    );
    assert_eq!(schema["additionalProperties"], json!(false));
    let validator = jsonschema::validator_for(&schema).unwrap();
    for (document, valid) in [
        (
            json!({"displayName": "E", "mail": "e@x.org", "address": {"city": "Oslo"}, "password": "long enough"}),
            true,
        ),
        (
            json!({"displayName": "E", "email": "e@x.org", "address": {"city": "Oslo"}, "password": "long enough", "invite": null}),
            true,
        ),
        (
            json!({"displayName": "E", "address": {"city": "Oslo"}, "password": "long enough"}),
            false,
        ),
        (
            json!({"displayName": "E", "email": "e", "mail": "e", "address": {"city": "Oslo"}, "password": "long enough"}),
            false,
        ),
        (
            json!({"displayName": "E", "email": "e@x.org", "address": {"city": "Oslo"}}),
            false,
        ),
        (
            json!({"displayName": "E", "email": "e@x.org", "address": {"city": "Oslo"}, "password": "long enough", "passwordHash": "x"}),
            false,
        ),
    ] {
        assert_eq!(validator.is_valid(&document), valid, "{document}");
        let parsed = from_json::<SignUpBody>(document.to_string().as_bytes());
        assert_eq!(parsed.is_ok(), valid, "{document}: {:?}", parsed.err());
    }
}

/// The shapes not used above: defaulted sub-models, a field read through the model's own
/// function, a flattened server-only field, a raw identifier.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct Audit {
    pub by: String,
}

fn comma_separated<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let text = <String as serde::Deserialize>::deserialize(d)?;
    Ok(text.split(',').map(str::to_owned).collect())
}

fn comma_separated_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({ "type": "string" })
}

fn home() -> Address {
    Address {
        city: "Home".into(),
        zip: None,
        verified: true,
    }
}

#[derive(Debug, Clone, PartialEq, SafeUpdate)]
#[update(create)]
pub struct Shipment {
    #[update(nested, create_default = home())]
    pub from: Address,
    #[update(nested, create_default = Some(home()))]
    pub to: Option<Address>,
    #[update(allow, schema_with = comma_separated_schema)]
    #[serde(deserialize_with = "comma_separated")]
    pub tags: Vec<String>,
    #[update(allow)]
    pub r#type: String,
    #[update(server_only)]
    #[serde(flatten)]
    pub audit: Audit,
}

fn shipment_server() -> ShipmentServerFields {
    ShipmentServerFields {
        from: AddressServerFields { verified: false },
        to: AddressServerFields { verified: false },
        audit: Audit {
            by: "server".into(),
        },
    }
}

#[test]
fn defaulted_sub_models_functions_and_flattened_server_fields() {
    let new: ShipmentNew = from_json(br#"{"tags":"a,b","type":"box"}"#).unwrap();
    let shipment = new.build(shipment_server()).unwrap();
    assert_eq!(
        (shipment.from.clone(), shipment.to.clone()),
        (home(), Some(home()))
    );
    assert_eq!(shipment.tags, ["a", "b"]);
    assert_eq!(
        (shipment.r#type.as_str(), shipment.audit.by.as_str()),
        ("box", "server")
    );

    // Sent: created through the sub-model's input, with the server's `verified`.
    let body = br#"{"tags":"c","type":"crate","from":{"city":"A"},"to":null}"#;
    let shipment = from_json::<ShipmentNew>(body)
        .unwrap()
        .build(shipment_server())
        .unwrap();
    assert_eq!(
        (shipment.from.city.as_str(), shipment.from.verified),
        ("A", false)
    );
    assert_eq!(shipment.to, None);
    let body = br#"{"tags":"c","type":"crate","to":{"city":"B"}}"#;
    let shipment = from_json::<ShipmentNew>(body)
        .unwrap()
        .build(shipment_server())
        .unwrap();
    assert_eq!(shipment.to.map(|to| to.city), Some("B".into()));

    // The function refuses what it refuses; `null` for a defaulted non-`Option` sub-model is
    // refused; the flattened type's keys are not the input's.
    let error = from_json::<ShipmentNew>(br#"{"tags":5,"from":null,"by":"me"}"#).unwrap_err();
    let invalid: Vec<&String> = error.invalid().keys().collect();
    assert_eq!(invalid, ["from", "tags"]);
    assert_eq!(error.unknown(), ["by"]);
    assert_eq!(error.missing(), ["type"]);
    assert_eq!(ShipmentNew::REQUIRED, ["tags", "type"]);
}

/// serde's defaults are the creation defaults: a create input leaves out what the model's own
/// `Deserialize` lets a document leave out, and gives it the same value.
#[derive(Debug, Clone, PartialEq, SafeUpdate, serde::Deserialize)]
#[serde(default)]
#[update(create)]
pub struct Settings {
    #[update(allow)]
    pub theme: String,
    #[update(allow)]
    #[serde(default = "twelve")]
    pub font_size: u8,
    #[update(allow)]
    pub language: Option<String>,
    #[update(allow(role = "admin"))]
    pub beta: bool,
    #[update(allow, create_default = 3)]
    pub columns: u8,
    #[update(server_only)]
    pub owner: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            theme: "light".into(),
            font_size: 10,
            language: Some("en".into()),
            beta: false,
            columns: 1,
            owner: 0,
        }
    }
}

fn twelve() -> u8 {
    12
}

#[test]
fn serde_defaults_are_creation_defaults() {
    let server = || SettingsServerFields { owner: 9 };
    let built = from_json::<SettingsNew>(b"{}")
        .unwrap()
        .build_as(server(), &NoRoles)
        .unwrap();
    // The model's own serde reads `{}` to the same values (but the owner, which is the server's,
    // and `columns`, whose `create_default` says otherwise).
    let read: Settings = serde_json::from_str("{}").unwrap();
    assert_eq!((built.owner, built.columns), (9, 3));
    assert_eq!(
        Settings {
            owner: 9,
            columns: 3,
            ..read
        },
        built,
        "{built:?}"
    );
    assert_eq!(built.font_size, 12);
    assert_eq!(built.language.as_deref(), Some("en"));
    assert!(SettingsNew::REQUIRED.is_empty());
    // A gated field with serde's default needs no `create_default`, and still needs the role.
    let new = from_json::<SettingsNew>(br#"{"beta":true}"#).unwrap();
    let error = new.build_as(server(), &NoRoles).unwrap_err();
    assert_eq!(error.code(), "role_required");
    assert_eq!(denied(&error), [("beta", &["admin"][..])]);
    assert!(error.invalid().is_empty(), "{error}");
}

#[test]
fn an_input_serializes_to_the_document_that_reads_back_to_it() {
    for body in [
        json!({"displayName": "Eve", "email": "e@x.org", "address": {"city": "Oslo"}}),
        json!({
            "displayName": "Eve", "email": "e@x.org", "bio": "hi", "age": 30, "isAdmin": true,
            "plan": null, "address": {"city": "Oslo", "zip": "0150"}, "billing": {"city": "B"},
        }),
    ] {
        let new = parse(body.clone()).unwrap();
        let sent = serde_json::to_value(&new).unwrap();
        assert_eq!(sent, body);
        assert_eq!(parse(sent).unwrap(), new);
    }
}

/// A create input with an alias, for the extra inputs below.
#[derive(SafeUpdate)]
#[update(create)]
pub struct Contact {
    #[update(allow)]
    #[serde(alias = "mail")]
    pub email: String,
}

/// An optional field's validator sees the value the model will hold: `None` when left out.
#[derive(Debug, SafeUpdate)]
#[update(create)]
pub struct Badge {
    #[update(allow, validate = given)]
    pub label: Option<String>,
    #[update(allow, validate = given, create_default)]
    pub note: Option<String>,
}

fn given(value: &Option<String>) -> Result<(), &'static str> {
    value.as_ref().map(|_| ()).ok_or("required after all")
}

#[test]
fn an_optional_fields_validator_sees_none_and_a_default_is_not_validated() {
    let error = from_json::<BadgeNew>(b"{}")
        .unwrap()
        .build(BadgeServerFields {})
        .unwrap_err();
    // `label` is `None` and refused; `note` took its default, the server's own, unchecked.
    assert_eq!(error.invalid().keys().collect::<Vec<_>>(), ["label"]);
    let error = from_json::<BadgeNew>(br#"{"label":"x","note":null}"#)
        .unwrap()
        .build(BadgeServerFields {})
        .unwrap_err();
    assert_eq!(error.invalid().keys().collect::<Vec<_>>(), ["note"]);
    let badge = from_json::<BadgeNew>(br#"{"label":"x"}"#)
        .unwrap()
        .build(BadgeServerFields {})
        .unwrap();
    assert_eq!((badge.label.as_deref(), badge.note), (Some("x"), None));
}

/// Optional extra inputs, read as a patch.
#[derive(SafeUpdate)]
pub struct Newsletter {
    #[update(allow)]
    pub subscribe: Option<bool>,
}

#[test]
fn extra_inputs_may_be_a_patch_type_every_member_optional() {
    type Body = WithExtra<ContactNew, NewsletterPatch>;
    let WithExtra { new, extra } = from_json::<Body>(br#"{"email":"a@x.org"}"#).unwrap();
    assert_eq!((new.email.as_str(), extra.subscribe), ("a@x.org", None));
    let body = br#"{"email":"a@x.org","subscribe":null}"#;
    assert_eq!(from_json::<Body>(body).unwrap().extra.subscribe, Some(None));
    let error = from_json::<Body>(br#"{"subscribe":5}"#).unwrap_err();
    assert_eq!(error.missing(), ["email"]);
    assert!(error.invalid().contains_key("subscribe"));
}

mod gated_around_nested_inputs {
    //! A create input records which gated fields it set before the model is built, and the
    //! grants are asked of the built model in the same order: a nested input that is absent,
    //! present, or defaulted must not shift which field a later grant judges.

    use safe_update::{from_json, SafeUpdate};

    #[derive(Debug, SafeUpdate)]
    #[update(create)]
    struct Parcel {
        #[update(allow)]
        city: String,
        #[update(allow(role = "staff"), create_default)]
        priority: u8,
    }

    #[derive(Debug, SafeUpdate)]
    #[update(create)]
    struct Order {
        #[update(allow(role = "staff"), create_default)]
        rush: bool,
        #[update(nested)]
        first: Option<Parcel>,
        #[update(nested)]
        second: Parcel,
        #[update(allow(role = "staff"), create_default)]
        discount: u8,
    }

    fn denied(body: &str) -> Vec<String> {
        let new: OrderNew = from_json(body.as_bytes()).unwrap();
        let server = OrderServerFields {
            first: ParcelServerFields {},
            second: ParcelServerFields {},
        };
        match new.build_as(server, &safe_update::NoRoles) {
            Ok(_) => Vec::new(),
            Err(error) => error.denied().iter().map(|d| d.field.clone()).collect(),
        }
    }

    #[test]
    fn each_refusal_names_the_field_that_was_sent() {
        let second = r#""second":{"city":"b"}"#;
        assert_eq!(denied(&format!("{{{second}}}")), Vec::<String>::new());
        assert_eq!(
            denied(&format!(r#"{{{second},"discount":1}}"#)),
            ["discount"]
        );
        assert_eq!(denied(&format!(r#"{{{second},"rush":true}}"#)), ["rush"]);
        assert_eq!(
            denied(r#"{"second":{"city":"b","priority":1},"discount":1}"#),
            ["second.priority", "discount"]
        );
        assert_eq!(
            denied(r#"{"first":{"city":"a","priority":2},"second":{"city":"b"}}"#),
            ["first.priority"]
        );
        assert_eq!(
            denied(r#"{"first":{"city":"a"},"second":{"city":"b","priority":1},"rush":true}"#),
            ["rush", "second.priority"]
        );
        assert_eq!(
            denied(r#"{"first":null,"second":{"city":"b"},"discount":3}"#),
            ["discount"]
        );
    }
}
