//! The clerk's guide (docs/guide/) is run as written: its chapters, in
//! order, from an empty folder. Every fenced block follows a directive that
//! says what the test does with it, so no command or TOML goes untested:
//!
//! - `<!-- test: fichier NOM [windows-1252] [crlf] [bom] -->`: the block is
//!   written to NOM (relative to the current folder), encoded so;
//! - `<!-- test: ajout NOM -->`: the block is added at the end of NOM;
//! - `<!-- test: commande -->`: each line is a command, run in the current
//!   folder (`cd X` changes it), which must succeed; `commande échoue`: the
//!   last one must fail;
//! - `<!-- test: sortie -->`: what the commands before printed, line by line
//!   and in order (`…` stands for any text);
//! - `<!-- test: non : RAISON -->`: not run, for the reason given (a command
//!   of Windows' own, a preview that runs until Ctrl+C);
//! - and, with no block: `<!-- test: supprime NOM -->`.

use crate::common::{root, stderr, temp_dir};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The chapters of the guide, in the order of its table of contents.
fn chapters() -> Vec<PathBuf> {
    let guide = root().join("docs/guide");
    let index = std::fs::read_to_string(guide.join("README.md")).unwrap();
    let mut out = Vec::new();
    for part in index.split("](").skip(1) {
        let target = part.split(')').next().unwrap();
        if target.ends_with(".md")
            && !target.contains('/')
            && !out.iter().any(|p: &PathBuf| p.ends_with(target))
        {
            out.push(guide.join(target));
        }
    }
    assert!(out.len() >= 8, "{out:?}");
    out
}

struct Block {
    directive: String,
    body: String,
    line: usize,
}

/// The directives of a chapter, each with the fenced block that follows it
/// (none for `supprime`); a fenced block without a directive is an error.
fn blocks(text: &str, file: &Path) -> Vec<Block> {
    let mut out = Vec::new();
    let mut pending: Option<(String, usize)> = None;
    let mut lines = text.lines().enumerate();
    while let Some((i, line)) = lines.next() {
        let t = line.trim();
        if let Some(d) = t
            .strip_prefix("<!-- test:")
            .and_then(|d| d.strip_suffix("-->"))
        {
            let d = d.trim().to_owned();
            if d.starts_with("supprime") {
                out.push(Block {
                    directive: d,
                    body: String::new(),
                    line: i + 1,
                });
            } else {
                pending = Some((d, i + 1));
            }
            continue;
        }
        if t.starts_with("```") {
            let (directive, at) = pending.take().unwrap_or_else(|| {
                panic!(
                    "{}:{}: a block without a <!-- test: … --> directive",
                    file.display(),
                    i + 1
                )
            });
            let mut body = String::new();
            for (_, l) in lines.by_ref() {
                if l.trim_start().starts_with("```") {
                    break;
                }
                body.push_str(l);
                body.push('\n');
            }
            out.push(Block {
                directive,
                body,
                line: at,
            });
        }
    }
    out
}

/// Does `output` contain the lines of `expected` in order, `…` matching anything?
fn matches(output: &str, expected: &str) -> Result<(), String> {
    let mut rest = output;
    for want in expected
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty())
    {
        let parts: Vec<&str> = want.split('…').collect();
        let mut found = None;
        for (at, _) in rest.match_indices(parts[0]) {
            // Every part in order on the same line.
            let line_end = rest[at..].find('\n').map_or(rest.len(), |e| at + e);
            let mut pos = at + parts[0].len();
            let ok = parts[1..]
                .iter()
                .all(|p| match rest[pos..line_end].find(p) {
                    Some(i) => {
                        pos += i + p.len();
                        true
                    }
                    None => false,
                });
            if ok {
                found = Some(line_end);
                break;
            }
        }
        match found {
            Some(end) => rest = &rest[end..],
            None => return Err(format!("« {want} » not found in:\n{output}")),
        }
    }
    Ok(())
}

