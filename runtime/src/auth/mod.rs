//! Basic Auth identities (RFC 7617): credentials, roles, password verification.
