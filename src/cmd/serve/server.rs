//! The connections of `delib serve`: the state the watcher shares with
//! them, the accept loop (a bounded number of connections, slow heads
//! closed to make room), one request read and answered per connection
//! through the routes (`site`, `edit`), and the event streams that tell an
//! open page to reload.

use super::edit;
use super::http;
use super::site::{Reply, Site};
use crate::preview::pages;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::{Duration, Instant};

/// At most this many connections are served at once (event streams included).
const MAX_CONNECTIONS: usize = 64;
/// A client has this long to send its request head, in all (a client
/// sending one byte every second does not get more).
const HEAD_DEADLINE: Duration = Duration::from_secs(5);
/// How long a reply may take to write.
const READ_TIMEOUT: Duration = Duration::from_secs(10);
/// When every slot is taken, a connection whose head is still incomplete
/// after this long is closed to make room for the new one: slow clients
/// (slowloris) cannot keep a quick request out.
const SLOW_HEAD: Duration = Duration::from_millis(250);
/// An idle event stream sends a comment this often, to notice closed tabs.
const KEEPALIVE: Duration = Duration::from_secs(15);

/// State shared by the watcher and the connections.
pub struct Shared {
    site: RwLock<Arc<Site>>,
    /// Bumped at each rebuild; event streams wait on `rebuilt`.
    generation: Mutex<u64>,
    rebuilt: Condvar,
    active: AtomicUsize,
    /// Connections still reading their request head: (id, accepted at, a
    /// handle to close it), oldest first.
    reading: Mutex<Vec<(u64, Instant, TcpStream)>>,
    /// Bound to a loopback address: refuse other Host names (DNS rebinding).
    loopback_only: bool,
    /// The forms (`/_modifier`), when on.
    editing: edit::Editing,
}

impl Shared {
    /// Serves `site` until the watcher publishes another.
    pub fn new(site: Site, loopback_only: bool, editing: edit::Editing) -> Shared {
        Shared {
            site: RwLock::new(Arc::new(site)),
            generation: Mutex::new(0),
            rebuilt: Condvar::new(),
            active: AtomicUsize::new(0),
            reading: Mutex::new(Vec::new()),
            loopback_only,
            editing,
        }
    }

    /// The site served now.
    pub fn site(&self) -> Arc<Site> {
        self.site
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Serves `site` from now on, and wakes the event streams.
    pub fn publish(&self, site: Site) {
        *self
            .site
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(site);
        let mut g = self
            .generation
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *g += 1;
        self.rebuilt.notify_all();
    }

    fn generation(&self) -> u64 {
        *self
            .generation
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Waits for a rebuild after `seen`, at most `timeout`; returns the generation.
    fn wait(&self, seen: u64, timeout: Duration) -> u64 {
        let g = self
            .generation
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let (g, _) = self
            .rebuilt
            .wait_timeout_while(g, timeout, |g| *g == seen)
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *g
    }
}

/// Accepts connections until the listener fails, each on its own thread.
pub fn accept(listener: &TcpListener, shared: &Arc<Shared>) {
    let mut next_id: u64 = 0;
    for stream in listener.incoming() {
        let Ok(stream) = stream else {
            // Out of file descriptors, for instance: let connections close.
            std::thread::sleep(Duration::from_millis(50));
            continue;
        };
        if shared.active.load(Ordering::SeqCst) >= MAX_CONNECTIONS && !shared.close_slowest_head() {
            // Full of pages being served or event streams: say so at once,
            // never waiting on this client (the accept loop goes on).
            refuse_busy(stream);
            continue;
        }
        shared.active.fetch_add(1, Ordering::SeqCst);
        next_id += 1;
        let id = next_id;
        if let Ok(handle) = stream.try_clone() {
            shared.lock_reading().push((id, Instant::now(), handle));
        }
        let mine = Arc::clone(shared);
        let spawned = std::thread::Builder::new()
            .name("connexion".into())
            .spawn(move || {
                let _slot = Slot(&mine.active);
                let _reading = Reading(&mine, id);
                connection(stream, &mine, id);
            });
        if spawned.is_err() {
            // The closure (and its stream) is dropped: the client sees a reset.
            shared.active.fetch_sub(1, Ordering::SeqCst);
            shared.done_reading(id);
            eprintln!("attention : impossible de créer un fil pour une connexion");
        }
    }
}

/// Takes a connection off the list of heads being read when its thread
/// ends, even by a panic.
struct Reading<'a>(&'a Shared, u64);

impl Drop for Reading<'_> {
    fn drop(&mut self) {
        self.0.done_reading(self.1);
    }
}

