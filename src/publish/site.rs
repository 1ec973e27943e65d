//! The pages of the published site: index by year and séance, one page per
//! act, the Atom feed, SHA256SUMS and the stylesheet. Pure functions: text
//! in, text out; `cmd::publish` renders the documents and writes the files.

use super::Act;
use crate::escape::html as esc;
use crate::escape::unescape;
use crate::french::{Date, date_avec_jour, date_longue};
use std::fmt::Write as _;

/// One published file of an act (a PDF or its HTML version).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileInfo {
    /// Name inside the act's folder: `deliberation.pdf`.
    pub name: String,
    /// SHA-256, lower-case hex.
    pub sha256: String,
    pub size: u64,
}

/// One document of an act: a title and its PDF and HTML files.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct SiteDoc {
    pub title: String,
    pub pdf: FileInfo,
    pub html: FileInfo,
}

/// An act on the site: the act, its publication date and its documents.
pub struct Published<'a> {
    pub act: &'a Act<'a>,
    pub online: Date,
    pub docs: Vec<SiteDoc>,
}

/// A document of a séance (liste des délibérations, procès-verbal) on the site.
#[derive(Debug, Clone)]
pub struct SeanceDoc {
    pub title: String,
    /// Paths from the site root, URL-encoded, of its PDF and HTML versions.
    pub pdf: String,
    pub html: String,
    pub pdf_size: u64,
}

/// "45 Ko", "1,2 Mo".
fn size(bytes: u64) -> String {
    if bytes < 1024 * 1024 {
        format!("{} Ko", bytes.div_ceil(1024))
    } else {
        format!("{:.1} Mo", bytes as f64 / (1024.0 * 1024.0)).replace('.', ",")
    }
}

/// The collectivité's name, as printed.
fn collectivite(act: &Act) -> String {
    unescape(&act.model.collectivite.nom)
}

/// "Conseil municipal, séance du lundi 27 juin 2016".
fn seance_label(act: &Act) -> String {
    let assemblee = unescape(&act.model.collectivite.assemblee);
    match act.date() {
        Some(d) => format!("{assemblee}, séance du {}", date_avec_jour(d)),
        None => assemblee,
    }
}

/// Sort key of a deliberation number in the register's order: runs of
/// digits compare as numbers, so « 2016/9 » comes before « 2016/10 ».
fn number_key(numero: &str) -> Vec<(u64, String)> {
    let mut key = Vec::new();
    let mut rest = numero;
    while !rest.is_empty() {
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 {
            let n = rest[..digits].parse().unwrap_or(u64::MAX);
            key.push((n, String::new()));
            rest = &rest[digits..];
        } else {
            let text = rest.len() - rest.trim_start_matches(|c: char| !c.is_ascii_digit()).len();
            key.push((0, rest[..text].to_string()));
            rest = &rest[text..];
        }
    }
    key
}

/// "n° 2016-06-27/12 – Convention …" or the objet alone.
fn act_title(act: &Act) -> String {
    let objet = unescape(&act.model.deliberation.objet);
    match &act.model.deliberation.numero {
        Some(n) => format!("Délibération n° {} – {objet}", unescape(n)),
        None => format!("Délibération – {objet}"),
    }
}

fn head(out: &mut String, title: &str, root: &str) {
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<link rel=\"stylesheet\" href=\"{root}style.css\">\n\
         <link rel=\"alternate\" type=\"application/atom+xml\" title=\"Derniers actes publiés\" href=\"{root}atom.xml\">\n\
         </head>\n<body>\n<a class=\"evitement\" href=\"#contenu\">Aller au contenu</a>\n",
        esc(title)
    );
}

