//! A small, strict HTTP/1.1 layer: request heads in, responses out.
//!
//! Pure functions only (no socket here), so every rule is unit-tested: the
//! head is bounded, GET and HEAD are served (POST only to the forms, with
//! a bounded body). A request path is decoded by `crate::url::segments`,
//! which refuses (404) any path that could name anything but a route.
//! Routes are looked up in memory; no request path is ever joined to a
//! file path.

/// Largest request head accepted (request line and headers).
pub const MAX_HEAD: usize = 8 * 1024;
/// Most header lines accepted.
const MAX_HEADERS: usize = 64;

/// The request method, as far as the server cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Method {
    Get,
    Head,
    /// Only the forms take it.
    Post,
    /// Anything else: answered 405.
    Other,
}

/// A parsed request head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: Method,
    /// The request target as sent: `/path?query`.
    pub target: String,
    /// The `Host` header, when given.
    pub host: Option<String>,
    /// The `Origin` header, when given.
    pub origin: Option<String>,
    /// The `Content-Length` header, when given and a number.
    pub length: Option<usize>,
    /// The `Content-Type` header, when given.
    pub content_type: Option<String>,
}

impl Request {
    /// A request with no header.
    #[cfg(test)]
    pub fn new(method: Method, target: &str) -> Request {
        Request {
            method,
            target: target.to_owned(),
            host: None,
            origin: None,
            length: None,
            content_type: None,
        }
    }

    /// The path part of the target (before `?`).
    pub fn path(&self) -> &str {
        self.target.split_once('?').map_or(&self.target, |(p, _)| p)
    }

    /// The value of a query parameter, percent-decoded.
    pub fn query(&self, name: &str) -> Option<String> {
        let (_, q) = self.target.split_once('?')?;
        q.split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (k == name)
                .then(|| crate::url::percent_decode(&v.replace('+', " ")))
                .flatten()
                .and_then(|b| String::from_utf8(b).ok())
        })
    }
}

/// Why a head could not be parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeadError {
    /// No blank line yet: read more.
    Incomplete,
    /// Longer than [`MAX_HEAD`] or too many headers: 431.
    TooLarge,
    /// Not HTTP/1.x: 400.
    Malformed,
}

/// Where the head ends (index just after the blank line), if it is complete.
pub fn head_end(buf: &[u8]) -> Option<usize> {
    let crlf = buf.windows(4).position(|w| w == b"\r\n\r\n").map(|i| i + 4);
    let lf = buf.windows(2).position(|w| w == b"\n\n").map(|i| i + 2);
    match (crlf, lf) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Parses a request head from the bytes read so far.
pub fn parse_head(buf: &[u8]) -> Result<Request, HeadError> {
    let end = match head_end(buf) {
        Some(end) if end <= MAX_HEAD => end,
        Some(_) => return Err(HeadError::TooLarge),
        None if buf.len() >= MAX_HEAD => return Err(HeadError::TooLarge),
        None => return Err(HeadError::Incomplete),
    };
    let head = std::str::from_utf8(&buf[..end]).map_err(|_| HeadError::Malformed)?;
    let mut lines = head.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let request_line = lines.next().ok_or(HeadError::Malformed)?;
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(HeadError::Malformed);
    };
    if !matches!(version, "HTTP/1.1" | "HTTP/1.0")
        || method.is_empty()
        || !method.bytes().all(|b| b.is_ascii_uppercase())
        || target.is_empty()
        || target.bytes().any(|b| b <= b' ' || b == 0x7f)
    {
        return Err(HeadError::Malformed);
    }
    let mut host = None;
    let mut origin = None;
    let mut length = None;
    let mut content_type = None;
    let mut count = 0;
    for line in lines.take_while(|l| !l.is_empty()) {
        count += 1;
        if count > MAX_HEADERS {
            return Err(HeadError::TooLarge);
        }
        // Obsolete line folding and lines without a colon are refused.
        let Some((name, value)) = line.split_once(':') else {
            return Err(HeadError::Malformed);
        };
        if name.is_empty() || name.bytes().any(|b| b <= b' ') {
            return Err(HeadError::Malformed);
        }
        let value = value.trim();
        let slot = if name.eq_ignore_ascii_case("host") {
            &mut host
        } else if name.eq_ignore_ascii_case("origin") {
            &mut origin
        } else if name.eq_ignore_ascii_case("content-type") {
            &mut content_type
        } else if name.eq_ignore_ascii_case("content-length") {
            if length.is_some() {
                return Err(HeadError::Malformed);
            }
            length = Some(value.parse().map_err(|_| HeadError::Malformed)?);
            continue;
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            // Chunked bodies are not read: a body has a Content-Length.
            return Err(HeadError::Malformed);
        } else {
            continue;
        };
        // One Host, one Origin: two are an attempt to confuse the checks.
        if slot.is_some() {
            return Err(HeadError::Malformed);
        }
        *slot = Some(value.to_owned());
    }
    let method = match method {
        "GET" => Method::Get,
        "HEAD" => Method::Head,
        "POST" => Method::Post,
        _ => Method::Other,
    };
    Ok(Request {
        method,
        target: target.to_owned(),
        host,
        origin,
        length,
        content_type,
    })
}

