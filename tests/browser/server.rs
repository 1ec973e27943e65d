//! Test support shared by `tests/delib/serve.rs` and the browser test: the
//! real `delib serve` binary on a free port, and a raw HTTP/1.1 client on
//! std::net (requests the way a browser or an attacker would send them).

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a test waits for anything before failing.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// A running `delib serve`, killed when dropped.
pub struct Server {
    child: Child,
    pub addr: SocketAddr,
    /// Everything the server printed on stderr so far.
    pub log: Arc<Mutex<String>>,
}

impl Server {
    /// Starts `delib serve <folder> --port 0 <args>` and waits for its URL.
    pub fn start(folder: &Path, args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_delib"))
            .arg("serve")
            .arg(folder)
            .args(["--port", "0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("delib serve starts");
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = channel();
        {
            let log = Arc::clone(&log);
            std::thread::spawn(move || {
                for line in BufReader::new(stderr).lines() {
                    let Ok(line) = line else { break };
                    if let Some(i) = line.find("http://") {
                        let url = line[i + 7..].split(['/', ' ']).next().unwrap_or("");
                        let _ = tx.send(url.to_owned());
                    }
                    let mut l = log.lock().unwrap();
                    l.push_str(&line);
                    l.push('\n');
                }
            });
        }
        let host = match rx.recv_timeout(PATIENCE) {
            Ok(h) => h,
            Err(_) => {
                let _ = child.kill();
                panic!(
                    "delib serve printed no URL; stderr:\n{}",
                    log.lock().unwrap()
                );
            }
        };
        let mut addr: SocketAddr = host.parse().expect("address in the URL");
        if addr.ip().is_unspecified() {
            addr.set_ip([127, 0, 0, 1].into());
        }
        Server { child, addr, log }
    }

    /// The base URL, `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The stderr of the server so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// GET a path.
    pub fn get(&self, path: &str) -> Reply {
        self.raw(format!("GET {path} HTTP/1.1\r\nHost: {}\r\n\r\n", self.addr).as_bytes())
    }

    /// Sends raw bytes and reads the whole response (the server closes).
    pub fn raw(&self, request: &[u8]) -> Reply {
        let mut s = TcpStream::connect(self.addr).expect("connect");
        s.set_read_timeout(Some(PATIENCE)).unwrap();
        s.write_all(request).unwrap();
        let mut bytes = Vec::new();
        let _ = s.read_to_end(&mut bytes);
        Reply::parse(&bytes)
    }

    /// Opens the event stream of a page at a version; returns once it is open.
    pub fn events(&self, page: &str, version: &str) -> Events {
        let mut s = TcpStream::connect(self.addr).expect("connect");
        let req = format!(
            "GET /_evenements?page={}&version={version} HTTP/1.1\r\nHost: {}\r\nAccept: text/event-stream\r\n\r\n",
            page.replace('%', "%25")
                .replace('&', "%26")
                .replace('?', "%3F"),
            self.addr
        );
        s.write_all(req.as_bytes()).unwrap();
        let (tx, rx) = channel();
        let reader = s.try_clone().unwrap();
        std::thread::spawn(move || {
            let mut event = String::new();
            for line in BufReader::new(reader).lines() {
                let Ok(line) = line else { break };
                if let Some(name) = line.strip_prefix("event: ") {
                    event = name.to_owned();
                } else if line.is_empty() && !event.is_empty() {
                    let _ = tx.send((std::mem::take(&mut event), Instant::now()));
                } else if line.starts_with("retry:") {
                    let _ = tx.send(("ouvert".to_owned(), Instant::now()));
                }
            }
        });
        let events = Events { rx, stream: s };
        let (first, _) = events.next().expect("event stream opens");
        assert_eq!(first, "ouvert");
        events
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An open event stream; closed when dropped, like a closed tab.
pub struct Events {
    rx: Receiver<(String, Instant)>,
    stream: TcpStream,
}

impl Drop for Events {
    fn drop(&mut self) {
        // The reader thread holds a clone: shut the socket down for both.
        let _ = self.stream.shutdown(std::net::Shutdown::Both);
    }
}

impl Events {
    /// The next event and when it arrived, or None after [`PATIENCE`].
    pub fn next(&self) -> Option<(String, Instant)> {
        self.rx.recv_timeout(PATIENCE).ok()
    }

    /// The next event within `d`, if any.
    pub fn next_within(&self, d: Duration) -> Option<(String, Instant)> {
        self.rx.recv_timeout(d).ok()
    }
}

/// A parsed response.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub head: String,
    pub body: Vec<u8>,
}

impl Reply {
    fn parse(bytes: &[u8]) -> Reply {
        let split = bytes
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or(bytes.len());
        let head = String::from_utf8_lossy(&bytes[..split]).into_owned();
        let body = bytes.get(split + 4..).unwrap_or(&[]).to_vec();
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        Reply { status, head, body }
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// A header's value.
    pub fn header(&self, name: &str) -> Option<String> {
        self.head.lines().skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
        })
    }

    /// The `data-version` of the page's reload script.
    pub fn version(&self) -> String {
        let text = self.text();
        let i = text
            .find("data-version=\"")
            .expect("page has a reload script")
            + 14;
        text[i..i + 16].to_owned()
    }
}

/// Copies a folder recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// A copy of the example dossiers in a fresh temporary folder.
pub fn examples(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("delib-serve-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("inputs"), &dir);
    dir
}

/// Writes a file the way editors do: a temporary file renamed over it.
pub fn save(path: &Path, text: &str) {
    let tmp = path.with_extension("enregistrement~");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

/// Polls `f` until it returns Some, for at most [`PATIENCE`].
pub fn eventually<T>(mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let start = Instant::now();
    while start.elapsed() < PATIENCE {
        if let Some(x) = f() {
            return Some(x);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    None
}

/// Percent-encodes a form value (application/x-www-form-urlencoded).
pub fn form_encode(pairs: &[(String, String)]) -> String {
    let enc = |s: &str| {
        let mut out = String::new();
        for b in s.bytes() {
            match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    out.push(char::from(b))
                }
                b' ' => out.push('+'),
                _ => out.push_str(&format!("%{b:02X}")),
            }
        }
        out
    };
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Decodes the few entities the server writes.
fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let i = tag.find(&key)? + key.len();
    let j = tag[i..].find('"')? + i;
    Some(unescape(&tag[i..j]))
}

/// The pairs a browser would post for the first `<form class="edition">`
/// of `html`, as it is (inputs, ticked boxes, textareas, selected options).
pub fn form_fields(html: &str) -> Vec<(String, String)> {
    let start = html.find("<form method=\"post\"").expect("a form");
    let end = start + html[start..].find("</form>").expect("form end");
    let form = &html[start..end];
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(i) = form[at..].find('<') {
        let i = at + i;
        let close = i + form[i..].find('>').unwrap();
        let tag = &form[i..=close];
        at = close + 1;
        let Some(name) = attr(tag, "name") else {
            continue;
        };
        if tag.starts_with("<input") {
            let kind = attr(tag, "type").unwrap_or_default();
            if kind == "checkbox" && !tag.contains(" checked") || kind == "submit" {
                continue;
            }
            out.push((name, attr(tag, "value").unwrap_or_default()));
        } else if tag.starts_with("<textarea") {
            let end = at + form[at..].find("</textarea>").unwrap();
            let text = unescape(&form[at..end]);
            let text = text.strip_prefix('\n').unwrap_or(&text);
            // Browsers send a textarea's line ends as CRLF.
            out.push((name, text.replace('\n', "\r\n")));
        } else if tag.starts_with("<select") {
            let end = at + form[at..].find("</select>").unwrap();
            let options = &form[at..end];
            let value = options
                .split("<option")
                .find(|o| o.contains(" selected>"))
                .and_then(|o| attr(o, "value"))
                .unwrap_or_default();
            out.push((name, value));
        }
    }
    out
}

impl Server {
    /// POSTs a form to `path`, with this server's Origin unless `origin` says otherwise.
    pub fn post(&self, path: &str, pairs: &[(String, String)], origin: Option<&str>) -> Reply {
        let body = form_encode(pairs);
        let origin = origin.map_or_else(String::new, |o| format!("Origin: {o}\r\n"));
        self.raw(
            format!(
                "POST {path} HTTP/1.1\r\nHost: {}\r\n{origin}Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
                self.addr,
                body.len()
            )
            .as_bytes(),
        )
    }

    /// POSTs a form the way its page would: this server's Origin.
    pub fn submit(&self, path: &str, pairs: &[(String, String)]) -> Reply {
        self.post(path, pairs, Some(&self.url()))
    }
}

/// Sets `name` to `value` in `pairs` (added when absent).
pub fn set(pairs: &mut Vec<(String, String)>, name: &str, value: &str) {
    match pairs.iter_mut().find(|(k, _)| k == name) {
        Some(p) => p.1 = value.to_owned(),
        None => pairs.push((name.to_owned(), value.to_owned())),
    }
}
