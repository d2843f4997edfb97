// `bound` replaces the inferred bounds, and the impls carry exactly what it says: asking
// `T: Clone` of a parameter that the patch does not need to clone still makes a type without
// `Clone` unusable, and the error names the missing trait and the bound that asked for it.
use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
#[update(bound = "T: serde::de::DeserializeOwned + PartialEq + Clone")]
pub struct Holder<T> {
    #[update(allow)]
    pub value: T,
}

/// Everything the patch needs (`Deserialize`, `PartialEq`), but not `Clone`.
#[derive(serde::Deserialize, PartialEq)]
pub struct Opaque(u32);

fn main() {
    let mut holder = Holder { value: Opaque(1) };
    let patch = HolderPatch::<Opaque> {
        value: Some(Opaque(2)),
    };
    patch.apply(&mut holder).unwrap();
}
