//! `delib schema`: the JSON Schema of the input, generated from the types.

use crate::cli::SchemaArgs;
use crate::input::{Dossier, Projet, Seance};
use serde_json::Value;

/// Which file a schema describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    Dossier,
    Projet,
    Seance,
}

/// The JSON Schema of a dossier (or of delib.toml), as pretty JSON.
pub fn schema_json(projet: bool) -> String {
    schema_json_of(if projet {
        Which::Projet
    } else {
        Which::Dossier
    })
}

fn schema_of(which: Which) -> schemars::Schema {
    match which {
        Which::Projet => schemars::schema_for!(Projet),
        Which::Dossier => schemars::schema_for!(Dossier),
        Which::Seance => schemars::schema_for!(Seance),
    }
}

/// The JSON Schema of one kind of file, as pretty JSON.
pub fn schema_json_of(which: Which) -> String {
    let mut schema = schema_of(which);
    let (title, description) = match which {
        Which::Projet => (
            "delib.toml",
            "Valeurs communes aux dossiers d'une collectivité (delib)",
        ),
        Which::Dossier => (
            "Dossier delib",
            "Un acte présenté à une assemblée : séance, délibération, convention, annexes (delib)",
        ),
        Which::Seance => (
            "Fichier de séance delib",
            "Une séance partagée par les dossiers qui y sont délibérés (delib)",
        ),
    };
    schema.insert("title".into(), title.into());
    schema.insert("description".into(), description.into());
    serde_json::to_string_pretty(&schema).unwrap_or_default()
}

/// Runs the command; returns the exit status.
pub fn run(args: &SchemaArgs) -> anyhow::Result<u8> {
    let which = if args.seance {
        Which::Seance
    } else if args.projet {
        Which::Projet
    } else {
        Which::Dossier
    };
    println!("{}", schema_json_of(which));
    Ok(0)
}

/// `docs/reference.md`: every field of every file, from the same types as
/// `delib schema` (a test fails when the file drifts from this text).
pub fn reference_markdown() -> String {
    let mut out = String::from(
        "# Référence des champs\n\n\
<!-- Generated from src/input.rs, the types `delib schema` is made of: do not edit.\n\
     Regenerate with `UPDATE_EXPECT=1 cargo test --test delib reference`. -->\n\n\
Chaque fichier est du TOML. « Obligatoire » : le fichier est refusé sans ce champ ;\n\
tout autre champ peut être omis. Un champ inconnu est une erreur (`champ-inconnu`,\n\
avec « vouliez-vous dire »). Les types :\n\n\
- *texte* : entre guillemets, `\"Salle des fêtes\"` ; sur plusieurs lignes, entre `\"\"\"` ;\n\
- *date* : `2016-06-27`, sans guillemets ;\n\
- *nombre entier* : `49975`, sans espace ni guillemets ;\n\
- *true / false* : sans guillemets ;\n\
- *liste* : `[\"a\", \"b\"]` ; *table en ligne* : `{ champ = valeur }`.\n\n",
    );
    let files = [
        (
            Which::Projet,
            "`delib.toml`",
            "Les valeurs communes à tous les dossiers de la collectivité, trouvées en remontant \
             les répertoires depuis le dossier. Les champs `[collectivite]` et `[rendu]` d'un dossier \
             l'emportent, champ par champ.",
        ),
        (
            Which::Seance,
            "Fichier de séance (ex. `seances/2016-06-27.toml`)",
            "Une séance partagée par plusieurs dossiers, nommée dans chacun par \
             `seance = \"seances/2016-06-27.toml\"` (chemin relatif au répertoire du dossier). \
             Les mêmes champs s'écrivent aussi dans une table `[seance]` du dossier.",
        ),
        (
            Which::Dossier,
            "Dossier (un acte, ex. `convention-pep21.toml`)",
            "Un acte présenté à l'assemblée. `[collectivite]` et `[rendu]` y prennent les mêmes \
             champs que dans `delib.toml`.",
        ),
    ];
    for (which, title, intro) in files {
        let schema = schema_of(which);
        let root = schema.as_value();
        out.push_str(&format!("## {title}\n\n{intro}\n\n"));
        let skip: &[&str] = if which == Which::Dossier {
            &["collectivite", "rendu"]
        } else {
            &[]
        };
        table(&mut out, root, root, "", skip);
    }
    out
}

