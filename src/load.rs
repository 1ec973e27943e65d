//! Reading a dossier: its TOML, the project's `delib.toml` found by walking
//! up, and the shared séance file. Every input error becomes a diagnostic.

use crate::diag::{Diagnostic, Source, closest};
use crate::disk::{MAX_LOGO, MAX_TEXT, parent_dir, read_regular, real, resolve_inside};
use crate::input::{Collectivite, Dossier, Projet, Rendu, Seance, SeanceRef};
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// The name of the project defaults file.
pub use crate::input::PROJECT_FILE;

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
    /// The collectivité's logo, read and recognised, and the file it was read from.
    pub logo: Option<crate::doc::Logo>,
    pub logo_path: Option<PathBuf>,
    /// The partners CSV named by `[convention] partenaires`, read but not yet parsed
    /// (its allowed columns depend on the templates).
    pub partenaires: Option<Arc<Source>>,
    /// The partners CSV was not UTF-8 and was read as Windows-1252 (Excel's ANSI).
    pub partenaires_ansi: bool,
    /// Every file read (dossier, `delib.toml`, séance file, partners CSV,
    /// logo), by the path it was read at, with the hash of its bytes as read
    /// ([`crate::hash::content_hash`], the one hash of an input file): what
    /// the cache of an output folder compares with the disk.
    pub read: Vec<(PathBuf, String)>,
}

/// The `delib.toml` and séance files parsed during one run, by path and
/// bytes: a thousand dossiers of one séance parse its file once. Files are
/// still read for each dossier, so an edit between two reads is seen.
#[derive(Default)]
pub struct Shared {
    projets: ParsedFiles<Projet>,
    seances: ParsedFiles<Seance>,
    /// Texts read in place of files (by real path): a form's values
    /// checked before they are saved.
    overlay: HashMap<PathBuf, String>,
}

impl Shared {
    /// Reads `texts` (file, text) in place of those files.
    pub fn with_overlay(texts: &[(PathBuf, String)]) -> Shared {
        Shared {
            overlay: texts
                .iter()
                .filter_map(|(p, t)| Some((real_path(p)?, t.clone())))
                .collect(),
            ..Shared::default()
        }
    }

    /// Reads a file, or its overlay; with the hash of the bytes read (of
    /// the overlay's text: not the disk's).
    fn read(&self, path: &Path, kind: Kind) -> Result<(Arc<Source>, String), Diagnostic> {
        if !self.overlay.is_empty()
            && let Some(text) = real_path(path).and_then(|r| self.overlay.get(&r))
        {
            let src = Arc::new(Source {
                path: path.to_path_buf(),
                text: text.clone(),
            });
            return Ok((src, crate::hash::content_hash(text.as_bytes())));
        }
        read_text(path, kind).map(|(src, _, hash)| (src, hash))
    }
}

/// The real path of a file, or of its folder joined to its name when the
/// file does not exist yet.
fn real_path(p: &Path) -> Option<PathBuf> {
    p.canonicalize()
        .ok()
        .or_else(|| Some(real(parent_dir(p))?.join(p.file_name()?)))
}

/// Files parsed as `T`, by (path, hash of the bytes).
type ParsedFiles<T> = std::sync::Mutex<HashMap<(PathBuf, String), (T, Arc<Source>)>>;

/// Parses `src` as `T`, or takes what an earlier dossier of the run parsed
/// from the same file with the same bytes (`hash`, of the bytes read).
fn parse_shared<T: DeserializeOwned + schemars::JsonSchema + Clone>(
    cache: &ParsedFiles<T>,
    src: Arc<Source>,
    hash: &str,
    kind: Kind,
) -> Result<(T, Arc<Source>), Vec<Diagnostic>> {
    let key = (src.path.clone(), hash.to_owned());
    if let Some(hit) = cache.lock().ok().and_then(|c| c.get(&key).cloned())
        && hit.1.text == src.text
    {
        return Ok(hit);
    }
    let parsed = parse::<T>(&src).map_err(|d| vec![named(d, kind)])?;
    if let Ok(mut c) = cache.lock() {
        c.insert(key, (parsed.clone(), src.clone()));
    }
    Ok((parsed, src))
}

