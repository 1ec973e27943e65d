//! The forms of `delib serve` over real HTTP (issue 25): what a save
//! writes, and every refusal, each of which writes nothing. The same in a
//! real browser: tests/browser/edit.rs.

use crate::common::files;
use crate::serve::server::{self, Server, examples, form_fields, set};

const PEP21: &str = "/_modifier?fichier=dijon/convention-pep21.toml";

/// The lines of `b` that are not in `a`, and those of `a` not in `b`, in order.
fn line_diff(a: &str, b: &str) -> (Vec<String>, Vec<String>) {
    let la: Vec<&str> = a.lines().collect();
    let lb: Vec<&str> = b.lines().collect();
    let removed = la
        .iter()
        .filter(|l| !lb.contains(l))
        .map(|l| l.to_string())
        .collect();
    let added = lb
        .iter()
        .filter(|l| !la.contains(l))
        .map(|l| l.to_string())
        .collect();
    (removed, added)
}

#[test]
fn a_save_rewrites_only_the_keys_that_changed_and_can_be_undone() {
    let dir = examples("edit-save");
    let file = dir.join("dijon/convention-pep21.toml");
    let original = std::fs::read_to_string(&file).unwrap();
    let s = Server::start(&dir, &[]);
    // The index and the documents offer the form.
    let index = s.get("/").text();
    assert!(index.contains(&format!("href=\"{PEP21}\"")), "{index}");
    assert!(index.contains("href=\"/_nouveau?seance=dijon/seances/2016-06-27.toml\""));
    assert!(index.contains("href=\"/_modifier?fichier=dijon/delib.toml\""));
    let doc = s.get("/dijon/convention-pep21/deliberation.html").text();
    assert!(doc.contains(&format!("<a href=\"{PEP21}\">Modifier le dossier</a>")));

    let page = s.get(PEP21);
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("Referrer-Policy").as_deref(),
        Some("same-origin")
    );
    let html = page.text();
    assert!(html.contains("<label for=\"c-deliberation.objet\">Objet de la délibération"));
    let mut pairs = form_fields(&html);
    // Posted untouched: not a byte changes.
    let mut same = pairs.clone();
    same.push(("_action".into(), "enregistrer".into()));
    assert_eq!(s.submit(PEP21, &same).status, 303);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), original);

    set(
        &mut pairs,
        "deliberation.objet",
        "Convention modifiée depuis le navigateur",
    );
    set(&mut pairs, "deliberation.vote.unanimite", "");
    set(&mut pairs, "deliberation.vote.pour", "50");
    set(&mut pairs, "deliberation.vote.contre", "8");
    set(&mut pairs, "deliberation.vote.contre_noms.n1", "M. BICHOT");
    set(
        &mut pairs,
        "deliberation.articles.n1",
        "**DIT** que la dépense est inscrite au budget.",
    );
    pairs.push(("_action".into(), "enregistrer".into()));
    let r = s.submit(PEP21, &pairs);
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(
        r.header("Location").as_deref(),
        Some("/_modifier?fichier=dijon/convention-pep21.toml&enregistre=1")
    );
    let saved = std::fs::read_to_string(&file).unwrap();
    let (removed, added) = line_diff(&original, &saved);
    assert_eq!(
        removed,
        [
            "objet = \"Convention conclue entre la Ville de Dijon et l'association les PEP 21 pour la mise en œuvre de l'accompagnement individualisé des enfants en difficulté\"",
            "unanimite = true"
        ]
    );
    assert_eq!(
        added,
        [
            "objet = \"Convention modifiée depuis le navigateur\"",
            "  \"**DIT** que la dépense est inscrite au budget.\",",
            "pour = 50",
            "contre = 8",
            "contre_noms = [\"M. BICHOT\"]"
        ]
    );
    // The comment on the first line is kept; the previous version is beside the file.
    assert!(saved.starts_with("# Transcription du seed 001"));
    let previous = dir.join("dijon/convention-pep21.toml~");
    assert_eq!(std::fs::read_to_string(&previous).unwrap(), original);
    // The form again, from the file, says so and offers to undo.
    let again = s
        .get("/_modifier?fichier=dijon/convention-pep21.toml&enregistre=1")
        .text();
    assert!(again.contains("Enregistré."), "{again}");
    assert!(again.contains("Annuler la dernière modification"));
    let undo_form = &again[again.find("class=\"annulation\"").unwrap()..];
    let version = undo_form
        .split("name=\"_version\" value=\"")
        .nth(1)
        .unwrap();
    let version = &version[..version.find('"').unwrap()];
    let token = again.split("name=\"_jeton\" value=\"").nth(1).unwrap();
    let token = &token[..token.find('"').unwrap()];
    let undo = vec![
        ("_jeton".to_owned(), token.to_owned()),
        ("_version".to_owned(), version.to_owned()),
        ("_action".to_owned(), "annuler".to_owned()),
    ];
    assert_eq!(s.submit(PEP21, &undo).status, 303);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), original);
    // Undoing again puts the change back (the undone version was kept).
    let page = s.get(PEP21).text();
    let version = page.split("name=\"_version\" value=\"").nth(1).unwrap();
    let mut redo = undo.clone();
    redo[1].1 = version[..version.find('"').unwrap()].to_owned();
    assert_eq!(s.submit(PEP21, &redo).status, 303);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), saved);
}

