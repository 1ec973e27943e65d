//! Batch regeneration: partners from a CSV, parallel and incremental runs,
//! removal of what disappeared, --only, and files never half-written.

use crate::common::{delib, files, root, stderr, temp_dir};
use std::path::{Path, PathBuf};

/// A copy of inputs/ in a fresh folder (the tests edit it).
pub fn copy_inputs(name: &str) -> PathBuf {
    let dir = temp_dir(name);
    copy_dir(&root().join("inputs"), &dir.join("inputs"));
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let target = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &target);
        } else {
            std::fs::copy(&p, &target).unwrap();
        }
    }
}

fn render(dir: &Path, extra: &[&str]) -> (i32, String) {
    let mut args = vec!["render", "inputs", "-o", "out"];
    args.extend_from_slice(extra);
    let o = delib(dir, &args);
    (o.status.code().unwrap_or(-1), stderr(&o))
}

fn summary(err: &str) -> &str {
    err.lines().last().unwrap_or("")
}

#[test]
fn one_convention_per_partner_row() {
    let dir = copy_inputs("partners");
    let (code, err) = render(&dir, &["--format", "md"]);
    assert_eq!(code, 0, "{err}");
    let names: Vec<String> = files(&dir.join("out/alsace/soutien-parentalite"))
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    let conventions: Vec<&String> = names
        .iter()
        .filter(|n| n.starts_with("convention-"))
        .collect();
    assert_eq!(conventions.len(), 26, "{names:?}");
    let md = std::fs::read_to_string(
        dir.join("out/alsace/soutien-parentalite/convention-mediatheque-olympe-de-gouges.md"),
    )
    .unwrap();
    assert!(md.contains("**La Médiathèque Olympe de Gouges**, médiathèque du réseau"));
    assert!(md.contains("représentée par Mme\u{a0}Claire HOFFMANN, Directrice"));
    assert!(md.contains("**Pour la Médiathèque Olympe de Gouges**"));
}

#[test]
fn bad_partner_rows_are_located_and_the_others_render() {
    let dir = copy_inputs("bad-rows");
    let csv = dir.join("inputs/alsace/partenaires.csv");
    let mut text = std::fs::read_to_string(&csv).unwrap();
    text.push_str(";sans nom;1 rue X;M. Y;Président;le Partenaire\n");
    text.push_str("La Médiathèque Olympe de Gouges;doublon;;;;\n");
    std::fs::write(&csv, text).unwrap();
    let (code, err) = render(&dir, &["--format", "md"]);
    assert_eq!(code, 1, "a bad row fails the run: {err}");
    assert!(err.contains("erreur[partenaires-nom]"), "{err}");
    assert!(
        err.contains(" --> inputs/alsace/partenaires.csv:28:1"),
        "{err}"
    );
    assert!(err.contains("erreur[partenaires-doublon]"), "{err}");
    assert!(
        err.contains(" --> inputs/alsace/partenaires.csv:29:1"),
        "{err}"
    );
    let conventions = files(&dir.join("out/alsace/soutien-parentalite"))
        .into_iter()
        .filter(|(n, _)| n.starts_with("convention-"))
        .count();
    assert_eq!(conventions, 26, "the good rows still render");
    // An unknown column is reported at its header cell.
    std::fs::write(&csv, "nom;qualitee\nA;x\n").unwrap();
    let (_, err) = render(&dir, &["--format", "md"]);
    assert!(
        err.contains("colonne inconnue « qualitee »") && err.contains("partenaires.csv:1:5"),
        "{err}"
    );
    assert!(err.contains("vouliez-vous dire « qualite »"), "{err}");
}