/// Reads and parses a dossier; on failure returns every finding.
pub fn load(path: &Path) -> Result<Loaded, Vec<Diagnostic>> {
    load_with(path, &Shared::default())
}

/// [`load`], sharing the parsed `delib.toml` and séance files of a run.
pub fn load_with(path: &Path, shared: &Shared) -> Result<Loaded, Vec<Diagnostic>> {
    let (source, hash) = shared.read(path, Kind::Dossier).map_err(|d| vec![d])?;
    let mut read = vec![(source.path.clone(), hash)];
    let dossier: Dossier = parse(&source).map_err(|d| vec![d])?;
    let dir = parent_dir(path);
    let projet = match find_project_file(dir) {
        Some(p) => {
            let (src, hash) = shared.read(&p, Kind::Projet).map_err(|d| vec![d])?;
            read.push((src.path.clone(), hash.clone()));
            Some(parse_shared(&shared.projets, src, &hash, Kind::Projet)?)
        }
        None => None,
    };
    let root = match &projet {
        Some((_, src)) => parent_dir(&src.path).to_path_buf(),
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
                            "le fichier de séance « {} » sort du répertoire du projet",
                            rel.get_ref()
                        ),
                    )
                    .at(&source, rel.span())
                    .hint("indiquez un chemin relatif à l'intérieur du répertoire du projet"),
                ]
            })?;
            // A file that cannot be read is pointed at where the dossier names
            // it; a file that was read but is broken, at its own line.
            let (src, hash) = shared.read(&target, Kind::Seance).map_err(|d| {
                if d.source.is_some() {
                    return vec![d];
                }
                vec![d.at(&source, rel.span()).hint(
                    "le chemin est relatif au répertoire du dossier ; vérifiez le nom du fichier de séance",
                )]
            })?;
            read.push((src.path.clone(), hash.clone()));
            Some(parse_shared(&shared.seances, src, &hash, Kind::Seance)?)
        }
    };
    let mut partenaires_ansi = false;
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
                            "le fichier des partenaires « {} » sort du répertoire du projet",
                            rel.get_ref()
                        ),
                    )
                    .at(&source, rel.span())
                    .hint("indiquez un chemin relatif à l'intérieur du répertoire du projet"),
                ]
            })?;
            let (src, ansi, hash) = read_text(&target, Kind::Partenaires).map_err(|d| {
                if d.source.is_some() {
                    return vec![d];
                }
                vec![
                    d.at(&source, rel.span())
                        .hint("le chemin est relatif au répertoire du dossier ; vérifiez le nom du fichier CSV"),
                ]
            })?;
            partenaires_ansi = ansi;
            read.push((src.path.clone(), hash));
            Some(src)
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
    let (logo, logo_path) = match logo_ref {
        None => (None, None),
        Some((rel, src)) => {
            let (logo, path, hash) = read_logo(&root, &rel, &src).map_err(|d| vec![d])?;
            read.push((path.clone(), hash));
            (Some(logo), Some(path))
        }
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
        logo_path,
        partenaires,
        partenaires_ansi,
        read,
    })
}

