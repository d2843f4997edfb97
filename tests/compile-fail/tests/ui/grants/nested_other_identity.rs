// A nested model is checked on behalf of its parent's sender, so it names the parent's
// identity, or none.
use safe_update::{Roles, SafeUpdate};

pub struct Claims {
    pub name: String,
}

impl Roles for Claims {
    fn has_role(&self, _: &str) -> bool {
        false
    }
}

pub struct Device {
    pub id: u64,
}

impl Roles for Device {
    fn has_role(&self, _: &str) -> bool {
        false
    }
}

fn is_device(who: &Device, settings: &Settings) -> bool {
    who.id == settings.device
}

#[derive(SafeUpdate)]
#[update(identity = Device)]
pub struct Settings {
    #[update(server_only)]
    pub device: u64,
    #[update(allow(when = is_device))]
    pub volume: u8,
}

fn is_owner(who: &Claims, user: &User) -> bool {
    who.name == user.name
}

#[derive(SafeUpdate)]
#[update(identity = Claims)]
pub struct User {
    #[update(server_only)]
    pub name: String,
    #[update(allow(when = is_owner))]
    pub bio: String,
    #[update(nested)]
    pub settings: Settings,
}

fn main() {}
