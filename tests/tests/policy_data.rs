//! `SafeUpdate::policy`: the write policy as data says what the attributes say (wire names
//! after serde's renames, aliases, roles, `null`, nested models, flattened fields), and, field
//! by field, what the patch then does with a document: the table a reviewer reads is the
//! behaviour, not a second description of it.

use safe_update::policy::{markdown, FieldPolicy, ModelPolicy, Null, Write};
use safe_update::{from_json, SafeUpdate};
use safe_update_tests::fixtures::address::Address;
use serde::Deserialize;
use serde_json::{json, Value};

// `Address`: a sub-model with a server-only and a role-gated field, clearing it erases them.

/// A sub-model with nothing protected: clearing it erases nothing a sender could not write.
#[derive(Debug, Clone, PartialEq, SafeUpdate)]
struct Note {
    #[update(allow)]
    text: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Audit {
    by: String,
}

#[derive(Debug, Clone, PartialEq, SafeUpdate)]
#[serde(rename_all = "camelCase")]
struct Profile {
    #[update(allow)]
    #[serde(alias = "name")]
    display_name: String,
    #[update(allow)]
    bio: Option<String>,
    #[update(allow(role = "admin", role = "support"))]
    is_verified: bool,
    #[update(server_only)]
    password_hash: String,
    #[update(nested)]
    home: Address,
    /// Without `clear`: guarded, since `Address` protects fields.
    #[update(nested)]
    billing: Option<Address>,
    #[update(nested, clear(role = "admin"))]
    shipping: Option<Address>,
    /// Without `clear`, but `Note` protects nothing: `null` clears it.
    #[update(nested)]
    note: Option<Note>,
    #[update(server_only)]
    #[serde(flatten)]
    audit: Audit,
}

fn profile() -> Profile {
    let address = Address {
        city: "Bern".into(),
        verified: true,
        geocode: None,
    };
    Profile {
        display_name: "Eve".into(),
        bio: Some("hi".into()),
        is_verified: false,
        password_hash: "$argon2id$...".into(),
        home: address.clone(),
        billing: Some(address.clone()),
        shipping: Some(address),
        note: Some(Note { text: "n".into() }),
        audit: Audit {
            by: "server".into(),
        },
    }
}

fn field<'a>(policy: &'a ModelPolicy, name: &str) -> &'a FieldPolicy {
    policy
        .fields
        .iter()
        .find(|field| field.field == name)
        .unwrap_or_else(|| panic!("no field {name} in {policy:?}"))
}

#[test]
fn the_policy_says_what_the_attributes_say() {
    let policy = Profile::policy();
    assert_eq!(policy.model, "Profile");
    let order: Vec<&str> = policy.fields.iter().map(|field| field.field).collect();
    assert_eq!(
        order,
        [
            "display_name",
            "bio",
            "is_verified",
            "password_hash",
            "home",
            "billing",
            "shipping",
            "note",
            "audit"
        ]
    );
    let display_name = field(&policy, "display_name");
    assert_eq!(display_name.names, ["displayName", "name"]);
    assert_eq!(display_name.write, Write::Anyone);
    assert_eq!(display_name.null, Null::Refused);
    assert_eq!(field(&policy, "bio").null, Null::Clears);
    match &field(&policy, "is_verified").write {
        Write::Grants { grants: [grant] } => {
            assert_eq!(grant.roles, ["admin", "support"]);
            assert!(grant.when.is_empty() && grant.change.is_empty());
        }
        other => panic!("one grant of roles expected, found {other:?}"),
    }
    // A server-only field's Rust name is refused too, so it is listed.
    let password_hash = field(&policy, "password_hash");
    assert_eq!(password_hash.names, ["passwordHash", "password_hash"]);
    assert_eq!(password_hash.write, Write::ServerOnly);
    assert_eq!(field(&policy, "home").null, Null::Refused);
    assert_eq!(field(&policy, "billing").null, Null::Guarded);
    assert_eq!(
        field(&policy, "shipping").null,
        Null::ClearsWithRoles { roles: &["admin"] }
    );
    assert_eq!(field(&policy, "note").null, Null::Clears);
    let audit = field(&policy, "audit");
    assert!(audit.names.is_empty());
    assert_eq!(audit.write, Write::ServerOnly);
    // A nested field carries its sub-model's own policy.
    let home = field(&policy, "home").nested.as_deref().unwrap();
    assert_eq!(*home, Address::policy());
    assert_eq!(field(home, "verified").write, Write::ServerOnly);
    assert!(field(&policy, "display_name").nested.is_none());
}

/// The key a document uses for `field`, and a value of the field's type.
fn sample(field: &str) -> (&'static str, Value) {
    match field {
        "display_name" => ("displayName", json!("Ada")),
        "bio" => ("bio", json!("new")),
        "is_verified" => ("isVerified", json!(true)),
        "password_hash" => ("passwordHash", json!("x")),
        "home" => ("home", json!({"city": "Oslo"})),
        "billing" => ("billing", json!({"city": "Oslo"})),
        "shipping" => ("shipping", json!({"city": "Oslo"})),
        "note" => ("note", json!({"text": "m"})),
        other => panic!("no sample for {other}"),
    }
}

/// What happened to one document: refused while reading (a forbidden key, an unknown key, a
/// value the field does not take), refused while applying (a role), or applied.
#[derive(Debug, PartialEq)]
enum Outcome {
    Forbidden,
    Unknown,
    Invalid,
    Denied,
    Applied,
}