/// Reads the logo named in `src`, inside the project, as PNG or JPEG.
fn read_logo(
    root: &Path,
    rel: &crate::input::Text,
    src: &Arc<Source>,
) -> Result<(crate::doc::Logo, PathBuf, String), Diagnostic> {
    let dir = parent_dir(&src.path);
    let path = resolve_inside(root, dir, rel.get_ref()).ok_or_else(|| {
        Diagnostic::error(
            "chemin-hors-projet",
            format!("le logo « {} » sort du répertoire du projet", rel.get_ref()),
        )
        .at(src, rel.span())
        .hint("indiquez un chemin relatif à l'intérieur du répertoire du projet")
    })?;
    let bytes = read_regular(&path, MAX_LOGO).map_err(|e| {
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
    let hash = crate::hash::content_hash(&bytes);
    let logo = crate::doc::Logo::read(bytes).ok_or_else(|| {
        Diagnostic::error(
            "logo-format",
            format!("le logo {} n'est ni un PNG ni un JPEG", path.display()),
        )
        .at(src, rel.span())
        .hint("enregistrez le logo au format PNG ou JPEG")
    })?;
    let pixels = u64::from(logo.width) * u64::from(logo.height);
    if pixels > crate::doc::Logo::MAX_PIXELS {
        return Err(Diagnostic::error(
            "logo-trop-grand",
            format!(
                "le logo {} fait {} × {} pixels ({} millions) : plus que les {} millions qu'accepte delib",
                path.display(),
                logo.width,
                logo.height,
                pixels / 1_000_000,
                crate::doc::Logo::MAX_PIXELS / 1_000_000
            ),
        )
        .at(src, rel.span())
        .hint("réduisez l'image : quelques centaines de pixels de côté suffisent pour un logo imprimé"));
    }
    Ok((logo, path, hash))
}

/// Walks up from `dir` to find `delib.toml`.
pub fn find_project_file(dir: &Path) -> Option<PathBuf> {
    project_file_places(dir).pop().filter(|p| p.is_file())
}

/// Every place where `delib.toml` is looked for, from `dir` up to the one
/// found (last) or to the root. A relative `dir` goes on above the current
/// folder (`../delib.toml`, `../../delib.toml`…): `cd p/sub && delib check
/// c.toml` finds `p/delib.toml`.
pub fn project_file_places(dir: &Path) -> Vec<PathBuf> {
    let mut places = Vec::new();
    let mut d = dir.to_path_buf();
    // Deeper than any real folder tree: a bound, in case.
    for _ in 0..4096 {
        let place = if d.as_os_str().is_empty() {
            PathBuf::from(PROJECT_FILE)
        } else {
            d.join(PROJECT_FILE)
        };
        let found = place.is_file();
        places.push(place);
        if found {
            break;
        }
        match d.components().next_back() {
            Some(Component::Normal(_)) => {
                d.pop();
            }
            // Above the current folder, while there is a folder above.
            None | Some(Component::CurDir | Component::ParentDir) => {
                let here = if d.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    &d
                };
                if here
                    .canonicalize()
                    .ok()
                    .and_then(|r| r.parent().map(drop))
                    .is_none()
                {
                    break;
                }
                if d.ends_with(".") {
                    d.pop();
                }
                d.push("..");
            }
            _ => break,
        }
    }
    places
}

/// What a file read by `load` is, to say so in a message.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Dossier,
    Projet,
    Seance,
    Partenaires,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Dossier => "le dossier",
            Kind::Projet => "le fichier de projet delib.toml",
            Kind::Seance => "le fichier de séance",
            Kind::Partenaires => "le fichier des partenaires",
        }
    }
}

/// Says in the message which kind of file is at fault (the location names
/// the file, not what it is for).
fn named(mut d: Diagnostic, kind: Kind) -> Diagnostic {
    let label = match kind {
        Kind::Projet => "dans delib.toml",
        Kind::Seance => "dans le fichier de séance",
        Kind::Dossier | Kind::Partenaires => return d,
    };
    d.message = format!("{} ({label})", d.message);
    d
}

/// Reads a text file ([`normalize`]d); true when it was read as Windows-1252
/// (a partners CSV only: any other file must be UTF-8); and the hash of its
/// bytes ([`crate::hash::content_hash`]).
fn read_text(path: &Path, kind: Kind) -> Result<(Arc<Source>, bool, String), Diagnostic> {
    let max = match kind {
        Kind::Partenaires => MAX_TEXT,
        Kind::Dossier | Kind::Projet | Kind::Seance => crate::disk::MAX_TOML,
    };
    let bytes = read_regular(path, max).map_err(|e| {
        Diagnostic::error(
            "fichier-illisible",
            format!(
                "impossible de lire {} {} : {}",
                kind.name(),
                path.display(),
                io_message(&e)
            ),
        )
    })?;
    let hash = crate::hash::content_hash(&bytes);
    let (text, ansi) = match (String::from_utf8(bytes), kind) {
        (Ok(text), _) => (text, false),
        // Excel's « CSV (séparateur : point-virgule) » is Windows-1252:
        // read as such (check says so in a note).
        (Err(e), Kind::Partenaires) if !utf16(e.as_bytes()) => {
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(e.as_bytes());
            (text.into_owned(), true)
        }
        (Err(e), _) => return Err(not_utf8(path, kind, &e)),
    };
    let src = Arc::new(Source {
        path: path.to_path_buf(),
        text: normalize(text),
    });
    Ok((src, ansi, hash))
}