/// A response, before serialisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    /// Extra headers, e.g. `Allow` on a 405.
    pub headers: Vec<(&'static str, String)>,
}

/// HTML pages may run only the scripts served by this server, and post
/// forms only to it.
const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; script-src 'self'; \
connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Media types.
pub const HTML: &str = "text/html; charset=utf-8";
pub const TEXT: &str = "text/plain; charset=utf-8";
pub const PDF: &str = "application/pdf";
pub const JS: &str = "text/javascript; charset=utf-8";
pub const EVENTS: &str = "text/event-stream; charset=utf-8";
pub const JSON: &str = "application/json; charset=utf-8";

impl Response {
    /// A response with a body.
    pub fn new(status: u16, content_type: &'static str, body: impl Into<Vec<u8>>) -> Response {
        Response {
            status,
            content_type,
            body: body.into(),
            headers: Vec::new(),
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Response {
        self.headers.push((name, value.into()));
        self
    }

    /// The status line, headers and (unless `head_only`) the body.
    pub fn to_bytes(&self, head_only: bool) -> Vec<u8> {
        let mut out = self.head(Some(self.body.len()));
        if !head_only {
            out.extend_from_slice(&self.body);
        }
        out
    }

    /// The status line and headers; `length` None for a stream.
    pub fn head(&self, length: Option<usize>) -> Vec<u8> {
        let mut h = format!(
            "HTTP/1.1 {} {}\r\nContent-Type: {}\r\n",
            self.status,
            reason(self.status),
            self.content_type
        );
        if let Some(n) = length {
            h.push_str(&format!("Content-Length: {n}\r\n"));
        }
        h.push_str("Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n");
        // The forms' pages send their Origin on a post (no-referrer would
        // make it « null »); every other page sends no referrer.
        if !self.headers.iter().any(|(n, _)| *n == "Referrer-Policy") {
            h.push_str("Referrer-Policy: no-referrer\r\n");
        }
        h.push_str("Connection: close\r\n");
        if self.content_type == HTML {
            h.push_str("Content-Security-Policy: ");
            h.push_str(CSP);
            h.push_str("\r\n");
        }
        for (name, value) in &self.headers {
            // Values are ours, but a stray line break must never split a header.
            let value: String = value.chars().filter(|c| !c.is_control()).collect();
            h.push_str(&format!("{name}: {value}\r\n"));
        }
        h.push_str("\r\n");
        h.into_bytes()
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        303 => "See Other",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Unknown",
    }
}

/// True when `host` (a Host header) names the loopback interface: with the
/// server on 127.0.0.1, any other name is a DNS-rebinding attempt from a web page.
pub fn is_loopback_host(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split_once(']').map_or("", |(h, _)| h)
    } else {
        host.rsplit_once(':').map_or(host, |(h, _)| h)
    };
    name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(s: &str) -> Result<Request, HeadError> {
        parse_head(s.as_bytes())
    }

    #[test]
    fn parses_a_get_with_host() {
        let r = req("GET /a/b.html?x=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nAccept: */*\r\n\r\n")
            .unwrap();
        assert_eq!(r.method, Method::Get);
        assert_eq!(r.path(), "/a/b.html");
        assert_eq!(r.host.as_deref(), Some("127.0.0.1:8080"));
        assert_eq!(r.query("x").as_deref(), Some("1"));
        assert_eq!(r.query("y"), None);
    }

    #[test]
    fn head_and_other_methods() {
        assert_eq!(req("HEAD / HTTP/1.1\r\n\r\n").unwrap().method, Method::Head);
        assert_eq!(req("POST / HTTP/1.1\r\n\r\n").unwrap().method, Method::Post);
        assert_eq!(req("PUT / HTTP/1.1\r\n\r\n").unwrap().method, Method::Other);
        assert_eq!(
            req("DELETE / HTTP/1.0\r\n\r\n").unwrap().method,
            Method::Other
        );
    }

    #[test]
    fn incomplete_too_large_and_malformed_heads() {
        assert_eq!(
            req("GET / HTTP/1.1\r\nHost: x\r\n"),
            Err(HeadError::Incomplete)
        );
        let big = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(MAX_HEAD));
        assert_eq!(req(&big), Err(HeadError::TooLarge));
        assert_eq!(req(&"a".repeat(MAX_HEAD)), Err(HeadError::TooLarge));
        let many = format!("GET / HTTP/1.1\r\n{}\r\n", "X: y\r\n".repeat(65));
        assert_eq!(req(&many), Err(HeadError::TooLarge));
        for bad in [
            "GET /\r\n\r\n",
            "GET / HTTP/2\r\n\r\n",
            "GET  / HTTP/1.1\r\n\r\n",
            "get / HTTP/1.1\r\n\r\n",
            "GET / HTTP/1.1\r\nNoColon\r\n\r\n",
            "GET / HTTP/1.1\r\n folded: x\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
            "POST / HTTP/1.1\r\nOrigin: a\r\norigin: b\r\n\r\n",
            "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
            "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
            "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
            "GET /\x01 HTTP/1.1\r\n\r\n",
        ] {
            assert_eq!(req(bad), Err(HeadError::Malformed), "{bad:?}");
        }
        assert_eq!(
            parse_head(b"GET /\xff HTTP/1.1\r\n\r\n"),
            Err(HeadError::Malformed)
        );
    }

