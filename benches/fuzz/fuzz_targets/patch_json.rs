//! Fuzzes `from_json` and `apply_as` on a model with renamed, aliased, server-only,
//! role-gated and nested fields: never panics, and no accepted document ever writes a
//! server-only field, or a role-gated one for a caller without the role. An apply that fails
//! leaves the target unchanged.
#![no_main]
#![forbid(unsafe_code)]

use libfuzzer_sys::fuzz_target;
use safe_update::{from_json, Roles, SafeUpdate};

// The same `Address` as `tests/tests/nested.rs`, copied rather than taken from the tests
// crate's fixtures: that library pulls actix-web, axum and tokio into every instrumented build.
#[derive(Debug, Clone, PartialEq, SafeUpdate)]
struct Address {
    #[update(allow)]
    city: String,
    #[update(allow)]
    zip: Option<String>,
    #[update(server_only)]
    verified: bool,
    #[update(allow(role = "admin"))]
    geocode: Option<String>,
}

#[derive(Debug, Clone, PartialEq, SafeUpdate)]
#[serde(rename_all = "camelCase")]
struct Account {
    #[update(server_only)]
    id: u64,
    #[update(allow)]
    display_name: String,
    #[update(allow)]
    #[serde(alias = "about")]
    bio: Option<String>,
    #[update(allow)]
    age: u8,
    #[update(allow)]
    tags: Vec<String>,
    #[update(allow(role = "admin"))]
    is_admin: bool,
    #[update(server_only)]
    #[serde(alias = "hash")]
    password_hash: String,
    #[update(nested)]
    address: Address,
    #[update(nested)]
    billing: Option<Address>,
}

struct Who(bool);

impl Roles for Who {
    fn has_role(&self, role: &str) -> bool {
        self.0 && role == "admin"
    }
}

fn account() -> Account {
    let address = Address {
        city: "Oxford".into(),
        zip: None,
        verified: true,
        geocode: Some("51.75,-1.25".into()),
    };
    Account {
        id: 7,
        display_name: "Alice".into(),
        bio: None,
        age: 30,
        tags: vec![],
        is_admin: false,
        password_hash: "$argon2id$v=19$...".into(),
        address: address.clone(),
        billing: Some(address),
    }
}

fuzz_target!(|data: &[u8]| {
    for admin in [false, true] {
        let Ok(patch) = from_json::<AccountPatch>(data) else {
            return;
        };
        let before = account();
        let mut target = before.clone();
        match patch.apply_as(&mut target, &Who(admin)) {
            Err(_) => assert_eq!(target, before, "a refused patch writes nothing"),
            Ok(_) => {
                assert_eq!(target.id, before.id);
                assert_eq!(target.password_hash, before.password_hash);
                assert_eq!(target.address.verified, before.address.verified);
                if let Some(billing) = &target.billing {
                    assert!(billing.verified, "server-only nested field written");
                }
                if !admin {
                    assert_eq!(target.is_admin, before.is_admin);
                    assert_eq!(target.address.geocode, before.address.geocode);
                    if let Some(billing) = &target.billing {
                        assert_eq!(billing.geocode, before.address.geocode);
                    }
                }
            }
        }
    }
});
