//! Reading a dossier: its TOML, the project's `delib.toml` found by walking
//! up, and the shared séance file. Every input error becomes a diagnostic.

use crate::diag::{Diagnostic, Source, closest};
use crate::input::{Collectivite, Dossier, Projet, Rendu, Seance, SeanceRef};
use serde::de::DeserializeOwned;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The name of the project defaults file.
pub const PROJECT_FILE: &str = "delib.toml";

/// A dossier with everything it refers to, parsed.
#[derive(Debug)]
pub struct Loaded {
    pub dossier: Dossier,
    pub source: Arc<Source>,
    /// `delib.toml`, when one was found.
    pub projet: Option<(Projet, Arc<Source>)>,
    /// The séance and the file it was written in.
    pub seance: Option<(Seance, Arc<Source>)>,
    /// `[collectivite]` and `[rendu]` merged: the dossier's values win.
    pub collectivite: Collectivite,
    pub rendu: Rendu,
    /// The folder of `delib.toml`, else the dossier's folder: paths stay inside it.
    pub root: PathBuf,
    /// The collectivité's logo, read and recognised.
    pub logo: Option<crate::doc::Logo>,
    /// The partners CSV named by `[convention] partenaires`, read but not yet parsed
    /// (its allowed columns depend on the templates).
    pub partenaires: Option<Arc<Source>>,
}

/// Reads and parses a dossier; on failure returns every finding.
pub fn load(path: &Path) -> Result<Loaded, Vec<Diagnostic>> {
    let source = read_source(path).map_err(|d| vec![d])?;
    let dossier: Dossier = parse(&source).map_err(|d| vec![d])?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let projet = match find_project_file(dir) {
        Some(p) => {
            let src = read_source(&p).map_err(|d| vec![d])?;
            Some((parse::<Projet>(&src).map_err(|d| vec![d])?, src))
        }
        None => None,
    };
    let root = match &projet {
        Some((_, src)) => src.path.parent().unwrap_or(Path::new(".")).to_path_buf(),
        None => dir.to_path_buf(),
    };
    let seance = match &dossier.seance {
        None => None,
        Some(SeanceRef::Inline(s)) => Some(((**s).clone(), source.clone())),
        Some(SeanceRef::Fichier(rel)) => {
            let target = resolve_inside(&root, dir, rel.get_ref()).ok_or_else(|| {
                vec![
                    Diagnostic::error(
                        "chemin-hors-projet",
                        format!(
                            "le fichier de séance « {} » sort du dossier du projet",
                            rel.get_ref()
                        ),
                    )
                    .at(&source, rel.span())
                    .hint("indiquez un chemin relatif à l'intérieur du dossier du projet"),
                ]
            })?;
            let src = read_source(&target).map_err(|d| {
                vec![d.at(&source, rel.span()).hint(
                    "le chemin est relatif au dossier ; vérifiez le nom du fichier de séance",
                )]
            })?;
            Some((parse::<Seance>(&src).map_err(|d| vec![d])?, src))
        }
    };
    let partenaires = match dossier
        .convention
        .as_ref()
        .and_then(|c| c.get_ref().partenaires.as_ref())
    {
        None => None,
        Some(rel) => {
            let target = resolve_inside(&root, dir, rel.get_ref()).ok_or_else(|| {
                vec![
                    Diagnostic::error(
                        "chemin-hors-projet",
                        format!(
                            "le fichier des partenaires « {} » sort du dossier du projet",
                            rel.get_ref()
                        ),
                    )
                    .at(&source, rel.span())
                    .hint("indiquez un chemin relatif à l'intérieur du dossier du projet"),
                ]
            })?;
            Some(read_source(&target).map_err(|d| {
                vec![
                    d.at(&source, rel.span())
                        .hint("le chemin est relatif au dossier ; vérifiez le nom du fichier CSV"),
                ]
            })?)
        }
    };
    // The logo's path is relative to the file that names it.
    let logo_ref = match (
        dossier.collectivite.as_ref().and_then(|c| c.logo.as_ref()),
        &projet,
    ) {
        (Some(l), _) => Some((l.clone(), source.clone())),
        (None, Some((p, src))) => p
            .collectivite
            .as_ref()
            .and_then(|c| c.logo.clone())
            .map(|l| (l, src.clone())),
        (None, None) => None,
    };
    let logo = match logo_ref {
        None => None,
        Some((rel, src)) => Some(read_logo(&root, &rel, &src).map_err(|d| vec![d])?),
    };
    let base = projet.as_ref().map(|(p, _)| p.clone()).unwrap_or_default();
    let collectivite = merge_collectivite(base.collectivite, dossier.collectivite.clone());
    let rendu = merge_rendu(base.rendu, dossier.rendu.clone());
    Ok(Loaded {
        dossier,
        source,
        projet,
        seance,
        collectivite,
        rendu,
        root,
        logo,
        partenaires,
    })
}

