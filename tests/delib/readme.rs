//! The README is enough for a first dossier: its walkthrough runs verbatim;
//! the `delib.toml` example of docs/input.md works as copied; the codes table
//! of docs/checks.md is complete.

use crate::common::{delib, project, root, stderr, temp_dir};
use std::process::Command;

fn readme() -> String {
    doc("README.md")
}

/// A documentation file of the repository, by its path from the root.
fn doc(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap()
}

/// Fenced code blocks of `text`: (language, body).
fn blocks(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in text.lines() {
        match (&mut current, line.strip_prefix("```")) {
            (None, Some(lang)) => current = Some((lang.trim().to_owned(), String::new())),
            (Some(_), Some("")) => out.extend(current.take()),
            (Some((_, body)), _) => {
                body.push_str(line);
                body.push('\n');
            }
            (None, None) => {}
        }
    }
    out
}

/// « A first dossier »: every `sh` block run in order, every `toml` block
/// written to the file named on its first line, from an empty folder; the
/// PDF must come out.
#[test]
fn the_first_dossier_walkthrough_runs_verbatim() {
    let text = readme();
    let start = text
        .find("<!-- premier-dossier")
        .expect("README has the walkthrough");
    let end = text[start..].find("<!-- /premier-dossier -->").unwrap() + start;
    let mut script = String::from("set -e\n");
    for (lang, body) in blocks(&text[start..end]) {
        match lang.as_str() {
            "sh" => script.push_str(&body),
            "toml" => {
                let file = body
                    .lines()
                    .next()
                    .and_then(|l| l.strip_prefix("# "))
                    .expect("a toml block starts with # <file name>");
                script.push_str(&format!("cat > '{file}' <<'DELIB_FIN'\n{body}DELIB_FIN\n"));
            }
            other => panic!("unexpected block {other}"),
        }
    }
    let dir = temp_dir("readme-premier");
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_delib"))
        .parent()
        .unwrap()
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let o = Command::new("sh")
        .arg("-c")
        .arg(&script)
        .current_dir(&dir)
        .env("PATH", path)
        .output()
        .unwrap();
    let err = stderr(&o);
    assert!(o.status.success(), "{script}\n{err}");
    assert!(
        err.contains("1 dossier vérifié : 0 erreur, 0 avertissement"),
        "{err}"
    );
    let out = dir.join("mon-conseil/output/subvention-club");
    let pdf = std::fs::read(out.join("deliberation.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let md = std::fs::read_to_string(out.join("deliberation.md")).unwrap();
    assert!(md.contains("Saint-Martin"), "{md}");
    assert!(
        md.contains("tribunal administratif d\u{2019}Orléans"),
        "{md}"
    );
    let listed = String::from_utf8_lossy(&o.stdout);
    assert!(listed.contains("deliberation.pdf"), "{listed}");
}

/// The `delib.toml` of docs/input.md, copied as is, works.
#[test]
fn the_input_page_delib_toml_works_as_copied() {
    let example = blocks(&doc("docs/input.md"))
        .into_iter()
        .find(|(lang, body)| lang == "toml" && body.contains("nom = \"Ville de Dijon\""))
        .expect("docs/input.md shows a delib.toml")
        .1;
    let dir = project(
        "readme-delib-toml",
        "[seance]\ndate = 2016-06-27\npresents = 3\npresident = \"A\"\nsecretaire = \"B\"\n\n[deliberation]\nobjet = \"Objet\"\narticles = [\"A\"]\n",
    );
    std::fs::write(dir.join("delib.toml"), example).unwrap();
    let o = delib(&dir, &["check", "./dossier.toml"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = delib(&dir, &["render", "./dossier.toml", "--format", "md"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// Every finding code the program can emit is documented: in the table of
/// docs/checks.md, or in the table of the page of its command (the codes of
/// `export` in docs/publication.md, of the séance in docs/seance.md).
#[test]
fn the_codes_table_lists_every_code() {
    let mut text = String::new();
    for e in std::fs::read_dir(root().join("docs")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "md") {
            text.push_str(&std::fs::read_to_string(p).unwrap());
        }
    }
    let mut codes = Vec::new();
    let mut stack = vec![root().join("src")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                codes.extend(codes_in(&std::fs::read_to_string(&p).unwrap()));
            }
        }
    }
    codes.sort();
    codes.dedup();
    assert!(codes.len() > 40, "{codes:?}");
    let missing: Vec<&String> = codes
        .iter()
        .filter(|c| !text.contains(&format!("`{c}`")))
        .collect();
    assert!(missing.is_empty(), "codes missing from docs/: {missing:?}");
}

/// The string literal right after `Diagnostic::error(` / `warning(` / `note(`, and the
/// `code: "…"` of the typography lints.
fn codes_in(src: &str) -> Vec<String> {
    let mut out = Vec::new();
    for opener in [
        "Diagnostic::error(",
        "Diagnostic::warning(",
        "Diagnostic::note(",
        "code: ",
    ] {
        for (i, _) in src.match_indices(opener) {
            let rest = src[i + opener.len()..].trim_start();
            if let Some(lit) = rest.strip_prefix('"')
                && let Some(end) = lit.find('"')
            {
                let code = &lit[..end];
                if !code.is_empty() && code.chars().all(|c| c.is_ascii_lowercase() || c == '-') {
                    out.push(code.to_owned());
                }
            }
        }
    }
    out
}

/// Every link of the README and of docs/ (the guide included) that is not
/// a web address leads to a file of the repository: none to a folder a
/// clone does not have (`../shared/…`), none broken.
#[test]
fn links_stay_in_the_repository_and_resolve() {
    let root = root().canonicalize().unwrap();
    let mut pages = vec![root.join("README.md")];
    let mut stack = vec![root.join("docs")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "md") {
                pages.push(p);
            }
        }
    }
    let mut bad = Vec::new();
    let mut checked = 0;
    for page in &pages {
        let text = std::fs::read_to_string(page).unwrap();
        // [text](target) outside code blocks and code spans.
        let mut in_block = false;
        for line in text.lines() {
            if line.trim_start().starts_with("```") {
                in_block = !in_block;
                continue;
            }
            if in_block {
                continue;
            }
            let plain: String = line.split('`').step_by(2).collect::<Vec<_>>().join("");
            for part in plain.split("](").skip(1) {
                let Some(target) = part.split(')').next() else {
                    continue;
                };
                let target = target.split('#').next().unwrap_or("");
                if target.is_empty() || target.contains("://") || target.starts_with("mailto:") {
                    continue;
                }
                checked += 1;
                let resolved = page.parent().unwrap().join(target);
                match resolved.canonicalize() {
                    Ok(p) if p.starts_with(&root) => {}
                    Ok(p) => bad.push(format!(
                        "{}: {target} leaves the repository ({})",
                        page.display(),
                        p.display()
                    )),
                    Err(_) => bad.push(format!("{}: {target} does not exist", page.display())),
                }
            }
        }
    }
    assert!(checked > 30, "{checked} links");
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
