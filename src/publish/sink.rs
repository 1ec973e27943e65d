//! The site as a sink (`delib publish`): the static website of the published
//! acts, written from the engine's checked dossiers.
//!
//! Incremental like `render`: `SITE/.delib-site.json` records, per act, a hash
//! of its inputs and the SHA-256 of each file; an unchanged act is not
//! rendered again. Every file is written atomically, inside the site folder
//! and never through a link (`output::OutputDir`, locked for the run); a
//! dossier in error leaves the whole site as it was.
//!
//! The site's manifest is data on disk, never trusted: one that names a
//! file outside `actes/` or `seances/` of the site (absolute, `..`, hidden)
//! is ignored as a whole, and a file is removed only when its bytes still
//! hash to the SHA-256 recorded for it.
//!
//! `SHA256SUMS` lists every file of the site and never disagrees with the
//! files it lists, even after a kill or a full disk: before anything
//! changes, it is cut down to the lines this run leaves as they are; it is
//! written in full last.

use crate::build::{Format, Kind};
use crate::diag::Diagnostic;
use crate::hash::Hash;
use crate::publish::site::{self, FileInfo, Published, SiteDoc};
use crate::publish::{self, Act};
use anyhow::Context as _;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The site's manifest file.
const MANIFEST: &str = ".delib-site.json";
/// Its format; another one is ignored (everything is rewritten, nothing removed by it).
const VERSION: u32 = 2;
/// The integrity file at the top of the site.
const SUMS: &str = "SHA256SUMS";

#[derive(Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SiteManifest {
    version: u32,
    /// Act folder (`actes/dijon/convention-pep21/`) → what was written there.
    acts: BTreeMap<String, SiteEntry>,
    /// Séance documents written: path from the site root → SHA-256.
    #[serde(default)]
    seances: BTreeMap<String, String>,
}

#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SiteEntry {
    inputs: String,
    docs: Vec<SiteDoc>,
    /// SHA-256 of the act's page (`index.html`) as last written.
    #[serde(default)]
    page: String,
}

/// An act's manifest entry and the files to write (none when reused).
type Rendered = (SiteEntry, Vec<(String, Vec<u8>)>);

/// Why an act is not on the site.
#[derive(Default)]
struct Counts {
    drafts: usize,
    unpublished: usize,
    future: usize,
}

/// What `delib publish` asks (its options, as the front end parsed them).
pub struct PublishOptions {
    /// The folder of the dossiers.
    pub folder: PathBuf,
    /// The site's folder.
    pub output: PathBuf,
    /// The site's address, for the Atom feed.
    pub url: Option<String>,
    /// The day the site is made for: what is published by then is online.
    pub today: crate::french::Date,
    /// Rewrite every act, even those unchanged.
    pub force: bool,
}

/// What a publication did.
pub enum Outcome {
    /// Nothing changed on the site: a dossier, an act or a séance document
    /// in error (already said).
    Refused,
    Published(Summary),
}

/// The counts of a publication.
pub struct Summary {
    /// Acts online.
    pub online: usize,
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
    /// Acts not online: drafts, without a publication date, to come.
    pub drafts: usize,
    pub unpublished: usize,
    pub future: usize,
}

