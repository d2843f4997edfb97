use safe_update::SafeUpdate;

fn never(_: &safe_update::AnyRoles, _: Option<&String>, _: &String) -> bool {
    false
}

#[derive(SafeUpdate)]
#[update(view)]
pub struct User {
    #[update(allow, read(change = never))]
    pub name: String,
}

fn main() {}