/// What Notepad's « Unicode » writes: UTF-16 with its byte-order mark.
fn utf16(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF])
}

/// A file that is not UTF-8, pointed at its first wrong byte, with the
/// steps that save it as UTF-8 in Notepad (the clerk's editor).
fn not_utf8(path: &Path, kind: Kind, e: &std::string::FromUtf8Error) -> Diagnostic {
    let bytes = e.as_bytes();
    let (offset, what) = if utf16(bytes) {
        (
            0,
            "est en UTF-16 (« Unicode » dans le Bloc-notes), pas en UTF-8".to_owned(),
        )
    } else {
        let offset = e.utf8_error().valid_up_to();
        let byte = bytes.get(offset).copied().unwrap_or(0);
        let one = [byte];
        let (c, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&one);
        let seen = if byte >= 0x80 && !c.chars().any(char::is_control) {
            format!(", « {c} » en ANSI (Windows-1252)")
        } else {
            String::new()
        };
        (
            offset,
            format!("n'est pas en UTF-8 (octet 0x{byte:02X}{seen})"),
        )
    };
    let src = Arc::new(Source {
        path: path.to_path_buf(),
        text: normalize(String::from_utf8_lossy(bytes).into_owned()),
    });
    // Where the byte is once the text before it is normalized (its CRs and
    // byte-order marks dropped): that text is valid UTF-8.
    let before = std::str::from_utf8(&bytes[..offset.min(bytes.len())]).unwrap_or("");
    let offset = src.text.len().min(normalize(before.to_owned()).len());
    let end = src.text[offset..]
        .chars()
        .next()
        .map_or(offset, |c| offset + c.len_utf8());
    Diagnostic::error(
        "encodage",
        format!("{} {} {what}", kind.name(), path.display()),
    )
    .at(&src, offset..end)
    .hint(SAVE_AS_UTF8)
}

/// How to save a file as UTF-8 in Notepad, step by step.
pub const SAVE_AS_UTF8: &str = "ouvrez le fichier dans le Bloc-notes, menu Fichier > Enregistrer sous…, \
choisissez UTF-8 dans la liste « Codage » (« Encodage » sous Windows 11) en bas de la fenêtre, \
cliquez sur Enregistrer et acceptez de remplacer le fichier";

/// Whether `text` holds a byte-order mark or a carriage return: two fast
/// byte searches (a set of two characters is tested character by
/// character, and every dossier's text goes through here several times).
fn needs_normalizing(text: &str) -> bool {
    text.contains('\r') || text.contains('\u{feff}')
}

/// Text as delib reads it, wherever the file was saved: every byte-order
/// mark (U+FEFF, which Notepad and Excel write first) dropped, and the
/// carriage returns that end a line (Windows' CRLF) removed, so that a file
/// saved on Windows reads, checks and renders exactly as on Linux. A lone
/// carriage return stays (and `check` warns about it). Idempotent.
pub fn normalize(text: String) -> String {
    if !needs_normalizing(&text) {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut returns = 0;
    for c in text.chars() {
        match c {
            '\u{feff}' => {}
            '\r' => returns += 1,
            '\n' => {
                returns = 0;
                out.push('\n');
            }
            c => {
                out.extend(std::iter::repeat_n('\r', returns));
                returns = 0;
                out.push(c);
            }
        }
    }
    out.extend(std::iter::repeat_n('\r', returns));
    out
}

/// A French wording of common I/O errors.
pub use crate::messages::io_message;

/// Parses TOML into `T`, turning a syntax or type error into a French diagnostic.
pub fn parse<T: DeserializeOwned + schemars::JsonSchema>(
    source: &Arc<Source>,
) -> Result<T, Diagnostic> {
    toml::from_str(&source.text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let span = widen_empty(&source.text, span);
        let code = crate::messages::toml_code(e.message());
        if code == "syntaxe-toml"
            && let Some((at, message, hint)) =
                crate::messages::unclosed_multiline(&source.text, span.start)
        {
            return Diagnostic::error(code, message)
                .at(source, at..at + 3)
                .hint(hint);
        }
        // A misspelt table name makes serde complain about the table it did not
        // find (« objet » missing from [deliberation]): name the misspelling.
        if code == "champ-manquant"
            && let Some(d) = unknown_key::<T>(source)
        {
            return d;
        }
        let found = source.text.get(span.start..).unwrap_or("");
        let (message, hint) = crate::messages::toml_message(e.message(), found);
        // A missing comma is missing after the element before, not at the
        // next one, which is where the parser notices it.
        let span = if message.contains("virgule manquante") {
            let end = end_of_previous(&source.text, span.start);
            end..end + 1
        } else {
            span
        };
        // `[délibération.vote]`, `présents = 3`: TOML names are plain ASCII.
        if code == "syntaxe-toml"
            && let Some(d) = accented_key::<T>(source, span.start)
        {
            return d;
        }
        let mut d = Diagnostic::error(code, message).at(source, span.clone());
        if let Some(h) = hint {
            d = d.hint(h);
        }
        if code == "champ-manquant" {
            d = implicit_table_hint(d, &source.text, span);
        }
        d
    })
}

