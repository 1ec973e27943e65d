//! `delib schema`: generated from the types, it accepts every key the
//! examples use and refuses unknown ones, as the parser does.

use crate::common::{delib, root};
use serde_json::Value;

fn schema(projet: bool) -> Value {
    let args: &[&str] = if projet {
        &["schema", "--projet"]
    } else {
        &["schema"]
    };
    let o = delib(&root(), args);
    assert!(o.status.success());
    serde_json::from_slice(&o.stdout).unwrap()
}

/// The object schemas a value may match (through $ref and anyOf).
fn objects<'a>(root: &'a Value, s: &'a Value) -> Vec<&'a Value> {
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        let name = r.trim_start_matches("#/$defs/");
        return objects(root, &root["$defs"][name]);
    }
    let mut out = Vec::new();
    for key in ["anyOf", "oneOf"] {
        if let Some(list) = s.get(key).and_then(Value::as_array) {
            for alt in list {
                out.extend(objects(root, alt));
            }
        }
    }
    if s.get("properties").is_some() {
        out.push(s);
    }
    if let Some(items) = s.get("items") {
        out.extend(objects(root, items));
    }
    out
}

/// Every key of `value` must be a property of one of the object schemas.
fn walk(root: &Value, schema: &Value, value: &toml::Value, path: &str) {
    match value {
        toml::Value::Table(t) => {
            let candidates = objects(root, schema);
            assert!(
                !candidates.is_empty(),
                "{path}: the schema has no object here"
            );
            for (k, v) in t {
                let found = candidates.iter().find_map(|o| o["properties"].get(k));
                let sub = found.unwrap_or_else(|| panic!("{path}.{k}: not in the schema"));
                walk(root, sub, v, &format!("{path}.{k}"));
            }
        }
        toml::Value::Array(a) => {
            for v in a {
                walk(root, schema, v, path);
            }
        }
        _ => {}
    }
}

#[test]
fn schema_knows_every_key_of_the_examples() {
    let dossier = schema(false);
    let projet = schema(true);
    let mut seen = 0;
    for (file, s) in [
        ("inputs/dijon/convention-pep21.toml", &dossier),
        ("inputs/alsace/soutien-parentalite.toml", &dossier),
        ("inputs/ivry-sur-seine/cmpp-college-moliere.toml", &dossier),
        ("inputs/dijon/stationnement-tarifs.toml", &dossier),
        ("inputs/dijon/subventions-sport.toml", &dossier),
        ("inputs/dijon/delib.toml", &projet),
        ("inputs/alsace/delib.toml", &projet),
    ] {
        let value: toml::Value =
            toml::from_str(&std::fs::read_to_string(root().join(file)).unwrap()).unwrap();
        walk(s, s, &value, file);
        seen += 1;
    }
    assert_eq!(seen, 7);
    // A shared séance file is a [seance] table of its own.
    let seance_file = "inputs/dijon/seances/2016-06-27.toml";
    let value: toml::Value =
        toml::from_str(&std::fs::read_to_string(root().join(seance_file)).unwrap()).unwrap();
    walk(
        &dossier,
        &serde_json::json!({ "$ref": "#/$defs/Seance" }),
        &value,
        seance_file,
    );
}

#[test]
fn schema_has_the_seance_fields() {
    let s = schema(false);
    let seance = &s["$defs"]["Seance"]["properties"];
    for field in ["liste_publiee", "proces_verbal_arrete"] {
        let d = seance[field]["description"].as_str().unwrap_or_default();
        assert!(d.contains("L. 2121-"), "{field}: {d}");
    }
    let d = s["$defs"]["Deliberation"]["properties"]["discussions"]["description"]
        .as_str()
        .unwrap_or_default();
    assert!(d.contains("teneur des discussions"), "{d}");
}

#[test]
fn schema_refuses_unknown_fields_and_requires_the_contract() {
    let s = schema(false);
    assert_eq!(s["additionalProperties"], Value::Bool(false));
    for (name, def) in s["$defs"].as_object().unwrap() {
        if def.get("properties").is_some() {
            assert_eq!(
                def["additionalProperties"],
                Value::Bool(false),
                "{name} must deny unknown fields"
            );
        }
    }
    assert_eq!(s["required"], serde_json::json!(["deliberation"]));
    assert_eq!(
        s["$defs"]["Deliberation"]["required"],
        serde_json::json!(["objet"])
    );
    assert_eq!(
        s["$defs"]["Seance"]["required"],
        serde_json::json!(["date"])
    );
    // Descriptions are in French, for the clerk's editor.
    assert_eq!(
        s["$defs"]["Deliberation"]["properties"]["objet"]["description"],
        "objet de la délibération (obligatoire)"
    );
}

/// `docs/reference.md` is generated from the types `delib schema` is made
/// of: it fails when they drift apart (regenerate with UPDATE_EXPECT=1).
#[test]
fn reference_is_generated_from_the_schema_types() {
    let path = root().join("docs/reference.md");
    let want = delib::cmd::schema::reference_markdown();
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &want).unwrap();
        return;
    }
    let got = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        got == want,
        "docs/reference.md drifted from src/input.rs: UPDATE_EXPECT=1 cargo test --test delib reference, then review"
    );
    // Every field of every file is there, the séance file's included.
    for (which, args) in [
        ("dossier", &["schema"][..]),
        ("projet", &["schema", "--projet"]),
        ("seance", &["schema", "--seance"]),
    ] {
        let o = delib(&root(), args);
        assert!(o.status.success(), "{which}");
        let schema: Value = serde_json::from_slice(&o.stdout).unwrap();
        let mut names = Vec::new();
        collect_properties(&schema, &mut names);
        assert!(names.len() > 5, "{which}");
        for n in names {
            assert!(
                got.contains(&format!("| `{n}` |")),
                "{which}: field {n} missing"
            );
        }
    }
}

fn collect_properties(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::Object(props)) = m.get("properties") {
                out.extend(props.keys().cloned());
            }
            m.values().for_each(|x| collect_properties(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| collect_properties(x, out)),
        _ => {}
    }
}
