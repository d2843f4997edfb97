use safe_update::SafeUpdate;

fn is_self(_: &safe_update::AnyRoles, _: &User) -> bool {
    true
}

#[derive(SafeUpdate)]
#[update(view)]
pub struct User {
    #[update(allow, read(when = is_self))]
    pub email: String,
}

fn main() {}