/// Publishes the acts of `args.folder` into the site `args.output`: loads
/// and checks them (through the engine), renders what changed since the
/// site's manifest in parallel, writes every file atomically, removes what
/// left the site, and keeps `SHA256SUMS` true at every moment. What a clerk
/// reads along the way goes to `say`; nothing is written when an act is in
/// error.
pub fn publish(
    args: &PublishOptions,
    quiet: bool,
    say: &mut dyn FnMut(&str),
) -> anyhow::Result<Outcome> {
    let today = args.today;
    let mut project = crate::engine::Project::load_folder(&args.folder, quiet, say)?;
    if crate::diag::has_errors(&project.findings) {
        say!(
            say,
            "site non mis à jour : un fichier du répertoire est en erreur ; corrigez-le (delib check) puis relancez"
        );
        return Ok(Outcome::Refused);
    }
    project.check_all();
    let (acts, failed) = publish::acts(&args.folder, &project.units);
    if !failed.is_empty() {
        for c in &failed {
            for d in &c.diagnostics {
                say!(say, "{}", d.render());
            }
            say!(say, "{} : dossier en erreur", c.path.display());
        }
        say!(
            say,
            "site non mis à jour : {} dossier(s) en erreur ; corrigez-les (delib check) puis relancez",
            failed.len()
        );
        return Ok(Outcome::Refused);
    }
    let mut counts = Counts::default();
    let mut online: Vec<(&Act, crate::french::Date)> = Vec::new();
    for act in &acts {
        match act.publication() {
            _ if act.is_draft() => counts.drafts += 1,
            None => counts.unpublished += 1,
            Some(d) if d > today => counts.future += 1,
            Some(d) => online.push((act, d)),
        }
    }

    let site = &args.output;
    let out = crate::output::OutputDir::open(site, || {
        eprintln!(
            "un autre delib publish écrit dans {} : attente de la fin de cette publication…",
            site.display()
        );
    })
    .with_context(|| {
        format!(
            "impossible de créer le répertoire du site {}",
            site.display()
        )
    })?;
    let old = match load_manifest(&out) {
        Ok(m) => m,
        Err(why) => {
            say!(
                say,
                "attention : le manifeste du site {} est ignoré ({why}) : tout est réécrit, et rien n'est supprimé d'après lui",
                site.join(MANIFEST).display()
            );
            SiteManifest::default()
        }
    };
    let templates = &project.templates;
    let tool = crate::hash::tool_id();

    // Render what changed, in parallel; nothing is written until every act rendered.
    let results: Vec<Result<Rendered, Diagnostic>> = online
        .par_iter()
        .map(|(act, _)| {
            let tpl = templates.of(act.loaded)?;
            let inputs = crate::engine::whole_inputs(act.loaded, &tpl, tool).hex();
            let folder = act.site_dir();
            if !args.force
                && let Some(e) = old.acts.get(&folder)
                && e.inputs == inputs
                && e.docs.iter().all(|d| {
                    let base = out.root().join(fs_path(&folder));
                    base.join(&d.pdf.name).is_file() && base.join(&d.html.name).is_file()
                })
            {
                return Ok((e.clone(), Vec::new()));
            }
            render_act(act, templates, tool, inputs)
        })
        .collect();
    let mut entries: Vec<SiteEntry> = Vec::with_capacity(results.len());
    // Files to write, by path from the site root.
    let mut to_write: Vec<(String, Vec<u8>)> = Vec::new();
    let mut errors = 0;
    let mut reused = 0;
    for ((act, _), r) in online.iter().zip(results) {
        match r {
            Ok((entry, files)) => {
                if files.is_empty() {
                    reused += 2 * entry.docs.len();
                }
                let base = fs_path(&act.site_dir());
                to_write.extend(files.into_iter().map(|(n, b)| (format!("{base}{n}"), b)));
                entries.push(entry);
            }
            Err(d) => {
                say!(say, "{}", d.render());
                say!(say, "{} : non publié", act.loaded.source.path.display());
                errors += 1;
            }
        }
    }
    if errors > 0 {
        say!(say, "site non mis à jour : {errors} acte(s) en erreur");
        return Ok(Outcome::Refused);
    }

    let published: Vec<Published> = online
        .iter()
        .zip(&entries)
        .map(|((act, d), e)| Published {
            act,
            online: *d,
            docs: e.docs.clone(),
        })
        .collect();
    let (seance_links, seance_files) =
        match seance_documents(&args.folder, &acts, &online, today, templates) {
            Ok(x) => x,
            Err(diags) => {
                for d in &diags {
                    say!(say, "{}", d.render());
                }
                say!(say, "site non mis à jour : documents de séance en erreur");
                return Ok(Outcome::Refused);
            }
        };
    let mut sums: Vec<(String, String)> = Vec::new();
    let mut manifest = SiteManifest {
        version: VERSION,
        ..SiteManifest::default()
    };
    for (path, bytes) in seance_files {
        let sha = site::sha256(&bytes);
        sums.push((path.clone(), sha.clone()));
        manifest.seances.insert(path.clone(), sha);
        to_write.push((path, bytes));
    }
    for (p, mut e) in published.iter().zip(entries) {
        let folder = fs_path(&p.act.site_dir());
        let page = site::act_page(p).into_bytes();
        e.page = site::sha256(&page);
        to_write.push((format!("{folder}index.html"), page));
        for d in &p.docs {
            for f in [&d.pdf, &d.html] {
                sums.push((format!("{folder}{}", f.name), f.sha256.clone()));
            }
        }
        manifest.acts.insert(p.act.site_dir(), e);
    }
    to_write.push((
        "index.html".into(),
        site::index_page(&published, &seance_links).into_bytes(),
    ));
    to_write.push((
        "atom.xml".into(),
        site::atom(&published, args.url.as_deref()).into_bytes(),
    ));
    to_write.push(("style.css".into(), site::STYLE.as_bytes().to_vec()));
    // The sums cover the whole site, pages, feed and stylesheet included:
    // `sha256sum -c` checks every file a reader gets, and the lines a run
    // leaves alone (the stylesheet at least) are never none.
    let listed: std::collections::BTreeSet<String> = sums.iter().map(|(p, _)| p.clone()).collect();
    for (path, bytes) in &to_write {
        if !listed.contains(path) {
            sums.push((path.clone(), site::sha256(bytes)));
        }
    }
    let sums_text = site::sha256sums(&sums);

    // Before anything changes: the sums of the files this run leaves as
    // they are, so that SHA256SUMS never lists a file whose bytes differ.
    if let Ok(current) = out.read_top(SUMS, 64 << 20) {
        let keep = site::sums_kept(&String::from_utf8_lossy(&current), &sums);
        out.write_top(SUMS, keep.as_bytes())
            .with_context(|| format!("impossible d'écrire {}", site.join(SUMS).display()))?;
    }
    let (mut written, mut unchanged) = (0usize, reused);
    for (path, bytes) in &to_write {
        if out
            .write_if_changed(std::path::Path::new(path), bytes)
            .with_context(|| format!("impossible d'écrire {}", site.join(path).display()))?
        {
            written += 1;
        } else {
            unchanged += 1;
        }
    }
    // What leaves the site: files recorded by the last run that this one
    // does not write, removed only when their bytes are still what was
    // written (SHA-256), then the folders they leave empty.
    let mut removed = 0usize;
    let mut remove = |path: &str, sha: &str| {
        let rel = std::path::Path::new(path);
        if !sha.is_empty() && out.remove_if(rel, |b| site::sha256(b) == sha) {
            removed += 1;
            if !quiet {
                say!(say, "retiré du site   {}", site.join(rel).display());
            }
        }
        for d in rel
            .ancestors()
            .skip(1)
            .filter(|d| !d.as_os_str().is_empty())
        {
            out.remove_empty_dir(d);
        }
    };
    for (path, sha) in &old.seances {
        if !manifest.seances.contains_key(path) {
            remove(path, sha);
        }
    }
    for (folder, e) in &old.acts {
        let now = manifest.acts.get(folder);
        let base = fs_path(folder);
        for d in &e.docs {
            for f in [&d.pdf, &d.html] {
                let kept = now.is_some_and(|n| {
                    n.docs
                        .iter()
                        .any(|d| [&d.pdf.name, &d.html.name].contains(&&f.name))
                });
                if !kept {
                    remove(&format!("{base}{}", f.name), &f.sha256);
                }
            }
        }
        if now.is_none() {
            remove(&format!("{base}index.html"), &e.page);
        }
    }
    let mut json = serde_json::to_vec_pretty(&manifest)?;
    json.push(b'\n');
    out.write_top(MANIFEST, &json)
        .with_context(|| format!("impossible d'écrire {}", site.join(MANIFEST).display()))?;
    // Last: the sums of every file, now that every file is written.
    if out
        .write_if_changed(std::path::Path::new(SUMS), sums_text.as_bytes())
        .with_context(|| format!("impossible d'écrire {}", site.join(SUMS).display()))?
    {
        written += 1;
    } else {
        unchanged += 1;
    }
    Ok(Outcome::Published(Summary {
        online: published.len(),
        written,
        unchanged,
        removed,
        drafts: counts.drafts,
        unpublished: counts.unpublished,
        future: counts.future,
    }))
}

