use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
pub struct User {
    #[update(allow)]
    #[serde(with = "trimmed", deserialize_with = "trimmed::deserialize")]
    pub name: String,
}

mod trimmed {
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        <String as serde::Deserialize>::deserialize(d).map(|s| s.trim().to_owned())
    }
}

fn main() {}
