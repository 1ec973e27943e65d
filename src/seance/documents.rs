//! The documents of a séance, made from its model ([`super::SeanceModel`])
//! like the acts' documents are made from theirs: the convocation, the liste
//! des délibérations, the procès-verbal, the register sheet, each through
//! its template into Markdown, HTML and PDF; and `recueil.pdf`, every act of
//! the séance in one file, laid out by `render::pdf`. Pure: bytes in memory,
//! nothing read or written.

use super::{Group, SeanceModel};
use crate::build::{self, Doc, Format, Kind, OutputFile};
use crate::diag::Diagnostic;
use crate::doc::{self, Meta};
use crate::escape::unescape;
use crate::model::Model;
use crate::partners::Partner;
use crate::templates::Templates;

/// A séance document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SeanceDoc {
    Convocation,
    Liste,
    ProcesVerbal,
    Registre,
}

impl SeanceDoc {
    pub const ALL: [SeanceDoc; 4] = [
        SeanceDoc::Convocation,
        SeanceDoc::Liste,
        SeanceDoc::ProcesVerbal,
        SeanceDoc::Registre,
    ];

    /// The file stem, also the name used by `--only`.
    pub fn stem(self) -> &'static str {
        match self {
            SeanceDoc::Convocation => "convocation",
            SeanceDoc::Liste => "liste-des-deliberations",
            SeanceDoc::ProcesVerbal => "proces-verbal",
            SeanceDoc::Registre => "registre",
        }
    }

    /// What a reader calls it, in lists and links (the preview's index,
    /// the published site).
    pub fn label(self) -> &'static str {
        match self {
            SeanceDoc::Convocation => "Convocation et ordre du jour",
            SeanceDoc::Liste => "Liste des délibérations",
            SeanceDoc::ProcesVerbal => "Procès-verbal",
            SeanceDoc::Registre => "Feuillet de clôture du registre",
        }
    }

    /// [`SeanceDoc::label`] for this séance: before 1 July 2022 the liste
    /// was the compte rendu of the séance (L. 2121-25 as then written).
    pub fn label_for(self, m: &SeanceModel) -> &'static str {
        match self {
            SeanceDoc::Liste if !m.seance.depuis_2022 => "Compte rendu de la séance",
            d => d.label(),
        }
    }

    /// The template that produces it.
    pub fn template(self) -> &'static str {
        match self {
            SeanceDoc::Convocation => "convocation.md.tera",
            SeanceDoc::Liste => "liste-des-deliberations.md.tera",
            SeanceDoc::ProcesVerbal => "proces-verbal.md.tera",
            SeanceDoc::Registre => "registre.md.tera",
        }
    }
}

/// The stem of the PDF gathering every act of the séance.
pub const RECUEIL: &str = "recueil";

/// The séance documents this séance calls for: the convocation always; the
/// liste, the procès-verbal and the register sheet once an item is voted.
pub fn list(m: &SeanceModel) -> Vec<SeanceDoc> {
    SeanceDoc::ALL
        .into_iter()
        .filter(|d| *d == SeanceDoc::Convocation || m.vote_commence)
        .collect()
}

/// Title, footer and draft flag of a séance document.
fn meta(m: &SeanceModel, d: SeanceDoc) -> Meta {
    let c = unescape(&m.collectivite.nom);
    let date = unescape(&m.seance.date_longue);
    let name = match d {
        SeanceDoc::Convocation => "Convocation",
        SeanceDoc::Liste if !m.seance.depuis_2022 => "Compte rendu",
        SeanceDoc::Liste => "Liste des délibérations",
        SeanceDoc::ProcesVerbal => "Procès-verbal",
        SeanceDoc::Registre => "Registre des délibérations",
    };
    // A register sheet carries its number (R. 2121-9).
    let sheet = match (d, m.feuillet) {
        (SeanceDoc::Registre, Some(n)) => format!(" – feuillet n° {n}"),
        _ => String::new(),
    };
    Meta {
        title: format!("{name} – séance du {date}"),
        footer: format!("{c} – {name} – séance du {date}{sheet}"),
        draft: m.projet && matches!(d, SeanceDoc::ProcesVerbal | SeanceDoc::Registre),
        logo: None,
        author: c.clone(),
        subject: format!("Séance du {date}"),
        // The séance's day, as for the acts: never the clock.
        date: (m.seance.date.len() == 10).then(|| format!("{}T00:00:00", m.seance.date)),
        // Signed by hand on paper; no electronic signature fields.
        signature_fields: false,
    }
}