impl Shared {
    fn lock_reading(&self) -> std::sync::MutexGuard<'_, Vec<(u64, Instant, TcpStream)>> {
        self.reading
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The connection `id` has its whole head (or is gone).
    fn done_reading(&self, id: u64) {
        self.lock_reading().retain(|(i, _, _)| *i != id);
    }

    /// Closes the oldest connection whose head has been incomplete for more
    /// than [`SLOW_HEAD`]; false when there is none.
    fn close_slowest_head(&self) -> bool {
        let mut reading = self.lock_reading();
        match reading.first() {
            Some((_, since, _)) if since.elapsed() >= SLOW_HEAD => {
                let (_, _, stream) = reading.remove(0);
                // Its thread's read fails at once, and it frees its slot.
                let _ = stream.shutdown(Shutdown::Both);
                true
            }
            _ => false,
        }
    }
}

/// Frees a connection slot when its thread ends, even by a panic.
struct Slot<'a>(&'a AtomicUsize);

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Serves one connection: one request, one response, then close.
fn connection(mut stream: TcpStream, shared: &Shared, id: u64) {
    let _ = stream.set_write_timeout(Some(READ_TIMEOUT));
    let _ = stream.set_nodelay(true);
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 2048];
    let deadline = Instant::now() + HEAD_DEADLINE;
    let request = loop {
        match http::parse_head(&buf) {
            Ok(r) => break r,
            Err(http::HeadError::Incomplete) => {}
            Err(http::HeadError::TooLarge) => {
                return finish(
                    stream,
                    &simple(431, "En-têtes trop longs", "La requête est trop longue."),
                    false,
                );
            }
            Err(http::HeadError::Malformed) => {
                return finish(
                    stream,
                    &simple(
                        400,
                        "Requête incorrecte",
                        "La requête n'est pas une requête HTTP/1.1 valide.",
                    ),
                    false,
                );
            }
        }
        // The head's deadline is for the whole head, not for each read.
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return;
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            // parse_head refuses a head longer than MAX_HEAD: buf stays bounded.
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    shared.done_reading(id);
    let _ = stream.set_read_timeout(Some(READ_TIMEOUT));
    let head_only = request.method == http::Method::Head;
    if shared.loopback_only
        && request
            .host
            .as_deref()
            .is_some_and(|h| !http::is_loopback_host(h))
    {
        let r = simple(
            403,
            "Accès refusé",
            "Cet aperçu ne répond qu'aux adresses de ce poste (127.0.0.1, localhost).",
        );
        return finish(stream, &r, head_only);
    }
    let site = shared.site();
    if edit::is_edit_route(request.path()) {
        let body = if request.method == http::Method::Post {
            match read_body(&mut stream, &buf, &request) {
                Ok(body) => body,
                Err(r) => return finish(stream, &r, false),
            }
        } else {
            Vec::new()
        };
        let reply = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            shared.editing.respond(&site, &request, &body)
        }));
        let r = reply.unwrap_or_else(|_| {
            simple(
                500,
                "Erreur interne",
                "Le formulaire n'a pas pu être traité ; rien n'a été enregistré.",
            )
        });
        return finish(stream, &r, head_only);
    }
    let reply = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| site.respond(&request)));
    match reply {
        Ok(Reply::Response(r)) => finish(stream, &r, head_only),
        Ok(Reply::Events { page, version }) => {
            drop(site);
            events(stream, shared, &page, version, head_only);
        }
        Err(_) => finish(
            stream,
            &simple(
                500,
                "Erreur interne",
                "La page n'a pas pu être produite ; l'aperçu continue.",
            ),
            head_only,
        ),
    }
}