fn encode(body: &str, options: &[&str]) -> Vec<u8> {
    let mut text = body.to_owned();
    if options.contains(&"crlf") {
        text = text.replace('\n', "\r\n");
    }
    let mut bytes = if options.contains(&"windows-1252") {
        let (b, _, lossy) = encoding_rs::WINDOWS_1252.encode(&text);
        assert!(!lossy);
        b.into_owned()
    } else {
        text.into_bytes()
    };
    if options.contains(&"bom") {
        bytes.splice(0..0, [0xEF, 0xBB, 0xBF]);
    }
    bytes
}

#[test]
fn the_guide_runs_as_written() {
    let home = temp_dir("guide");
    let mut cwd = home.clone();
    let bin = Path::new(env!("CARGO_BIN_EXE_delib"))
        .parent()
        .unwrap()
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut output = String::new();
    let mut commands = 0;
    let mut files = 0;
    for chapter in chapters() {
        let text = std::fs::read_to_string(&chapter).unwrap();
        let name = chapter.file_name().unwrap().to_string_lossy().into_owned();
        for b in blocks(&text, &chapter) {
            let at = format!("{name}:{}", b.line);
            let words: Vec<&str> = b.directive.split_whitespace().collect();
            match words.as_slice() {
                ["fichier", file, options @ ..] => {
                    let p = cwd.join(file);
                    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                    std::fs::write(&p, encode(&b.body, options)).unwrap();
                    files += 1;
                }
                ["ajout", file] => {
                    let p = cwd.join(file);
                    let mut old =
                        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{at}: {file}: {e}"));
                    old.push_str(&b.body);
                    std::fs::write(&p, old).unwrap();
                    files += 1;
                }
                ["supprime", file] => {
                    std::fs::remove_file(cwd.join(file))
                        .unwrap_or_else(|e| panic!("{at}: {file}: {e}"));
                }
                ["commande", rest @ ..] => {
                    let fails = rest == ["échoue"];
                    output.clear();
                    let lines: Vec<&str> =
                        b.body.lines().filter(|l| !l.trim().is_empty()).collect();
                    for (i, line) in lines.iter().enumerate() {
                        commands += 1;
                        if let Some(dir) = line.strip_prefix("cd ") {
                            cwd = cwd.join(dir.trim().trim_matches('"'));
                            assert!(cwd.is_dir(), "{at}: {line}");
                            continue;
                        }
                        let o = Command::new("sh")
                            .arg("-c")
                            .arg(line)
                            .current_dir(&cwd)
                            .env("PATH", &path)
                            .output()
                            .unwrap();
                        output.push_str(&String::from_utf8_lossy(&o.stdout));
                        output.push_str(&stderr(&o));
                        let last = i + 1 == lines.len();
                        if fails && last {
                            assert!(
                                !o.status.success(),
                                "{at}: « {line} » should fail:\n{output}"
                            );
                        } else {
                            assert!(o.status.success(), "{at}: « {line} » failed:\n{output}");
                        }
                    }
                }
                ["sortie"] => {
                    if let Err(e) = matches(&output, &b.body) {
                        panic!("{at}: {e}");
                    }
                }
                ["non", ":", ..] => {}
                _ => panic!("{at}: unknown directive « {} »", b.directive),
            }
        }
    }
    assert!(
        commands > 20 && files > 10,
        "{commands} commands, {files} files"
    );
}

/// The matcher of `sortie` blocks must be able to fail.
#[test]
fn the_output_matcher_rejects_what_is_not_there() {
    let out = "écrit     a.toml\n2 dossiers vérifiés : 0 erreur, 1 avertissement\n";
    assert!(matches(out, "2 dossiers vérifiés : 0 erreur, 1 avertissement").is_ok());
    assert!(matches(out, "écrit … a.toml\n2 dossiers … 0 erreur").is_ok());
    assert!(matches(out, "2 dossiers vérifiés : 0 erreur, 0 avertissement").is_err());
    // In order only.
    assert!(matches(out, "2 dossiers\nécrit").is_err());
    // `…` within one line.
    assert!(matches(out, "écrit … avertissement").is_err());
}