/// The Markdown of one séance document and its metadata.
pub fn markdown_of(
    m: &SeanceModel,
    d: SeanceDoc,
    templates: &Templates,
) -> Result<(String, Meta), Diagnostic> {
    let ctx = tera::Context::from_serialize(m).map_err(|_| {
        Diagnostic::error(
            "modele",
            "le modèle de données ne peut pas être préparé pour les modèles",
        )
    })?;
    let md = build::tidy(&templates.render(d.template(), &ctx)?);
    Ok((md, meta(m, d)))
}

/// Renders one séance document in the given formats.
pub fn render_doc(
    m: &SeanceModel,
    d: SeanceDoc,
    templates: &Templates,
    formats: &[Format],
    logo: Option<&crate::doc::Logo>,
) -> Result<Vec<OutputFile>, Diagnostic> {
    let (md, mut meta) = markdown_of(m, d, templates)?;
    meta.logo = logo.cloned();
    Ok(crate::build::files_of(
        d.stem(),
        md,
        meta,
        templates.css(),
        formats,
    ))
}

/// `recueil.pdf`: a cover and a table of contents, then every délibération
/// of the séance in order, each followed by its conventions and annexes,
/// with one bookmark per document (an act's documents below it) and page
/// numbers running through the whole file.
pub fn recueil(g: &Group, templates: &Templates) -> Result<Vec<u8>, Diagnostic> {
    let acts: Vec<(&Model, Option<&[Partner]>)> =
        g.items.iter().map(|i| (i.model, i.partners)).collect();
    recueil_of(&acts, templates)
}

/// [`recueil`] from the acts alone (model and partners of each, in the
/// order of the ordre du jour): what `serve` keeps to make the PDF on
/// first request.
pub fn recueil_of(
    acts: &[(&Model, Option<&[Partner]>)],
    templates: &Templates,
) -> Result<Vec<u8>, Diagnostic> {
    let (parts, title) = recueil_parts_of(acts, templates)?;
    let first = acts.first().map(|a| a.0);
    let meta = parts.first().map(|p| p.document.meta.clone());
    let front = |entries: &[crate::render::pdf::Entry]| match (first, &meta) {
        (Some(m), Some(meta)) => recueil_front(m, meta, entries),
        _ => Vec::new(),
    };
    Ok(crate::render::pdf::render_many(parts, &title, Some(&front)))
}

/// The cover (collectivité, assembly, séance) and the table of contents
/// (every document with the page it starts on) of `recueil.pdf`, made
/// from the first act's model and its metadata, and the entries of the
/// collection's parts. Page numbers are printed as the layout gives them.
fn recueil_front(
    m: &Model,
    first: &doc::Meta,
    entries: &[crate::render::pdf::Entry],
) -> Vec<crate::render::pdf::Part> {
    let c = &m.collectivite;
    let date = m
        .seance
        .as_ref()
        .map(|s| s.date_avec_jour.clone())
        .unwrap_or_default();
    let mut cover = String::from("<div class=\"centre\">\n\n**RÉPUBLIQUE FRANÇAISE**");
    if let Some(d) = &c.du_departement {
        cover.push_str(&format!("\\\nDépartement {d}"));
    }
    cover.push_str(&format!(
        "\n\n# {}\n\n## RECUEIL DES ACTES\n\n{}\n\nSéance du {date}\n\n</div>\n",
        c.nom, c.assemblee
    ));
    let mut toc = String::from("# SOMMAIRE\n\n| Document | Page |\n|:---|---:|\n");
    for e in entries {
        let title = crate::escape::plain(&e.title).replace('|', "\\|");
        let title = if e.level > 0 {
            format!("\u{a0}\u{a0}\u{a0}\u{a0}{title}")
        } else {
            format!("**{title}**")
        };
        toc.push_str(&format!("| {title} | {} |\n", e.page));
    }
    let name = unescape(&c.nom);
    let when = unescape(&date);
    let meta = |footer: &str| doc::Meta {
        title: format!("Recueil des actes – {name} – séance du {when}"),
        footer: format!("{name} – Recueil des actes – {footer}"),
        draft: false,
        logo: None,
        signature_fields: false,
        ..first.clone()
    };
    vec![
        crate::render::pdf::Part {
            document: doc::parse(&build::tidy(&cover), meta("page de titre")),
            title: "Page de titre".to_owned(),
            level: 0,
        },
        crate::render::pdf::Part {
            document: doc::parse(&build::tidy(&toc), meta("sommaire")),
            title: "Sommaire".to_owned(),
            level: 0,
        },
    ]
}

