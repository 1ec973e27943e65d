//! The house keeps its floors (docs/architecture.md, « The floors »): every
//! file of src/ is on one floor of that table, imports only from its floor or
//! below, and no files import each other in a circle. Imports are read as
//! `/work/shared/tools/import-graph` reads them: `crate::` and `super::`
//! paths and `use crate::{…}` lists, outside comments and unit tests.

use crate::common::root;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The files of src/, by their name in the table of floors (`engine/folder`,
/// `cmd/mod`, `lib`), each with its module path and its text.
fn files() -> BTreeMap<String, (String, String)> {
    fn walk(dir: &Path, src: &Path, out: &mut BTreeMap<String, (String, String)>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, src, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let rel = p.strip_prefix(src).unwrap().with_extension("");
                let parts: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                let name = parts.join("/");
                let mut module = parts;
                if matches!(
                    module.last().map(String::as_str),
                    Some("mod" | "lib" | "main")
                ) {
                    module.pop();
                }
                let text = std::fs::read_to_string(&p).unwrap();
                out.insert(name, (module.join("::"), text));
            }
        }
    }
    let src = root().join("src");
    let mut out = BTreeMap::new();
    walk(&src, &src, &mut out);
    out
}

/// The text without `//` comments and without its unit tests.
fn code(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        out.push_str(line.split("//").next().unwrap_or(""));
        out.push('\n');
    }
    let mut at = 0;
    while let Some(i) = out[at..].find("#[cfg(test)]") {
        let i = at + i;
        if out[i + 12..].trim_start().starts_with("mod tests") {
            out.truncate(i);
            break;
        }
        at = i + 12;
    }
    out
}

/// The paths that follow `prefix` (`crate::`, `super::`): `a::b::c`.
fn paths_after<'a>(code: &'a str, prefix: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(i) = code[at..].find(prefix) {
        let start = at + i;
        at = start + prefix.len();
        if code[..start]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
        {
            continue;
        }
        let rest = &code[at..];
        let len = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(rest.len());
        let p = rest[..len].trim_end_matches(':');
        if !p.is_empty() {
            out.push(p);
        }
    }
    out
}

/// Which file imports which, by their names in the table.
fn imports(files: &BTreeMap<String, (String, String)>) -> BTreeMap<String, BTreeSet<String>> {
    let by_module: BTreeMap<&str, &str> = files
        .iter()
        .filter(|(_, (m, _))| !m.is_empty())
        .map(|(name, (m, _))| (m.as_str(), name.as_str()))
        .collect();
    // The file a module path leads to: its longest prefix that is a file.
    let target = |path: &str| -> Option<String> {
        let parts: Vec<&str> = path.split("::").collect();
        (1..=parts.len()).rev().find_map(|n| {
            by_module
                .get(parts[..n].join("::").as_str())
                .map(|f| f.to_string())
        })
    };
    let mut edges = BTreeMap::new();
    for (name, (module, text)) in files {
        let code = code(text);
        let mut found: Vec<String> = paths_after(&code, "crate::")
            .into_iter()
            .map(str::to_owned)
            .collect();
        // `super::` from the module of a file: its parent module.
        let me: Vec<&str> = module.split("::").filter(|s| !s.is_empty()).collect();
        let base = &me[..me.len().saturating_sub(1)];
        for p in paths_after(&code, "super::") {
            let mut full = base.to_vec();
            full.extend(p.split("::"));
            found.push(full.join("::"));
        }
        let mut at = 0;
        while let Some(i) = code[at..].find("use crate::{") {
            let start = at + i + "use crate::{".len();
            let end = code[start..].find('}').map_or(code.len(), |e| start + e);
            found.extend(
                code[start..end]
                    .split([',', '{', ' ', '\n'])
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned),
            );
            at = end;
        }
        let entry: &mut BTreeSet<String> = edges.entry(name.clone()).or_default();
        for p in found {
            if let Some(t) = target(&p).filter(|t| t != name) {
                entry.insert(t);
            }
        }
    }
    edges
}

/// The floors of docs/architecture.md, bottom first, with the files of
/// each as written there (`render/*` for a folder).
fn floors() -> Vec<(String, Vec<String>)> {
    let doc = std::fs::read_to_string(root().join("docs/architecture.md")).unwrap();
    let section = doc
        .split("## The floors")
        .nth(1)
        .expect("docs/architecture.md has a section « The floors »");
    let mut out = Vec::new();
    for line in section.lines().skip_while(|l| !l.starts_with('|')) {
        if !line.starts_with('|') {
            break;
        }
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if cells.len() < 3 || cells[1] == "floor" || cells[1].starts_with("---") {
            continue;
        }
        let names = cells[2]
            .split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_owned)
            .collect();
        out.push((cells[1].to_owned(), names));
    }
    out.reverse();
    out
}

