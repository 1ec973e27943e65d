//! From a loaded dossier to the bytes of each output file, in memory.
//!
//! Nothing is written here: the caller writes only once every document of
//! the dossier rendered, so a failure never leaves a half-updated set.

use crate::diag::Diagnostic;
use crate::doc::{self, Meta};
use crate::model::Model;
use crate::partners::Partner;
use crate::render;
use crate::templates::Templates;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    Md,
    Html,
    Pdf,
}

impl Format {
    /// All formats, in output order.
    pub const ALL: [Format; 3] = [Format::Md, Format::Html, Format::Pdf];

    /// The file extension, also the name used on the command line.
    pub fn ext(self) -> &'static str {
        match self {
            Format::Md => "md",
            Format::Html => "html",
            Format::Pdf => "pdf",
        }
    }

    /// Parses "md", "html" or "pdf".
    pub fn parse(s: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.ext() == s.trim())
    }
}

/// The kind of a document, which picks its template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Rapport,
    Deliberation,
    /// The convention; with partners, one per partner (index into the partners).
    Convention(Option<usize>),
    Annexe(usize),
}

impl Kind {
    /// The template that produces this kind.
    pub fn template(self) -> &'static str {
        match self {
            Kind::Rapport => "rapport.md.tera",
            Kind::Deliberation => "deliberation.md.tera",
            Kind::Convention(_) => "convention.md.tera",
            Kind::Annexe(_) => "annexe.md.tera",
        }
    }

    /// The name used by `--only`: rapport, deliberation, convention, annexe.
    pub fn family(self) -> &'static str {
        match self {
            Kind::Rapport => "rapport",
            Kind::Deliberation => "deliberation",
            Kind::Convention(_) => "convention",
            Kind::Annexe(_) => "annexe",
        }
    }
}

/// One document to produce: its kind and file stem ("convention-ecole-jaures").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doc {
    pub kind: Kind,
    pub stem: String,
    /// The partner (index into the partners) a convention or a per-partner
    /// annex is made for; its template sees `partenaire`.
    pub partner: Option<usize>,
}

impl Doc {
    /// The name used by `--only` (`convention-x-annexe-1` is an annexe).
    pub fn family(&self) -> &'static str {
        self.kind.family()
    }
}

/// The `--only` family of a file stem: `annexe` for `annexe-2` and
/// `convention-<partenaire>-annexe-2`, else its first word.
pub fn family_of_stem(stem: &str) -> &str {
    if stem.contains("-annexe-") || stem.starts_with("annexe-") {
        "annexe"
    } else {
        stem.split('-').next().unwrap_or(stem)
    }
}

/// One output file: its name inside the dossier's folder and its bytes.
pub struct OutputFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The documents a dossier calls for (see the table in the input contract).
pub fn documents(model: &Model, partners: Option<&[Partner]>) -> Vec<Doc> {
    let mut docs = Vec::with_capacity(3 + model.annexes.len());
    let doc = |kind, stem: &str, partner| Doc {
        kind,
        stem: stem.to_owned(),
        partner,
    };
    if model.deliberation.expose.is_some() {
        docs.push(doc(Kind::Rapport, "rapport", None));
    }
    docs.push(doc(Kind::Deliberation, "deliberation", None));
    if model.convention.is_some() {
        // With partners, the convention-type the délibération approves
        // (blank where each partner goes), then one per partner.
        docs.push(doc(Kind::Convention(None), "convention", None));
        if let Some(list) = partners {
            docs.extend(list.iter().enumerate().map(|(i, p)| {
                doc(
                    Kind::Convention(Some(i)),
                    &format!("convention-{}", p.slug),
                    Some(i),
                )
            }));
        }
    }
    for a in &model.annexes {
        let n = a.numero;
        match partners.filter(|_| a.par_partenaire) {
            // One per partner, named after its convention.
            Some(list) => docs.extend(list.iter().enumerate().map(|(i, p)| {
                doc(
                    Kind::Annexe(n),
                    &format!("convention-{}-annexe-{n}", p.slug),
                    Some(i),
                )
            })),
            None => docs.push(doc(Kind::Annexe(n), &format!("annexe-{n}"), None)),
        }
    }
    docs
}

/// The template context shared by every document of a dossier.
pub fn context(model: &Model) -> Result<tera::Context, Diagnostic> {
    tera::Context::from_serialize(model).map_err(|_| {
        Diagnostic::error(
            "modele",
            "le modèle de données ne peut pas être préparé pour les modèles",
        )
    })
}

