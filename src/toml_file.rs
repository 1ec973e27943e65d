//! Edits keys of a TOML file of the project, keeping what the clerk wrote:
//! comments, blank lines, the order of tables and keys, quoting, a
//! byte-order mark and Windows line endings (toml_edit, the format-preserving
//! TOML editor). The file is replaced atomically (`output::write_atomic`)
//! and only when it is a regular file inside the project.
//!
//! Used by `delib accuse-reception` (the reception date and the identifiant
//! the préfecture acknowledged) through [`apply`], and by the forms of
//! `delib serve` through [`update`]: the whole file as the form wants it,
//! where only the keys whose value changed are rewritten, and
//! [`replace_checked`], which writes only when the file is still the one the
//! form was opened on and keeps the previous version beside it (`nom.toml~`).

use std::path::{Path, PathBuf};
use toml_edit::{DocumentMut, Item, Table, Value};

/// One key to set: the tables leading to it (`["deliberation",
/// "publication"]`), its name, and its value.
pub struct Edit<'a> {
    pub table: &'a [&'a str],
    pub key: &'a str,
    pub value: Value,
    /// Place a new key right after this one when the table has it (else at
    /// the end of the table); an existing key keeps its place.
    pub after: &'a [&'a str],
}

/// Why a file could not be edited, in French.
#[derive(Debug)]
pub struct EditError(pub String);

impl std::fmt::Display for EditError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for EditError {}

/// A TOML date value (`2016-07-01`, no quotes).
pub fn date(d: crate::french::Date) -> Value {
    let date = toml_edit::Date {
        year: d.year as u16,
        month: d.month,
        day: d.day,
    };
    Value::from(toml_edit::Datetime {
        date: Some(date),
        time: None,
        offset: None,
    })
}

/// Applies `edits` to the text of a TOML file; the other bytes are kept.
pub fn apply(text: &str, edits: &[Edit]) -> Result<String, EditError> {
    edit_text(text, |doc| {
        for e in edits {
            set(doc, e)?;
        }
        Ok(())
    })
}

/// Parses `text` (a byte-order mark and CRLF line endings kept), lets `f`
/// change the document, and writes it back.
fn edit_text(
    text: &str,
    f: impl FnOnce(&mut DocumentMut) -> Result<(), EditError>,
) -> Result<String, EditError> {
    let (bom, body) = match text.strip_prefix('\u{feff}') {
        Some(rest) => ("\u{feff}", rest),
        None => ("", text),
    };
    let crlf = body.contains("\r\n");
    let mut doc: DocumentMut = body.parse().map_err(|e: toml_edit::TomlError| {
        EditError(format!("TOML illisible : {}", e.message()))
    })?;
    f(&mut doc)?;
    let mut out = doc.to_string();
    if crlf {
        // Lines delib added get the file's line endings.
        out = out.replace("\r\n", "\n").replace('\n', "\r\n");
    }
    Ok(format!("{bom}{out}"))
}

/// What a key should hold after [`update`].
#[derive(Debug, Clone)]
pub enum Want {
    /// Left as it is, whatever it is (a field the form did not send).
    Keep,
    /// No key: removed when present.
    Absent,
    /// A value (a text, a number, a date…): rewritten only when it differs.
    Value(Value),
    /// A default value (an unticked box): set when the file has the key,
    /// else nothing is written.
    Default(Value),
    /// An array: each element with the index it has in the file (None: a
    /// new one). Elements kept and unchanged keep their formatting and the
    /// comments before them.
    Array(Vec<(Option<usize>, Want)>),
    /// A table, its keys in the order new ones are placed in.
    Table {
        keys: Vec<(String, Want)>,
        /// A new table is written `{ … }` (else `[a.b]`, `[[a.b]]` in an array).
        inline: bool,
        /// Kept when every key is absent (a required table); else removed.
        keep_empty: bool,
    },
}

impl Want {
    /// Nothing to write where the key is absent.
    fn is_empty(&self) -> bool {
        match self {
            Want::Keep | Want::Absent | Want::Default(_) => true,
            Want::Value(_) => false,
            Want::Array(items) => items.is_empty(),
            Want::Table {
                keys, keep_empty, ..
            } => !keep_empty && keys.iter().all(|(_, w)| w.is_empty()),
        }
    }

