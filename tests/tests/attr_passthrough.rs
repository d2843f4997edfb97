//! `#[update(attr(...))]` puts attributes on the generated patch type.

use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
#[update(name = "ItemChanges", attr(derive(Hash, Eq)), attr(must_use))]
struct Item {
    #[update(allow)]
    label: String,
}

#[test]
fn attributes_reach_the_patch_type() {
    fn hash<T: std::hash::Hash + Eq>(_: &T) {}
    let patch = ItemChanges {
        label: Some("a".into()),
    };
    hash(&patch);
    let mut item = Item {
        label: String::new(),
    };
    patch.apply(&mut item).unwrap();
    assert_eq!(item.label, "a");
}
