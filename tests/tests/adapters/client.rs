//! A plain HTTP/1.1 client over `TcpStream` (every byte of the request under the test's
//! control: repeated headers, bytes that are not text, chunked bodies), and a pair of servers
//! that must answer each request alike.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use safe_update::auth::Credentials;
use serde_json::Value;

/// A request to send.
#[derive(Clone, Debug)]
pub struct Request {
    method: &'static str,
    path: String,
    headers: Vec<(String, Vec<u8>)>,
    body: Option<Vec<u8>>,
    chunked: bool,
}

pub fn request(method: &'static str, path: &str) -> Request {
    Request {
        method,
        path: path.to_owned(),
        headers: Vec::new(),
        body: None,
        chunked: false,
    }
}

impl Request {
    pub fn header(mut self, name: &str, value: impl AsRef<[u8]>) -> Request {
        self.headers
            .push((name.to_owned(), value.as_ref().to_vec()));
        self
    }

    /// Basic credentials.
    pub fn login(self, user: &str, password: &str) -> Request {
        let value = Credentials::new(user, password).unwrap().to_header_value();
        self.header("Authorization", value.as_bytes())
    }

    pub fn body(mut self, content_type: &str, body: impl AsRef<[u8]>) -> Request {
        self.body = Some(body.as_ref().to_vec());
        self.header("Content-Type", content_type)
    }

    /// Sends the body chunked: no `Content-Length` to refuse it by.
    pub fn chunked(mut self) -> Request {
        self.chunked = true;
        self
    }

    pub fn send(&self, base: &str) -> Answer {
        let addr = base.strip_prefix("http://").unwrap();
        let mut stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let mut head =
            format!("{} {} HTTP/1.1\r\nHost: {addr}\r\n", self.method, self.path).into_bytes();
        for (name, value) in &self.headers {
            head.extend_from_slice(format!("{name}: ").as_bytes());
            head.extend_from_slice(value);
            head.extend_from_slice(b"\r\n");
        }
        let body = self.body.clone().unwrap_or_default();
        let framing = match (&self.body, self.chunked) {
            (None, _) => String::new(),
            (Some(_), true) => "Transfer-Encoding: chunked\r\n".to_owned(),
            (Some(body), false) => format!("Content-Length: {}\r\n", body.len()),
        };
        head.extend_from_slice(framing.as_bytes());
        head.extend_from_slice(b"Connection: close\r\n\r\n");
        stream.write_all(&head).unwrap();
        if self.chunked {
            for piece in body.chunks(1024) {
                let sent = write!(stream, "{:x}\r\n", piece.len())
                    .and_then(|()| stream.write_all(piece))
                    .and_then(|()| stream.write_all(b"\r\n"));
                // The server may answer 413 and close before the whole body is sent.
                if sent.is_err() {
                    break;
                }
            }
            let _ = stream.write_all(b"0\r\n\r\n");
        } else {
            stream.write_all(&body).unwrap();
        }
        let mut raw = Vec::new();
        // A server that answered early may reset the connection after its answer.
        let _ = stream.read_to_end(&mut raw);
        Answer::parse(&raw)
    }
}

/// A response.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub status: u16,
    /// (lower-case name, value).
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    fn parse(raw: &[u8]) -> Answer {
        let end = raw
            .windows(4)
            .position(|window| window == b"\r\n\r\n")
            .unwrap_or_else(|| panic!("no response head in {:?}", String::from_utf8_lossy(raw)));
        let head = std::str::from_utf8(&raw[..end]).unwrap();
        let mut lines = head.split("\r\n");
        let status = lines.next().unwrap().split(' ').nth(1).unwrap();
        let headers: Vec<(String, String)> = lines
            .map(|line| {
                let (name, value) = line.split_once(':').unwrap();
                (name.to_ascii_lowercase(), value.trim().to_owned())
            })
            .collect();
        let mut body = raw[end + 4..].to_vec();
        let chunked = headers
            .iter()
            .any(|(name, value)| name == "transfer-encoding" && value == "chunked");
        if chunked {
            body = dechunk(&body);
        }
        Answer {
            status: status.parse().unwrap(),
            headers,
            body,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        let mut found = self.headers.iter().filter(|(key, _)| key == name);
        found.next().map(|(_, value)| value.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The `code` of a problem.
    pub fn code(&self) -> String {
        self.json()["code"].as_str().unwrap_or_default().to_owned()
    }
}

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = body.windows(2).position(|w| w == b"\r\n").unwrap();
        let size = usize::from_str_radix(std::str::from_utf8(&body[..line_end]).unwrap(), 16);
        let size = size.unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&body[line_end + 2..line_end + 2 + size]);
        body = &body[line_end + 2 + size + 2..];
    }
}

/// What of an answer must be equal from both adapters: status, headers, JSON body, other body.
type Comparable<'a> = (u16, Vec<(&'a str, Option<&'a str>)>, Value, String);

/// The headers of an answer a client acts on (the rest, a date or the handler's own text
/// type, legitimately differ), and its body.
fn comparable(answer: &Answer) -> Comparable<'_> {
    let mut names = vec!["www-authenticate", "retry-after", "accept-patch", "allow"];
    if answer.status >= 400 {
        names.push("content-type");
    }
    let mut headers: Vec<_> = names
        .into_iter()
        .map(|name| (name, answer.header(name)))
        .collect();
    let mut json = answer.json();
    if answer.status == 429 {
        // Whole seconds until the window ends: one server may have been asked across a
        // second's boundary from the other. Checked on its own by the test.
        headers.retain(|(name, _)| *name != "retry-after");
        json["retry_after"] = Value::Null;
    }
    let text = if json.is_null() {
        answer.text()
    } else {
        String::new()
    };
    (answer.status, headers, json, text)
}

/// An actix and an axum server, each with its own state.
pub struct Pair {
    pub actix: String,
    pub axum: String,
}

impl Pair {
    /// Sends `request` to both; asserts the answers agree and that a refusal is an RFC 9457
    /// problem; the actix server's answer.
    pub fn send(&self, request: Request) -> Answer {
        let [actix, axum] = self.both(request.clone());
        assert_eq!(comparable(&actix), comparable(&axum), "{request:?}");
        actix
    }

    /// Sends `request` to both; their answers, actix first.
    pub fn both(&self, request: Request) -> [Answer; 2] {
        let answers = [&self.actix, &self.axum].map(|base| request.send(base));
        for answer in &answers {
            if answer.status >= 400 {
                assert_problem(answer, &request);
            }
        }
        answers
    }
}

fn assert_problem(answer: &Answer, request: &Request) {
    assert_eq!(
        answer.header("content-type"),
        Some("application/problem+json"),
        "{request:?}"
    );
    let json = answer.json();
    for member in ["type", "title", "status", "detail", "code"] {
        assert!(json.get(member).is_some(), "{member}: {request:?}");
    }
    let code = json["code"].as_str().unwrap();
    assert_eq!(
        json["type"],
        format!("tag:safe-update,2026:problem/{code}"),
        "{request:?}"
    );
    assert_eq!(json["status"], answer.status, "{request:?}");
}
