//! `#[update(allow, create_only)]`: a field the create input sets and a patch refuses, such as
//! a user name chosen at sign-up. In a patch it is forbidden by every spelling, as a
//! server-only field is, and no member of the patch type; in the create input it is read
//! with the patch's fields from one object, with every refusal listed at once.

use safe_update::{from_json, Patch, SafeUpdate, WithExtra};

fn no_space(name: &str) -> Result<(), &'static str> {
    if name.contains(' ') {
        Err("no spaces")
    } else {
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, SafeUpdate)]
#[update(create)]
#[serde(rename_all = "camelCase")]
struct Account {
    #[update(server_only)]
    id: u64,
    #[update(allow, create_only, validate = no_space)]
    #[serde(alias = "login")]
    user_name: String,
    #[update(allow)]
    display_name: String,
    #[update(allow(role = "admin"), create_only, create_default)]
    is_admin: bool,
}

#[derive(SafeUpdate)]
#[update(create)]
struct Password {
    #[update(allow, redact)]
    password: String,
}

#[test]
fn a_patch_refuses_it_by_every_spelling() {
    for key in ["userName", "login", "user_name", "isAdmin", "is_admin"] {
        let body = format!(r#"{{"{key}":"x","displayName":"Al"}}"#);
        let error = from_json::<AccountPatch>(body.as_bytes()).unwrap_err();
        assert_eq!(error.forbidden(), [key], "{body}");
    }
    assert_eq!(AccountPatch::SERVER_ONLY, ["id", "userName", "isAdmin"]);
    assert_eq!(AccountPatch::WRITABLE, ["displayName"]);
    // Not a member of the patch: `AccountPatch { user_name: ..., .. }` does not compile
    // (tests/compile-fail), and the Deserialize impl refuses it too.
    let error = serde_json::from_str::<AccountPatch>(r#"{"userName":"x"}"#).unwrap_err();
    assert!(error.to_string().contains("`userName`"), "{error}");
}

#[test]
fn the_create_input_sets_it_with_every_refusal_listed() {
    let new: AccountNew = from_json(br#"{"login":"al","displayName":"Al"}"#).unwrap();
    let account = new
        .build_as(AccountServerFields { id: 1 }, &safe_update::NoRoles)
        .unwrap();
    assert_eq!(
        (account.user_name.as_str(), account.is_admin),
        ("al", false)
    );

    let error =
        from_json::<AccountNew>(br#"{"id":2,"userName":"a","login":"b","x":1}"#).unwrap_err();
    assert_eq!(error.forbidden(), ["id"]);
    assert_eq!(error.unknown(), ["x"]);
    assert_eq!(error.duplicate(), ["userName"]); // by its wire name, as a patch reports it
    assert_eq!(error.missing(), ["displayName"]);

    let error = from_json::<AccountNew>(br#"{"displayName":"Al"}"#).unwrap_err();
    assert_eq!(error.missing(), ["userName"]);
    let error = from_json::<AccountNew>(br#"{"userName":1,"displayName":"Al"}"#).unwrap_err();
    assert!(error.invalid().contains_key("userName"), "{error}");
}

#[test]
fn its_validator_and_grants_run_on_create() {
    let new: AccountNew = from_json(br#"{"userName":"a b","displayName":"Al"}"#).unwrap();
    let error = new
        .build_as(AccountServerFields { id: 1 }, &safe_update::NoRoles)
        .unwrap_err();
    assert_eq!(error.invalid()["userName"], "no spaces");

    let body = br#"{"userName":"al","displayName":"Al","isAdmin":true}"#;
    let new: AccountNew = from_json(body).unwrap();
    let error = new
        .clone()
        .build_as(AccountServerFields { id: 1 }, &safe_update::NoRoles)
        .unwrap_err();
    assert_eq!(error.denied()[0].field, "isAdmin");
    let admin = new
        .build_as(AccountServerFields { id: 1 }, &["admin"][..])
        .unwrap();
    assert!(admin.is_admin);
}

#[test]
fn the_serde_deserialize_of_the_create_input_reads_it_too() {
    let new: AccountNew = serde_json::from_str(r#"{"userName":"al","displayName":"Al"}"#).unwrap();
    assert_eq!(new.user_name, "al");
    let error = serde_json::from_str::<AccountNew>(r#"{"displayName":"Al"}"#).unwrap_err();
    assert!(error.to_string().contains("userName"), "{error}");
}

#[test]
fn with_extra_inputs_from_one_object() {
    type SignUp = WithExtra<AccountNew, PasswordNew>;
    let WithExtra { new, extra } =
        from_json::<SignUp>(br#"{"userName":"al","displayName":"Al","password":"pw"}"#).unwrap();
    assert_eq!(
        (new.user_name.as_str(), extra.password.as_str()),
        ("al", "pw")
    );
    let error = from_json::<SignUp>(br#"{"id":1,"password":"pw"}"#).unwrap_err();
    assert_eq!(error.forbidden(), ["id"]);
    assert_eq!(error.missing(), ["userName", "displayName"]);
}

#[test]
fn the_policy_and_the_schemas_say_so() {
    let policy = Account::policy();
    let user_name = policy
        .fields
        .iter()
        .find(|f| f.field == "user_name")
        .unwrap();
    assert!(user_name.create_only);
    let table = safe_update::policy::markdown(&[policy]);
    assert!(
        table.contains("| `Account` | `user_name` | `userName`, `login` | anyone, at creation only | refused |"),
        "{table}"
    );
    let patch = serde_json::to_value(schemars::schema_for!(AccountPatch)).unwrap();
    assert!(patch["properties"].get("userName").is_none());
    let new = serde_json::to_value(schemars::schema_for!(AccountNew)).unwrap();
    assert!(new["properties"].get("userName").is_some());
    // Required, by one of its two names.
    assert!(
        new.to_string()
            .contains(r#"{"anyOf":[{"required":["userName"]},{"required":["login"]}]}"#),
        "{new}"
    );
}

#[test]
fn a_form_sets_it_on_create_and_is_refused_it_in_a_patch() {
    let new: AccountNew = safe_update::from_form(b"userName=al&displayName=Al").unwrap();
    assert_eq!(new.user_name, "al");
    for key in ["userName", "login", "user_name"] {
        let body = format!("{key}=root&displayName=Al");
        let error = safe_update::from_form::<AccountPatch>(body.as_bytes()).unwrap_err();
        assert_eq!(error.forbidden(), [key], "{body}");
    }
    let error =
        safe_update::from_form::<AccountNew>(b"userName=a&login=b&displayName=Al").unwrap_err();
    assert_eq!(error.duplicate(), ["userName"]);
}
