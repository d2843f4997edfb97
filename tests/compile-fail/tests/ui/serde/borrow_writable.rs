use std::borrow::Cow;

use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
pub struct User<'a> {
    #[update(allow)]
    #[serde(borrow)]
    pub name: Cow<'a, str>,
}

fn main() {}