fn foot(out: &mut String, root: &str) {
    let _ = write!(
        out,
        "<footer>\n<p>Actes publiés sous forme électronique, en texte intégral et gratuitement \
         (art. L. 2131-1 et R. 2131-1 du code général des collectivités territoriales). \
         <a href=\"{root}SHA256SUMS\">Empreintes SHA-256 de tous les fichiers</a> · \
         <a href=\"{root}atom.xml\">Flux Atom des derniers actes</a></p>\n</footer>\n</body>\n</html>\n"
    );
}

/// `../../../` from an act's folder back to the site root.
pub fn root_from(act: &Act) -> String {
    "../".repeat(1 + act.rel.split('/').count())
}

/// The page of one act.
pub fn act_page(p: &Published) -> String {
    let act = p.act;
    let d = &act.model.deliberation;
    let root = root_from(act);
    let mut out = String::with_capacity(8 * 1024);
    head(
        &mut out,
        &format!("{} – {}", act_title(act), collectivite(act)),
        &root,
    );
    let _ = write!(
        out,
        "<header>\n<nav aria-label=\"Fil d'Ariane\"><a href=\"{root}index.html\">Actes publiés</a> › {}</nav>\n</header>\n\
         <main id=\"contenu\">\n<p class=\"surtitre\">{} – {}</p>\n<h1>{}</h1>\n<dl class=\"fiche\">\n",
        esc(&seance_label(act)),
        esc(&collectivite(act)),
        esc(&seance_label(act)),
        esc(&unescape(&d.objet)),
    );
    let mut row = |k: &str, v: &str| {
        let _ = writeln!(out, "<dt>{k}</dt><dd>{}</dd>", esc(v));
    };
    if let Some(n) = &d.numero {
        row("Numéro", &unescape(n));
    }
    if let Some(m) = &d.matiere {
        let code = unescape(m);
        match super::nomenclature::scdl_name(&code) {
            Some(name) => row("Matière", &format!("{code} – {name}")),
            None => row("Matière", &code),
        }
    }
    if let Some(v) = &d.vote {
        row("Vote", &crate::french::typographie(&unescape(&v.phrase)));
    }
    let signataire = match &d.signature_nom {
        Some(n) => format!("{}, {}", unescape(n), unescape(&d.signature_qualite)),
        None => unescape(&d.signature_qualite),
    };
    row("Signataire", &signataire);
    if let Some(publ) = &d.publication {
        if let Some(t) = &publ.transmission {
            row("Transmis en préfecture le", &unescape(t));
        }
        if let Some(r) = &publ.reception {
            row("Reçu en préfecture le", &unescape(r));
        }
        if let Some(i) = &publ.identifiant {
            row("Identifiant @ctes", &unescape(i));
        }
    }
    row("Mis en ligne le", &date_longue(p.online));
    out.push_str("</dl>\n");
    if let Some(e) = &d.executoire {
        let _ = writeln!(
            out,
            "<p class=\"executoire\"><strong>{}</strong></p>",
            esc(&crate::french::typographie(&unescape(e)))
        );
    }
    out.push_str("<h2>Documents</h2>\n<ul class=\"documents\">\n");
    for doc in &p.docs {
        let _ = writeln!(
            out,
            "<li><a href=\"{pdf}\">{title} (PDF, {size})</a> · <a href=\"{html}\">version HTML</a>\
             <br><span class=\"empreinte\">SHA-256 du PDF : <code>{sha}</code></span></li>",
            pdf = crate::url::encode_segment(&doc.pdf.name),
            html = crate::url::encode_segment(&doc.html.name),
            title = esc(&doc.title),
            size = size(doc.pdf.size),
            sha = doc.pdf.sha256,
        );
    }
    let _ = write!(
        out,
        "</ul>\n<h2>Vérifier l'intégrité</h2>\n<p>Le PDF fait foi. Son empreinte SHA-256 ci-dessus figure aussi dans \
         le fichier <a href=\"{root}SHA256SUMS\">SHA256SUMS</a> à la racine du site ; après téléchargement, \
         <code>sha256sum deliberation.pdf</code> doit donner la même suite de caractères.</p>\n</main>\n"
    );
    foot(&mut out, &root);
    out
}

