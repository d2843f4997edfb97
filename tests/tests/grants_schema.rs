//! The JSON Schema of a patch marks a field with conditions or value rules as it marks a
//! role-gated one: `x-safe-update-grants` lists every grant (its roles, `when` and `change`
//! rules by the names written), where a field gated by roles alone keeps
//! `x-safe-update-roles`. The schema cannot say whether a rule admits a sender; it says which
//! rules decide.

use safe_update::{Roles, SafeUpdate};
use serde_json::{json, Value};

struct Claims {
    name: String,
}

impl Roles for Claims {
    fn has_role(&self, _: &str) -> bool {
        false
    }
}

mod rules {
    pub fn is_owner(who: &super::Claims, item: &super::Item) -> bool {
        who.name == item.owner
    }

    pub fn grows(_: &super::Claims, old: Option<&u32>, new: &u32) -> bool {
        old.is_none_or(|old| new >= old)
    }
}

#[derive(SafeUpdate)]
#[update(identity = Claims, create)]
struct Item {
    #[update(server_only)]
    owner: String,
    #[update(allow(when = rules::is_owner), allow(role = "admin", role = "staff"))]
    name: String,
    #[update(allow(when = rules::is_owner, change = rules::grows), create_default)]
    stock: u32,
    #[update(allow(role = "admin"), create_default)]
    hidden: bool,
}

fn properties<S: schemars::JsonSchema>() -> Value {
    serde_json::to_value(schemars::schema_for!(S)).unwrap()["properties"].clone()
}

#[test]
fn fields_with_rules_list_every_grant_role_gated_ones_their_roles() {
    for properties in [properties::<ItemPatch>(), properties::<ItemNew>()] {
        assert_eq!(
            properties["name"]["x-safe-update-grants"],
            json!([
                { "roles": [], "when": ["rules::is_owner"], "change": [] },
                { "roles": ["admin", "staff"], "when": [], "change": [] },
            ])
        );
        assert!(properties["name"].get("x-safe-update-roles").is_none());
        assert_eq!(
            properties["stock"]["x-safe-update-grants"],
            json!([{ "roles": [], "when": ["rules::is_owner"], "change": ["rules::grows"] }])
        );
        assert!(properties["stock"]["description"]
            .as_str()
            .unwrap()
            .contains("x-safe-update-grants"));
        assert_eq!(
            properties["hidden"]["x-safe-update-roles"],
            json!(["admin"])
        );
        assert!(properties["hidden"].get("x-safe-update-grants").is_none());
    }
}

#[test]
fn the_rules_named_in_the_schema_are_the_ones_that_decide() {
    let mut item = Item {
        owner: "ann".into(),
        name: "cup".into(),
        stock: 3,
        hidden: false,
    };
    let patch: ItemPatch = safe_update::from_json(br#"{"stock":2}"#).unwrap();
    let refused = patch
        .apply_as(&mut item, &Claims { name: "ann".into() })
        .unwrap_err();
    assert_eq!(refused.denied()[0].rules[0].rule, "rules::grows");
    assert_eq!(item.stock, 3);
}