    /// The key is to be removed where it is present: absent, an empty
    /// array, a table whose every key is to be removed (unless kept).
    fn removes(&self) -> bool {
        match self {
            Want::Absent => true,
            Want::Keep | Want::Default(_) | Want::Value(_) => false,
            Want::Array(items) => items.is_empty(),
            Want::Table {
                keys, keep_empty, ..
            } => !keep_empty && keys.iter().all(|(_, w)| w.removes()),
        }
    }
}

/// The text of a TOML file with its root table as `root` wants it: keys
/// whose value is unchanged are left as they are, byte for byte, with their
/// comments; a changed value is replaced in place (its comment kept); a new
/// key goes after the last key before it in `root`'s order; a key that is
/// absent is removed, and with it a table left empty.
pub fn update(text: &str, root: &[(String, Want)]) -> Result<String, EditError> {
    edit_text(text, |doc| merge_table(doc.as_table_mut(), root, ""))
}

/// Merges `keys` into a standard table.
fn merge_table(t: &mut Table, keys: &[(String, Want)], path: &str) -> Result<(), EditError> {
    for (i, (key, want)) in keys.iter().enumerate() {
        let here = join(path, key);
        if let Want::Default(v) = want {
            if let Some(item) = t.get_mut(key) {
                merge_item(item, &Want::Value(v.clone()), &here)?;
            }
            continue;
        }
        match t.get_mut(key) {
            Some(_) if want.removes() => {
                t.remove(key);
            }
            Some(item) => merge_item(item, want, &here)?,
            None if want.is_empty() => {}
            None => {
                t.insert(key, new_item(want, false));
                let before: Vec<&str> = keys[..i].iter().map(|(k, _)| k.as_str()).collect();
                place_after(t, key, &before);
            }
        }
    }
    Ok(())
}