/// The first key, at any depth, that the schema of `T` does not know.
fn unknown_key<T: schemars::JsonSchema>(source: &Arc<Source>) -> Option<Diagnostic> {
    let table = toml::de::DeTable::parse(&source.text).ok()?;
    let schema = schemars::schema_for!(T);
    let root = schema.as_value();
    let defs = root.get("$defs");
    find_unknown(table.get_ref(), root, defs).map(|(key, span, known)| {
        let hint = match closest(&key, known.iter().map(String::as_str)) {
            Some(c) => format!("vouliez-vous dire « {c} » ?"),
            None => format!("champs possibles : {}", known.join(", ")),
        };
        Diagnostic::error("champ-inconnu", format!("champ inconnu « {key} »"))
            .at(source, span)
            .hint(hint)
    })
}

/// The offset just after the last value written before `at`, comments and
/// blank lines skipped.
fn end_of_previous(text: &str, at: usize) -> usize {
    let mut end = at.min(text.len());
    loop {
        let line_start = text[..end].rfind('\n').map_or(0, |i| i + 1);
        let line = &text[line_start..end];
        // The line without its comment (a # outside quotes).
        let mut quote = None;
        let mut cut = line.len();
        for (i, c) in line.char_indices() {
            match (c, quote) {
                ('"' | '\'', None) => quote = Some(c),
                (c, Some(q)) if c == q => quote = None,
                ('#', None) => {
                    cut = i;
                    break;
                }
                _ => {}
            }
        }
        let kept = line[..cut].trim_end();
        if !kept.is_empty() || line_start == 0 {
            return line_start + kept.len();
        }
        end = line_start - 1;
    }
}

/// A name written with an accent where the parser stopped (a bare key
/// must be ASCII), with the field or table of the schema meant.
fn accented_key<T: schemars::JsonSchema>(source: &Arc<Source>, at: usize) -> Option<Diagnostic> {
    let text = &source.text;
    let is_name = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    let at = at.min(text.len());
    let start = text[..at]
        .char_indices()
        .rev()
        .take_while(|&(_, c)| is_name(c))
        .last()
        .map_or(at, |(i, _)| i);
    let end = text[at..]
        .char_indices()
        .find(|&(_, c)| !is_name(c))
        .map_or(text.len(), |(i, _)| at + i);
    let word = &text[start..end];
    if word.is_ascii() {
        return None;
    }
    let schema = schemars::schema_for!(T);
    let mut names = Vec::new();
    property_names(schema.as_value(), &mut names);
    let folded = crate::diag::fold(word);
    let meant = names
        .iter()
        .find(|n| **n == folded)
        .map(String::as_str)
        .or_else(|| closest(&folded, names.iter().map(String::as_str)))?;
    Some(
        Diagnostic::error(
            "syntaxe-toml",
            format!("nom de champ invalide « {word} » : les noms s'écrivent sans accent"),
        )
        .at(source, start..end)
        .hint(format!("vouliez-vous dire « {meant} » ?")),
    )
}

/// Every property name of a JSON Schema, at any depth.
fn property_names(schema: &serde_json::Value, out: &mut Vec<String>) {
    match schema {
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::Object(props)) = map.get("properties") {
                out.extend(props.keys().cloned());
            }
            map.values().for_each(|v| property_names(v, out));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| property_names(v, out)),
        _ => {}
    }
}

type Unknown = (String, std::ops::Range<usize>, Vec<String>);

