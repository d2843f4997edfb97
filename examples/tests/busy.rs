//! A new password that finds every argon2 slot taken is answered as a login would be: 503
//! `authentication_busy` with `Retry-After`, never a 500.

use safe_update::auth::{AuthError, HashError};
use safe_update::web::{AuthFailure, AuthRejection};
use safe_update_demo::error::ApiError;

#[test]
fn a_busy_hash_is_503_authentication_busy_with_retry_after() {
    let problem = ApiError::from(HashError::Busy).problem();
    assert_eq!(
        (problem.status(), problem.code()),
        (503, "authentication_busy")
    );
    assert_eq!(problem.headers(), [("retry-after", "1".to_owned())]);
    // The very answer of a login refused for the same reason.
    let login = AuthRejection::new(AuthFailure::Auth(AuthError::Busy), None).problem();
    assert_eq!(problem, login);
    // A failure of the machine is still a 500.
    let broken = ApiError::from(HashError::Random).problem();
    assert_eq!((broken.status(), broken.code()), (500, "internal_error"));
}