#[test]
fn refusals_write_nothing() {
    let dir = examples("edit-refusals");
    let file = dir.join("dijon/convention-pep21.toml");
    let s = Server::start(&dir, &[]);
    let html = s.get(PEP21).text();
    let mut pairs = form_fields(&html);
    set(&mut pairs, "deliberation.objet", "Objet changé");
    pairs.push(("_action".into(), "enregistrer".into()));
    let before = files(&dir);
    let without_token: Vec<(String, String)> = pairs
        .iter()
        .filter(|(k, _)| k != "_jeton")
        .cloned()
        .collect();
    let r = s.submit(PEP21, &without_token);
    assert_eq!(r.status, 403);
    assert!(r.text().contains("Modification refusée"));
    let mut bad_token = pairs.clone();
    set(&mut bad_token, "_jeton", "0123456789abcdef");
    assert_eq!(s.submit(PEP21, &bad_token).status, 403);
    // A page of another site posting into the clerk's files.
    for origin in [Some("http://evil.example"), Some("null"), None] {
        let r = s.post(PEP21, &pairs, origin);
        assert_eq!(r.status, 403, "{origin:?}");
    }
    // Another site's name pointing here (DNS rebinding), for the form and the post.
    let host = |h: &str, method: &str| {
        let body = server::form_encode(&pairs);
        s.raw(
            format!(
                "{method} {PEP21} HTTP/1.1\r\nHost: {h}\r\nOrigin: http://{h}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            )
            .as_bytes(),
        )
    };
    assert_eq!(
        host(&format!("evil.example:{}", s.addr.port()), "POST").status,
        403
    );
    assert_eq!(
        host(&format!("localhost:{}", s.addr.port() + 1), "POST").status,
        403
    );
    // Not a form body.
    let r = s.raw(
        format!(
            "POST {PEP21} HTTP/1.1\r\nHost: {0}\r\nOrigin: http://{0}\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello",
            s.addr
        )
        .as_bytes(),
    );
    assert_eq!(r.status, 403);
    assert_eq!(files(&dir), before);

    // An invalid value: the finding of delib check beside its field, nothing written.
    let mut invalid = pairs.clone();
    set(&mut invalid, "deliberation.vote.pour", "douze");
    let r = s.submit(PEP21, &invalid);
    assert_eq!(r.status, 409);
    let text = r.text();
    assert!(text.contains("Rien n&#39;a été enregistré"), "{text}");
    let field = &text[text.find("id=\"c-deliberation.vote.pour\"").unwrap()..];
    let field = &field[..field.find("</div>").unwrap()];
    assert!(field.contains("aria-invalid=\"true\""), "{field}");
    assert!(field.contains("[type-incorrect]"), "{field}");
    assert!(
        field.contains("value=\"douze\""),
        "what was typed stays: {field}"
    );
    // An objet left empty would make the dossier unreadable.
    let mut empty = pairs.clone();
    set(&mut empty, "deliberation.objet", "");
    let r = s.submit(PEP21, &empty);
    assert_eq!(r.status, 409);
    assert!(r.text().contains("[champ-manquant]"));
    assert_eq!(files(&dir), before);

    // The file changed on disk since the form was opened.
    let original = std::fs::read_to_string(&file).unwrap();
    let elsewhere = original.replace("matiere = \"8.1\"", "matiere = \"8.2\"");
    std::fs::write(&file, &elsewhere).unwrap();
    let before = files(&dir);
    let r = s.submit(PEP21, &pairs);
    assert_eq!(r.status, 409);
    let text = r.text();
    assert!(text.contains("le fichier a été modifié ailleurs"), "{text}");
    assert!(text.contains("Ce qui diffère"));
    assert!(text.contains("Code matière @ctes"), "{text}");
    assert!(
        text.contains("« 8.1 »") && text.contains("« 8.2 »"),
        "{text}"
    );
    // What the clerk typed stays in the form.
    assert!(text.contains("value=\"Objet changé\""));
    assert_eq!(files(&dir), before);
    // The undo, too, refuses a file changed since.
    let undo = vec![
        pairs.iter().find(|(k, _)| k == "_jeton").unwrap().clone(),
        pairs.iter().find(|(k, _)| k == "_version").unwrap().clone(),
        ("_action".to_owned(), "annuler".to_owned()),
    ];
    let _ = s.submit(PEP21, &undo);
    assert_eq!(files(&dir), before);
}

#[test]
fn only_files_of_the_project_are_offered() {
    let dir = examples("edit-paths");
    std::fs::write(dir.join("secret.txt"), "SECRET").unwrap();
    let s = Server::start(&dir, &[]);
    for key in [
        "../../etc/passwd",
        "/etc/passwd",
        "dijon/../dijon/convention-pep21.toml",
        "dijon/./convention-pep21.toml",
        "secret.txt",
        "dijon\\convention-pep21.toml",
        "dijon/convention-pep21.toml~",
        "dijon/absent.toml",
        ".git/config",
        "dijon//convention-pep21.toml",
    ] {
        let r = s.get(&format!("/_modifier?fichier={}", key.replace('/', "%2F")));
        assert_eq!(r.status, 404, "{key}");
        assert!(!r.text().contains("SECRET"));
    }
    assert_eq!(s.get("/_nouveau?seance=../x.toml").status, 404);
}

#[test]
fn editing_is_offered_on_the_loopback_address_only_unless_asked() {
    let dir = examples("edit-modes");
    let s = Server::start(&dir, &["--lecture-seule"]);
    assert!(!s.get("/").text().contains("/_modifier"));
    let r = s.get(PEP21);
    assert_eq!(r.status, 403);
    assert!(r.text().contains("--lecture-seule"));
    drop(s);
    let s = Server::start(&dir, &["--bind", "0.0.0.0"]);
    assert!(!s.get("/").text().contains("/_modifier"));
    let r = s.get(PEP21);
    assert_eq!(r.status, 403);
    assert!(r.text().contains("--modification-distante"), "{}", r.text());
    drop(s);
    let s = Server::start(&dir, &["--bind", "0.0.0.0", "--modification-distante"]);
    assert!(s.log().contains("pourra aussi modifier"), "{}", s.log());
    assert!(s.get("/").text().contains("/_modifier"));
    assert_eq!(s.get(PEP21).status, 200);
    // A machine name is not an address of this server: refused.
    let r = s.raw(
        format!(
            "GET {PEP21} HTTP/1.1\r\nHost: poste-secretariat:{}\r\n\r\n",
            s.addr.port()
        )
        .as_bytes(),
    );
    assert_eq!(r.status, 403);
}

#[test]
fn a_new_point_is_a_new_dossier_of_the_seance() {
    let dir = examples("edit-new");
    let s = Server::start(&dir, &[]);
    let url = "/_nouveau?seance=dijon/seances/2016-06-27.toml";
    let page = s.get(url).text();
    // The next number of the séance is proposed.
    assert!(page.contains("value=\"2016-06-27/15\""), "{page}");
    let mut pairs = form_fields(&page);
    set(&mut pairs, "objet", "Dénomination d'une rue « des Écoles »");
    let r = s.submit(url, &pairs);
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(
        r.header("Location").as_deref(),
        Some("/_modifier?fichier=dijon/denomination-d-une-rue-des-ecoles.toml&cree=1")
    );
    let created =
        std::fs::read_to_string(dir.join("dijon/denomination-d-une-rue-des-ecoles.toml")).unwrap();
    assert_eq!(
        created,
        "seance = \"seances/2016-06-27.toml\"\n\n[deliberation]\nnumero = \"2016-06-27/15\"\nobjet = \"Dénomination d'une rue « des Écoles »\"\n"
    );
    let form = s.get("/_modifier?fichier=dijon/denomination-d-une-rue-des-ecoles.toml&cree=1");
    assert_eq!(form.status, 200);
    assert!(form.text().contains("Dossier créé."));
    // The same name again: refused, the file is not replaced.
    let before = files(&dir);
    let r = s.submit(url, &pairs);
    assert_eq!(r.status, 409);
    assert!(r.text().contains("existe déjà"));
    assert_eq!(files(&dir), before);
    // Without the secret: refused.
    let bare: Vec<(String, String)> = pairs
        .iter()
        .filter(|(k, _)| k != "_jeton")
        .cloned()
        .collect();
    assert_eq!(s.submit(url, &bare).status, 403);
}