/// One table of fields, then a section for each sub-table.
fn table(out: &mut String, root: &Value, obj: &Value, path: &str, skip: &[&str]) {
    let Some(props) = obj.get("properties").and_then(Value::as_object) else {
        return;
    };
    let required: Vec<&str> = obj
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    // Sub-tables: (path, schema, written as [[path]]).
    let mut subs: Vec<(String, &Value, bool)> = Vec::new();
    let mut rows = String::new();
    for (name, prop) in props {
        if skip.contains(&name.as_str()) {
            continue;
        }
        let full = if path.is_empty() {
            name.clone()
        } else {
            format!("{path}.{name}")
        };
        let (kind, sub) = type_of(root, prop);
        if let Some((schema, list)) = sub {
            subs.push((full.clone(), schema, list));
        }
        let description = prop
            .get("description")
            .or_else(|| resolve(root, prop).get("description"))
            .and_then(Value::as_str)
            .unwrap_or("")
            .replace('|', "\\|")
            .replace('\n', " ");
        let mark = if required.contains(&name.as_str()) {
            "**obligatoire**"
        } else {
            ""
        };
        rows.push_str(&format!("| `{name}` | {kind} | {mark} | {description} |\n"));
    }
    if !rows.is_empty() {
        out.push_str("| champ | type | | description |\n|---|---|---|---|\n");
        out.push_str(&rows);
        out.push('\n');
    }
    for (full, sub, list) in subs {
        let (open, close) = if list { ("[[", "]]") } else { ("[", "]") };
        let description = sub.get("description").and_then(Value::as_str).unwrap_or("");
        out.push_str(&format!("### `{open}{full}{close}`\n\n{description}\n\n"));
        table(out, root, sub, &full, &[]);
    }
}

/// A schema behind its `$ref`.
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

/// The French name of a field's type, and the table it opens (if any), as a
/// list of tables or not.
fn type_of<'a>(root: &'a Value, prop: &'a Value) -> (String, Option<(&'a Value, bool)>) {
    let s = resolve(root, prop);
    if let Some(alts) = s
        .get("anyOf")
        .or_else(|| s.get("oneOf"))
        .and_then(Value::as_array)
    {
        let non_null: Vec<&Value> = alts
            .iter()
            .filter(|a| a.get("type").and_then(Value::as_str) != Some("null"))
            .collect();
        if let [one] = non_null[..] {
            return type_of(root, one);
        }
        let mut kinds = Vec::new();
        let mut sub = None;
        for a in non_null {
            let (k, t) = type_of(root, a);
            kinds.push(k);
            sub = sub.or(t);
        }
        return (kinds.join(" ou "), sub);
    }
    if let Some(values) = s.get("enum").and_then(Value::as_array) {
        let list: Vec<String> = values
            .iter()
            .filter_map(Value::as_str)
            .map(|v| format!("`\"{v}\"`"))
            .collect();
        return (format!("texte : {}", list.join(", ")), None);
    }
    if s.get("properties").is_some() {
        return ("table".into(), Some((s, false)));
    }
    if s.get("pattern").and_then(Value::as_str) == Some(r"^\d{4}-\d{2}-\d{2}$") {
        return ("date".into(), None);
    }
    let types: Vec<&str> = match s.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .filter(|t| *t != "null")
            .collect(),
        _ => Vec::new(),
    };
    match types.first().copied() {
        Some("string") => ("texte".into(), None),
        Some("integer") => ("nombre entier".into(), None),
        Some("number") => ("nombre".into(), None),
        Some("boolean") => ("true / false".into(), None),
        Some("array") => {
            let items = s.get("items").map_or(&Value::Null, |i| resolve(root, i));
            if items.get("properties").is_some() {
                ("liste de tables".into(), Some((items, true)))
            } else {
                let (k, _) = type_of(root, items);
                (format!("liste de {}", plural(&k)), None)
            }
        }
        _ => ("valeur".into(), None),
    }
}

fn plural(kind: &str) -> String {
    match kind {
        "texte" => "textes".into(),
        "date" => "dates".into(),
        "nombre entier" => "nombres entiers".into(),
        k => k.to_owned(),
    }
}