/// The floor of a file (its index, bottom first), if the table has it.
fn floor_of(floors: &[(String, Vec<String>)], name: &str) -> Option<usize> {
    floors.iter().position(|(_, names)| {
        names.iter().any(|p| match p.strip_suffix("/*") {
            Some(dir) => name.starts_with(&format!("{dir}/")),
            None => name == p,
        })
    })
}

/// What breaks the rule: a file on no floor, an import up, a circle.
fn faults(files: &BTreeMap<String, (String, String)>) -> Vec<String> {
    let floors = floors();
    assert!(floors.len() >= 5, "the table of floors is read: {floors:?}");
    let edges = imports(files);
    let mut out = Vec::new();
    for name in files.keys() {
        if floor_of(&floors, name).is_none() {
            out.push(format!(
                "src/{name}.rs is on no floor of docs/architecture.md"
            ));
        }
    }
    for (a, targets) in &edges {
        for b in targets {
            if let (Some(fa), Some(fb)) = (floor_of(&floors, a), floor_of(&floors, b))
                && fb > fa
            {
                out.push(format!(
                    "src/{a}.rs ({}) imports src/{b}.rs ({}), a floor above",
                    floors[fa].0, floors[fb].0
                ));
            }
        }
    }
    for start in edges.keys() {
        let mut seen = BTreeSet::new();
        let mut todo: Vec<&String> = edges[start].iter().collect();
        while let Some(v) = todo.pop() {
            if v == start {
                out.push(format!("src/{start}.rs imports itself through a circle"));
                break;
            }
            if seen.insert(v) {
                todo.extend(edges.get(v).into_iter().flatten());
            }
        }
    }
    out
}

#[test]
fn every_file_is_on_a_floor_and_imports_only_downwards_without_circles() {
    let faults = faults(&files());
    assert!(faults.is_empty(), "{}", faults.join("\n"));
}

#[test]
fn the_floor_check_sees_an_upward_import_a_circle_and_a_file_on_no_floor() {
    let plant = |name: &str, code: &str| {
        let mut files = files();
        // At the top: what follows a file's unit tests is not read.
        files.get_mut(name).unwrap().1.insert_str(0, code);
        files
    };
    let up = faults(&plant(
        "disk",
        "\nfn f() { crate::engine::folder::render(); }\n",
    ));
    // The one import up, and the circles it closes (the engine uses the disk).
    let above: Vec<&String> = up.iter().filter(|f| f.ends_with("a floor above")).collect();
    assert_eq!(
        above,
        ["src/disk.rs (ground) imports src/engine/folder.rs (engine), a floor above"]
    );
    assert!(
        up.iter()
            .any(|f| f == "src/disk.rs imports itself through a circle")
    );
    let mut circle = plant("disk", "\nuse crate::{hash::Hash};\n");
    circle
        .get_mut("hash")
        .unwrap()
        .1
        .insert_str(0, "fn g() { super::disk::real(); }\n");
    let circle = faults(&circle);
    assert!(
        circle
            .iter()
            .any(|f| f.contains("src/disk.rs imports itself")),
        "{circle:?}"
    );
    let mut stray = files();
    stray.insert("nouveau".into(), ("nouveau".into(), String::new()));
    assert_eq!(
        faults(&stray),
        ["src/nouveau.rs is on no floor of docs/architecture.md"]
    );
}

/// Front ends are thin (issue 24): a file under src/cmd/ over 500 lines,
/// or cmd/render.rs over 250, holds work that belongs to the engine or the
/// floors below it.
fn too_long(files: &BTreeMap<String, (String, String)>) -> Vec<String> {
    files
        .iter()
        .filter_map(|(name, (_, text))| {
            let limit = match name.as_str() {
                "cmd/render" => 250,
                n if n.starts_with("cmd/") => 500,
                _ => return None,
            };
            let n = text.lines().count();
            (n > limit).then(|| format!("src/{name}.rs has {n} lines, more than {limit}"))
        })
        .collect()
}

#[test]
fn no_front_end_file_is_over_its_length() {
    let long = too_long(&files());
    assert!(long.is_empty(), "{}", long.join("\n"));
}

#[test]
fn the_length_check_sees_a_long_front_end() {
    let mut files = files();
    let pad = |text: &mut String, limit: usize| {
        let n = text.lines().count();
        text.push_str(&"//\n".repeat((limit + 1).saturating_sub(n)));
    };
    pad(&mut files.get_mut("cmd/check").unwrap().1, 500);
    pad(&mut files.get_mut("cmd/render").unwrap().1, 250);
    // Outside src/cmd/, a long file is not a front end's.
    pad(&mut files.get_mut("disk").unwrap().1, 500);
    assert_eq!(
        too_long(&files)
            .into_iter()
            .filter(|f| f.starts_with("src/cmd/check.rs") || f.starts_with("src/cmd/render.rs"))
            .collect::<Vec<_>>(),
        [
            "src/cmd/check.rs has 501 lines, more than 500",
            "src/cmd/render.rs has 251 lines, more than 250",
        ]
    );
    assert!(!too_long(&files).iter().any(|f| f.contains("disk")));
}
