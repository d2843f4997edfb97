//! `#[update(crate = "...")]` finds the runtime crate under another path.

mod elsewhere {
    pub use ::safe_update as renamed;
}

use elsewhere::renamed::SafeUpdate;

#[derive(SafeUpdate)]
#[update(crate = "elsewhere::renamed")]
struct Note {
    #[update(allow)]
    text: String,
    #[update(server_only)]
    author: String,
}

#[test]
fn a_renamed_crate_path_works() {
    let mut note = Note {
        text: "a".into(),
        author: "eve".into(),
    };
    let patch: NotePatch = elsewhere::renamed::from_json(br#"{"text":"b"}"#).unwrap();
    patch.apply(&mut note).unwrap();
    assert_eq!((note.text.as_str(), note.author.as_str()), ("b", "eve"));
}