/// Merges `keys` into an inline table (`{ a = 1, b = 2 }`).
fn merge_inline(
    t: &mut toml_edit::InlineTable,
    keys: &[(String, Want)],
    path: &str,
) -> Result<(), EditError> {
    for (key, want) in keys {
        let here = join(path, key);
        if let Want::Default(v) = want {
            if let Some(item) = t.get_mut(key) {
                merge_value(item, &Want::Value(v.clone()), &here)?;
            }
            continue;
        }
        match t.get_mut(key) {
            Some(_) if want.removes() => {
                t.remove(key);
            }
            Some(v) => merge_value(v, want, &here)?,
            None if want.is_empty() => {}
            None => {
                let Item::Value(v) = new_item(want, true) else {
                    continue;
                };
                t.insert(key, v);
            }
        }
    }
    Ok(())
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// Merges a wanted value into an item of a standard table.
fn merge_item(item: &mut Item, want: &Want, path: &str) -> Result<(), EditError> {
    match (item, want) {
        (_, Want::Keep) => Ok(()),
        (Item::Value(v), _) => merge_value(v, want, path),
        (Item::Table(t), Want::Table { keys, .. }) => merge_table(t, keys, path),
        (Item::ArrayOfTables(a), Want::Array(items)) => {
            let old: Vec<Table> = a.iter().cloned().collect();
            let mut new = toml_edit::ArrayOfTables::new();
            for (i, (orig, w)) in items.iter().enumerate() {
                let here = format!("{path}.{i}");
                let Want::Table { keys, .. } = w else {
                    return Err(EditError(format!(
                        "« {here} » devrait être une table : la valeur n'y est pas inscrite"
                    )));
                };
                let mut t = match orig.and_then(|o| old.get(o)) {
                    Some(t) => t.clone(),
                    None => {
                        let mut t = Table::new();
                        t.set_implicit(false);
                        t
                    }
                };
                merge_table(&mut t, keys, &here)?;
                new.push(t);
            }
            *a = new;
            Ok(())
        }
        (item, want) => {
            // The file has another kind of value here: written anew.
            *item = new_item(want, false);
            Ok(())
        }
    }
}

/// Merges a wanted value into a value (of a table, an inline table or an array).
fn merge_value(v: &mut Value, want: &Want, path: &str) -> Result<(), EditError> {
    match (&mut *v, want) {
        (_, Want::Keep) => Ok(()),
        (_, Want::Value(new) | Want::Default(new)) => {
            if !same_value(v, new) {
                let decor = v.decor().clone();
                *v = new.clone();
                *v.decor_mut() = decor;
            }
            Ok(())
        }
        (Value::InlineTable(t), Want::Table { keys, .. }) => merge_inline(t, keys, path),
        (Value::Array(a), Want::Array(items)) => {
            let old: Vec<Value> = a.iter().cloned().collect();
            // New elements take the indentation of the last one (not its comment).
            let indent = old.last().and_then(|l| {
                let prefix = l.decor().prefix()?.as_str()?;
                prefix.rfind('\n').map(|i| prefix[i..].to_owned())
            });
            let mut values = Vec::with_capacity(items.len());
            // A comment at the end of an element's line is written before the
            // next element: it goes with the element when that one is removed.
            let gone = |o: usize| o > 0 && !items.iter().any(|(k, _)| *k == Some(o - 1));
            for (i, (orig, w)) in items.iter().enumerate() {
                let here = format!("{path}.{i}");
                match orig.and_then(|o| old.get(o).map(|v| (o, v))) {
                    Some((at, o)) => {
                        let mut o = o.clone();
                        if gone(at)
                            && let Some(p) = o.decor().prefix().and_then(|p| p.as_str())
                            && let Some(nl) = p.find('\n')
                        {
                            let p = p[nl..].to_owned();
                            o.decor_mut().set_prefix(p);
                        }
                        merge_value(&mut o, w, &here)?;
                        values.push(o);
                    }
                    None => {
                        let Item::Value(mut n) = new_item(w, true) else {
                            continue;
                        };
                        match &indent {
                            Some(p) => n.decor_mut().set_prefix(p.clone()),
                            None if !values.is_empty() || !old.is_empty() => {
                                n.decor_mut().set_prefix(" ")
                            }
                            None => n.decor_mut().set_prefix(""),
                        }
                        n.decor_mut().set_suffix("");
                        values.push(n);
                    }
                }
            }
            let same = values.len() == old.len()
                && values
                    .iter()
                    .zip(&old)
                    .all(|(a, b)| a.to_string() == b.to_string());
            if !same {
                let last_gone =
                    !old.is_empty() && !items.iter().any(|(k, _)| *k == Some(old.len() - 1));
                if last_gone
                    && let Some(t) = a.trailing().as_str()
                    && let Some(nl) = t.find('\n')
                {
                    let t = t[nl..].to_owned();
                    a.set_trailing(t);
                }
                a.clear();
                for v in values {
                    a.push_formatted(v);
                }
            }
            Ok(())
        }
        (_, want) => {
            let Item::Value(mut n) = new_item(want, true) else {
                return Ok(());
            };
            *n.decor_mut() = v.decor().clone();
            *v = n;
            Ok(())
        }
    }
}

/// True when two values are the same value (their writing may differ:
/// `'a'` and `"a"`, `1_000` and `1000`, CRLF and LF in a text).
fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(x), Value::String(y)) => {
            x.value().replace("\r\n", "\n") == y.value().replace("\r\n", "\n")
        }
        (Value::Integer(x), Value::Integer(y)) => x.value() == y.value(),
        (Value::Float(x), Value::Float(y)) => x.value() == y.value(),
        (Value::Integer(x), Value::Float(y)) | (Value::Float(y), Value::Integer(x)) => {
            *x.value() as f64 == *y.value()
        }
        (Value::Boolean(x), Value::Boolean(y)) => x.value() == y.value(),
        (Value::Datetime(x), Value::Datetime(y)) => x.value() == y.value(),
        _ => false,
    }
}