/// A séance of the index: collectivité, date, assemblée.
pub type SeanceKey = (String, Option<Date>, String);

/// The séance key of an act, as the index groups it.
pub fn seance_key(act: &Act) -> SeanceKey {
    (
        collectivite(act),
        act.date(),
        unescape(&act.model.collectivite.assemblee),
    )
}

/// The index: acts by year (newest first), then séance, then number.
pub fn index_page(acts: &[Published], seances: &[(SeanceKey, Vec<SeanceDoc>)]) -> String {
    let mut out = String::with_capacity(8 * 1024);
    head(&mut out, "Actes publiés", "");
    out.push_str("<header>\n<p class=\"surtitre\">Registre des actes</p>\n</header>\n<main id=\"contenu\">\n<h1>Actes publiés</h1>\n");
    let mut sorted: Vec<&Published> = acts.iter().collect();
    sorted.sort_by(|a, b| {
        let key = |p: &Published| {
            let numero = p.act.model.deliberation.numero.as_deref().unwrap_or("");
            (
                p.act.date(),
                collectivite(p.act),
                number_key(numero),
                p.act.rel.clone(),
            )
        };
        let (ka, kb) = (key(a), key(b));
        kb.0.cmp(&ka.0)
            .then(ka.1.cmp(&kb.1))
            .then(ka.2.cmp(&kb.2))
            .then(ka.3.cmp(&kb.3))
    });
    if sorted.is_empty() {
        out.push_str("<p>Aucun acte n'est encore publié.</p>\n");
    }
    let years: Vec<i32> = {
        let mut y: Vec<i32> = sorted
            .iter()
            .filter_map(|p| p.act.date().map(|d| d.year))
            .collect();
        y.dedup();
        y
    };
    if years.len() > 1 {
        out.push_str("<nav aria-label=\"Années\">\n<ul class=\"annees\">\n");
        for y in &years {
            let _ = writeln!(out, "<li><a href=\"#annee-{y}\">{y}</a></li>");
        }
        out.push_str("</ul>\n</nav>\n");
    }
    let mut year: Option<Option<i32>> = None;
    let mut seance: Option<SeanceKey> = None;
    for p in sorted {
        let y = p.act.date().map(|d| d.year);
        if year != Some(y) {
            if seance.is_some() {
                out.push_str("</ul>\n");
                seance = None;
            }
            if year.is_some() {
                out.push_str("</section>\n");
            }
            let label = y.map_or_else(|| "Sans date".to_owned(), |y| y.to_string());
            let id = y.map_or_else(|| "sans-date".to_owned(), |y| y.to_string());
            let _ = write!(
                out,
                "<section aria-labelledby=\"annee-{id}\">\n<h2 id=\"annee-{id}\">{label}</h2>\n"
            );
            year = Some(y);
        }
        let key = seance_key(p.act);
        if seance.as_ref() != Some(&key) {
            if seance.is_some() {
                out.push_str("</ul>\n");
            }
            let _ = writeln!(
                out,
                "<h3>{} – {}</h3>",
                esc(&key.0),
                esc(&seance_label(p.act))
            );
            if let Some((_, docs)) = seances.iter().find(|(k, _)| *k == key)
                && !docs.is_empty()
            {
                out.push_str("<ul class=\"seance\">\n");
                for d in docs {
                    let _ = writeln!(
                        out,
                        "<li><a href=\"{}\">{} (PDF, {})</a> · <a href=\"{}\">version HTML</a></li>",
                        d.pdf,
                        esc(&d.title),
                        size(d.pdf_size),
                        d.html
                    );
                }
                out.push_str("</ul>\n");
            }
            out.push_str("<ul class=\"actes\">\n");
            seance = Some(key);
        }
        let d = &p.act.model.deliberation;
        let numero = d
            .numero
            .as_ref()
            .map(|n| format!("n° {} – ", unescape(n)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "<li><a href=\"{}index.html\">{}{}</a> <span class=\"date\">mis en ligne le {}</span></li>",
            p.act.site_dir(),
            esc(&numero),
            esc(&unescape(&d.objet)),
            esc(&date_longue(p.online)),
        );
    }
    if seance.is_some() {
        out.push_str("</ul>\n");
    }
    if year.is_some() {
        out.push_str("</section>\n");
    }
    out.push_str("</main>\n");
    foot(&mut out, "");
    out
}

/// A stable URN for an entry of the feed, from a digest of what identifies it.
fn urn(parts: &[&str]) -> String {
    use sha2::Digest as _;
    let mut h = sha2::Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0]);
    }
    let b = h.finalize();
    let hex: String = b.iter().take(16).map(|x| format!("{x:02x}")).collect();
    // A version-8 (custom) UUID: stable, and an absolute IRI as Atom demands.
    format!(
        "urn:uuid:{}-{}-8{}-8{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    )
}

