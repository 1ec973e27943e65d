//! Edits keys of a TOML file of the project, keeping what the clerk wrote:
//! comments, blank lines, the order of tables and keys, quoting, a
//! byte-order mark and Windows line endings (toml_edit, the format-preserving
//! TOML editor). The file is replaced atomically (`output::write_atomic`)
//! and only when it is a regular file inside the project.
//!
//! Used by `delib accuse-reception` (the reception date and the identifiant
//! the préfecture acknowledged); meant for any command that changes one
//! value of a dossier in place.

use std::path::Path;
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
    let (bom, body) = match text.strip_prefix('\u{feff}') {
        Some(rest) => ("\u{feff}", rest),
        None => ("", text),
    };
    let crlf = body.contains("\r\n");
    let mut doc: DocumentMut = body.parse().map_err(|e: toml_edit::TomlError| {
        EditError(format!("TOML illisible : {}", e.message()))
    })?;
    for e in edits {
        set(&mut doc, e)?;
    }
    let mut out = doc.to_string();
    if crlf {
        // Lines delib added get the file's line endings.
        out = out.replace("\r\n", "\n").replace('\n', "\r\n");
    }
    Ok(format!("{bom}{out}"))
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
/// present in the table, keeping every other key's order and decoration.
fn place_after(t: &mut Table, key: &str, after: &[&str]) {
    let keys: Vec<String> = t.iter().map(|(k, _)| k.to_owned()).collect();
    let Some(anchor) = keys.iter().rposition(|k| after.contains(&k.as_str())) else {
        return;
    };
    let later: Vec<String> = keys[anchor + 1..]
        .iter()
        .filter(|k| k.as_str() != key && !t.get(k).is_some_and(Item::is_table_like))
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
    let io = |e: std::io::Error| {
        EditError(format!(
            "{} : {}",
            path.display(),
            crate::load::io_message(&e)
        ))
    };
    let meta = std::fs::symlink_metadata(path).map_err(io)?;
    let real = path.canonicalize().map_err(io)?;
    let inside = root.canonicalize().is_ok_and(|r| real.starts_with(r));
    if !meta.file_type().is_file() || !inside {
        return Err(EditError(format!(
            "{} n'est pas un fichier ordinaire du projet : il n'est pas modifié",
            path.display()
        )));
    }
    let bytes = crate::load::read_regular(path, 64 << 20).map_err(io)?;
    let text = String::from_utf8(bytes).map_err(|_| {
        EditError(format!(
            "{} n'est pas en UTF-8 : il n'est pas modifié",
            path.display()
        ))
    })?;
    let new = apply(&text, edits)?;
    if new != text {
        crate::output::write_atomic(path, new.as_bytes()).map_err(io)?;
    }
    Ok(new)
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
}