/// Links of the index to the séance documents, and the files to write.
type SeanceOutput = (
    Vec<(site::SeanceKey, Vec<site::SeanceDoc>)>,
    Vec<(String, Vec<u8>)>,
);

/// The documents of each séance that has an act online: the liste des
/// délibérations once `liste_publiee` is reached, the procès-verbal once the
/// séance that adopted it (`proces_verbal_arrete`) is reached. Written as PDF
/// and HTML under `seances/<séance file>/`.
fn seance_documents(
    folder: &std::path::Path,
    acts: &[Act],
    online: &[(&Act, crate::french::Date)],
    today: crate::french::Date,
    templates: &crate::engine::TemplateSets,
) -> Result<SeanceOutput, Vec<Diagnostic>> {
    use crate::seance::{self, documents::SeanceDoc};
    // The partners only serve the recueil, which is not published.
    let items: Vec<seance::Item> = acts
        .iter()
        .map(|a| seance::Item {
            loaded: a.loaded,
            model: a.model,
            partners: None,
        })
        .collect();
    let mut links = Vec::new();
    let mut files = Vec::new();
    for g in seance::group(&items) {
        let Some(first) = acts.iter().find(|a| {
            g.items
                .first()
                .is_some_and(|i| std::ptr::eq(i.loaded, a.loaded))
        }) else {
            continue;
        };
        let is_online = |a: &Act| online.iter().any(|(o, _)| std::ptr::eq(o.loaded, a.loaded));
        if !acts
            .iter()
            .any(|a| is_online(a) && g.items.iter().any(|i| std::ptr::eq(i.loaded, a.loaded)))
        {
            continue;
        }
        let reached = |d: &Option<crate::input::TomlDate>| {
            d.as_ref()
                .and_then(crate::model::to_date)
                .is_some_and(|d| d <= today)
        };
        let mut wanted = Vec::new();
        if reached(&g.seance.liste_publiee) {
            wanted.push(SeanceDoc::Liste);
        }
        if reached(&g.seance.proces_verbal_arrete) {
            wanted.push(SeanceDoc::ProcesVerbal);
        }
        if wanted.is_empty() {
            continue;
        }
        let m = seance::build(&g)?;
        let due = seance::documents::list(&m);
        let tpl = templates.of(first.loaded).map_err(|d| vec![d])?;
        let rel = publish::relative_path(folder, &g.file);
        let url_dir = format!("seances/{}/", crate::url::encode_path(&rel));
        let fs_dir = format!("seances/{rel}/");
        let mut docs = Vec::new();
        for d in wanted {
            if !due.contains(&d) {
                continue;
            }
            let out = seance::documents::render_doc(
                &m,
                d,
                &tpl,
                &[Format::Html, Format::Pdf],
                first.model.logo.as_ref(),
            )
            .map_err(|e| vec![e])?;
            let mut pdf_size = 0;
            for f in out {
                if f.name.ends_with(".pdf") {
                    pdf_size = f.bytes.len() as u64;
                }
                files.push((format!("{fs_dir}{}", f.name), f.bytes));
            }
            docs.push(site::SeanceDoc {
                title: d.label_for(&m).to_owned(),
                pdf: format!("{url_dir}{}.pdf", d.stem()),
                html: format!("{url_dir}{}.html", d.stem()),
                pdf_size,
            });
        }
        links.push((site::seance_key(first), docs));
    }
    Ok((links, files))
}