/// Renders one document in the given formats.
pub fn render_doc(
    model: &Model,
    base: &tera::Context,
    partners: &[Partner],
    doc: &Doc,
    templates: &Templates,
    formats: &[Format],
) -> Result<Vec<OutputFile>, Diagnostic> {
    let (markdown, meta) = markdown_of(model, base, partners, doc, templates)?;
    Ok(files_of(
        &doc.stem,
        markdown,
        meta,
        templates.css(),
        formats,
    ))
}

/// The files `stem`.md, .html and .pdf (those of `formats`, in that order)
/// of one document's Markdown.
pub fn files_of(
    stem: &str,
    markdown: String,
    meta: Meta,
    css: &str,
    formats: &[Format],
) -> Vec<OutputFile> {
    let needs_doc = formats.iter().any(|f| *f != Format::Md);
    let document = needs_doc.then(|| doc::parse(&markdown, meta));
    // The HTML marks where the PDF's pages start: one layout serves both,
    // the HTML (made first) borrowing it, the PDF consuming it.
    let mut paged = document.as_ref().map(|d| (d, render::pdf::paged(d)));
    let mut out = Vec::with_capacity(formats.len());
    for format in Format::ALL.into_iter().filter(|f| formats.contains(f)) {
        let bytes = match format {
            Format::Md => markdown.as_bytes().to_vec(),
            Format::Html => match &paged {
                Some((d, p)) => render::html::render_paged(d, css, p).into_bytes(),
                None => continue,
            },
            Format::Pdf => match paged.take() {
                Some((d, p)) => p.into_pdf(&d.meta),
                None => continue,
            },
        };
        out.push(OutputFile {
            name: format!("{stem}.{}", format.ext()),
            bytes,
        });
    }
    out
}

/// The Markdown of one document and the metadata of its HTML and PDF.
pub fn markdown_of(
    model: &Model,
    base: &tera::Context,
    partners: &[Partner],
    doc: &Doc,
    templates: &Templates,
) -> Result<(String, Meta), Diagnostic> {
    let mut ctx = base.clone();
    if let Kind::Annexe(n) = doc.kind {
        ctx.insert("annexe", &model.annexes[n - 1]);
    }
    // The convention-type of a convention signed with each partner.
    let modele = doc.kind == Kind::Convention(None) && !partners.is_empty();
    if let Kind::Convention(_) = doc.kind {
        ctx.insert("modele", &modele);
    }
    if modele && let Some(k) = &model.convention {
        let first = partners
            .first()
            .and_then(|p| p.partie.denomination.as_deref());
        let common = first.filter(|f| {
            partners
                .iter()
                .all(|p| p.partie.denomination.as_deref() == Some(*f))
        });
        ctx.insert("convention", &k.modele(&model.deliberation, common));
    }
    // A convention or an annex made for one partner sees it as `partenaire`.
    if let Some(p) = doc.partner.and_then(|i| partners.get(i)) {
        if let Some(k) = &model.convention {
            ctx.insert(
                "convention",
                &k.with_partner(&p.partie, &model.deliberation),
            );
        }
        let columns: std::collections::BTreeMap<&str, String> = p
            .columns
            .iter()
            .map(|(k, v)| (k.as_str(), crate::escape::plain(v)))
            .collect();
        ctx.insert("partenaire", &columns);
    }
    let markdown = tidy(&templates.render(doc.kind.template(), &ctx)?);
    Ok((markdown, meta(model, partners, doc)))
}

