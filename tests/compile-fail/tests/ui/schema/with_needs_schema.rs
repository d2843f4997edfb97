use safe_update::SafeUpdate;

fn comma_separated<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let text: String = serde::Deserialize::deserialize(d)?;
    Ok(text.split(',').map(str::to_owned).collect())
}

// Read from "a,b,c": `Vec<String>`'s own schema (an array) would describe the wrong document.
// The derive compiles (with or without the `schemars` feature); asking for the schema fails,
// naming the field.
#[derive(SafeUpdate)]
pub struct User {
    #[update(allow)]
    #[serde(deserialize_with = "comma_separated")]
    pub tags: Vec<String>,
}

fn main() {
    let _ = schemars::schema_for!(UserPatch);
}