/// The body of a POST: what followed the head in `buf`, then the rest,
/// exactly Content-Length bytes, at most [`edit::MAX_BODY`].
fn read_body(
    stream: &mut TcpStream,
    buf: &[u8],
    request: &http::Request,
) -> Result<Vec<u8>, http::Response> {
    let Some(length) = request.length else {
        return Err(simple(
            411,
            "Longueur manquante",
            "La requête n'indique pas la longueur de son contenu.",
        ));
    };
    if length > edit::MAX_BODY {
        return Err(simple(
            413,
            "Formulaire trop long",
            "Le formulaire envoyé dépasse 8 Mo : rien n'a été enregistré.",
        ));
    }
    let start = http::head_end(buf).unwrap_or(buf.len());
    let mut body = buf[start..].to_vec();
    body.truncate(length);
    let deadline = Instant::now() + READ_TIMEOUT;
    let mut chunk = [0u8; 16 * 1024];
    while body.len() < length {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return Err(simple(
                408,
                "Délai dépassé",
                "Le formulaire n'est pas arrivé en entier.",
            ));
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => {
                return Err(simple(
                    400,
                    "Requête incorrecte",
                    "Le formulaire n'est pas arrivé en entier : rien n'a été enregistré.",
                ));
            }
            Ok(n) => {
                let want = length - body.len();
                body.extend_from_slice(&chunk[..n.min(want)]);
            }
        }
    }
    Ok(body)
}

fn simple(status: u16, title: &str, message: &str) -> http::Response {
    http::Response::new(status, http::HTML, pages::plain_error(title, message))
}

/// Writes the response and closes the connection gracefully.
fn finish(mut stream: TcpStream, r: &http::Response, head_only: bool) {
    let _ = stream.write_all(&r.to_bytes(head_only));
    let _ = stream.flush();
    let _ = stream.shutdown(Shutdown::Write);
    // Read what the client may still send (a request body), so that closing
    // does not reset the connection before it read the response.
    let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
    let mut sink = [0u8; 4096];
    let mut left: usize = 64 * 1024;
    while left > 0 {
        match stream.read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(n) => left = left.saturating_sub(n),
        }
    }
}

fn refuse_busy(stream: TcpStream) {
    let r = simple(
        503,
        "Aperçu occupé",
        "Trop de pages sont ouvertes en même temps ; fermez-en quelques-unes.",
    )
    .header("Retry-After", "2");
    // On the accept loop: nothing here may wait on the client. Read what it
    // already sent (so closing does not reset the connection before it
    // reads the answer), write the answer if the socket takes it, close.
    let mut stream = stream;
    if stream.set_nonblocking(true).is_err() {
        return;
    }
    let mut sink = [0u8; 4096];
    for _ in 0..16 {
        match stream.read(&mut sink) {
            Ok(n) if n > 0 => {}
            _ => break,
        }
    }
    let _ = stream.write_all(&r.to_bytes(false));
    let _ = stream.shutdown(Shutdown::Write);
}

/// A server-sent event stream: `rechargement` as soon as `page` is no
/// longer at `version`, then the stream ends.
fn events(mut stream: TcpStream, shared: &Shared, page: &str, version: u64, head_only: bool) {
    let head = http::Response::new(200, http::EVENTS, Vec::new()).head(None);
    if stream.write_all(&head).is_err() || head_only {
        return;
    }
    if stream.write_all(b"retry: 1000\n\n").is_err() {
        return;
    }
    let mut seen = shared.generation();
    let mut quiet_since = Instant::now();
    loop {
        if shared.site().version_of(page) != version {
            let _ = stream.write_all(format!("event: rechargement\ndata: {seen}\n\n").as_bytes());
            let _ = stream.flush();
            let _ = stream.shutdown(Shutdown::Both);
            return;
        }
        let now = shared.wait(seen, Duration::from_secs(1));
        if now == seen {
            // A closed tab frees its connection within a second.
            if client_closed(&stream) {
                return;
            }
            if quiet_since.elapsed() >= KEEPALIVE {
                if stream.write_all(b": en attente\n\n").is_err() {
                    return;
                }
                quiet_since = Instant::now();
            }
        }
        seen = now;
    }
}

/// True when the client closed its side (or the connection failed).
fn client_closed(stream: &TcpStream) -> bool {
    if stream.set_nonblocking(true).is_err() {
        return true;
    }
    let r = stream.peek(&mut [0u8; 1]);
    let _ = stream.set_nonblocking(false);
    match r {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => e.kind() != ErrorKind::WouldBlock,
    }
}