/// The Atom feed of the latest acts (by date put online, newest first).
/// Links are relative to the feed, or absolute under `base` when given.
pub fn atom(acts: &[Published], base: Option<&str>) -> String {
    let base = base.map(|b| format!("{}/", b.trim_end_matches('/')));
    let prefix = base.clone().unwrap_or_default();
    let mut sorted: Vec<&Published> = acts.iter().collect();
    sorted.sort_by(|a, b| b.online.cmp(&a.online).then(a.act.rel.cmp(&b.act.rel)));
    sorted.truncate(50);
    let updated = sorted
        .first()
        .map_or_else(|| "1970-01-01".to_owned(), |p| p.online.iso());
    let mut names: Vec<String> = acts.iter().map(|p| collectivite(p.act)).collect();
    names.sort();
    names.dedup();
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"fr\">\n",
    );
    let _ = writeln!(
        out,
        "<title>Actes publiés – {}</title>",
        esc(&names.join(", "))
    );
    let _ = writeln!(out, "<id>{}</id>", urn(&["delib-site", &names.join("\n")]));
    let _ = writeln!(out, "<updated>{updated}T00:00:00Z</updated>");
    let _ = writeln!(
        out,
        "<link rel=\"alternate\" type=\"text/html\" href=\"{prefix}index.html\"/>"
    );
    if let Some(b) = &base {
        let _ = writeln!(
            out,
            "<link rel=\"self\" type=\"application/atom+xml\" href=\"{b}atom.xml\"/>"
        );
    }
    let _ = writeln!(out, "<generator>delib</generator>");
    for p in sorted {
        let act = p.act;
        let dir = act.site_dir();
        let _ = write!(
            out,
            "<entry>\n<title>{}</title>\n<id>{}</id>\n<updated>{}T00:00:00Z</updated>\n\
             <author><name>{}</name></author>\n\
             <link rel=\"alternate\" type=\"text/html\" href=\"{prefix}{dir}index.html\"/>\n",
            esc(&act_title(act)),
            urn(&["delib-acte", &collectivite(act), &act.rel]),
            p.online.iso(),
            esc(&collectivite(act)),
        );
        if let Some(doc) = p.docs.first() {
            let _ = writeln!(
                out,
                "<link rel=\"enclosure\" type=\"application/pdf\" length=\"{}\" href=\"{prefix}{dir}{}\"/>",
                doc.pdf.size,
                crate::url::encode_segment(&doc.pdf.name)
            );
        }
        let _ = write!(
            out,
            "<summary>{} – mis en ligne le {}</summary>\n</entry>\n",
            esc(&seance_label(act)),
            esc(&date_longue(p.online))
        );
    }
    out.push_str("</feed>\n");
    out
}