/// Reads the logo named in `src`, inside the project, as PNG or JPEG.
fn read_logo(
    root: &Path,
    rel: &crate::input::Text,
    src: &Arc<Source>,
) -> Result<crate::doc::Logo, Diagnostic> {
    let dir = src.path.parent().unwrap_or(Path::new("."));
    let path = resolve_inside(root, dir, rel.get_ref()).ok_or_else(|| {
        Diagnostic::error(
            "chemin-hors-projet",
            format!("le logo « {} » sort du dossier du projet", rel.get_ref()),
        )
        .at(src, rel.span())
        .hint("indiquez un chemin relatif à l'intérieur du dossier du projet")
    })?;
    let bytes = std::fs::read(&path).map_err(|e| {
        Diagnostic::error(
            "logo-illisible",
            format!(
                "impossible de lire le logo {} : {}",
                path.display(),
                io_message(&e)
            ),
        )
        .at(src, rel.span())
        .hint("le chemin est relatif au fichier qui le déclare")
    })?;
    crate::doc::Logo::read(bytes).ok_or_else(|| {
        Diagnostic::error(
            "logo-format",
            format!("le logo {} n'est ni un PNG ni un JPEG", path.display()),
        )
        .at(src, rel.span())
        .hint("enregistrez le logo au format PNG ou JPEG")
    })
}

/// Walks up from `dir` to find `delib.toml`.
pub fn find_project_file(dir: &Path) -> Option<PathBuf> {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    dir.ancestors()
        .map(|d| d.join(PROJECT_FILE))
        .find(|p| p.is_file())
}

/// Joins a relative path from a dossier and checks it stays under `root`.
pub fn resolve_inside(root: &Path, dir: &Path, rel: &str) -> Option<PathBuf> {
    let rel = Path::new(rel);
    if rel.is_absolute() {
        return None;
    }
    let mut out = dir.to_path_buf();
    for part in rel.components() {
        match part {
            std::path::Component::Normal(p) => out.push(p),
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            _ => return None,
        }
    }
    let canon_root = root.canonicalize().ok()?;
    let parent = out.parent()?.canonicalize().ok()?;
    parent.starts_with(&canon_root).then_some(out)
}

fn read_source(path: &Path) -> Result<Arc<Source>, Diagnostic> {
    match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Ok(Arc::new(Source {
                path: path.to_path_buf(),
                text,
            })),
            Err(e) => {
                let offset = e.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                let src = Arc::new(Source {
                    path: path.to_path_buf(),
                    text,
                });
                Err(Diagnostic::error("encodage", "le fichier n'est pas en UTF-8")
                    .at(&src, offset..offset + 1)
                    .hint("enregistrez le fichier en UTF-8 (c'est le réglage par défaut des éditeurs récents)"))
            }
        },
        Err(e) => Err(Diagnostic::error(
            "fichier-illisible",
            format!("impossible de lire {} : {}", path.display(), io_message(&e)),
        )),
    }
}

/// A French wording of common I/O errors.
pub fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "fichier introuvable".into(),
        std::io::ErrorKind::PermissionDenied => "permission refusée".into(),
        _ => e.to_string(),
    }
}

/// Parses TOML into `T`, turning a syntax or type error into a French diagnostic.
pub fn parse<T: DeserializeOwned>(source: &Arc<Source>) -> Result<T, Diagnostic> {
    toml::from_str(&source.text).map_err(|e| {
        let (message, hint) = translate(e.message());
        let span = e.span().unwrap_or(0..0);
        let span = widen_empty(&source.text, span);
        let mut d = Diagnostic::error(code_of(e.message()), message).at(source, span);
        if let Some(h) = hint {
            d = d.hint(h);
        }
        d
    })
}

fn widen_empty(text: &str, span: std::ops::Range<usize>) -> std::ops::Range<usize> {
    if span.start < span.end {
        return span;
    }
    let start = span.start.min(text.len());
    let end = text[start..]
        .chars()
        .next()
        .map_or(start, |c| start + c.len_utf8());
    start..end
}

fn code_of(message: &str) -> &'static str {
    if message.starts_with("unknown field") {
        "champ-inconnu"
    } else if message.starts_with("missing field") {
        "champ-manquant"
    } else if message.starts_with("invalid type") || message.starts_with("invalid value") {
        "type-incorrect"
    } else if message.starts_with("unknown variant") {
        "valeur-inconnue"
    } else if message.contains("datetime") || message.contains("date") {
        "date-invalide"
    } else {
        "syntaxe-toml"
    }
}

