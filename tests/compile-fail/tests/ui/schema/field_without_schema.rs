use safe_update::SafeUpdate;

// A field type with no JSON Schema: the patch has none either, and asking for it says why.
#[derive(serde::Deserialize, PartialEq)]
pub struct Color(u8, u8, u8);

#[derive(SafeUpdate)]
pub struct Theme {
    #[update(allow)]
    pub accent: Color,
}

fn main() {
    let _ = schemars::schema_for!(ThemePatch);
}
