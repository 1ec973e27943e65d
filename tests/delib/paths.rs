//! Where outputs go and what is read: the output tree mirrors the input
//! tree, discovery classifies every `.toml`, the manifest is never trusted,
//! symlinks, FIFOs and loops are harmless, temporary files and empty
//! folders are cleaned up, and two runs on one output folder take turns.

use crate::common::{all_files, delib, files, project, root, stderr, temp_dir};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const DOSSIER: &str =
    "[seance]\ndate = 2016-06-27\n\n[deliberation]\nobjet = \"Objet\"\narticles = [\"A\"]\n";

fn write(path: &Path, text: impl AsRef<[u8]>) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A project folder `in/` with delib.toml and the given dossiers.
fn tree(name: &str, dossiers: &[&str]) -> std::path::PathBuf {
    let dir = temp_dir(name);
    write(
        &dir.join("in/delib.toml"),
        "[collectivite]\nnom = \"Commune de Test\"\ntype = \"commune\"\nville = \"Test\"\n",
    );
    for (i, d) in dossiers.iter().enumerate() {
        let text = DOSSIER.replace(
            "[deliberation]\n",
            &format!("[deliberation]\nnumero = \"{i}\"\n"),
        );
        write(&dir.join("in").join(d), text);
    }
    dir
}