/// A new item for `want`; `inline` inside an inline table or an array.
fn new_item(want: &Want, inline: bool) -> Item {
    match want {
        Want::Keep | Want::Absent | Want::Default(_) => Item::None,
        Want::Value(v) => {
            let mut v = v.clone();
            v.decor_mut().clear();
            Item::Value(v)
        }
        Want::Table {
            keys,
            inline: small,
            ..
        } if inline || *small => {
            let mut t = toml_edit::InlineTable::new();
            for (k, w) in keys {
                if w.is_empty() {
                    continue;
                }
                if let Item::Value(v) = new_item(w, true) {
                    t.insert(k, v);
                }
            }
            Item::Value(Value::InlineTable(t))
        }
        Want::Table { keys, .. } => {
            let mut t = Table::new();
            t.set_implicit(false);
            for (k, w) in keys {
                if !w.is_empty() {
                    t.insert(k, new_item(w, false));
                }
            }
            Item::Table(t)
        }
        Want::Array(items) => {
            let tables = items
                .iter()
                .all(|(_, w)| matches!(w, Want::Table { inline: false, .. }));
            if tables && !inline && !items.is_empty() {
                let mut a = toml_edit::ArrayOfTables::new();
                for (_, w) in items {
                    if let Item::Table(t) = new_item(w, false) {
                        a.push(t);
                    }
                }
                return Item::ArrayOfTables(a);
            }
            let mut a = toml_edit::Array::new();
            // One element a line when there are several, as a clerk writes them.
            let lines = items.len() > 1;
            for (_, w) in items {
                if let Item::Value(mut v) = new_item(w, true) {
                    if lines {
                        v.decor_mut().set_prefix("\n  ");
                    }
                    a.push_formatted(v);
                }
            }
            if lines {
                a.set_trailing_comma(true);
                a.set_trailing("\n");
            }
            Item::Value(Value::Array(a))
        }
    }
}

/// Sets one key, creating the tables that lead to it as `[a.b]` tables
/// (placed after the last table of their parent).
fn set(doc: &mut DocumentMut, e: &Edit) -> Result<(), EditError> {
    let mut item: &mut Item = doc.as_item_mut();
    let mut path = String::new();
    for name in e.table {
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(name);
        let table = item
            .as_table_like_mut()
            .ok_or_else(|| EditError(format!("« {path} » n'est pas une table")))?;
        if table.get(name).is_none() {
            let mut t = Table::new();
            t.set_implicit(false);
            table.insert(name, Item::Table(t));
        }
        item = table
            .get_mut(name)
            .ok_or_else(|| EditError(format!("« {path} » introuvable")))?;
        if !item.is_table_like() {
            return Err(EditError(format!(
                "« {path} » n'est pas une table : la valeur ne peut pas y être inscrite"
            )));
        }
    }
    match item {
        Item::Table(t) => {
            let new = !t.contains_key(e.key);
            t.insert(e.key, toml_edit::value(e.value.clone()));
            if new {
                place_after(t, e.key, e.after);
            }
        }
        Item::Value(Value::InlineTable(t)) => {
            // The space before `}` stays before `}`, after the new last value.
            let mut suffix = None;
            if !t.contains_key(e.key)
                && let Some((_, last)) = t.iter_mut().last()
            {
                suffix = last.decor().suffix().cloned();
                last.decor_mut().set_suffix("");
            }
            t.insert(e.key, e.value.clone());
            if let (Some(sfx), Some(v)) = (suffix, t.get_mut(e.key)) {
                v.decor_mut().set_suffix(sfx);
            }
        }
        _ => {
            return Err(EditError(format!(
                "« {path} » n'est pas une table : la valeur ne peut pas y être inscrite"
            )));
        }
    }
    Ok(())
}

/// Moves the new key `key` (inserted last) right after the last of `after`
/// present in the table, keeping every other key's order and decoration
/// (tables keep their place in the file: they are written where they were).
fn place_after(t: &mut Table, key: &str, after: &[&str]) {
    let keys: Vec<String> = t.iter().map(|(k, _)| k.to_owned()).collect();
    let Some(anchor) = keys.iter().rposition(|k| after.contains(&k.as_str())) else {
        return;
    };
    let new_is_table = t
        .get(key)
        .is_some_and(|i| i.is_table() || i.is_array_of_tables());
    let later: Vec<String> = keys[anchor + 1..]
        .iter()
        .filter(|k| k.as_str() != key && (new_is_table || t.get(k).is_some_and(Item::is_value)))
        .cloned()
        .collect();
    for k in later {
        if let Some((k, v)) = t.remove_entry(&k) {
            t.insert_formatted(&k, v);
        }
    }
}

