//! Fuzzes `Credentials::from_header_bytes`: never panics, and whatever it accepts survives a
//! round trip through `to_header_value` unchanged and holds no control character.
#![no_main]
#![forbid(unsafe_code)]

use libfuzzer_sys::fuzz_target;
use safe_update::auth::Credentials;

fuzz_target!(|data: &[u8]| {
    let Ok(credentials) = Credentials::from_header_bytes(data) else {
        return;
    };
    let user = credentials.user_id();
    let password = credentials.password().expose();
    assert!(!user.contains(':'), "a user-id never holds the separator");
    assert!(
        !user.chars().chain(password.chars()).any(char::is_control),
        "control characters are refused"
    );
    let header = credentials.to_header_value();
    let again = Credentials::parse(&header).expect("a produced header parses");
    assert_eq!(again.user_id(), user);
    assert_eq!(again.password().expose(), password);
});
