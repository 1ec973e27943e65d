//! The fields of a form, read from the JSON Schema `delib schema` writes
//! (the same types, the same French descriptions): one [`Field`] per key,
//! its label and help taken from the description, its kind of input from
//! the type. A field added to the input types appears in the form with no
//! code change here.

use serde_json::Value;

/// Which file a form edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Dossier,
    Seance,
    Projet,
}

impl FileKind {
    /// The JSON Schema of the file (as `delib schema` builds it).
    pub fn schema(self) -> schemars::Schema {
        use crate::input::{Dossier, Projet, Seance};
        match self {
            FileKind::Dossier => schemars::schema_for!(Dossier),
            FileKind::Seance => schemars::schema_for!(Seance),
            FileKind::Projet => schemars::schema_for!(Projet),
        }
    }

    /// The fields of the file, in the order of the types.
    pub fn fields(self) -> Vec<Field> {
        let schema = self.schema();
        let root = schema.as_value();
        table_fields(root, root, 0)
    }

    /// "le dossier", "la séance", "delib.toml".
    pub fn name(self) -> &'static str {
        match self {
            FileKind::Dossier => "le dossier",
            FileKind::Seance => "le fichier de séance",
            FileKind::Projet => "delib.toml",
        }
    }
}

/// One key of a table.
#[derive(Debug, Clone)]
pub struct Field {
    /// The TOML key.
    pub key: String,
    /// Short French label.
    pub label: String,
    /// The rest of the description, if any.
    pub help: Option<String>,
    pub required: bool,
    pub shape: Shape,
}

/// What a field holds, and so which input it gets.
#[derive(Debug, Clone)]
pub enum Shape {
    /// A text; `markdown` ones get a textarea.
    Text { markdown: bool },
    /// A date (a date picker).
    Date,
    /// A whole number.
    Integer { min: Option<i64>, max: Option<i64> },
    /// A number with decimals (a montant).
    Number,
    /// true / false; `nullable` ones have a third choice, « non renseigné ».
    Bool { nullable: bool },
    /// One of a closed list (a select): (value, label).
    Choice(Vec<(String, String)>),
    /// A list of values (texts, dates…).
    List(Box<Shape>),
    /// A table: its fields; `inline` when the schema writes it `{ … }`.
    Table { fields: Vec<Field>, inline: bool },
    /// A list of tables.
    Tables { fields: Vec<Field>, inline: bool },
    /// One of several shapes (a séance path or table, présents as names or
    /// a number): the form shows the one the file has, else the first.
    Either(Vec<Shape>),
}

/// Deepest nesting followed (the schemas have no cycle; a guard all the same).
const MAX_DEPTH: usize = 8;

/// The schema behind a `$ref`.
fn resolve<'a>(root: &'a Value, s: &'a Value) -> &'a Value {
    match s.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.rsplit('/').next().unwrap_or("");
            root.get("$defs")
                .and_then(|d| d.get(name))
                .map_or(s, |d| resolve(root, d))
        }
        None => s,
    }
}