/// Between the first two backticks of `s`, and what follows.
fn backticked(s: &str) -> Option<(&str, &str)> {
    let start = s.find('`')? + 1;
    let len = s[start..].find('`')?;
    Some((&s[start..start + len], &s[start + len + 1..]))
}

fn all_backticked(mut s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    while let Some((w, rest)) = backticked(s) {
        out.push(w);
        s = rest;
    }
    out
}

/// Translates a serde/toml message into French, with a hint.
fn translate(message: &str) -> (String, Option<String>) {
    let message = message.trim();
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let words = all_backticked(rest);
        let (field, expected) = words.split_first().map_or(("", &[][..]), |(f, e)| (*f, e));
        let hint = match closest(field, expected.iter().copied()) {
            Some(c) => format!("vouliez-vous dire « {c} » ?"),
            None if expected.is_empty() => "cette table n'accepte aucun champ".into(),
            None => format!("champs possibles : {}", expected.join(", ")),
        };
        return (format!("champ inconnu « {field} »"), Some(hint));
    }
    if let Some(rest) = message.strip_prefix("missing field ") {
        let field = backticked(rest).map_or(rest, |(f, _)| f);
        return (
            format!("champ obligatoire manquant : « {field} »"),
            Some(format!("ajoutez `{field} = …` dans cette table")),
        );
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        let words = all_backticked(rest);
        let (value, expected) = words.split_first().map_or(("", &[][..]), |(f, e)| (*f, e));
        let hint = match closest(value, expected.iter().copied()) {
            Some(c) => format!("vouliez-vous dire « {c} » ?"),
            None => format!("valeurs possibles : {}", expected.join(", ")),
        };
        return (format!("valeur inconnue « {value} »"), Some(hint));
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        return (
            format!(
                "type incorrect : {} trouvé, {} attendu",
                french_type(found),
                french_type(expected)
            ),
            Some(type_hint(expected)),
        );
    }
    if let Some(rest) = message.strip_prefix("invalid value: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        return (
            format!(
                "valeur incorrecte : {} ({} attendu)",
                french_type(found),
                french_type(expected)
            ),
            None,
        );
    }
    if message.contains("datetime") || message.contains("date") {
        return (
            "date invalide ou impossible".into(),
            Some("écrivez la date AAAA-MM-JJ, sans guillemets (ex. 2016-06-27), et vérifiez que ce jour existe".into()),
        );
    }
    let detail = message.lines().next().unwrap_or(message);
    let known = SYNTAX.iter().find(|(en, _, _)| detail.starts_with(en));
    match known {
        Some((_, fr, hint)) => (
            format!("syntaxe TOML invalide : {fr}"),
            Some((*hint).to_owned()),
        ),
        None => (
            format!("syntaxe TOML invalide ({detail})"),
            Some("vérifiez les guillemets, les crochets et le signe = sur cette ligne".into()),
        ),
    }
}

/// The TOML parser's usual complaints, in French: (prefix, message, hint).
const SYNTAX: [(&str, &str, &str); 15] = [
    (
        "unexpected key or value",
        "texte en trop après la valeur",
        "une ligne ne porte qu'un champ = valeur ; mettez le texte entre les guillemets, ou commencez un commentaire par #",
    ),
    (
        "invalid basic string",
        "texte non fermé",
        "fermez le texte par un guillemet \" sur la même ligne, ou utilisez \"\"\" … \"\"\" pour un texte sur plusieurs lignes",
    ),
    (
        "invalid multi-line basic string",
        "texte sur plusieurs lignes non fermé",
        "fermez-le par \"\"\"",
    ),
    (
        "invalid literal string",
        "texte non fermé",
        "fermez le texte par une apostrophe ' sur la même ligne",
    ),
    (
        "duplicate key",
        "champ écrit deux fois",
        "supprimez l'une des deux lignes",
    ),
    (
        "missing comma between array elements",
        "virgule manquante entre deux éléments de la liste",
        "séparez les éléments par des virgules : [\"a\", \"b\"]",
    ),
    (
        "unclosed array",
        "liste non fermée",
        "fermez la liste par ]",
    ),
    (
        "unclosed table",
        "en-tête de table non fermé",
        "écrivez l'en-tête ainsi : [deliberation]",
    ),
    (
        "unclosed inline table",
        "table en ligne non fermée",
        "fermez-la par }",
    ),
    (
        "missing assignment between key-value pairs",
        "signe = manquant",
        "écrivez champ = valeur",
    ),
    (
        "missing value",
        "valeur manquante après =",
        "écrivez une valeur : un texte entre guillemets, un nombre, une date ou une liste",
    ),
    (
        "invalid unquoted key",
        "nom de champ invalide",
        "les noms de champ s'écrivent sans accent ni espace (ex. membres_en_exercice)",
    ),
    (
        "invalid key",
        "nom de champ invalide",
        "les noms de champ s'écrivent sans accent ni espace (ex. membres_en_exercice)",
    ),
    (
        "invalid string",
        "texte invalide",
        "mettez le texte entre guillemets : \"…\"",
    ),
    (
        "invalid integer number",
        "nombre invalide",
        "écrivez le nombre sans espace ni unité (ex. 49975)",
    ),
];