/// The site's manifest, checked: every path it names must be a plain
/// relative path under `actes/` or `seances/` of the site. Err: why it is
/// not used (absent: an empty one).
fn load_manifest(out: &crate::output::OutputDir) -> Result<SiteManifest, String> {
    let bytes = match out.read_top(MANIFEST, 256 << 20) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(SiteManifest {
                version: VERSION,
                ..SiteManifest::default()
            });
        }
        Err(e) => return Err(crate::messages::io_message(&e)),
    };
    let m: SiteManifest = serde_json::from_slice(&bytes)
        .map_err(|_| "illisible, ou écrit par une autre version de delib".to_owned())?;
    if m.version != VERSION {
        return Err("il vient d'une autre version de delib".into());
    }
    let plain = |path: &str, under: &str| {
        path.strip_prefix(under).is_some_and(|rest| {
            !rest.is_empty() && crate::disk::is_plain_relative(std::path::Path::new(rest))
        })
    };
    for (folder, e) in &m.acts {
        let dir = fs_path(folder);
        if !dir.ends_with('/') || !plain(dir.trim_end_matches('/'), "actes/") {
            return Err(format!("il nomme le répertoire « {folder} »"));
        }
        for d in &e.docs {
            for name in [&d.pdf.name, &d.html.name] {
                if name.contains(['/', '\\']) || !plain(name, "") {
                    return Err(format!("il nomme le fichier « {name} »"));
                }
            }
        }
    }
    if let Some(path) = m.seances.keys().find(|p| !plain(p, "seances/")) {
        return Err(format!("il nomme le fichier « {path} »"));
    }
    Ok(m)
}