/// Collapses runs of blank lines that template conditionals leave behind, and
/// applies French typography to the template's own wording (user text already
/// has it; the pass is idempotent). Tag lines and table rules are left alone.
pub(crate) fn tidy(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut blank = 0;
    for line in markdown.lines() {
        if line.trim().is_empty() {
            blank += 1;
            if blank > 1 || out.is_empty() {
                continue;
            }
        } else {
            blank = 0;
        }
        let line = line.trim_end_matches([' ', '\t']);
        let is_rule =
            line.starts_with('|') && line.chars().all(|c| matches!(c, '|' | ':' | '-' | ' '));
        if line.starts_with('<') || is_rule {
            out.push_str(line);
        } else {
            out.push_str(&crate::french::ordinaux(&crate::french::typographie(line)));
        }
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// Title, footer and draft flag of a document.
fn meta(model: &Model, partners: &[Partner], doc: &Doc) -> Meta {
    let kind = doc.kind;
    let c = &model.collectivite;
    let d = &model.deliberation;
    let unescape = crate::escape::unescape;
    let numero = d.numero.as_deref().map(unescape);
    let (title, footer) = match kind {
        Kind::Rapport => (
            format!("Rapport – {}", unescape(&d.objet)),
            match &numero {
                Some(n) => format!("{} – Rapport n° {n}", unescape(&c.nom)),
                None => format!("{} – Rapport", unescape(&c.nom)),
            },
        ),
        Kind::Deliberation => (
            format!("Délibération – {}", unescape(&d.objet)),
            match &numero {
                Some(n) => format!("{} – Délibération n° {n}", unescape(&c.nom)),
                None => format!("{} – Délibération", unescape(&c.nom)),
            },
        ),
        Kind::Convention(partner) => {
            let titre = model
                .convention
                .as_ref()
                .map(|k| unescape(&k.titre))
                .unwrap_or_default();
            match partner.and_then(|i| partners.get(i)) {
                Some(p) => (
                    format!("{titre} – {}", p.partie.nom),
                    format!("{} – {}", shorten(&titre, 50), p.partie.nom),
                ),
                None if !partners.is_empty() => (
                    format!("{titre} – modèle type"),
                    format!("{} – modèle type", shorten(&titre, 60)),
                ),
                None => (titre.clone(), shorten(&titre, 70)),
            }
        }
        Kind::Annexe(n) => {
            let titre = unescape(&model.annexes[n - 1].titre);
            match doc.partner.and_then(|i| partners.get(i)) {
                Some(p) => (
                    format!("Annexe {n} – {titre} – {}", p.partie.nom),
                    format!("{} – Annexe {n} – {}", shorten(&titre, 40), p.partie.nom),
                ),
                None => (
                    format!("Annexe {n} – {titre}"),
                    format!("{} – Annexe {n} – {titre}", unescape(&c.nom)),
                ),
            }
        }
    };
    Meta {
        title,
        footer,
        // A draft's conventions and annexes are drafts too, and so are
        // those of a rejected proposal; the rapport never is.
        draft: match kind {
            Kind::Deliberation => model.projet,
            Kind::Convention(_) | Kind::Annexe(_) => model.projet || d.rejete,
            Kind::Rapport => false,
        },
        logo: model.logo.clone(),
        author: unescape(&c.nom),
        subject: unescape(&d.objet),
        date: document_date(model, std::env::var("SOURCE_DATE_EPOCH").ok().as_deref()),
        signature_fields: model.signature_electronique,
    }
}

/// The PDF's date (UTC, `YYYY-MM-DDTHH:MM:SS`): the séance's day at midnight,
/// else `SOURCE_DATE_EPOCH` (seconds since 1970), else none. Never the clock,
/// so the same dossier always gives the same bytes.
fn document_date(model: &Model, epoch: Option<&str>) -> Option<String> {
    let seance = model.seance.as_ref().map(|s| s.date.as_str());
    if let Some(d) = seance.filter(|d| d.len() == 10 && d.is_char_boundary(10)) {
        return Some(format!("{d}T00:00:00"));
    }
    epoch_date(epoch?)
}

/// `SOURCE_DATE_EPOCH` (seconds since 1970-01-01 UTC) as `YYYY-MM-DDTHH:MM:SS`.
fn epoch_date(epoch: &str) -> Option<String> {
    let secs: i64 = epoch.trim().parse().ok()?;
    if !(0..=253_402_300_799).contains(&secs) {
        return None;
    }
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let crate::french::Date { year, month, day } = crate::french::Date::from_days_since_epoch(days);
    Some(format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    ))
}

pub(crate) fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let cut: String = s.chars().take(max).collect();
    let cut = cut
        .rsplit_once(' ')
        .map_or(cut.as_str(), |(a, _)| a)
        .trim_end_matches([',', ' ']);
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::epoch_date;

    #[test]
    fn source_date_epoch_is_a_utc_date() {
        assert_eq!(epoch_date("0").as_deref(), Some("1970-01-01T00:00:00"));
        assert_eq!(
            epoch_date("1467038096").as_deref(),
            Some("2016-06-27T14:34:56")
        );
        assert_eq!(
            epoch_date("951782400").as_deref(),
            Some("2000-02-29T00:00:00")
        );
        assert_eq!(epoch_date("-1"), None);
        assert_eq!(epoch_date("demain"), None);
    }
}
