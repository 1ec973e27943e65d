//! A tiny W3C WebDriver client for chromedriver: plain HTTP/1.1 and JSON
//! over std::net, no websocket, no crate beyond serde_json.

use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A chromedriver process with one headless Chromium session; both end on drop.
pub struct Driver {
    child: Child,
    port: u16,
    session: String,
    profile: PathBuf,
}

impl Driver {
    /// Starts chromedriver and a headless Chromium with a fresh profile.
    pub fn start(chromedriver: &Path, chromium: &Path, profile: PathBuf) -> Driver {
        Driver::start_with(chromedriver, chromium, profile, true)
    }

    /// [`Driver::start`], with JavaScript off when `javascript` is false.
    pub fn start_with(
        chromedriver: &Path,
        chromium: &Path,
        profile: PathBuf,
        javascript: bool,
    ) -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let mut driver = Driver {
            child,
            port,
            session: String::new(),
            profile,
        };
        let start = Instant::now();
        loop {
            let ready = driver
                .try_call("GET", "/status", None)
                .is_some_and(|v| v["value"]["ready"] == true);
            if ready {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "chromedriver not ready"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = std::fs::remove_dir_all(&driver.profile);
        std::fs::create_dir_all(&driver.profile).unwrap();
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:loggingPrefs": {"browser": "ALL"},
            // An element looked for is waited for up to 10 s: after a click
            // that posts a form, the next page may not be there yet on a
            // busy machine (a form posted without JavaScript failed so).
            "timeouts": {"implicit": 10000},
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--hide-scrollbars", "--lang=fr-FR",
                    format!("--user-data-dir={}", driver.profile.display()),
                ],
                "prefs": {
                    "profile.managed_default_content_settings.javascript": if javascript { 1 } else { 2 }
                }
            }
        }}});
        let v = driver.call("POST", "/session", Some(caps));
        driver.session = v["value"]["sessionId"]
            .as_str()
            .expect("a session id")
            .to_owned();
        driver
    }

    fn try_call(&self, method: &str, path: &str, body: Option<Value>) -> Option<Value> {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).ok()?;
        s.set_read_timeout(Some(Duration::from_secs(120))).ok()?;
        let req = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.port,
            body.len()
        );
        s.write_all(req.as_bytes()).ok()?;
        // chromedriver may keep the connection open: read the head, then
        // exactly Content-Length bytes.
        let mut out = Vec::new();
        let mut chunk = [0u8; 8192];
        let split = loop {
            if let Some(i) = out.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            let n = s.read(&mut chunk).ok().filter(|n| *n > 0)?;
            out.extend_from_slice(&chunk[..n]);
        };
        let head = String::from_utf8_lossy(&out[..split]).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())?;
        while out.len() < split + length {
            let n = s.read(&mut chunk).ok().filter(|n| *n > 0)?;
            out.extend_from_slice(&chunk[..n]);
        }
        serde_json::from_slice(&out[split..split + length]).ok()
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let v = self
            .try_call(method, path, body)
            .unwrap_or_else(|| panic!("chromedriver did not answer {method} {path}"));
        if let Some(err) = v["value"]["error"].as_str() {
            panic!(
                "chromedriver {method} {path}: {err}: {}",
                v["value"]["message"]
            );
        }
        v
    }

    fn session_call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let path = format!("/session/{}{path}", self.session);
        self.call(method, &path, body)["value"].take()
    }

    /// Sets the window's size in CSS pixels.
    pub fn window(&self, width: u32, height: u32) {
        self.session_call(
            "POST",
            "/window/rect",
            Some(json!({"width": width, "height": height})),
        );
    }

    /// Navigates and waits for the page to load.
    pub fn goto(&self, url: &str) {
        self.session_call("POST", "/url", Some(json!({ "url": url })));
    }

    /// Runs a script in the page and returns its value.
    pub fn run(&self, script: &str) -> Value {
        self.session_call(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": []})),
        )
    }

    /// Runs an asynchronous script (it calls `arguments[arguments.length - 1]`
    /// with its result) with `args`.
    pub fn run_async(&self, script: &str, args: Vec<Value>) -> Value {
        self.session_call(
            "POST",
            "/execute/async",
            Some(json!({"script": script, "args": args})),
        )
    }

    /// Runs a script with arguments.
    pub fn run_with(&self, script: &str, args: Vec<Value>) -> Value {
        self.session_call(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": args})),
        )
    }

    /// The element matching a CSS selector, waited for up to 10 s (the
    /// session's implicit timeout); panics when there is none.
    pub fn find(&self, css: &str) -> String {
        let v = self.session_call(
            "POST",
            "/element",
            Some(json!({"using": "css selector", "value": css})),
        );
        element_id(&v)
    }

    /// The element that has the focus.
    pub fn active(&self) -> String {
        element_id(&self.session_call("GET", "/element/active", None))
    }

    /// Clicks an element.
    pub fn click(&self, element: &str) {
        self.session_call(
            "POST",
            &format!("/element/{element}/click"),
            Some(json!({})),
        );
    }

    /// Empties an input or a textarea.
    pub fn clear(&self, element: &str) {
        self.session_call(
            "POST",
            &format!("/element/{element}/clear"),
            Some(json!({})),
        );
    }

    /// Types `text` into an element (keys such as Tab are `\u{E004}`).
    pub fn type_in(&self, element: &str, text: &str) {
        self.session_call(
            "POST",
            &format!("/element/{element}/value"),
            Some(json!({ "text": text })),
        );
    }

    /// Types `text` where the focus is, as a person at the keyboard.
    pub fn keys(&self, text: &str) {
        let actions: Vec<Value> = text
            .chars()
            .flat_map(|c| {
                [
                    json!({"type": "keyDown", "value": c.to_string()}),
                    json!({"type": "keyUp", "value": c.to_string()}),
                ]
            })
            .collect();
        self.session_call(
            "POST",
            "/actions",
            Some(json!({"actions": [{"type": "key", "id": "clavier", "actions": actions}]})),
        );
        self.session_call("DELETE", "/actions", None);
    }

    /// Opens a new tab and returns its handle (the current one stays current).
    pub fn new_tab(&self) -> String {
        let v = self.session_call("POST", "/window/new", Some(json!({"type": "tab"})));
        v["handle"].as_str().expect("a window handle").to_owned()
    }

    /// The current tab's handle.
    pub fn tab(&self) -> String {
        self.session_call("GET", "/window", None)
            .as_str()
            .expect("a window handle")
            .to_owned()
    }

    /// Makes `handle` the current tab.
    pub fn switch_to(&self, handle: &str) {
        self.session_call("POST", "/window", Some(json!({ "handle": handle })));
    }

    /// The browser console's entries since the last call (level, message).
    pub fn console(&self) -> Vec<(String, String)> {
        let v = self.session_call("POST", "/se/log", Some(json!({"type": "browser"})));
        v.as_array()
            .map(|a| {
                a.iter()
                    .map(|e| {
                        (
                            e["level"].as_str().unwrap_or_default().to_owned(),
                            e["message"].as_str().unwrap_or_default().to_owned(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A PNG of the viewport, written to `path`.
    pub fn screenshot(&self, path: &Path) {
        let v = self.session_call("GET", "/screenshot", None);
        let png = base64(v.as_str().expect("base64 PNG"));
        assert!(png.starts_with(b"\x89PNG"), "not a PNG");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, png).unwrap();
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            // Ends Chromium; chromedriver itself is then killed.
            let path = format!("/session/{}", self.session);
            let _ = self.try_call("DELETE", &path, None);
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// The id of a WebDriver element reference.
fn element_id(v: &Value) -> String {
    v["element-6066-11e4-a52e-4f735466cecf"]
        .as_str()
        .unwrap_or_else(|| panic!("not an element: {v}"))
        .to_owned()
}

/// Decodes standard base64 (padding optional, whitespace ignored).
pub fn base64(text: &str) -> Vec<u8> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let digits: Vec<u32> = text.bytes().filter_map(value).collect();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, d)| acc | d << (18 - 6 * i));
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..chunk.len().saturating_sub(1)]);
    }
    out
}

#[test]
fn base64_decodes() {
    assert_eq!(base64("aGVsbG8="), b"hello");
    assert_eq!(base64("aGVsbG8h"), b"hello!");
    assert_eq!(base64("aA=="), b"h");
    assert_eq!(base64(""), b"");
}
