use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
#[update(view)]
pub struct Account {
    #[update(allow)]
    pub name: String,
    #[update(server_only, secret)]
    pub password_hash: String,
}

// A hand-written OpenAPI schema: the derive cannot see whether it leaves the secret out.
impl utoipa::PartialSchema for Account {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new().into()
    }
}

impl utoipa::ToSchema for Account {}

fn main() {}