fn french_type(s: &str) -> String {
    let s = s.trim();
    let words: [(&str, &str); 12] = [
        ("a string", "un texte"),
        ("string", "texte"),
        ("integer", "nombre entier"),
        ("u32", "nombre entier positif"),
        ("u8", "nombre entier positif"),
        ("a boolean", "vrai/faux (true/false)"),
        ("boolean", "vrai/faux"),
        ("a sequence", "une liste [ … ]"),
        ("sequence", "liste"),
        ("a map", "une table"),
        ("map", "table"),
        ("a datetime", "une date"),
    ];
    for (en, fr) in words {
        if let Some(rest) = s.strip_prefix(en) {
            return format!("{fr}{rest}");
        }
    }
    match s {
        "struct Datetime" | "a TOML datetime" => "une date".into(),
        "a list of names or a count" => "une liste de noms ou un nombre".into(),
        "an amount in euros (49975 or 52.50)" => "un montant en euros (49975 ou 52.50)".into(),
        "a path to a séance file or a [seance] table" => {
            "un chemin de fichier de séance ou une table [seance]".into()
        }
        _ => s.replace("struct ", "table "),
    }
}

fn type_hint(expected: &str) -> String {
    if expected.contains("string") {
        "mettez le texte entre guillemets : \"…\"".into()
    } else if expected.contains("sequence") {
        "écrivez une liste : [\"…\", \"…\"]".into()
    } else if expected.contains("Datetime") || expected.contains("date") {
        "écrivez la date AAAA-MM-JJ, sans guillemets (ex. 2016-06-27)".into()
    } else if expected.contains("bool") {
        "écrivez true ou false, sans guillemets".into()
    } else if expected.starts_with('u')
        || expected.contains("integer")
        || expected.contains("count")
    {
        "écrivez un nombre sans guillemets".into()
    } else {
        "vérifiez la forme attendue dans la documentation du format (README)".into()
    }
}

fn merge_collectivite(base: Option<Collectivite>, over: Option<Collectivite>) -> Collectivite {
    let (b, o) = (base.unwrap_or_default(), over.unwrap_or_default());
    Collectivite {
        nom: o.nom.or(b.nom),
        type_: o.type_.or(b.type_),
        assemblee: o.assemblee.or(b.assemblee),
        ville: o.ville.or(b.ville),
        siret: o.siret.or(b.siret),
        adresse: o.adresse.or(b.adresse),
        logo: o.logo.or(b.logo),
        departement: o.departement.or(b.departement),
        population: o.population.or(b.population),
        tribunal: o.tribunal.or(b.tribunal),
    }
}

fn merge_rendu(base: Option<Rendu>, over: Option<Rendu>) -> Rendu {
    let (b, o) = (base.unwrap_or_default(), over.unwrap_or_default());
    Rendu {
        formats: o.formats.or(b.formats),
        templates: o.templates.or(b.templates),
        sortie: o.sortie.or(b.sortie),
        article_premier: o.article_premier.or(b.article_premier),
        orthographe: o.orthographe.or(b.orthographe),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn translates_unknown_field_with_suggestion() {
        let (m, h) = translate("unknown field `objett`, expected one of `numero`, `objet`");
        assert_eq!(m, "champ inconnu « objett »");
        assert_eq!(h.as_deref(), Some("vouliez-vous dire « objet » ?"));
    }

    #[test]
    fn translates_syntax_errors() {
        let (m, h) = translate("unexpected key or value, expected newline, `#`");
        assert_eq!(m, "syntaxe TOML invalide : texte en trop après la valeur");
        assert!(h.unwrap().contains("guillemets"));
        let (m, _) = translate("something new");
        assert_eq!(m, "syntaxe TOML invalide (something new)");
    }

    #[test]
    fn translates_missing_field() {
        let (m, _) = translate("missing field `objet`");
        assert_eq!(m, "champ obligatoire manquant : « objet »");
    }
}