#[test]
fn incremental_runs_rewrite_only_what_changed() {
    let dir = copy_inputs("incremental");
    let (code, err) = render(&dir, &["--format", "md,html"]);
    assert_eq!(code, 0, "{err}");
    assert!(summary(&err).contains(" 0 inchangé"), "{err}");

    // Nothing changed: nothing written, and it says so.
    let before = files(&dir.join("out"));
    let (_, err) = render(&dir, &["--format", "md,html"]);
    assert!(
        summary(&err).contains(": 0 document écrit") && summary(&err).ends_with("rien à refaire"),
        "{err}"
    );
    assert_eq!(files(&dir.join("out")), before);

    // One template changed: exactly the documents that use it are rebuilt
    // (one annex per dossier that has one, in two formats).
    std::fs::create_dir_all(dir.join("inputs/dijon/templates")).unwrap();
    let annexe = delib::templates::BUILTIN
        .iter()
        .find(|(n, _)| *n == "annexe.md.tera")
        .unwrap()
        .1;
    std::fs::write(
        dir.join("inputs/dijon/templates/annexe.md.tera"),
        format!("{annexe}\nModèle local.\n"),
    )
    .unwrap();
    let (_, err) = render(&dir, &["--format", "md,html"]);
    assert!(summary(&err).contains(": 2 documents écrits"), "{err}");
    let md = std::fs::read_to_string(dir.join("out/dijon/convention-pep21/annexe-1.md")).unwrap();
    assert!(md.ends_with("Modèle local.\n"));

    // One CSV row changed: one convention rebuilt.
    let csv = dir.join("inputs/alsace/partenaires.csv");
    let text = std::fs::read_to_string(&csv)
        .unwrap()
        .replace("Mme Claire HOFFMANN", "Mme Claire HOFFMANN-WEISS");
    std::fs::write(&csv, text).unwrap();
    let (_, err) = render(&dir, &["--format", "md,html"]);
    assert!(summary(&err).contains(": 2 documents écrits"), "{err}");

    // --force rebuilds everything.
    let (_, err) = render(&dir, &["--format", "md,html", "--force"]);
    assert!(summary(&err).contains(" 0 inchangé"), "{err}");
}

