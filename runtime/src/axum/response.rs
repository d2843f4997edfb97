//! Rejections as axum responses: each one's [`Problem`], rendered as `application/problem+json`
//! with its headers.

use axum::http::header::{HeaderName, HeaderValue, CONTENT_TYPE};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::auth::MissingRole;
use crate::web::{AuthRejection, PatchRejection, Problem, PROBLEM_JSON};

/// A [`Problem`] as an axum response.
pub fn respond(problem: &Problem) -> Response {
    let status =
        StatusCode::from_u16(problem.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, problem.to_json()).into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    for (name, value) in problem.headers() {
        // Names are lower-case constants and values come from the server: both valid.
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            headers.insert(name, value);
        }
    }
    response
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        respond(&self)
    }
}

macro_rules! problem_response {
    ($($rejection:ty),*) => {
        $(
            impl IntoResponse for $rejection {
                fn into_response(self) -> Response {
                    respond(&self.problem())
                }
            }
        )*
    };
}

problem_response!(AuthRejection, PatchRejection, MissingRole);
