use safe_update::SafeUpdate;

pub struct User {
    pub name: String,
    pub password_hash: String,
}

// A hand-written schema: the derive cannot see whether it leaves the secret out.
impl schemars::JsonSchema for User {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "User".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "object" })
    }
}

#[derive(SafeUpdate)]
#[update(view)]
pub struct Account {
    #[update(allow)]
    pub name: String,
    #[update(server_only, secret)]
    pub password_hash: String,
}

impl schemars::JsonSchema for Account {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Account".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "object" })
    }
}

fn main() {
    let _ = User { name: String::new(), password_hash: String::new() };
}
