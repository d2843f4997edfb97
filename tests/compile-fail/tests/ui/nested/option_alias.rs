use safe_update::SafeUpdate;

type MaybeText = Option<String>;

// `null` clears an `Option` field, which the derive recognises by how the type is written:
// behind an alias it would not, so the field is refused rather than read another way.
#[derive(SafeUpdate)]
pub struct User {
    #[update(allow)]
    pub bio: MaybeText,
}

fn main() {}
