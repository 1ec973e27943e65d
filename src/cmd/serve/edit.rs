//! The forms' routes: `/_modifier?fichier=…` (GET: the form; POST: check,
//! save, add or remove an element, undo), `/_nouveau?seance=…` (« Nouveau
//! point ») and `/_formulaire.js`. This layer only guards and translates:
//! the forms are made and saved by `crate::edit`.
//!
//! Guards, before anything is read or written: the forms must be on (serve
//! on the loopback address, or `--modification-distante`); the Host must be
//! this server's own (an IP address or localhost, with its port: a DNS name
//! pointing here is a rebinding attempt); a POST must come from a page of
//! this server (its Origin) and carry the per-process secret of the forms.
//! Anything else is answered 403 and changes nothing.

use super::http::{self, Method, Request, Response};
use super::site::Site;
use crate::edit::{Answer, Editor};
use crate::preview::pages;

/// Largest form body read (a whole dossier of exposés fits many times).
pub const MAX_BODY: usize = 8 << 20;

/// The routes of this module.
pub fn is_edit_route(path: &str) -> bool {
    matches!(path, "/_modifier" | "/_nouveau" | "/_formulaire.js")
}

/// Why a request is refused before it is read.
fn refuse(message: &str) -> Response {
    Response::new(
        403,
        http::HTML,
        pages::plain_error("Modification refusée", message),
    )
}

/// The editing side of the server.
pub struct Editing {
    pub editor: Option<Editor>,
    /// The port the server listens on.
    pub port: u16,
    /// Why the forms are off, when they are.
    pub off: &'static str,
}

impl Editing {
    /// Checks the Host (and for a POST the Origin and the secret); None when
    /// the request may go on.
    fn guard(&self, req: &Request, pairs: Option<&[(String, String)]>) -> Option<Response> {
        let Some(editor) = &self.editor else {
            return Some(refuse(self.off));
        };
        let Some(host) = req.host.as_deref().filter(|h| own_host(h, self.port)) else {
            return Some(refuse(
                "Cette adresse n'est pas celle de l'aperçu : ouvrez-le par l'adresse que delib serve affiche.",
            ));
        };
        if req.method == Method::Post {
            let expected = format!("http://{host}");
            if req.origin.as_deref() != Some(expected.as_str()) {
                return Some(refuse(
                    "Le formulaire ne vient pas d'une page de cet aperçu : rien n'a été modifié.",
                ));
            }
            let token = pairs
                .and_then(|p| p.iter().find(|(k, _)| k == "_jeton"))
                .map(|(_, v)| v.as_str());
            if !token.is_some_and(|t| editor.token_ok(t)) {
                return Some(refuse(
                    "Le formulaire a expiré (l'aperçu a été relancé depuis son ouverture) ou ne vient pas \
                     de cet aperçu : rechargez la page du formulaire. Rien n'a été modifié.",
                ));
            }
        }
        None
    }

    /// Answers a request to one of [`is_edit_route`]'s routes; `body` is
    /// the request's body (POST).
    pub fn respond(&self, site: &Site, req: &Request, body: &[u8]) -> Response {
        if req.path() == "/_formulaire.js" {
            return Response::new(200, http::JS, pages::FORM_JS);
        }
        if !matches!(req.method, Method::Get | Method::Head | Method::Post) {
            return Response::new(
                405,
                http::HTML,
                pages::plain_error("Méthode non autorisée", "GET ou POST attendu."),
            )
            .header("Allow", "GET, HEAD, POST");
        }
        let pairs = if req.method == Method::Post {
            let form = req
                .content_type
                .as_deref()
                .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
            match crate::url::parse_form(body).filter(|_| form) {
                Some(p) => Some(p),
                None => {
                    if let Some(r) = self.guard(req, None) {
                        return r;
                    }
                    return Response::new(
                        400,
                        http::HTML,
                        pages::plain_error(
                            "Requête incorrecte",
                            "Le formulaire envoyé n'a pas pu être lu.",
                        ),
                    );
                }
            }
        } else {
            None
        };
        if let Some(r) = self.guard(req, pairs.as_deref()) {
            return r;
        }
        let Some(editor) = &self.editor else {
            return refuse(self.off);
        };
        let answer = match req.path() {
            "/_nouveau" => {
                let Some(t) = req
                    .query("seance")
                    .and_then(|k| site.targets.iter().find(|t| t.key == k))
                else {
                    return not_found();
                };
                match &pairs {
                    Some(p) => editor.create_point(t, p),
                    None => editor.new_point_form(t, None),
                }
            }
            _ => {
                let Some(t) = req
                    .query("fichier")
                    .and_then(|k| editor.target(&k, &site.targets))
                else {
                    return not_found();
                };
                match &pairs {
                    Some(p) => editor.submit(&t, p, req.query("format").as_deref() == Some("json")),
                    None => {
                        let note = if req.query("enregistre").is_some() {
                            Some("Enregistré. L'aperçu se met à jour de lui-même.")
                        } else if req.query("cree").is_some() {
                            Some("Dossier créé. Complétez-le ci-dessous, puis enregistrez.")
                        } else if req.query("annule").is_some() {
                            Some("La dernière modification a été annulée.")
                        } else {
                            None
                        };
                        editor.open(&t, note)
                    }
                }
            }
        };
        let same_origin = |r: Response| r.header("Referrer-Policy", "same-origin");
        match answer {
            Answer::Page {
                title,
                body,
                refused,
            } => same_origin(Response::new(
                if refused { 409 } else { 200 },
                http::HTML,
                pages::edit_page(&title, &body),
            )),
            Answer::Redirect(to) => {
                Response::new(303, http::HTML, Vec::new()).header("Location", to)
            }
            Answer::Json(j) => Response::new(200, http::JSON, j),
        }
    }
}

fn not_found() -> Response {
    Response::new(
        404,
        http::HTML,
        pages::plain_error(
            "Fichier introuvable",
            "Ce fichier n'est pas un dossier, une séance ni le delib.toml des dossiers servis.",
        ),
    )
}

/// True when `host` (a Host header) is this server: localhost or an IP
/// address, with the server's port. A DNS name is refused: a page of
/// another site whose name was made to point here (DNS rebinding) would
/// otherwise be of the same origin as the forms.
pub fn own_host(host: &str, port: u16) -> bool {
    let (name, p) = if let Some(rest) = host.strip_prefix('[') {
        match rest.split_once(']') {
            Some((h, tail)) => (h, tail.strip_prefix(':')),
            None => return false,
        }
    } else {
        match host.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (host, None),
        }
    };
    let port_ok = match p {
        Some(p) => p.parse::<u16>() == Ok(port),
        None => port == 80,
    };
    port_ok && (name.eq_ignore_ascii_case("localhost") || name.parse::<std::net::IpAddr>().is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_hosts() {
        for ok in [
            "127.0.0.1:8080",
            "localhost:8080",
            "[::1]:8080",
            "192.168.1.2:8080",
        ] {
            assert!(own_host(ok, 8080), "{ok}");
        }
        for bad in [
            "127.0.0.1:8081",
            "evil.example:8080",
            "127.0.0.1",
            "localhost.evil.example:8080",
            "[::1]",
            "",
        ] {
            assert!(!own_host(bad, 8080), "{bad}");
        }
        assert!(own_host("127.0.0.1", 80));
    }
}
