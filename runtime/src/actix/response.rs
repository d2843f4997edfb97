//! Rejections as actix responses: each one's [`Problem`], rendered as `application/problem+json`
//! with its headers.

use actix_web::http::header::{HeaderName, HeaderValue, CONTENT_TYPE};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

use crate::auth::MissingRole;
use crate::web::{AuthRejection, PatchRejection, Problem, PROBLEM_JSON};

/// A [`Problem`] as an actix response.
pub fn respond(problem: &Problem) -> HttpResponse {
    let status =
        StatusCode::from_u16(problem.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = HttpResponse::build(status);
    response.insert_header((CONTENT_TYPE, PROBLEM_JSON));
    for (name, value) in problem.headers() {
        if *name == "connection" && value == "close" {
            // actix writes the header itself, and then closes the connection.
            response.force_close();
            continue;
        }
        // Names are lower-case constants and values come from the server: both valid.
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            response.insert_header((name, value));
        }
    }
    response.body(problem.to_json())
}

macro_rules! problem_response {
    ($($rejection:ty),*) => {
        $(
            impl ResponseError for $rejection {
                fn status_code(&self) -> StatusCode {
                    StatusCode::from_u16(self.problem().status())
                        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
                }

                fn error_response(&self) -> HttpResponse {
                    respond(&self.problem())
                }
            }
        )*
    };
}

problem_response!(AuthRejection, PatchRejection, MissingRole);