/// `actes/dijon/convention-pep21/` (URL-encoded) as a file-system path.
fn fs_path(url_dir: &str) -> String {
    let mut out = String::with_capacity(url_dir.len());
    let mut bytes = url_dir.bytes();
    let mut raw = Vec::new();
    while let Some(b) = bytes.next() {
        if b == b'%' {
            let hi = bytes.next().unwrap_or(b'0');
            let lo = bytes.next().unwrap_or(b'0');
            let hex = |c: u8| (c as char).to_digit(16).unwrap_or(0) as u8;
            raw.push(hex(hi) * 16 + hex(lo));
        } else {
            raw.push(b);
        }
    }
    out.push_str(&String::from_utf8_lossy(&raw));
    out
}

/// Renders the act's documents (the délibération, its conventions and annexes;
/// not the rapport, which is not part of the act) as PDF and HTML.
fn render_act(
    act: &Act,
    templates: &crate::engine::TemplateSets,
    tool: Hash,
    inputs: String,
) -> Result<Rendered, Diagnostic> {
    let model = act.model;
    let plan = crate::engine::plan(act.loaded, model, templates, tool)?;
    let mut docs = Vec::new();
    let mut files = Vec::new();
    for planned in &plan.docs {
        let doc = &planned.doc;
        let title = match doc.kind {
            Kind::Rapport => continue,
            Kind::Deliberation => "Délibération".to_owned(),
            Kind::Convention(_) => match &model.convention {
                Some(c) if doc.stem != "convention" => {
                    let who = doc.stem.trim_start_matches("convention-");
                    format!("{} ({who})", crate::escape::unescape(&c.titre))
                }
                Some(c) => crate::escape::unescape(&c.titre),
                None => "Convention".to_owned(),
            },
            Kind::Annexe(n) => format!(
                "Annexe {n} – {}",
                crate::escape::unescape(&model.annexes[n - 1].titre)
            ),
        };
        let out = crate::engine::render_doc(model, &plan, planned, &[Format::Html, Format::Pdf])?;
        let info = |ext: &str| {
            out.iter()
                .find(|f| f.name.ends_with(ext))
                .map(|f| FileInfo {
                    name: f.name.clone(),
                    sha256: site::sha256(&f.bytes),
                    size: f.bytes.len() as u64,
                })
        };
        let (Some(html), Some(pdf)) = (info(".html"), info(".pdf")) else {
            continue;
        };
        docs.push(SiteDoc { title, pdf, html });
        files.extend(out.into_iter().map(|f| (f.name, f.bytes)));
    }
    Ok((
        SiteEntry {
            inputs,
            docs,
            page: String::new(),
        },
        files,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_dirs_back_to_paths() {
        assert_eq!(fs_path("actes/%C3%A9t%C3%A9/a/"), "actes/été/a/");
        assert_eq!(fs_path("actes/dijon/"), "actes/dijon/");
    }
}