#[test]
fn outputs_of_what_disappeared_are_removed_and_listed() {
    let dir = copy_inputs("removed");
    assert_eq!(render(&dir, &["--format", "md"]).0, 0);
    // A row removed from the CSV.
    let csv = dir.join("inputs/alsace/partenaires.csv");
    let text: String = std::fs::read_to_string(&csv)
        .unwrap()
        .lines()
        .filter(|l| !l.contains("Ludothèque La Marelle"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&csv, text).unwrap();
    // A dossier removed.
    std::fs::remove_file(dir.join("inputs/ivry-sur-seine/cmpp-college-moliere.toml")).unwrap();
    let (code, err) = render(&dir, &["--format", "md"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains(
            "supprimé   out/alsace/soutien-parentalite/convention-association-ludotheque-la-marelle.md"
        ),
        "{err}"
    );
    assert!(
        err.contains("supprimé   out/ivry-sur-seine/cmpp-college-moliere/deliberation.md"),
        "{err}"
    );
    assert!(summary(&err).contains(" 3 supprimés"), "{err}");
    assert!(!dir.join("out/ivry-sur-seine/cmpp-college-moliere").exists());
    assert!(
        !dir.join("out/alsace/soutien-parentalite/convention-association-ludotheque-la-marelle.md")
            .exists()
    );
}

#[test]
fn only_selects_documents() {
    let dir = copy_inputs("only");
    let (code, err) = render(&dir, &["--format", "md", "--only", "deliberation,annexe"]);
    assert_eq!(code, 0, "{err}");
    let names: Vec<String> = files(&dir.join("out"))
        .into_iter()
        .map(|(n, _)| n)
        .filter(|n| !n.starts_with('.'))
        .collect();
    assert!(
        names
            .iter()
            .all(|n| n.contains("/deliberation.") || n.contains("/annexe-")),
        "{names:?}"
    );
    assert!(names.iter().any(|n| n.contains("annexe-1")));
    let (code, err) = render(&dir, &["--only", "budget"]);
    assert_eq!(code, 2);
    assert!(err.contains("document inconnu « budget »"), "{err}");
}

#[test]
fn one_failing_dossier_does_not_stop_the_others() {
    let dir = copy_inputs("one-fails");
    let path = dir.join("inputs/ivry-sur-seine/cmpp-college-moliere.toml");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replacen("objet =", "objett =", 1);
    std::fs::write(&path, text).unwrap();
    let (code, err) = render(&dir, &["--format", "md"]);
    assert_eq!(code, 1);
    assert!(summary(&err).contains("1 en erreur"), "{err}");
    assert!(
        dir.join("out/dijon/convention-pep21/deliberation.md")
            .is_file()
    );
    assert!(!dir.join("out/ivry-sur-seine/cmpp-college-moliere").exists());
}

#[test]
fn same_bytes_whatever_the_number_of_threads() {
    let dir = copy_inputs("threads");
    for (out, jobs) in [("one", "1"), ("many", "4")] {
        let o = delib(
            &dir,
            &[
                "render",
                "inputs",
                "-q",
                "-o",
                out,
                "-j",
                jobs,
                "--format",
                "md,html,pdf",
            ],
        );
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let (a, b) = (files(&dir.join("one")), files(&dir.join("many")));
    assert!(a.len() > 90);
    // The séance's documents too, the recueil gathering every act included.
    assert!(
        a.iter()
            .any(|(n, _)| n == "dijon/seances/2016-06-27/recueil.pdf")
    );
    assert_eq!(a.len(), b.len());
    for ((na, ba), (nb, bb)) in a.iter().zip(&b) {
        assert_eq!(na, nb);
        assert!(ba == bb, "{na} differs between 1 and 4 threads");
    }
}

#[test]
fn a_batch_killed_mid_run_leaves_only_complete_files() {
    let dir = temp_dir("killed");
    // 40 copies of the Dijon dossier, each a few PDFs: long enough to kill mid-run.
    copy_dir(&root().join("inputs/dijon"), &dir.join("inputs"));
    let text = std::fs::read_to_string(dir.join("inputs/convention-pep21.toml")).unwrap();
    for i in 0..40 {
        let t = text.replace(
            "numero = \"2016-06-27/12\"",
            &format!("numero = \"2016-06-27/{}\"", 100 + i),
        );
        std::fs::write(dir.join(format!("inputs/dossier-{i:02}.toml")), t).unwrap();
    }
    std::fs::remove_file(dir.join("inputs/convention-pep21.toml")).unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_delib"))
        .current_dir(&dir)
        .args(["render", "inputs", "-q", "-o", "out", "--format", "pdf"])
        .spawn()
        .unwrap();
    // Wait until some PDFs exist, then kill.
    let started = std::time::Instant::now();
    while crate::common::count_files(&dir.join("out"), "pdf") < 8
        && started.elapsed().as_secs() < 60
    {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let pdfs: Vec<(String, Vec<u8>)> = files(&dir.join("out"))
        .into_iter()
        .filter(|(n, _)| n.ends_with(".pdf"))
        .collect();
    assert!(!pdfs.is_empty());
    for (name, bytes) in &pdfs {
        lopdf::Document::load_mem(bytes)
            .unwrap_or_else(|e| panic!("{name} is not a complete PDF: {e}"));
    }
    // The next run finishes the job and cleans any temporary file.
    let o = delib(
        &dir,
        &["render", "inputs", "-q", "-o", "out", "--format", "pdf"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let all = crate::common::all_files(&dir.join("out"));
    assert!(
        all.iter().all(|(n, _)| !n.ends_with(".tmp")),
        "temporary files left"
    );
    // 40 copies × 4 PDFs, the rapport and délibération of the four other
    // dossiers of the Dijon séance, and the séance's four documents and recueil.
    assert_eq!(
        all.iter().filter(|(n, _)| n.ends_with(".pdf")).count(),
        40 * 4 + 4 * 2 + 5
    );
}

#[test]
fn check_reports_bad_partner_rows_too() {
    let dir = copy_inputs("check-rows");
    let csv = dir.join("inputs/alsace/partenaires.csv");
    let mut text = std::fs::read_to_string(&csv).unwrap();
    text.push_str(";sans nom;;;;\n");
    std::fs::write(&csv, text).unwrap();
    let o = delib(&dir, &["check", "inputs"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("erreur[partenaires-nom]"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn per_partner_annexes_follow_their_partner() {
    let dir = copy_inputs("annexes-partenaires");
    let dossier = dir.join("inputs/alsace/soutien-parentalite.toml");
    let text = std::fs::read_to_string(&dossier).unwrap().replacen(
        "[[annexes]]\n",
        "[[annexes]]\npar_partenaire = true\n",
        1,
    );
    std::fs::write(&dossier, text).unwrap();
    // The annex template sees `partenaire`, as the convention's does.
    let templates = dir.join("inputs/alsace/templates");
    std::fs::create_dir_all(&templates).unwrap();
    let annexe = delib::templates::BUILTIN
        .iter()
        .find(|(n, _)| *n == "annexe.md.tera")
        .unwrap()
        .1;
    std::fs::write(
        templates.join("annexe.md.tera"),
        format!(
            "{annexe}\n{{% if partenaire %}}Pour {{{{ partenaire.nom }}}}, {{{{ partenaire.representant }}}}.{{% endif %}}\n"
        ),
    )
    .unwrap();
    let (code, err) = render(&dir, &["--format", "md"]);
    assert_eq!(code, 0, "{err}");
    let out = dir.join("out/alsace/soutien-parentalite");
    let names: Vec<String> = files(&out).into_iter().map(|(n, _)| n).collect();
    let annexes: Vec<&String> = names.iter().filter(|n| n.contains("-annexe-1.")).collect();
    assert_eq!(annexes.len(), 26, "{names:?}");
    assert!(!names.contains(&"annexe-1.md".to_owned()), "{names:?}");
    let md =
        std::fs::read_to_string(out.join("convention-mediatheque-olympe-de-gouges-annexe-1.md"))
            .unwrap();
    assert!(
        md.contains("Pour La Médiathèque Olympe de Gouges, Mme")
            && md.ends_with("Claire HOFFMANN.\n"),
        "{md}"
    );

    // One CSV row changed: that partner's convention and annex only.
    let csv = dir.join("inputs/alsace/partenaires.csv");
    let text = std::fs::read_to_string(&csv)
        .unwrap()
        .replace("Mme Claire HOFFMANN", "Mme Claire HOFFMANN-WEISS");
    std::fs::write(&csv, text).unwrap();
    let before = files(&out);
    let (_, err) = render(&dir, &["--format", "md"]);
    assert!(summary(&err).contains(": 2 documents écrits"), "{err}");
    let changed: Vec<String> = files(&out)
        .into_iter()
        .zip(&before)
        .filter(|(a, b)| a != *b)
        .map(|(a, _)| a.0)
        .collect();
    assert_eq!(changed.len(), 2, "{changed:?}");
    assert!(
        changed
            .iter()
            .all(|n| n.starts_with("convention-mediatheque-olympe-de-gouges")),
        "{changed:?}"
    );

    // A partner removed: its convention and its annex go.
    let text: String = std::fs::read_to_string(&csv)
        .unwrap()
        .lines()
        .filter(|l| !l.contains("Ludothèque La Marelle"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&csv, text).unwrap();
    let (_, err) = render(&dir, &["--format", "md"]);
    assert!(
        err.contains("convention-association-ludotheque-la-marelle-annexe-1.md"),
        "{err}"
    );
    assert!(summary(&err).contains(" 2 supprimés"), "{err}");
    // --only annexe selects the per-partner annexes (25) and Dijon's annex.
    let (_, err) = render(&dir, &["--format", "md", "--only", "annexe", "--force"]);
    assert!(summary(&err).contains(": 26 documents écrits"), "{err}");
}

/// What a run printed before its summary line (and the files it removed).
fn report(err: &str) -> String {
    err.lines()
        .filter(|l| !l.starts_with("supprimé "))
        .collect::<Vec<_>>()
        .split_last()
        .map(|(_, r)| r.join("\n"))
        .unwrap_or_default()
}

/// A re-run with nothing changed takes the fast path (nothing parsed):
/// it writes nothing, prints the same findings as the run before it, and
/// says « rien à refaire ». Editing any one input — dossier, séance file,
/// delib.toml, partners CSV, template, logo — still rebuilds what depends
/// on it and shows its warnings; a new dossier or a deleted output too.
#[test]
fn a_rerun_replays_and_any_edit_rebuilds() {
    let dir = copy_inputs("relance");
    let inputs = dir.join("inputs");
    // A logo for Dijon, to edit later.
    std::fs::create_dir_all(inputs.join("dijon/images")).unwrap();
    std::fs::write(
        inputs.join("dijon/images/logo.png"),
        crate::render::grey_png(0x80),
    )
    .unwrap();
    let projet = inputs.join("dijon/delib.toml");
    let text = std::fs::read_to_string(&projet).unwrap().replace(
        "population = 155114\n",
        "population = 155114\nlogo = \"images/logo.png\"\n",
    );
    std::fs::write(&projet, text).unwrap();
    let args = ["--format", "md,html"];
    let (code, first) = render(&dir, &args);
    assert_eq!(code, 0, "{first}");
    assert!(dir.join("out/.delib-relance.json").is_file());

    // Runs again with nothing changed: same report, nothing written.
    // The record of the run before: an ordinary run removes it and writes
    // a new one; the fast path leaves it as it is (same inode).
    let record = dir.join("out/.delib-relance.json");
    let inode = || {
        use std::os::unix::fs::MetadataExt as _;
        std::fs::metadata(&record)
            .map(|m| (m.ino(), m.modified().ok()))
            .ok()
    };
    let replayed = |before: &str| {
        let outputs = files(&dir.join("out"));
        let recorded = inode();
        assert!(recorded.is_some(), "no record after:\n{before}");
        let (code, err) = render(&dir, &args);
        assert_eq!(code, 0, "{err}");
        assert!(summary(&err).ends_with("rien à refaire"), "{err}");
        assert_eq!(report(&err), report(before));
        assert_eq!(files(&dir.join("out")), outputs);
        assert_eq!(inode(), recorded, "not the fast path");
    };
    replayed(&first);
    assert!(report(&first).contains("avertissement["), "{first}");

    let edit = |rel: &str, from: &str, to: &str| {
        let p = inputs.join(rel);
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains(from), "{rel}: {from}");
        std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
    };
    let read = |rel: &str| std::fs::read_to_string(dir.join("out").join(rel)).unwrap();
    let rebuilt = |what: &str| {
        let (code, err) = render(&dir, &args);
        assert_eq!(code, 0, "{what}: {err}");
        assert!(
            !summary(&err).contains(": 0 document écrit"),
            "{what}: {err}"
        );
        replayed(&err);
        err
    };

    // The dossier, with a new warning: shown, then replayed.
    edit(
        "dijon/convention-pep21.toml",
        "**APPROUVE**",
        "**APPROUVE** le 1 septembre 2016",
    );
    let err = rebuilt("dossier");
    assert!(err.contains("avertissement[typo-1er]"), "{err}");
    assert!(read("dijon/convention-pep21/deliberation.md").contains("1\u{a0}septembre 2016"));
    // The séance file.
    edit(
        "dijon/seances/2016-06-27.toml",
        "lieu = \"",
        "lieu = \"Grande ",
    );
    rebuilt("séance");
    assert!(read("dijon/convention-pep21/deliberation.md").contains("Grande "));
    // delib.toml.
    edit("ivry-sur-seine/delib.toml", "nom = \"", "nom = \"Nouvelle ");
    let err = rebuilt("delib.toml");
    // Dijon was not re-checked: its warning comes from the manifest.
    assert!(err.contains("avertissement[typo-1er]"), "{err}");
    assert!(read("ivry-sur-seine/cmpp-college-moliere/deliberation.md").contains("Nouvelle "));
    // The partners CSV.
    edit(
        "alsace/partenaires.csv",
        "Mme Claire HOFFMANN",
        "Mme Claire HOFFMANN-WEISS",
    );
    rebuilt("CSV");
    // A template, new in a templates folder.
    std::fs::create_dir_all(inputs.join("dijon/templates")).unwrap();
    let annexe = delib::templates::BUILTIN
        .iter()
        .find(|(n, _)| *n == "annexe.md.tera")
        .unwrap()
        .1;
    std::fs::write(
        inputs.join("dijon/templates/annexe.md.tera"),
        format!("{annexe}\nModèle local.\n"),
    )
    .unwrap();
    rebuilt("nouveau modèle");
    assert!(read("dijon/convention-pep21/annexe-1.md").ends_with("Modèle local.\n"));
    // The same template edited.
    edit(
        "dijon/templates/annexe.md.tera",
        "Modèle local.",
        "Modèle local modifié.",
    );
    rebuilt("modèle");
    assert!(read("dijon/convention-pep21/annexe-1.md").ends_with("Modèle local modifié.\n"));
    // The logo.
    let before = read("dijon/convention-pep21/deliberation.html");
    std::fs::write(
        inputs.join("dijon/images/logo.png"),
        crate::render::grey_png(0x20),
    )
    .unwrap();
    rebuilt("logo");
    assert_ne!(read("dijon/convention-pep21/deliberation.html"), before);
    // A new dossier.
    let text = std::fs::read_to_string(inputs.join("ivry-sur-seine/cmpp-college-moliere.toml"))
        .unwrap()
        .replace("numero = \"2009-11-12/27\"", "numero = \"2009-11-12/28\"");
    std::fs::write(inputs.join("ivry-sur-seine/copie.toml"), text).unwrap();
    rebuilt("nouveau dossier");
    assert!(
        dir.join("out/ivry-sur-seine/copie/deliberation.md")
            .is_file()
    );
    // An output deleted by hand.
    std::fs::remove_file(dir.join("out/ivry-sur-seine/copie/deliberation.md")).unwrap();
    rebuilt("sortie supprimée");
    assert!(
        dir.join("out/ivry-sur-seine/copie/deliberation.md")
            .is_file()
    );
    // Other options: an ordinary run, which records again.
    let (code, err) = render(&dir, &["--format", "md"]);
    assert_eq!(code, 0, "{err}");
    let recorded = inode();
    let (_, again) = render(&dir, &["--format", "md"]);
    assert!(summary(&again).ends_with("rien à refaire"), "{again}");
    assert_eq!(inode(), recorded);
}