/// Applies `edits` to the file at `path` and replaces it atomically. The
/// file must be a regular file (not a symlink) whose real path is inside
/// `root`. Returns the new text.
pub fn edit_file(path: &Path, root: &Path, edits: &[Edit]) -> Result<String, EditError> {
    let text = read_project_file(path, root)?;
    let new = apply(&text, edits)?;
    if new != text {
        crate::output::write_atomic(path, new.as_bytes()).map_err(io_error(path))?;
    }
    Ok(new)
}

fn io_error(path: &Path) -> impl Fn(std::io::Error) -> EditError + '_ {
    move |e| {
        EditError(format!(
            "{} : {}",
            path.display(),
            crate::load::io_message(&e)
        ))
    }
}

/// The text of `path`, a regular file (not a symlink) whose real path is
/// inside `root`, in UTF-8.
pub fn read_project_file(path: &Path, root: &Path) -> Result<String, EditError> {
    let io = io_error(path);
    let meta = std::fs::symlink_metadata(path).map_err(&io)?;
    let real = path.canonicalize().map_err(&io)?;
    let inside = root.canonicalize().is_ok_and(|r| real.starts_with(r));
    if !meta.file_type().is_file() || !inside {
        return Err(EditError(format!(
            "{} n'est pas un fichier ordinaire du projet : il n'est pas modifié",
            path.display()
        )));
    }
    let bytes = crate::disk::read_regular(path, 64 << 20).map_err(&io)?;
    String::from_utf8(bytes).map_err(|_| {
        EditError(format!(
            "{} n'est pas en UTF-8 : il n'est pas modifié",
            path.display()
        ))
    })
}

/// The file where [`replace_checked`] keeps the previous version: `nom.toml~`.
pub fn previous_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push("~");
    path.with_file_name(name)
}

/// The version of a text the forms carry: a hash of its bytes.
pub fn version(text: &str) -> String {
    crate::hash::content_hash(text.as_bytes())
}

/// Why [`replace_checked`] wrote nothing.
#[derive(Debug)]
pub enum Refused {
    /// The file is no longer the version expected: here is its text now.
    Changed(String),
    Error(EditError),
}

impl From<EditError> for Refused {
    fn from(e: EditError) -> Refused {
        Refused::Error(e)
    }
}

/// Replaces the file at `path` (a regular file inside `root`) by `new`,
/// only when its text is still at `expected` ([`version`]); the text it
/// had is kept in [`previous_path`]. Both writes are atomic.
pub fn replace_checked(path: &Path, root: &Path, expected: &str, new: &str) -> Result<(), Refused> {
    let now = read_project_file(path, root)?;
    if version(&now) != expected {
        return Err(Refused::Changed(now));
    }
    if now == new {
        return Ok(());
    }
    let io = io_error(path);
    crate::output::write_atomic(&previous_path(path), now.as_bytes()).map_err(&io)?;
    crate::output::write_atomic(path, new.as_bytes()).map_err(&io)?;
    Ok(())
}