/// What the acts of `recueil.pdf` are made of: every document of every
/// act, parsed, with its bookmark, and the file's title (laid out only when
/// the PDF is asked).
pub fn recueil_parts_of(
    acts: &[(&Model, Option<&[Partner]>)],
    templates: &Templates,
) -> Result<(Vec<crate::render::pdf::Part>, String), Diagnostic> {
    let mut parts = Vec::new();
    for &(model, with) in acts {
        let base = build::context(model)?;
        let partners = with.unwrap_or(&[]);
        let d = &model.deliberation;
        let act = match &d.numero {
            Some(n) => format!("N° {} – {}", unescape(n), unescape(&d.objet)),
            None => unescape(&d.objet),
        };
        for (k, doc) in build::documents(model, with)
            .into_iter()
            .filter(|x| x.kind != Kind::Rapport)
            .enumerate()
        {
            let (md, meta) = build::markdown_of(model, &base, partners, &doc, templates)?;
            // The act by its whole objet, in the sommaire and the
            // bookmarks alike: the objet is what names an act.
            let title = if k == 0 {
                act.clone()
            } else {
                outline_title(model, partners, &doc)
            };
            parts.push(crate::render::pdf::Part {
                document: doc::parse(&md, meta),
                title,
                level: usize::from(k > 0),
            });
        }
    }
    let title = format!(
        "Recueil des actes – {} – séance du {}",
        acts.first()
            .map(|a| unescape(&a.0.collectivite.nom))
            .unwrap_or_default(),
        acts.first()
            .and_then(|a| a.0.seance.as_ref())
            .map(|s| unescape(&s.date_longue))
            .unwrap_or_default()
    );
    Ok((parts, title))
}

fn outline_title(m: &Model, partners: &[Partner], d: &Doc) -> String {
    match d.kind {
        Kind::Convention(Some(i)) => format!(
            "Convention – {}",
            partners.get(i).map(|p| p.partie.nom.as_str()).unwrap_or("")
        ),
        Kind::Convention(None) if !partners.is_empty() => format!(
            "Modèle de convention – {}",
            m.convention
                .as_ref()
                .map(|c| unescape(&c.titre))
                .unwrap_or_default()
        ),
        Kind::Convention(None) => format!(
            "Convention – {}",
            m.convention
                .as_ref()
                .map(|c| unescape(&c.titre))
                .unwrap_or_default()
        ),
        Kind::Annexe(n) => format!(
            "Annexe {n} – {}",
            m.annexes
                .get(n - 1)
                .map(|a| unescape(&a.titre))
                .unwrap_or_default()
        ),
        _ => unescape(&m.deliberation.objet),
    }
}

/// Every output of a séance, in memory: `stem.ext` names inside the
/// séance's folder, in a fixed order (the documents it calls for, then
/// `recueil.pdf` with the PDF format). The documents render in parallel;
/// the bytes do not depend on the number of threads.
pub fn render_all(
    g: &Group,
    templates: &Templates,
    formats: &[Format],
) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    use rayon::prelude::*;
    let m = super::build(g)?;
    let logo = g.items.first().and_then(|i| i.model.logo.as_ref());
    let (docs, recueil) = rayon::join(
        || {
            list(&m)
                .into_par_iter()
                .map(|d| render_doc(&m, d, templates, formats, logo))
                .collect::<Vec<_>>()
        },
        || {
            formats
                .contains(&Format::Pdf)
                .then(|| recueil(g, templates))
        },
    );
    let mut out = Vec::new();
    for d in docs {
        out.extend(d.map_err(|e| vec![e])?);
    }
    if let Some(r) = recueil {
        out.push(OutputFile {
            name: format!("{RECUEIL}.pdf"),
            bytes: r.map_err(|e| vec![e])?,
        });
    }
    Ok(out)
}
