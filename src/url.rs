//! Addresses of the preview (`delib serve`): percent-encoding and decoding,
//! the segments of a request path, the pairs of a form. A request path is
//! decoded segment by segment and refused as soon as it could name anything
//! but a route: `..`, `.`, empty segments, backslashes, NUL, encoded
//! slashes, invalid UTF-8. Pure; imports nothing of delib.

/// The pairs of an `application/x-www-form-urlencoded` body, decoded;
/// None when it is not valid (a bad escape, invalid UTF-8).
pub fn parse_form(body: &[u8]) -> Option<Vec<(String, String)>> {
    let text = std::str::from_utf8(body).ok()?;
    let decode = |s: &str| String::from_utf8(percent_decode(&s.replace('+', " "))?).ok();
    text.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            Some((decode(k)?, decode(v)?))
        })
        .collect()
}

/// Percent-decodes `s`; None on a malformed escape.
pub fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

/// The decoded segments of a request path, or None when the path is not one
/// a route could have (the caller answers 404). `/` gives no segment.
pub fn segments(path: &str) -> Option<Vec<String>> {
    let rest = path.strip_prefix('/')?;
    if rest.is_empty() {
        return Some(Vec::new());
    }
    if path.contains(['\\', '#']) {
        return None;
    }
    rest.split('/')
        .map(|raw| {
            let decoded = String::from_utf8(percent_decode(raw)?).ok()?;
            let bad = decoded.is_empty()
                || decoded.starts_with('.')
                || decoded
                    .chars()
                    .any(|c| matches!(c, '/' | '\\') || c.is_control());
            (!bad).then_some(decoded)
        })
        .collect()
}

/// Percent-encodes one path segment for a link.
pub fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Percent-encodes a path (keeps the slashes) for a link or a query value.
pub fn encode_path(path: &str) -> String {
    path.split('/')
        .map(encode_segment)
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_decode() {
        assert_eq!(
            parse_form(b"a=1&b=s%C3%A9ance+du+soir&c=&d&a=2").unwrap(),
            vec![
                ("a".into(), "1".into()),
                ("b".into(), "séance du soir".into()),
                ("c".into(), String::new()),
                ("d".into(), String::new()),
                ("a".into(), "2".into()),
            ]
        );
        assert_eq!(
            parse_form(b"x=a%0D%0Ab").unwrap(),
            vec![("x".into(), "a\r\nb".into())]
        );
        assert!(parse_form(b"a=%zz").is_none());
        assert!(parse_form(b"a=%ff").is_none());
        assert!(parse_form(b"").unwrap().is_empty());
    }

    #[test]
    fn segments_decode_names() {
        assert_eq!(segments("/"), Some(vec![]));
        assert_eq!(
            segments("/dijon/convention-pep21/deliberation.html"),
            Some(vec![
                "dijon".into(),
                "convention-pep21".into(),
                "deliberation.html".into()
            ])
        );
        assert_eq!(
            segments("/s%C3%A9ance%201/x.md"),
            Some(vec!["séance 1".into(), "x.md".into()])
        );
    }

    #[test]
    fn segments_refuse_traversal_and_odd_paths() {
        for bad in [
            "",
            "x",
            "http://host/a",
            "//etc/passwd",
            "/../etc/passwd",
            "/a/../b",
            "/a/./b",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc%2Fpasswd",
            "/a%2fb",
            "/a%5cb",
            "/a\\b",
            "/..\\..\\windows",
            "/a%00b",
            "/a%0ab",
            "/a%",
            "/a%zz",
            "/a%c3",
            "/a/",
            "/.hidden",
            "/a#b",
        ] {
            assert_eq!(segments(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn encoding_round_trips() {
        assert_eq!(encode_segment("école été"), "%C3%A9cole%20%C3%A9t%C3%A9");
        assert_eq!(encode_segment("a-b_c.d"), "a-b_c.d");
        let name = "séance 1/a&b?c#d";
        let enc = encode_path(name);
        assert_eq!(enc, "s%C3%A9ance%201/a%26b%3Fc%23d");
        let back: Vec<String> = segments(&format!("/{enc}")).unwrap();
        assert_eq!(back.join("/"), name);
    }
}