/// Creates the file at `path` with `text`, never replacing a file there
/// (nor following a link); its folder must be inside `root`. Written to a
/// temporary file first, then linked in place: a reader never sees half of it.
pub fn create_checked(path: &Path, root: &Path, text: &str) -> Result<(), EditError> {
    let dir = crate::disk::parent_dir(path);
    let io = io_error(path);
    let inside = match (dir.canonicalize(), root.canonicalize()) {
        (Ok(d), Ok(r)) => d.starts_with(r),
        _ => false,
    };
    if !inside {
        return Err(EditError(format!(
            "{} n'est pas dans le répertoire du projet : rien n'est écrit",
            path.display()
        )));
    }
    if std::fs::symlink_metadata(path).is_ok() {
        return Err(EditError(format!(
            "{} existe déjà : choisissez un autre nom de fichier",
            path.display()
        )));
    }
    let tmp = dir.join(format!(
        ".{}.{}.nouveau",
        path.file_name().unwrap_or_default().to_string_lossy(),
        std::process::id()
    ));
    std::fs::write(&tmp, text).map_err(&io)?;
    let linked = std::fs::hard_link(&tmp, path);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(EditError(format!(
            "{} existe déjà : choisissez un autre nom de fichier",
            path.display()
        ))),
        // A file system without hard links: create it, refusing one that exists.
        Err(_) => {
            use std::io::Write as _;
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)
                .map_err(&io)?;
            f.write_all(text.as_bytes()).map_err(&io)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::french::Date;

    fn reception(d: Date) -> Edit<'static> {
        Edit {
            table: &["deliberation", "publication"],
            key: "reception",
            value: date(d),
            after: &["transmission"],
        }
    }

    fn identifiant(s: &str) -> Edit<'static> {
        Edit {
            table: &["deliberation", "publication"],
            key: "identifiant",
            value: Value::from(s),
            after: &["transmission", "reception"],
        }
    }

    #[test]
    fn a_key_goes_after_its_anchor_and_every_comment_stays() {
        let text = "\
# Dossier : convention PEP 21.
seance = \"seances/2016-06-27.toml\"   # la séance

[deliberation]
objet = \"Convention\"

[deliberation.publication]
# Dates de la préfecture.
transmission = 2016-06-30  # envoyée par S²LOW
publication = 2016-07-01

# La convention.
[convention]
titre = 'Convention'
";
        let d = Date::new(2016, 7, 1).unwrap();
        let out = apply(text, &[reception(d), identifiant("021-X")]).unwrap();
        assert_eq!(
            out,
            "\
# Dossier : convention PEP 21.
seance = \"seances/2016-06-27.toml\"   # la séance

[deliberation]
objet = \"Convention\"

[deliberation.publication]
# Dates de la préfecture.
transmission = 2016-06-30  # envoyée par S²LOW
reception = 2016-07-01
identifiant = \"021-X\"
publication = 2016-07-01

# La convention.
[convention]
titre = 'Convention'
"
        );
        // Setting it again changes nothing.
        assert_eq!(apply(&out, &[reception(d)]).unwrap(), out);
    }

    #[test]
    fn a_missing_table_is_created_after_its_siblings() {
        let text = "[deliberation]\nobjet = \"O\"\n\n[deliberation.signature]\nnom = \"N\"\n\n[convention]\ntitre = \"T\"\n";
        let out = apply(text, &[reception(Date::new(2016, 7, 1).unwrap())]).unwrap();
        assert_eq!(
            out,
            "[deliberation]\nobjet = \"O\"\n\n[deliberation.signature]\nnom = \"N\"\n\n[deliberation.publication]\nreception = 2016-07-01\n\n[convention]\ntitre = \"T\"\n"
        );
        let parsed: toml::Table = toml::from_str(&out).unwrap();
        assert!(parsed["deliberation"]["publication"]["reception"].is_datetime());
    }

    #[test]
    fn inline_tables_crlf_and_bom_are_kept() {
        let text = "\u{feff}[deliberation]\r\nobjet = \"O\"\r\npublication = { transmission = 2016-06-30 }\r\n";
        let out = apply(text, &[reception(Date::new(2016, 7, 1).unwrap())]).unwrap();
        assert_eq!(
            out,
            "\u{feff}[deliberation]\r\nobjet = \"O\"\r\npublication = { transmission = 2016-06-30, reception = 2016-07-01 }\r\n"
        );
        let text = "[deliberation]\r\nobjet = \"O\"\r\n\r\n[deliberation.publication]\r\ntransmission = 2016-06-30\r\n";
        let out = apply(text, &[reception(Date::new(2016, 7, 1).unwrap())]).unwrap();
        assert_eq!(
            out,
            "[deliberation]\r\nobjet = \"O\"\r\n\r\n[deliberation.publication]\r\ntransmission = 2016-06-30\r\nreception = 2016-07-01\r\n"
        );
    }

    #[test]
    fn a_value_where_a_table_should_be_is_refused() {
        let text = "[deliberation]\nobjet = \"O\"\npublication = \"hier\"\n";
        let e = apply(text, &[reception(Date::new(2016, 7, 1).unwrap())]).unwrap_err();
        assert!(
            e.0.contains("« deliberation.publication » n'est pas une table"),
            "{e}"
        );
        assert!(apply("a = = 1", &[]).is_err());
    }

    fn v(s: &str) -> Want {
        Want::Value(Value::from(s))
    }

    fn table(keys: Vec<(&str, Want)>) -> Want {
        Want::Table {
            keys: keys.into_iter().map(|(k, w)| (k.to_owned(), w)).collect(),
            inline: false,
            keep_empty: false,
        }
    }

    fn root(keys: Vec<(&str, Want)>) -> Vec<(String, Want)> {
        keys.into_iter().map(|(k, w)| (k.to_owned(), w)).collect()
    }

    const DOSSIER: &str = "\
# Un dossier.
seance = \"s.toml\"  # la séance