/// Walks a parsed table alongside its JSON Schema.
fn find_unknown(
    table: &toml::de::DeTable,
    schema: &serde_json::Value,
    defs: Option<&serde_json::Value>,
) -> Option<Unknown> {
    let schema = object_schema(schema, defs)?;
    let props = schema.get("properties")?.as_object()?;
    for (key, value) in table {
        let name = key.get_ref().as_ref();
        match props.get(name) {
            None => {
                return Some((name.to_owned(), key.span(), props.keys().cloned().collect()));
            }
            Some(sub) => {
                let found = match value.get_ref() {
                    toml::de::DeValue::Table(t) => find_unknown(t, sub, defs),
                    toml::de::DeValue::Array(items) => {
                        let item_schema = array_items(sub, defs);
                        items.iter().find_map(|i| match (i.get_ref(), item_schema) {
                            (toml::de::DeValue::Table(t), Some(s)) => find_unknown(t, s, defs),
                            _ => None,
                        })
                    }
                    _ => None,
                };
                if found.is_some() {
                    return found;
                }
            }
        }
    }
    None
}

/// The object schema behind `$ref`, `anyOf` or `oneOf` (the first alternative with properties).
fn object_schema<'a>(
    s: &'a serde_json::Value,
    defs: Option<&'a serde_json::Value>,
) -> Option<&'a serde_json::Value> {
    if let Some(r) = s.get("$ref").and_then(|r| r.as_str()) {
        let name = r.rsplit('/').next()?;
        return object_schema(defs?.get(name)?, defs);
    }
    if s.get("properties").is_some() {
        return Some(s);
    }
    ["anyOf", "oneOf", "allOf"]
        .iter()
        .filter_map(|k| s.get(*k)?.as_array())
        .flatten()
        .find_map(|alt| object_schema(alt, defs))
}

fn array_items<'a>(
    s: &'a serde_json::Value,
    defs: Option<&'a serde_json::Value>,
) -> Option<&'a serde_json::Value> {
    if let Some(r) = s.get("$ref").and_then(|r| r.as_str()) {
        return array_items(defs?.get(r.rsplit('/').next()?)?, defs);
    }
    if let Some(items) = s.get("items") {
        return Some(items);
    }
    ["anyOf", "oneOf"]
        .iter()
        .filter_map(|k| s.get(*k)?.as_array())
        .flatten()
        .find_map(|alt| array_items(alt, defs))
}

/// `[deliberation.budget]` alone creates `[deliberation]`: a field missing
/// from it is to be added under a `[deliberation]` header, not « in this table ».
fn implicit_table_hint(d: Diagnostic, text: &str, span: std::ops::Range<usize>) -> Diagnostic {
    let line_start = text[..span.start.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next().unwrap_or("").trim();
    let Some(header) = line
        .strip_prefix('[')
        .and_then(|l| l.strip_suffix(']'))
        .filter(|h| !h.starts_with('['))
    else {
        return d;
    };
    let Some((parent, _)) = header.rsplit_once('.') else {
        return d;
    };
    let parent = parent.trim();
    let written = text.lines().any(|l| {
        l.trim()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .trim()
            == parent
    });
    if written {
        return d;
    }
    let field = d
        .message
        .rsplit('«')
        .next()
        .unwrap_or("")
        .trim_end_matches('»')
        .trim()
        .to_owned();
    let message = format!("table [{parent}] absente : seule [{header}] est écrite");
    Diagnostic {
        message,
        hint: Some(format!(
            "ajoutez, au-dessus de [{header}], une table [{parent}] avec {field} = …"
        )),
        ..d
    }
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
        executif: o.executif.or(b.executif),
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
        signature_electronique: o.signature_electronique.or(b.signature_electronique),
        formule: o.formule.or(b.formule),
    }
}