/// Sends `document` as `roles` to a fresh profile: what happened. A refusal leaves the profile
/// as it was; the patch's serde `Deserialize` takes the document exactly when `from_json` does.
fn send(document: &Value, roles: &[&str]) -> Outcome {
    let text = document.to_string();
    let read = from_json::<ProfilePatch>(text.as_bytes());
    assert_eq!(
        serde_json::from_str::<ProfilePatch>(&text).is_ok(),
        read.is_ok(),
        "{document}: from_json and Deserialize disagree"
    );
    let patch = match read {
        Ok(patch) => patch,
        Err(error) if !error.forbidden().is_empty() => return Outcome::Forbidden,
        Err(error) if !error.unknown().is_empty() => return Outcome::Unknown,
        Err(error) if !error.invalid().is_empty() => return Outcome::Invalid,
        Err(error) => panic!("{document}: {error:?}"),
    };
    let mut target = profile();
    match patch.apply_as(&mut target, roles) {
        Ok(applied) => {
            assert!(
                applied.has_changes(),
                "{document}: applied, nothing changed"
            );
            Outcome::Applied
        }
        Err(error) if !error.denied().is_empty() => {
            assert_eq!(target, profile(), "{document}: refused, yet written");
            Outcome::Denied
        }
        Err(error) => panic!("{document}: {error:?}"),
    }
}

/// Every field of the policy, sent with a value and with `null`, without roles and with each
/// role the policy names: the outcome is the one the policy predicts.
#[test]
fn each_field_is_written_as_its_policy_says() {
    let policy = Profile::policy();
    for field in policy.fields.iter().filter(|field| !field.names.is_empty()) {
        let (key, value) = sample(field.field);
        assert!(field.names.contains(&key), "{key} not in {:?}", field.names);
        // This model's grants ask for roles only: one grant, any of its roles.
        let roles: &[&str] = match field.write {
            Write::Grants { grants: [grant] } => grant.roles,
            _ => &[],
        };
        let value_document = json!({ key: value });
        let expected = match field.write {
            Write::ServerOnly => Outcome::Forbidden,
            Write::Anyone => Outcome::Applied,
            Write::Grants { .. } => Outcome::Denied,
            ref other => panic!("a write rule this test does not know: {other:?}"),
        };
        assert_eq!(send(&value_document, &[]), expected, "{value_document}");
        for role in roles {
            assert_eq!(send(&value_document, &[role]), Outcome::Applied, "{role}");
        }
        if field.write == Write::ServerOnly {
            continue;
        }
        let null_document = json!({ key: null });
        let (without_roles, clear_roles): (Outcome, &[&str]) = match field.null {
            Null::Refused | Null::Guarded => (Outcome::Invalid, &[]),
            Null::Clears if roles.is_empty() => (Outcome::Applied, &[]),
            Null::Clears => (Outcome::Denied, roles),
            Null::ClearsWithRoles { roles } => (Outcome::Denied, roles),
            ref other => panic!("a null rule this test does not know: {other:?}"),
        };
        assert_eq!(send(&null_document, &[]), without_roles, "{null_document}");
        for role in clear_roles {
            assert_eq!(send(&null_document, &[role]), Outcome::Applied, "{role}");
        }
    }
    // The flattened field has no key of its own, and its type does not derive `SafeUpdate`:
    // its member is an unknown key.
    assert_eq!(send(&json!({"by": "me"}), &[]), Outcome::Unknown);
}

#[test]
fn the_table_names_every_field_nested_ones_by_path() {
    let table = markdown(&[Profile::policy()]);
    for row in [
        "| `Profile` | `display_name` | `displayName`, `name` | anyone | refused |",
        "| `Profile` | `is_verified` | `isVerified` | any of the roles `admin`, `support` | refused |",
        "| `Profile` | `password_hash` | `passwordHash`, `password_hash` | the server only | refused |",
        "| `Profile` | `billing` | `billing` | anyone | refused (it would erase protected fields) |",
        "| `Profile` | `billing.verified` | `billing.verified` | the server only | refused |",
        "| `Profile` | `shipping.geocode` | `shipping.geocode` | role `admin` | clears the field |",
        "| `Profile` | `note` | `note` | anyone | clears the field |",
    ] {
        assert!(table.lines().any(|line| line == row), "{row}\nnot in\n{table}");
    }
    // A row per field, the nested ones' too: 9 + 3 × 3 + 1, and the header's two lines.
    assert_eq!(table.lines().count(), 2 + 9 + 3 * 3 + 1);
}

#[test]
fn the_json_is_the_policy_s_fields() {
    let json = serde_json::to_value(Profile::policy()).unwrap();
    assert_eq!(json["model"], "Profile");
    assert_eq!(
        json["fields"][2],
        json!({
            "field": "is_verified",
            "names": ["isVerified"],
            "write": {
                "kind": "grants",
                "grants": [{"roles": ["admin", "support"], "when": [], "change": []}],
            },
            "create_only": false,
            "read": null,
            "null": {"kind": "refused"},
            "nested": null,
        })
    );
    assert_eq!(
        json["fields"][6]["null"],
        json!({"kind": "clears_with_roles", "roles": ["admin"]})
    );
    assert_eq!(json["fields"][4]["nested"]["model"], "Address");
}

/// A generic model has a policy too, named without its arguments.
#[test]
fn generic_models_have_a_policy() {
    #[derive(SafeUpdate)]
    struct Holder<T> {
        #[update(allow)]
        value: T,
    }
    let policy = Holder::<u8>::policy();
    assert_eq!(policy.model, "Holder");
    assert_eq!(field(&policy, "value").write, Write::Anyone);
}