[deliberation]
objet = \"Ancien objet\"   # à revoir
visas = [
  # Le code.
  \"le code\",
  \"la loi\",   # la loi de 1901
  \"le décret\",
]

# Le vote.
[deliberation.vote]
unanimite = true

[[convention.parties]]
nom = \"Ville\"

[[convention.parties]]
nom = \"Association\"
";

    #[test]
    fn only_what_changed_is_rewritten() {
        let want = root(vec![
            ("seance", v("s.toml")),
            (
                "deliberation",
                table(vec![
                    ("objet", v("Nouvel objet")),
                    // The second visa removed, one added; the others as they were.
                    (
                        "visas",
                        Want::Array(vec![
                            (Some(0), v("le code")),
                            (Some(2), v("le décret")),
                            (None, v("l'arrêté")),
                        ]),
                    ),
                    (
                        "vote",
                        table(vec![
                            ("unanimite", Want::Absent),
                            ("pour", Want::Value(Value::from(12))),
                            ("contre", Want::Value(Value::from(3))),
                        ]),
                    ),
                ]),
            ),
        ]);
        let out = update(DOSSIER, &want).unwrap();
        assert_eq!(
            out,
            "\
# Un dossier.
seance = \"s.toml\"  # la séance

[deliberation]
objet = \"Nouvel objet\"   # à revoir
visas = [
  # Le code.
  \"le code\",
  \"le décret\",
  \"l'arrêté\",
]

# Le vote.
[deliberation.vote]
pour = 12
contre = 3

[[convention.parties]]
nom = \"Ville\"

[[convention.parties]]
nom = \"Association\"
"
        );
        // The same values again: not a byte changes.
        let same = root(vec![
            ("seance", v("s.toml")),
            (
                "deliberation",
                table(vec![
                    ("objet", v("Ancien objet")),
                    (
                        "visas",
                        Want::Array(
                            (0..3)
                                .map(|i| (Some(i), v(["le code", "la loi", "le décret"][i])))
                                .collect(),
                        ),
                    ),
                    (
                        "vote",
                        table(vec![("unanimite", Want::Value(Value::from(true)))]),
                    ),
                ]),
            ),
        ]);
        assert_eq!(update(DOSSIER, &same).unwrap(), DOSSIER);
    }

    #[test]
    fn new_tables_go_after_their_siblings_and_empty_ones_go() {
        let parties = Want::Array(vec![
            (Some(0), table(vec![("nom", v("Ville"))])),
            (Some(1), table(vec![("nom", v("Association"))])),
            (
                None,
                table(vec![("nom", v("Département")), ("qualite", v("Président"))]),
            ),
        ]);
        let want = root(vec![
            (
                "deliberation",
                table(vec![
                    ("objet", v("Ancien objet")),
                    (
                        "rapporteur",
                        Want::Table {
                            keys: vec![("nom".into(), v("M. X"))],
                            inline: true,
                            keep_empty: false,
                        },
                    ),
                    ("budget", table(vec![("annee", v("2016"))])),
                    // Every key of the vote gone: the table goes.
                    ("vote", table(vec![("unanimite", Want::Absent)])),
                ]),
            ),
            ("convention", table(vec![("parties", parties)])),
        ]);
        let out = update(DOSSIER, &want).unwrap();
        assert!(
            out.contains(
                "objet = \"Ancien objet\"   # à revoir\nrapporteur = { nom = \"M. X\" }\n"
            ),
            "{out}"
        );
        assert!(
            out.contains("]\n\n[deliberation.budget]\nannee = \"2016\"\n"),
            "{out}"
        );
        assert!(!out.contains("[deliberation.vote]"), "{out}");
        assert!(
            out.ends_with("nom = \"Association\"\n\n[[convention.parties]]\nnom = \"Département\"\nqualite = \"Président\"\n"),
            "{out}"
        );
        let parsed: toml::Table = toml::from_str(&out).unwrap();
        assert_eq!(parsed["convention"]["parties"].as_array().unwrap().len(), 3);
    }

    #[test]
    fn a_removed_element_of_an_array_of_tables_keeps_the_others() {
        let want = root(vec![(
            "convention",
            table(vec![(
                "parties",
                Want::Array(vec![(Some(1), table(vec![("nom", v("Association"))]))]),
            )]),
        )]);
        let out = update(DOSSIER, &want).unwrap();
        assert!(
            out.ends_with("unanimite = true\n\n[[convention.parties]]\nnom = \"Association\"\n"),
            "{out}"
        );
    }

    #[test]
    fn texts_on_several_lines_crlf_and_defaults() {
        let text = "[seance]\r\ndate = 2016-06-27\r\nexpose = \"\"\"\r\nUn.\r\nDeux.\r\n\"\"\"\r\nhuis_clos = false\r\n";
        // The same text typed back (a browser sends CRLF, delib reads LF): unchanged.
        let want = root(vec![(
            "seance",
            table(vec![
                ("expose", v("Un.\nDeux.\n")),
                ("huis_clos", Want::Default(Value::from(false))),
                ("deuxieme_convocation", Want::Default(Value::from(false))),
            ]),
        )]);
        assert_eq!(update(text, &want).unwrap(), text);
        let want = root(vec![(
            "seance",
            table(vec![
                ("expose", v("Un.\nTrois.\n")),
                ("huis_clos", Want::Value(Value::from(true))),
            ]),
        )]);
        let out = update(text, &want).unwrap();
        assert_eq!(
            out,
            "[seance]\r\ndate = 2016-06-27\r\nexpose = \"\"\"\r\nUn.\r\nTrois.\r\n\"\"\"\r\nhuis_clos = true\r\n"
        );
    }

    #[test]
    fn replace_checked_refuses_a_file_changed_since_and_keeps_the_previous_version() {
        let dir = std::env::temp_dir().join(format!("delib-replace-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("d.toml");
        std::fs::write(&f, "a = 1\n").unwrap();
        let v1 = version("a = 1\n");
        replace_checked(&f, &dir, &v1, "a = 2\n").unwrap();
        assert_eq!(std::fs::read_to_string(&f).unwrap(), "a = 2\n");
        assert_eq!(
            std::fs::read_to_string(previous_path(&f)).unwrap(),
            "a = 1\n"
        );
        // The form was opened on « a = 1 »: refused, nothing written.
        match replace_checked(&f, &dir, &v1, "a = 3\n") {
            Err(Refused::Changed(now)) => assert_eq!(now, "a = 2\n"),
            other => panic!("{other:?}"),
        }
        assert_eq!(std::fs::read_to_string(&f).unwrap(), "a = 2\n");
        // Outside the project: refused.
        let outside =
            std::env::temp_dir().join(format!("delib-outside-{}.toml", std::process::id()));
        std::fs::write(&outside, "a = 1\n").unwrap();
        assert!(matches!(
            replace_checked(&outside, &dir, &v1, "a = 9\n"),
            Err(Refused::Error(_))
        ));
        assert_eq!(std::fs::read_to_string(&outside).unwrap(), "a = 1\n");
        // A new file never replaces one.
        assert!(create_checked(&f, &dir, "x = 1\n").is_err());
        create_checked(&dir.join("n.toml"), &dir, "x = 1\n").unwrap();
        assert!(create_checked(&outside, &dir, "x = 1\n").is_err());
        let _ = std::fs::remove_file(&outside);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
