use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
pub struct Limits {
    #[update(allow(role = "admin"))]
    pub quota: u32,
}

#[derive(SafeUpdate)]
pub struct Account {
    #[update(allow)]
    pub name: String,
    #[update(nested)]
    pub limits: Limits,
}

fn main() {
    let mut account = Account { name: String::new(), limits: Limits { quota: 1 } };
    let _ = AccountPatch::default().apply(&mut account);
}