/// Runs a command with a time limit (a hang is a failure, not a stuck test).
fn run_with_limit(dir: &Path, args: &[&str], limit: Duration) -> (i32, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_delib"))
        .current_dir(dir)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            use std::io::Read as _;
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            return (status.code().unwrap_or(-1), err);
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("delib {args:?} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn the_output_tree_mirrors_the_input_tree() {
    let dir = tree(
        "mirror",
        &[
            "d1/convention-pep21.toml",
            "d2/convention-pep21.toml",
            "budget.toml",
        ],
    );
    let o = delib(&dir, &["render", "in", "-o", "out", "--format", "md"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let names: Vec<String> = files(&dir.join("out"))
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(
        names,
        [
            "budget/deliberation.md",
            "d1/convention-pep21/deliberation.md",
            "d2/convention-pep21/deliberation.md"
        ]
    );
    // A dossier given by path keeps DIR/<stem>/.
    let o = delib(
        &dir,
        &[
            "render",
            "in/d1/convention-pep21.toml",
            "-o",
            "seul",
            "--format",
            "md",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(dir.join("seul/convention-pep21/deliberation.md").is_file());
    // A dossier moved to another folder: its old outputs go, its new ones come.
    std::fs::create_dir_all(dir.join("in/d3")).unwrap();
    std::fs::rename(dir.join("in/budget.toml"), dir.join("in/d3/budget.toml")).unwrap();
    let o = delib(&dir, &["render", "in", "-o", "out", "--format", "md"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("supprimé   out/budget/deliberation.md"),
        "{}",
        stderr(&o)
    );
    assert!(!dir.join("out/budget").exists());
    assert!(dir.join("out/d3/budget/deliberation.md").is_file());
}

#[test]
fn every_toml_is_classified_and_a_misspelled_table_is_reported_at_its_line() {
    let dir = tree("classify", &["ok.toml"]);
    for (name, header) in [
        ("faute.toml", "[deliberaton]"),
        ("accents.toml", "[délibération]"),
    ] {
        write(
            &dir.join("in").join(name),
            format!("# acte\n{header}\nobjet = \"Objet\"\narticles = [\"A\"]\n"),
        );
    }
    write(
        &dir.join("in/espaces.toml"),
        DOSSIER
            .replace("[deliberation]", "[ deliberation ]")
            .replace("articles", "numero = \"9\"\narticles"),
    );
    write(&dir.join("in/notes.toml"), "titre = \"brouillon\"\n");
    let o = delib(&dir, &["render", "in", "-o", "out", "--format", "md"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("--> in/faute.toml:2:1"), "{err}");
    assert!(err.contains("--> in/accents.toml:2:1"), "{err}");
    assert_eq!(
        err.matches("vouliez-vous dire « deliberation »").count(),
        2,
        "{err}"
    );
    assert!(err.contains("in/notes.toml n'est ni un dossier"), "{err}");
    assert!(!err.contains("rien à refaire"), "{err}");
    // `[ deliberation ]` is valid TOML: a dossier, rendered.
    assert!(dir.join("out/espaces/deliberation.md").is_file(), "{err}");
    assert!(dir.join("out/ok/deliberation.md").is_file());
    // check says the same.
    let o = delib(&dir, &["check", "in"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("in/faute.toml:2:1"), "{}", stderr(&o));
}

#[test]
fn a_seance_file_delib_toml_or_a_binary_given_as_a_dossier_says_what_it_is() {
    let dir = root().join("inputs");
    let o = delib(&dir, &["check", "dijon/seances/2016-06-27.toml"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o)
            .contains("dijon/seances/2016-06-27.toml est un fichier de séance, pas un dossier"),
        "{}",
        stderr(&o)
    );
    let o = delib(&dir, &["check", "dijon/delib.toml"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("est le fichier de projet delib.toml"),
        "{}",
        stderr(&o)
    );

    let tmp = temp_dir("binary");
    write(
        &tmp.join("acte.pdf"),
        b"%PDF-1.7\n\x1b]0;titre\x07\x00\x01\x02\xff",
    );
    write(
        &tmp.join("acte.docx"),
        b"PK\x03\x04\x14\x00\x06\x00\x1b[2J\x00\x00",
    );
    for name in ["acte.pdf", "acte.docx"] {
        for cmd in ["check", "render"] {
            let o = delib(&tmp, &[cmd, name]);
            assert_eq!(o.status.code(), Some(1), "{cmd} {name}");
            let err = stderr(&o);
            assert!(
                err.contains("n'est pas un dossier : c'est un fichier binaire"),
                "{err}"
            );
            assert!(
                !o.stderr.iter().any(|b| matches!(b, 0 | 0x1b | 0x07)),
                "raw bytes printed: {err}"
            );
        }
    }
}

#[test]
fn a_bare_file_name_works_in_its_folder() {
    let dir = temp_dir("bare");
    for f in ["delib.toml", "partenaires.csv", "soutien-parentalite.toml"] {
        std::fs::copy(root().join("inputs/alsace").join(f), dir.join(f)).unwrap();
    }
    let o = delib(&dir, &["check", "soutien-parentalite.toml"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // A séance file named by a bare name.
    let d = root().join("inputs/dijon");
    let tmp = temp_dir("bare-seance");
    std::fs::copy(d.join("delib.toml"), tmp.join("delib.toml")).unwrap();
    std::fs::copy(d.join("seances/2016-06-27.toml"), tmp.join("seance.toml")).unwrap();
    let text = std::fs::read_to_string(d.join("convention-pep21.toml"))
        .unwrap()
        .replace(
            "seance = \"seances/2016-06-27.toml\"",
            "seance = \"seance.toml\"",
        );
    assert!(text.contains("seance = \"seance.toml\""));
    std::fs::write(tmp.join("acte.toml"), text).unwrap();
    let o = delib(
        &tmp,
        &["render", "acte.toml", "-o", "out", "--format", "md"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(tmp.join("out/acte/deliberation.md").is_file());
}

#[test]
fn a_manifest_cannot_delete_files_outside_or_not_written_by_delib() {
    let dir = project("manifest-attack", DOSSIER);
    let victim = temp_dir("manifest-victim");
    write(&victim.join("secret.txt"), "secret");
    let relative = format!("../../{}", victim.file_name().unwrap().to_string_lossy());
    for dir_field in [victim.display().to_string(), relative] {
        let manifest = serde_json::json!({
            "dossiers": {"/nonexistent.toml": {"dir": dir_field, "files": {"secret.txt": ""}}}
        });
        write(&dir.join("out/.delib-manifest.json"), manifest.to_string());
        let o = delib(
            &dir,
            &["render", "dossier.toml", "-o", "out", "--format", "md"],
        );
        let err = stderr(&o);
        assert!(o.status.success(), "{err}");
        assert!(err.contains("est ignoré"), "a warning: {err}");
        assert!(!err.contains("supprimé   /"), "{err}");
        assert!(
            victim.join("secret.txt").is_file(),
            "the victim is still there"
        );
    }
    // A valid manifest naming a file delib did not write (other bytes): kept.
    let o = delib(
        &dir,
        &["render", "dossier.toml", "-o", "out", "--format", "md"],
    );
    assert!(o.status.success());
    write(&dir.join("out/dossier/notes.md"), "mes notes");
    let text = std::fs::read_to_string(dir.join("out/.delib-manifest.json")).unwrap();
    let text = text.replace(
        "\"deliberation.md\"",
        "\"notes.md\": {\"inputs\": \"0\", \"bytes\": \"0000000000000000\"}, \"deliberation.md\"",
    );
    std::fs::write(dir.join("out/.delib-manifest.json"), text).unwrap();
    let o = delib(
        &dir,
        &[
            "render",
            "dossier.toml",
            "-o",
            "out",
            "--format",
            "md",
            "--force",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(dir.join("out/dossier/notes.md").is_file(), "{}", stderr(&o));
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_project_are_refused() {
    use std::os::unix::fs::symlink;
    // A séance file, a partners CSV and a template override that are links to /etc/passwd.
    let dir = project(
        "symlinks",
        "seance = \"seance.toml\"\n\n[deliberation]\nobjet = \"Objet\"\narticles = [\"A\"]\n",
    );
    symlink("/etc/passwd", dir.join("seance.toml")).unwrap();
    let o = delib(&dir, &["check", "dossier.toml"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("chemin-hors-projet"), "{err}");
    assert!(!err.contains("root:"), "{err}");

    let dir = project(
        "symlink-csv",
        &format!("{DOSSIER}\n[convention]\ntitre = \"C\"\npartenaires = \"p.csv\"\n"),
    );
    symlink("/etc/passwd", dir.join("p.csv")).unwrap();
    let o = delib(&dir, &["check", "dossier.toml"]);
    assert!(stderr(&o).contains("chemin-hors-projet"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("root:"), "{}", stderr(&o));

    let dir = project("symlink-template", DOSSIER);
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    symlink("/etc/passwd", dir.join("templates/deliberation.md.tera")).unwrap();
    let o = delib(&dir, &["render", "dossier.toml", "-o", "out"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(!stderr(&o).contains("root:"), "{}", stderr(&o));
    assert!(
        !dir.join("out").exists()
            || all_files(&dir.join("out"))
                .iter()
                .all(|(_, b)| !String::from_utf8_lossy(b).contains("root:"))
    );
    // A templates folder that is a link out of the project.
    let dir = project("symlink-templates-dir", DOSSIER);
    symlink("/etc", dir.join("templates")).unwrap();
    let o = delib(
        &dir,
        &["render", "dossier.toml", "-o", "out", "--format", "md"],
    );
    assert!(
        o.status.success(),
        "out-of-project templates are not used: {}",
        stderr(&o)
    );
}

#[test]
fn a_sortie_written_in_a_dossier_stays_in_the_project() {
    for sortie in ["../../evasion", "/tmp/delib-evasion-absolue"] {
        let dir = project(
            "sortie-dossier",
            &format!("{DOSSIER}\n[rendu]\nsortie = \"{sortie}\"\nformats = [\"md\"]\n"),
        );
        let o = delib(&dir, &["render", "dossier.toml"]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{sortie}: {err}");
        assert!(err.contains("erreur[chemin-hors-projet]"), "{err}");
        assert!(err.contains("dossier.toml:"), "{err}");
        assert!(!dir.join(sortie).join("dossier").exists(), "{sortie}");
    }
    // Inside the project: fine.
    let dir = project(
        "sortie-dossier-ok",
        &format!("{DOSSIER}\n[rendu]\nsortie = \"actes\"\nformats = [\"md\"]\n"),
    );
    let o = delib(&dir, &["render", "dossier.toml"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(dir.join("actes/dossier/deliberation.md").is_file());
}

#[cfg(unix)]
#[test]
fn symlink_loops_fifos_and_huge_files_do_not_hang() {
    let dir = tree("loops", &["a.toml"]);
    std::os::unix::fs::symlink(".", dir.join("in/boucle")).unwrap();
    std::os::unix::fs::symlink(".", dir.join("in/boucle2")).unwrap();
    let (code, err) = run_with_limit(&dir, &["check", "in"], Duration::from_secs(20));
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("numero-double"), "{err}");
    assert!(err.contains("1 dossier vérifié"), "{err}");

    let fifo = dir.join("in/tube.toml");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let (code, err) = run_with_limit(&dir, &["check", "in"], Duration::from_secs(20));
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("tube.toml n'est pas un fichier ordinaire"),
        "{err}"
    );

    // A FIFO logo, then a huge sparse logo: refused at once.
    let dossier = "[collectivite]\nlogo = \"logo.png\"\n\n".to_owned() + DOSSIER;
    let p = project("fifo-logo", &dossier);
    assert!(
        Command::new("mkfifo")
            .arg(p.join("logo.png"))
            .status()
            .unwrap()
            .success()
    );
    let (code, err) = run_with_limit(
        &p,
        &["render", "dossier.toml", "-o", "out"],
        Duration::from_secs(20),
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("logo-illisible"), "{err}");
    std::fs::remove_file(p.join("logo.png")).unwrap();
    let f = std::fs::File::create(p.join("logo.png")).unwrap();
    f.set_len(2 << 30).unwrap();
    let start = Instant::now();
    let (code, err) = run_with_limit(
        &p,
        &["render", "dossier.toml", "-o", "out"],
        Duration::from_secs(20),
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("trop gros"), "{err}");
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn output_names_are_never_dot_dot_or_empty() {
    let dir = temp_dir("dotdot");
    write(
        &dir.join("p/delib.toml"),
        "[collectivite]\nnom = \"Commune de Test\"\n",
    );
    write(&dir.join("p/...toml"), DOSSIER);
    let o = delib(&dir, &["render", "p/...toml", "-o", "p/out/sub"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("nom-de-sortie"), "{}", stderr(&o));
    let written: Vec<String> = files(&dir).into_iter().map(|(n, _)| n).collect();
    assert_eq!(written, ["p/delib.toml"], "nothing written anywhere");
}

#[test]
fn temporary_files_of_a_killed_run_are_removed_even_when_nothing_changed() {
    let dir = tree("leftovers", &["a.toml"]);
    let args = ["render", "in", "-o", "out", "--format", "md"];
    assert!(delib(&dir, &args).status.success());
    // What a run killed while writing leaves: temporary files (of a
    // process that no longer exists) and its "writing" mark.
    write(&dir.join("out/a/.deliberation.md.4294967.tmp"), "moitié");
    write(&dir.join("out/.delib-manifest.json.4294967.tmp"), "moitié");
    write(&dir.join("out/.delib-en-cours"), "");
    let o = delib(&dir, &args);
    assert!(stderr(&o).contains("rien à refaire"), "{}", stderr(&o));
    let left: Vec<String> = all_files(&dir.join("out"))
        .into_iter()
        .map(|(n, _)| n)
        .filter(|n| n.ends_with(".tmp") || n.ends_with("en-cours"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[cfg(unix)]
#[test]
fn a_failed_run_leaves_no_empty_folder() {
    // A full disk, as the file size limit makes it: every folder gets
    // created, no file fits.
    let dir = tree("failed-run", &["x/y/a.toml", "b.toml", "c/d.toml"]);
    let o = Command::new("sh")
        .current_dir(&dir)
        .args([
            "-c",
            "trap '' XFSZ; ulimit -f 2; exec \"$0\" \"$@\"",
            env!("CARGO_BIN_EXE_delib"),
            "render",
            "in",
            "-o",
            "out",
            "--format",
            "pdf",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    if dir.join("out").exists() {
        for e in walk_dirs(&dir.join("out")) {
            assert!(
                std::fs::read_dir(&e).unwrap().next().is_some(),
                "empty folder {}",
                e.display()
            );
        }
    }
}

fn walk_dirs(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.file_type().unwrap().is_dir() {
            out.push(e.path());
            out.extend(walk_dirs(&e.path()));
        }
    }
    out
}

#[test]
fn a_second_run_on_the_same_output_folder_waits_for_the_first() {
    let dir = tree("lock", &["a.toml"]);
    std::fs::create_dir_all(dir.join("out")).unwrap();
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join("out/.delib-verrou"))
        .unwrap();
    lock.lock().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_delib"))
        .current_dir(&dir)
        .args(["render", "in", "-o", "out", "--format", "md"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(800));
    assert!(child.try_wait().unwrap().is_none(), "it waits");
    assert!(!dir.join("out/a").exists(), "and writes nothing meanwhile");
    lock.unlock().unwrap();
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("un autre delib render écrit dans out"),
        "{err}"
    );
    assert!(dir.join("out/a/deliberation.md").is_file());

    // Concurrent runs: each one succeeds and the manifest is there.
    let dir = crate::batch::copy_inputs("concurrent");
    for _ in 0..3 {
        let children: Vec<_> = (0..2)
            .map(|_| {
                Command::new(env!("CARGO_BIN_EXE_delib"))
                    .current_dir(&dir)
                    .args([
                        "render", "inputs", "-q", "-o", "out", "--format", "md,html", "--force",
                    ])
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for c in children {
            let o = c.wait_with_output().unwrap();
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        }
        assert!(dir.join("out/.delib-manifest.json").is_file());
    }
}

/// A dossier 3 000 folders deep was skipped without a word (issue 22): past
/// 64 levels a folder is left out with a warning naming it; a dossier a
/// few levels down is found as before.
#[test]
fn a_folder_too_deep_is_told_not_skipped_silently() {
    let dir = crate::common::temp_dir("deep");
    std::fs::copy(
        root().join("inputs/dijon/delib.toml"),
        dir.join("delib.toml"),
    )
    .unwrap();
    let dossier = std::fs::read(root().join("inputs/dijon/convention-pep21.toml")).unwrap();
    let mut deep = dir.clone();
    for _ in 0..70 {
        deep.push("d");
    }
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(deep.join("profond.toml"), &dossier).unwrap();
    std::fs::create_dir_all(dir.join("a/b/c")).unwrap();
    std::fs::write(dir.join("a/b/c/proche.toml"), &dossier).unwrap();
    let o = delib(&dir, &["check", "."]);
    let err = stderr(&o);
    assert!(
        err.contains("est à plus de 64 niveaux de répertoires : il est ignoré"),
        "{err}"
    );
    assert!(err.contains("1 dossier vérifié"), "{err}");
    assert!(!err.contains("profond.toml"), "{err}");
}

/// A hard link is the file itself: read like any file of the project, as
/// docs/outputs.md says (issue 22 asked that it be said or refused).
#[cfg(unix)]
#[test]
fn a_hard_link_is_read_as_the_file_it_is() {
    let dir = crate::common::temp_dir("hard-link");
    let outside = crate::common::temp_dir("hard-link-outside");
    let project = dir.join("p");
    std::fs::create_dir_all(project.join("seances")).unwrap();
    for f in ["delib.toml", "convention-pep21.toml"] {
        std::fs::copy(root().join("inputs/dijon").join(f), project.join(f)).unwrap();
    }
    let seance = outside.join("2016-06-27.toml");
    std::fs::copy(root().join("inputs/dijon/seances/2016-06-27.toml"), &seance).unwrap();
    std::fs::hard_link(&seance, project.join("seances/2016-06-27.toml")).unwrap();
    let o = delib(&project, &["check", "convention-pep21.toml"]);
    assert!(!stderr(&o).contains("chemin-hors-projet"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("introuvable"), "{}", stderr(&o));
    let doc = std::fs::read_to_string(root().join("docs/outputs.md")).unwrap();
    assert!(doc.contains("a_hard_link_is_read_as_the_file_it_is"));
}