/// `sha256sum -c` format: "<hex>  <path>" per file, sorted by path. A
/// path with a newline, a carriage return or a backslash is escaped as GNU
/// `sha256sum` writes it (`\` before the line, then `\n`, `\r`, `\\`):
/// a dossier named with a newline cannot break the file into two lines.
pub fn sha256sums(files: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = files.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    sorted
        .iter()
        .map(|(path, sha)| {
            if path.contains(['\\', '\n', '\r']) {
                let escaped = path
                    .replace('\\', "\\\\")
                    .replace('\n', "\\n")
                    .replace('\r', "\\r");
                format!("\\{sha}  {escaped}\n")
            } else {
                format!("{sha}  {path}\n")
            }
        })
        .collect()
}

/// The lines of the sums file `current` (as [`sha256sums`] writes it)
/// whose path and SHA-256 are also in `next`: the files a run leaves as
/// they are, listed while it changes the others.
pub fn sums_kept(current: &str, next: &[(String, String)]) -> String {
    let next: std::collections::BTreeSet<(&str, &str)> =
        next.iter().map(|(p, s)| (p.as_str(), s.as_str())).collect();
    let kept: Vec<(String, String)> = current
        .lines()
        .filter_map(|line| {
            let (escaped, line) = match line.strip_prefix('\\') {
                Some(rest) => (true, rest),
                None => (false, line),
            };
            let (sha, path) = line.split_once("  ")?;
            let path = if escaped {
                unescape_sum_path(path)?
            } else {
                path.to_owned()
            };
            next.contains(&(path.as_str(), sha))
                .then(|| (path, sha.to_owned()))
        })
        .collect();
    sha256sums(&kept)
}

/// A path escaped by `sha256sum`, back to its characters.
fn unescape_sum_path(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        out.push(match chars.next()? {
            'n' => '\n',
            'r' => '\r',
            '\\' => '\\',
            _ => return None,
        });
    }
    Some(out)
}

/// SHA-256 of bytes, lower-case hex.
pub fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The stylesheet: system fonts, high contrast, visible focus, print-friendly.
pub const STYLE: &str = "\
body { font-family: system-ui, -apple-system, \"Segoe UI\", \"Liberation Sans\", sans-serif; line-height: 1.5; color: #1a1a1a; background: #ffffff; max-width: 52rem; margin: 0 auto; padding: 1rem 1.25rem 3rem; }
a { color: #0b4f9c; text-decoration: underline; }
a:visited { color: #5a2d82; }
a:focus-visible { outline: 3px solid #c75000; outline-offset: 2px; }
.evitement { position: absolute; left: -999rem; }
.evitement:focus { position: static; display: inline-block; padding: 0.25rem 0.5rem; background: #ffffff; }
header { border-bottom: 1px solid #6b6b6b; margin-bottom: 1.5rem; padding-bottom: 0.5rem; }
.surtitre { color: #4a4a4a; margin: 0; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 0.5rem 0 1rem; }
h2 { font-size: 1.3rem; margin-top: 2rem; border-bottom: 2px solid #0b4f9c; }
h3 { font-size: 1.05rem; margin: 1.5rem 0 0.5rem; }
dl.fiche { display: grid; grid-template-columns: minmax(10rem, max-content) 1fr; gap: 0.25rem 1rem; }
dl.fiche dt { font-weight: bold; }
dl.fiche dd { margin: 0; }
.executoire { border-left: 4px solid #0b4f9c; padding-left: 0.75rem; }
ul.documents li, ul.actes li { margin-bottom: 0.6rem; }
ul.annees { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 1rem; }
.date { color: #4a4a4a; white-space: nowrap; }
.empreinte code { font-size: 0.8rem; overflow-wrap: anywhere; }
footer { margin-top: 3rem; border-top: 1px solid #6b6b6b; font-size: 0.9rem; color: #4a4a4a; }
@media print { .evitement, footer { display: none; } a { color: #000000; } }
";
