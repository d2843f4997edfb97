use safe_update::SafeUpdate;

#[derive(Clone, SafeUpdate)]
#[update(view)]
#[serde(into = "String")]
pub struct User {
    #[update(allow)]
    pub name: String,
}

impl From<User> for String {
    fn from(user: User) -> String {
        user.name
    }
}

fn main() {}