#[cfg(test)]
mod tests {
    /// docs/outputs.md gives the sizes the code checks (issue 22: it said
    /// 16 MB where a dossier stopped at 4).
    #[test]
    fn sizes_in_the_docs_are_those_of_the_code() {
        let docs = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/outputs.md"),
        )
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
        for (max, what) in [
            (crate::disk::MAX_TOML, "for a `.toml`"),
            (super::MAX_TEXT, "for a partners CSV or a template"),
            (super::MAX_LOGO, "for a logo"),
        ] {
            let said = format!("{} MB {what}", max >> 20);
            assert!(
                docs.contains(&said),
                "docs/outputs.md should say « {said} »"
            );
        }
    }

    use super::*;

    /// BOMs dropped anywhere, line-ending CRs (one or more) dropped, a lone
    /// CR kept; a second pass changes nothing.
    #[test]
    fn normalize_makes_windows_text_read_as_unix_text() {
        let cases = [
            ("a\r\nb\r\n", "a\nb\n"),
            ("\u{feff}seance = 1\n", "seance = 1\n"),
            ("a\u{feff}b\r\u{feff}\nc", "ab\nc"),
            ("a\r\r\nb", "a\nb"),
            ("a\rb\r", "a\rb\r"),
            ("plain\n", "plain\n"),
        ];
        for (from, to) in cases {
            assert_eq!(normalize(from.into()), to, "{from:?}");
            assert_eq!(normalize(to.into()), to, "{to:?}");
        }
    }

    /// Every file a dossier reads is noted with the hash of its bytes as
    /// read (CRLF and byte-order mark included: the text is normalized, the
    /// hash is not), the one hash the cache compares with the disk.
    #[test]
    fn every_file_read_is_noted_with_the_hash_of_its_bytes() {
        let dir = std::env::temp_dir().join(format!("delib-read-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let files: [(&str, &[u8]); 4] = [
            ("delib.toml", b"\xef\xbb\xbf[collectivite]\r\nnom = \"C\"\r\n"),
            ("s.toml", b"date = 2016-06-27\r\n"),
            ("p.csv", b"nom;ville\r\nMairie;S\xe8te\r\n"),
            (
                "a.toml",
                b"seance = \"s.toml\"\r\n[deliberation]\r\nobjet = \"O\"\r\narticles = [\"A\"]\r\n[convention]\r\ntitre = \"T\"\r\npartenaires = \"p.csv\"\r\n",
            ),
        ];
        for (name, bytes) in files {
            std::fs::write(dir.join(name), bytes).unwrap();
        }
        let l = load(&dir.join("a.toml")).unwrap();
        assert!(!l.source.text.contains('\r'));
        let mut read: Vec<(String, String)> = l
            .read
            .iter()
            .map(|(p, h)| {
                (
                    p.file_name().unwrap().to_string_lossy().into_owned(),
                    h.clone(),
                )
            })
            .collect();
        read.sort();
        let mut expected: Vec<(String, String)> = files
            .iter()
            .map(|(n, b)| ((*n).to_owned(), crate::hash::content_hash(b)))
            .collect();
        expected.sort();
        assert_eq!(read, expected);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// Two dossiers of one séance parse its file once; a séance file
    /// edited between them is parsed again.
    #[test]
    fn seance_and_projet_are_parsed_once_per_run() {
        let dir = std::env::temp_dir().join(format!("delib-shared-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("delib.toml"), "[collectivite]\nnom = \"C\"\n").unwrap();
        std::fs::write(dir.join("s.toml"), "date = 2016-06-27\n").unwrap();
        let dossier = "seance = \"s.toml\"\n[deliberation]\nobjet = \"O\"\narticles = [\"A\"]\n";
        std::fs::write(dir.join("a.toml"), dossier).unwrap();
        std::fs::write(dir.join("b.toml"), dossier).unwrap();
        let shared = Shared::default();
        let a = load_with(&dir.join("a.toml"), &shared).unwrap();
        let b = load_with(&dir.join("b.toml"), &shared).unwrap();
        let src = |l: &Loaded| l.seance.as_ref().unwrap().1.clone();
        assert!(Arc::ptr_eq(&src(&a), &src(&b)));
        assert!(Arc::ptr_eq(
            &a.projet.as_ref().unwrap().1,
            &b.projet.as_ref().unwrap().1
        ));
        std::fs::write(dir.join("s.toml"), "date = 2016-06-28\n").unwrap();
        let c = load_with(&dir.join("b.toml"), &shared).unwrap();
        assert!(!Arc::ptr_eq(&src(&a), &src(&c)));
        assert_eq!(
            c.seance.as_ref().unwrap().0.date.get_ref().to_string(),
            "2016-06-28"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