fn description(root: &Value, s: &Value) -> String {
    s.get("description")
        .or_else(|| resolve(root, s).get("description"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned()
}

/// The fields of an object schema, in the schema's order.
fn table_fields(root: &Value, obj: &Value, depth: usize) -> Vec<Field> {
    let obj = resolve(root, obj);
    let Some(props) = obj.get("properties").and_then(Value::as_object) else {
        return Vec::new();
    };
    let required: Vec<&str> = obj
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    props
        .iter()
        .map(|(key, prop)| {
            let desc = description(root, prop);
            let title = prop
                .get("title")
                .or_else(|| resolve(root, prop).get("title"))
                .and_then(Value::as_str);
            let (label, help) = label_and_help(key, title, &desc);
            Field {
                key: key.clone(),
                label,
                help,
                required: required.contains(&key.as_str()),
                shape: shape_of(root, prop, &desc, depth + 1),
            }
        })
        .collect()
}

/// The shape of a property.
fn shape_of(root: &Value, prop: &Value, desc: &str, depth: usize) -> Shape {
    let s = resolve(root, prop);
    let markdown = desc.contains("Markdown");
    if depth > MAX_DEPTH {
        return Shape::Text { markdown };
    }
    if let Some(alts) = s
        .get("anyOf")
        .or_else(|| s.get("oneOf"))
        .and_then(Value::as_array)
    {
        // One of fixed values, each described: a closed list.
        let consts: Vec<(String, String)> = alts
            .iter()
            .filter_map(|a| {
                let v = a.get("const")?.as_str()?;
                let d = a.get("description").and_then(Value::as_str);
                Some((
                    v.to_owned(),
                    d.map_or_else(|| v.to_owned(), |d| format!("{v} : {d}")),
                ))
            })
            .collect();
        if !consts.is_empty() && consts.len() == alts.len() {
            return Shape::Choice(consts);
        }
        let shapes: Vec<Shape> = alts
            .iter()
            .filter(|a| a.get("type").and_then(Value::as_str) != Some("null"))
            .map(|a| {
                let d = format!("{desc} {}", description(root, a));
                shape_of(root, a, &d, depth)
            })
            .collect();
        return match shapes.len() {
            0 => Shape::Text { markdown },
            1 => nullable(
                shapes
                    .into_iter()
                    .next()
                    .unwrap_or(Shape::Text { markdown }),
            ),
            _ => Shape::Either(shapes),
        };
    }
    if let Some(values) = s.get("enum").and_then(Value::as_array) {
        // `x-enumNames`: how each value reads in French, when it is not as written.
        let names = s.get("x-enumNames").and_then(Value::as_array);
        return Shape::Choice(
            values
                .iter()
                .filter_map(Value::as_str)
                .enumerate()
                .map(|(i, v)| {
                    let label = names
                        .and_then(|n| n.get(i))
                        .and_then(Value::as_str)
                        .map_or_else(|| v.replace('_', " "), str::to_owned);
                    (v.to_owned(), label)
                })
                .collect(),
        );
    }
    if s.get("properties").is_some() {
        return Shape::Table {
            fields: table_fields(root, s, depth),
            inline: written_inline(desc) || written_inline(&description(root, s)),
        };
    }
    if s.get("pattern").and_then(Value::as_str) == Some(r"^\d{4}-\d{2}-\d{2}$") {
        return Shape::Date;
    }
    let types: Vec<&str> = match s.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let is_nullable = types.contains(&"null");
    match types.iter().find(|t| **t != "null").copied() {
        Some("integer") => Shape::Integer {
            min: s.get("minimum").and_then(Value::as_i64),
            max: s.get("maximum").and_then(Value::as_i64),
        },
        Some("number") => Shape::Number,
        Some("boolean") => Shape::Bool {
            nullable: is_nullable,
        },
        Some("array") => {
            let items = s.get("items").map_or(&Value::Null, |i| resolve(root, i));
            if items.get("properties").is_some() {
                Shape::Tables {
                    fields: table_fields(root, items, depth),
                    inline: written_inline(desc),
                }
            } else {
                let d = description(root, items);
                Shape::List(Box::new(shape_of(
                    root,
                    items,
                    &format!("{desc} {d}"),
                    depth,
                )))
            }
        }
        _ => Shape::Text { markdown },
    }
}

/// A value that may be absent: booleans get their third choice.
fn nullable(shape: Shape) -> Shape {
    match shape {
        Shape::Bool { .. } => Shape::Bool { nullable: true },
        s => s,
    }
}

/// The schema shows the table as `{ nom, commission }`: it is written inline.
fn written_inline(desc: &str) -> bool {
    desc.contains("{ ")
}

/// A short label and the rest of the description as help. The schema's
/// `title`, when given, is the label; else the description's first words.
pub fn label_and_help(
    key: &str,
    title: Option<&str>,
    description: &str,
) -> (String, Option<String>) {
    let description = description
        .replace("(obligatoire)", "")
        .replace(" (Markdown)", "");
    let description = description.trim();
    if let Some(t) = title {
        // « Exposé des motifs » titled, « exposé des motifs ; sa présence… » described.
        let rest = description
            .get(t.len()..)
            .filter(|_| {
                description.get(..t.len()).is_some_and(|d| {
                    d.eq_ignore_ascii_case(t) || d.to_lowercase() == t.to_lowercase()
                })
            })
            .map_or(description, |r| r.trim_start_matches([' ', ':', ';', ',']));
        let help = (!rest.is_empty()).then(|| capitalize(rest));
        return (t.to_owned(), help);
    }
    // Leading `true : `, `[table] : `, `{ a, b } : `, `x = { a, b } : ` say
    // how it is written, not what it is.
    let mut d = description;
    for (open, close) in [("true : ", ""), ("[", "] : "), ("{", "} : ")] {
        if close.is_empty() {
            d = d.strip_prefix(open).unwrap_or(d);
        } else if let Some(rest) = d.strip_prefix(open)
            && let Some(i) = rest.find(close)
        {
            d = &rest[i + close.len()..];
        }
    }
    if let Some(i) = d.find(" = { ")
        && let Some(j) = d[i..].find("} : ")
    {
        d = &d[i + j + 4..];
    }
    let cut = [" : ", " ; ", ", ", " ("]
        .iter()
        .filter_map(|sep| d.find(sep))
        .min()
        .unwrap_or(d.len());
    let label = d[..cut].trim();
    let rest = d[cut..].trim_start_matches([' ', ':', ';', ',']).trim();
    // A list of values (« electronique, affichage ou papier ») is no label.
    let lists_values =
        label.split_whitespace().count() <= 2 && d[cut..].starts_with(", ") && d.contains(" ou ");
    if label.is_empty() || lists_values {
        let help = (!description.is_empty()).then(|| capitalize(description));
        return (capitalize(&key.replace('_', " ")), help);
    }
    let rest = rest
        .strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .filter(|r| !r.contains(['(', ')']))
        .unwrap_or(rest)
        .trim();
    let help = (!rest.is_empty()).then(|| capitalize(rest));
    (capitalize(label), help)
}

/// The first letter in capitals.
pub fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Looks a field up by key.
pub fn find<'a>(fields: &'a [Field], key: &str) -> Option<&'a Field> {
    fields.iter().find(|f| f.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(fields: &[Field], path: &str, out: &mut Vec<String>) {
        for f in fields {
            let p = format!("{path}{}", f.key);
            out.push(format!("{p} | {} | {:?}", f.label, f.help));
            match &f.shape {
                Shape::Table { fields, .. } | Shape::Tables { fields, .. } => {
                    all(fields, &format!("{p}."), out)
                }
                Shape::Either(shapes) => {
                    for s in shapes {
                        if let Shape::Table { fields, .. } = s {
                            all(fields, &format!("{p}."), out);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    #[test]
    fn labels_come_from_the_descriptions() {
        let (l, h) = label_and_help("objet", None, "objet de la délibération (obligatoire)");
        assert_eq!((l.as_str(), h), ("Objet de la délibération", None));
        let (l, h) = label_and_help(
            "expose",
            None,
            "exposé des motifs (Markdown) ; sa présence produit le rapport",
        );
        assert_eq!(l, "Exposé des motifs");
        assert_eq!(h.as_deref(), Some("Sa présence produit le rapport"));
        let (l, _) = label_and_help("mode", None, "electronique, affichage ou papier");
        assert_eq!(l, "Mode");
        let (l, _) = label_and_help(
            "unanimite",
            None,
            "true : adopté à l'unanimité (ou bien les nombres, jamais les deux)",
        );
        assert_eq!(l, "Adopté à l'unanimité");
        let (l, _) = label_and_help(
            "rapporteur",
            None,
            "{ nom, commission } : qui présente le rapport",
        );
        assert_eq!(l, "Qui présente le rapport");
    }

    #[test]
    fn every_field_of_every_file_has_a_label() {
        for kind in [FileKind::Dossier, FileKind::Seance, FileKind::Projet] {
            let mut out = Vec::new();
            all(&kind.fields(), "", &mut out);
            assert!(out.len() > 5, "{kind:?}");
            for line in &out {
                let label = line.split(" | ").nth(1).unwrap();
                assert!(
                    label.chars().next().is_some_and(char::is_uppercase),
                    "{line}"
                );
            }
            if std::env::var_os("DELIB_LABELS").is_some() {
                eprintln!("{}", out.join("\n"));
            }
        }
    }

    #[test]
    fn shapes_follow_the_types() {
        let fields = FileKind::Dossier.fields();
        let Shape::Table { fields: d, .. } = &find(&fields, "deliberation").unwrap().shape else {
            panic!("deliberation is a table");
        };
        assert!(matches!(
            find(d, "expose").unwrap().shape,
            Shape::Text { markdown: true }
        ));
        assert!(matches!(
            find(d, "objet").unwrap().shape,
            Shape::Text { markdown: false }
        ));
        assert!(find(d, "objet").unwrap().required);
        assert!(matches!(find(d, "visas").unwrap().shape, Shape::List(_)));
        let Shape::List(items) = &find(d, "articles").unwrap().shape else {
            panic!()
        };
        assert!(matches!(**items, Shape::Text { markdown: true }));
        let Shape::Table {
            fields: vote,
            inline: false,
        } = &find(d, "vote").unwrap().shape
        else {
            panic!("vote is a table");
        };
        assert!(matches!(
            find(vote, "pour").unwrap().shape,
            Shape::Integer { min: Some(0), .. }
        ));
        assert!(matches!(
            find(vote, "scrutin").unwrap().shape,
            Shape::Choice(_)
        ));
        assert!(matches!(
            find(vote, "unanimite").unwrap().shape,
            Shape::Bool { nullable: true }
        ));
        assert!(matches!(
            find(d, "rapporteur").unwrap().shape,
            Shape::Table { inline: true, .. }
        ));
        assert!(matches!(
            find(&fields, "seance").unwrap().shape,
            Shape::Either(_)
        ));
        let seance = FileKind::Seance.fields();
        assert!(matches!(find(&seance, "date").unwrap().shape, Shape::Date));
        assert!(matches!(
            find(&seance, "pouvoirs").unwrap().shape,
            Shape::Tables { inline: true, .. }
        ));
        assert!(matches!(
            find(&seance, "huis_clos").unwrap().shape,
            Shape::Bool { nullable: false }
        ));
        // The form follows the order of the types: the date first.
        assert_eq!(seance[0].key, "date");
    }
}