    #[test]
    fn posts_carry_their_origin_and_length() {
        let r = req("POST /_modifier?fichier=a.toml HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\
Origin: http://127.0.0.1:8080\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 12\r\n\r\n")
            .unwrap();
        assert_eq!(r.origin.as_deref(), Some("http://127.0.0.1:8080"));
        assert_eq!(r.length, Some(12));
        assert_eq!(
            r.content_type.as_deref(),
            Some("application/x-www-form-urlencoded")
        );
    }

    #[test]
    fn responses_carry_safe_headers() {
        let r = Response::new(405, TEXT, "non").header("Allow", "GET, HEAD\r\nX: y");
        let text = String::from_utf8(r.to_bytes(false)).unwrap();
        assert!(text.starts_with("HTTP/1.1 405 Method Not Allowed\r\n"));
        assert!(text.contains("Content-Length: 3\r\n"));
        assert!(text.contains("Allow: GET, HEADX: y\r\n"));
        assert!(text.ends_with("\r\n\r\nnon"));
        let head = String::from_utf8(r.to_bytes(true)).unwrap();
        assert!(head.ends_with("\r\n\r\n"));
        let html = String::from_utf8(Response::new(200, HTML, "").to_bytes(true)).unwrap();
        assert!(html.contains("Content-Security-Policy: default-src 'none'"));
    }

    #[test]
    fn loopback_hosts() {
        for ok in [
            "127.0.0.1:8080",
            "localhost:1",
            "LOCALHOST",
            "[::1]:80",
            "127.0.0.1",
        ] {
            assert!(is_loopback_host(ok), "{ok}");
        }
        for bad in ["evil.example:8080", "192.168.1.2:8080", "[::2]:1", ""] {
            assert!(!is_loopback_host(bad), "{bad}");
        }
    }
}
