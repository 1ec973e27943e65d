//! Nothing lost, nothing written or deleted outside (issue 22): a moved
//! project keeps its outputs, two projects sharing an output folder never
//! take each other's, the site's manifest is not trusted, special files
//! are never replaced, and no write or deletion goes through a symlinked
//! folder of the output.

use crate::common::{delib, files, root, stderr, temp_dir};
use std::path::Path;

/// A copy of `inputs/<name>` at `to`.
fn copy_project(name: &str, to: &Path) {
    copy_tree(&root().join("inputs").join(name), to);
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// A second act of the Ivry séance in `project`, named `name`.
fn second_dossier(project: &Path, name: &str) {
    let text = std::fs::read_to_string(project.join("cmpp-college-moliere.toml")).unwrap();
    std::fs::write(
        project.join(name),
        text.replace("2009-11-12/27", "2009-11-12/28"),
    )
    .unwrap();
}

fn ok(o: &std::process::Output) -> String {
    let err = stderr(o);
    assert!(o.status.success(), "{err}");
    err
}

fn last_line(err: &str) -> &str {
    err.lines().last().unwrap_or("")
}

/// Every regular file under `dir`, by relative path, hidden ones included,
/// with its size and a checksum: what must not change when delib writes
/// somewhere else.
fn snapshot(dir: &Path) -> Vec<(String, usize, u64)> {
    crate::common::all_files(dir)
        .into_iter()
        .map(|(n, b)| {
            let sum = b.iter().fold(0u64, |h, &x| {
                (h ^ u64::from(x)).wrapping_mul(0x0100_0000_01b3)
            });
            (n, b.len(), sum)
        })
        .collect()
}

#[test]
fn a_moved_project_keeps_its_outputs() {
    let t = temp_dir("moved-project");
    copy_project("ivry-sur-seine", &t.join("p"));
    ok(&delib(&t, &["render", "p", "-o", "out", "-q"]));
    let before = files(&t.join("out"));
    assert_eq!(before.len(), 6);
    std::fs::rename(t.join("p"), t.join("p2")).unwrap();
    let err = ok(&delib(&t, &["render", "p2", "-o", "out"]));
    assert!(!err.contains("supprimé   "), "{err}");
    assert!(last_line(&err).contains("0 supprimé"), "{err}");
    assert!(last_line(&err).contains("rien à refaire"), "{err}");
    assert!(files(&t.join("out")) == before, "outputs changed");

    // The project and its output folder moved together (a renamed folder,
    // another mount point, another CI workspace): nothing to do either.
    copy_project("ivry-sur-seine", &t.join("q"));
    ok(&delib(&t.join("q"), &["render", "."]));
    let before = files(&t.join("q/output"));
    let record =
        |dir: &str| std::fs::metadata(t.join(dir).join("output/.delib-relance.json")).unwrap();
    let first = record("q");
    std::fs::rename(t.join("q"), t.join("q2")).unwrap();
    let err = ok(&delib(&t.join("q2"), &["render", "."]));
    assert!(last_line(&err).contains("rien à refaire"), "{err}");
    assert!(files(&t.join("q2/output")) == before, "outputs changed");
    // Replayed from the re-run record, without parsing: the record was not
    // written again (an ordinary run removes it and writes a new one).
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        assert_eq!(record("q2").ino(), first.ino(), "not replayed");
    }
    let _ = first;
}

/// Two copies of a project whose dossier differs, rendered in turn into
/// one folder: each run leaves that project's documents, never the other's.
#[test]
fn two_projects_in_one_folder_never_take_each_others_outputs() {
    let t = temp_dir("two-projects");
    copy_project("ivry-sur-seine", &t.join("a"));
    copy_project("ivry-sur-seine", &t.join("b"));
    let dossier = t.join("b/cmpp-college-moliere.toml");
    let text = std::fs::read_to_string(&dossier).unwrap();
    std::fs::write(
        &dossier,
        text.replace("avec le collège Molière\"", "avec le collège Rousseau\""),
    )
    .unwrap();
    // A second dossier only project A has: rendering B must not remove it.
    second_dossier(&t.join("a"), "autre.toml");
    let md = |t: &Path| {
        std::fs::read_to_string(t.join("out/cmpp-college-moliere/deliberation.md")).unwrap()
    };
    ok(&delib(&t, &["render", "a", "-o", "out", "-q"]));
    let a = files(&t.join("out"));
    assert!(md(&t).contains("Molière") && !md(&t).contains("Rousseau"));
    ok(&delib(&t, &["render", "b", "-o", "out", "-q"]));
    assert!(md(&t).contains("Rousseau"));
    assert!(
        t.join("out/autre/deliberation.md").is_file(),
        "B's run removed A's other dossier"
    );
    let err = ok(&delib(&t, &["render", "a", "-o", "out"]));
    assert!(!last_line(&err).contains("rien à refaire"), "{err}");
    assert!(files(&t.join("out")) == a, "A's documents, not B's");
    let err = ok(&delib(&t, &["render", "a", "-o", "out"]));
    assert!(last_line(&err).contains("rien à refaire"), "{err}");
}

/// A dossier deleted, or moved to another folder of the project, still
/// takes its outputs with it (the manifest keyed by output folder).
#[test]
fn a_deleted_or_renamed_dossier_takes_its_outputs_with_it() {
    let t = temp_dir("deleted-dossier");
    copy_project("ivry-sur-seine", &t.join("p"));
    second_dossier(&t.join("p"), "autre.toml");
    ok(&delib(&t, &["render", "p", "-o", "out", "-q"]));
    std::fs::rename(t.join("p/autre.toml"), t.join("p/nouveau.toml")).unwrap();
    let err = ok(&delib(&t, &["render", "p", "-o", "out"]));
    assert!(
        err.contains("supprimé   out/autre/deliberation.md"),
        "{err}"
    );
    assert!(!t.join("out/autre").exists());
    assert!(t.join("out/nouveau/deliberation.md").is_file());
    // Moved to another folder of the project: its outputs move with it.
    std::fs::create_dir(t.join("p/2024")).unwrap();
    std::fs::rename(t.join("p/nouveau.toml"), t.join("p/2024/nouveau.toml")).unwrap();
    let err = ok(&delib(&t, &["render", "p", "-o", "out"]));
    assert!(
        err.contains("supprimé   out/nouveau/deliberation.md"),
        "{err}"
    );
    assert!(!t.join("out/nouveau").exists());
    assert!(t.join("out/2024/nouveau/deliberation.md").is_file());
}

#[test]
fn a_forged_site_manifest_deletes_nothing_outside_the_site() {
    let t = crate::export::copy_inputs("forged-site");
    ok(&delib(&t, &["publish", "inputs", "-o", "site", "-q"]));
    let victim = t.join("victim");
    std::fs::create_dir_all(victim.join("actes")).unwrap();
    std::fs::write(victim.join("secret.txt"), "secret").unwrap();
    std::fs::write(victim.join("actes/deliberation.pdf"), "secret").unwrap();
    let manifest = t.join("site/.delib-site.json");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let abs = victim.join("secret.txt").display().to_string();
    match json.get_mut("seances") {
        Some(serde_json::Value::Array(list)) => {
            list.push(abs.clone().into());
            list.push("../victim/secret.txt".into());
        }
        Some(serde_json::Value::Object(map)) => {
            map.insert(abs.clone(), "0".into());
            map.insert("../victim/secret.txt".into(), "0".into());
        }
        _ => panic!("no seances in {text}"),
    }
    let acts = json["acts"].as_object_mut().unwrap();
    let any = acts.values().next().unwrap().clone();
    acts.insert("../victim/actes/".into(), any.clone());
    acts.insert(format!("{}/actes/", victim.display()), any);
    std::fs::write(&manifest, serde_json::to_string(&json).unwrap()).unwrap();
    let before = snapshot(&victim);
    let o = delib(&t, &["publish", "inputs", "-o", "site"]);
    let err = stderr(&o);
    assert_eq!(snapshot(&victim), before, "{err}");
    assert!(victim.join("secret.txt").is_file());
    assert!(err.contains("est ignoré"), "{err}");
}

#[cfg(unix)]
#[test]
fn no_deletion_through_a_symlinked_act_folder_of_the_site() {
    let t = crate::export::copy_inputs("symlinked-site");
    ok(&delib(&t, &["publish", "inputs", "-o", "site", "-q"]));
    // The act's folder swapped for a link to a folder outside holding the
    // very same files: they hash to what delib wrote, yet are not its own.
    let act = t.join("site/actes/ivry-sur-seine/cmpp-college-moliere");
    let victim = t.join("victim");
    copy_tree(&act, &victim);
    std::fs::remove_dir_all(&act).unwrap();
    std::os::unix::fs::symlink(&victim, &act).unwrap();
    let before = snapshot(&victim);
    // The act leaves the site (back to a draft): its files would be removed.
    let ivry = t.join("inputs/ivry-sur-seine/cmpp-college-moliere.toml");
    let text = std::fs::read_to_string(&ivry).unwrap();
    std::fs::write(
        &ivry,
        text.replace("[deliberation.vote]\nunanimite = true\n", ""),
    )
    .unwrap();
    let o = delib(&t, &["publish", "inputs", "-o", "site"]);
    assert_eq!(snapshot(&victim), before, "{}", stderr(&o));
}

#[cfg(unix)]
#[test]
fn no_write_or_deletion_through_a_symlinked_dossier_folder() {
    let t = temp_dir("symlinked-output");
    copy_project("ivry-sur-seine", &t.join("p"));
    ok(&delib(&t, &["render", "p", "-o", "out", "-q"]));
    let victim = t.join("victim");
    std::fs::create_dir_all(&victim).unwrap();
    std::fs::write(victim.join("notes.txt"), "à garder").unwrap();
    let folder = t.join("out/cmpp-college-moliere");
    // Its documents, copied outside: same bytes as delib wrote.
    copy_tree(&folder, &victim);
    std::fs::remove_dir_all(&folder).unwrap();
    std::os::unix::fs::symlink(&victim, &folder).unwrap();
    let before = snapshot(&victim);
    // An edit: every document is to be written again.
    let dossier = t.join("p/cmpp-college-moliere.toml");
    let text = std::fs::read_to_string(&dossier).unwrap();
    std::fs::write(&dossier, text.replace("Molière\"", "Molière (bis)\"")).unwrap();
    let o = delib(&t, &["render", "p", "-o", "out"]);
    let err = stderr(&o);
    assert_eq!(snapshot(&victim), before, "written through the link: {err}");
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("lien symbolique"), "{err}");
    assert!(
        std::fs::symlink_metadata(&folder)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    // The dossier deleted: its outputs would be removed, through the link.
    std::fs::remove_file(&dossier).unwrap();
    std::fs::copy(
        root().join("inputs/dijon/convention-pep21.toml"),
        t.join("p/x.toml"),
    )
    .unwrap();
    let o = delib(&t, &["render", "p", "-o", "out", "--format", "md"]);
    assert_eq!(
        snapshot(&victim),
        before,
        "deleted through the link: {}",
        stderr(&o)
    );
}

/// A special file where an output goes is never replaced: not a device,
/// a FIFO or a symlink (`export scdl -o /dev/null` once replaced the
/// device node with a regular file).
#[cfg(unix)]
#[test]
fn special_files_are_never_replaced() {
    let t = crate::export::copy_inputs("special-files");
    let fifo = t.join("tube.csv");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let victim = t.join("victim.csv");
    std::fs::write(&victim, "à garder").unwrap();
    let link = t.join("lien.csv");
    std::os::unix::fs::symlink(&victim, &link).unwrap();
    for target in [&fifo, &link] {
        let o = delib(
            &t,
            &["export", "scdl", "inputs", "-o", target.to_str().unwrap()],
        );
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains("n'est pas un fichier ordinaire"), "{err}");
    }
    let kind = |p: &Path| std::fs::symlink_metadata(p).unwrap().file_type();
    use std::os::unix::fs::FileTypeExt as _;
    assert!(kind(&fifo).is_fifo());
    assert!(kind(&link).is_symlink());
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "à garder");

    // `-o -`: the CSV on standard output, no file named « - ».
    let o = delib(&t, &["export", "scdl", "inputs", "-o", "-", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("COLL_NOM,"));
    assert!(!t.join("-").exists());

    // In an output folder: a FIFO or a link where a document goes.
    let out = t.join("out");
    ok(&delib(
        &t,
        &["render", "inputs/ivry-sur-seine", "-o", "out", "-q"],
    ));
    let md = out.join("cmpp-college-moliere/deliberation.md");
    std::fs::remove_file(&md).unwrap();
    std::os::unix::fs::symlink(&victim, &md).unwrap();
    let o = delib(
        &t,
        &["render", "inputs/ivry-sur-seine", "-o", "out", "--force"],
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("n'est pas un fichier ordinaire"), "{err}");
    assert!(kind(&md).is_symlink());
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "à garder");
}

/// `sha256sum -c SHA256SUMS` in the site: true when every line checks.
fn sums_check(site: &Path) -> (bool, String) {
    let o = std::process::Command::new("sha256sum")
        .args(["-c", "--quiet", "SHA256SUMS"])
        .current_dir(site)
        .output()
        .unwrap();
    (
        o.status.success(),
        format!("{}{}", String::from_utf8_lossy(&o.stdout), stderr(&o)),
    )
}

/// A run that fails half-way (here a folder where `atom.xml` goes, as a
/// full disk would) leaves sums that agree with every file they list.
#[cfg(unix)]
#[test]
fn the_sums_never_disagree_with_the_files_after_a_failed_publish() {
    let t = crate::export::copy_inputs("sums-failed-publish");
    ok(&delib(&t, &["publish", "inputs", "-o", "site", "-q"]));
    assert!(sums_check(&t.join("site")).0);
    let ivry = t.join("inputs/ivry-sur-seine/cmpp-college-moliere.toml");
    let text = std::fs::read_to_string(&ivry).unwrap();
    std::fs::write(&ivry, text.replace("Molière\"", "Molière (modifiée)\"")).unwrap();
    std::fs::remove_file(t.join("site/atom.xml")).unwrap();
    std::fs::create_dir(t.join("site/atom.xml")).unwrap();
    let o = delib(&t, &["publish", "inputs", "-o", "site"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let (good, said) = sums_check(&t.join("site"));
    assert!(good, "{said}");
    // The next run, once the way is clear, lists every file again.
    std::fs::remove_dir(t.join("site/atom.xml")).unwrap();
    ok(&delib(&t, &["publish", "inputs", "-o", "site", "-q"]));
    let (good, said) = sums_check(&t.join("site"));
    assert!(good, "{said}");
    let sums = std::fs::read_to_string(t.join("site/SHA256SUMS")).unwrap();
    assert!(
        sums.contains("cmpp-college-moliere/deliberation.pdf"),
        "{sums}"
    );
}

/// A dossier named with a newline (or a backslash) gets an escaped line in
/// SHA256SUMS, as GNU sha256sum writes it, and `sha256sum -c` checks it.
#[cfg(unix)]
#[test]
fn a_newline_in_a_file_name_does_not_break_the_sums() {
    let t = crate::export::copy_inputs("sums-newline");
    let dir = t.join("inputs/ivry-sur-seine");
    let text = std::fs::read_to_string(dir.join("cmpp-college-moliere.toml")).unwrap();
    for (name, n) in [("acte\nsecond.toml", 28), ("acte\\troisieme.toml", 29)] {
        std::fs::write(
            dir.join(name),
            text.replace("2009-11-12/27", &format!("2009-11-12/{n}")),
        )
        .unwrap();
    }
    ok(&delib(&t, &["publish", "inputs", "-o", "site", "-q"]));
    let sums = std::fs::read_to_string(t.join("site/SHA256SUMS")).unwrap();
    assert!(
        sums.lines().any(|l| l.starts_with('\\')
            && l.ends_with("actes/ivry-sur-seine/acte\\nsecond/deliberation.pdf")),
        "{sums}"
    );
    assert!(
        sums.lines().any(|l| l.starts_with('\\')
            && l.ends_with("actes/ivry-sur-seine/acte\\\\troisieme/deliberation.pdf")),
        "{sums}"
    );
    let (good, said) = sums_check(&t.join("site"));
    assert!(good, "{said}");
}

/// A bare file name keeps its `..`: from `p/sub`, `c.toml` naming
/// `../seances/…` finds the séance of `p`, and `p/delib.toml` above.
#[test]
fn a_bare_file_name_resolves_against_the_real_current_folder() {
    let t = temp_dir("bare-name");
    copy_project("dijon", &t.join("p"));
    std::fs::create_dir(t.join("p/sub")).unwrap();
    let text = std::fs::read_to_string(t.join("p/convention-pep21.toml")).unwrap();
    std::fs::write(
        t.join("p/sub/c.toml"),
        text.replace(
            "seance = \"seances/2016-06-27.toml\"",
            "seance = \"../seances/2016-06-27.toml\"",
        )
        .replace("2016-06-27/12", "2016-06-27/99"),
    )
    .unwrap();
    let sub = t.join("p/sub");
    let o = delib(&sub, &["check", "c.toml"]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(!err.contains("seance"), "{err}");
    // The project file above was found: the collectivité is Dijon's.
    let o = delib(
        &sub,
        &["render", "c.toml", "-o", "../out", "--format", "md", "-q"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let md = std::fs::read_to_string(t.join("p/out/c/deliberation.md")).unwrap();
    assert!(md.contains("Dijon"), "{md}");
    // Going above the project is still refused.
    std::fs::write(
        sub.join("d.toml"),
        text.replace(
            "seance = \"seances/2016-06-27.toml\"",
            "seance = \"../../dehors.toml\"",
        ),
    )
    .unwrap();
    std::fs::write(t.join("dehors.toml"), "date = 2016-06-27\n").unwrap();
    let o = delib(&sub, &["check", "d.toml"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("sort du répertoire du projet"),
        "{}",
        stderr(&o)
    );
}

/// `check` refuses the `[rendu] sortie` that `render` refuses, with the
/// same finding, and says the right thing of `sortie = "."`.
#[test]
fn check_refuses_the_output_folder_render_refuses() {
    let t = temp_dir("check-sortie");
    copy_project("ivry-sur-seine", &t.join("p"));
    let dossier = t.join("p/cmpp-college-moliere.toml");
    let text = std::fs::read_to_string(&dossier).unwrap();
    for (sortie, said) in [
        ("../ailleurs", "sort du répertoire du projet"),
        ("/tmp/ailleurs", "sort du répertoire du projet"),
        (".", "le répertoire du projet lui-même"),
    ] {
        std::fs::write(
            &dossier,
            format!("{text}\n[rendu]\nsortie = \"{sortie}\"\n"),
        )
        .unwrap();
        let check = delib(&t.join("p"), &["check", "cmpp-college-moliere.toml"]);
        let render = delib(&t.join("p"), &["render", "cmpp-college-moliere.toml", "-q"]);
        for (what, o) in [("check", &check), ("render", &render)] {
            let err = stderr(o);
            assert_eq!(o.status.code(), Some(1), "{what} {sortie}: {err}");
            assert!(err.contains("chemin-hors-projet"), "{what} {sortie}: {err}");
            assert!(err.contains(said), "{what} {sortie}: {err}");
        }
        assert!(!t.join("ailleurs").exists());
    }
}

/// The @ctes packages follow the render manifest's rules: a project moved
/// keeps its packages (nothing removed and written again).
#[test]
fn a_moved_project_keeps_its_actes_packages() {
    let t = crate::export::copy_inputs("moved-actes");
    ok(&delib(
        &t,
        &[
            "export",
            "actes",
            "inputs",
            "-o",
            "actes",
            "-q",
            "--inclure-transmis",
        ],
    ));
    let before = files(&t.join("actes"));
    assert!(!before.is_empty());
    std::fs::rename(t.join("inputs"), t.join("ailleurs")).unwrap();
    let o = delib(
        &t,
        &[
            "export",
            "actes",
            "ailleurs",
            "-o",
            "actes",
            "--inclure-transmis",
        ],
    );
    let err = stderr(&o);
    assert!(!err.contains("supprimé"), "{err}");
    assert!(files(&t.join("actes")) == before, "packages changed");
}

/// Partners « X » and « X annexe 1 » with a per-partner annex 1 would
/// write one file twice (convention-x-annexe-1): the second row is refused
/// at its line by check and by render, nothing is silently lost.
#[test]
fn a_partner_name_never_collides_with_another_partners_annex() {
    let t = temp_dir("partner-collision");
    copy_project("alsace", &t.join("p"));
    let dossier = t.join("p/soutien-parentalite.toml");
    let text = std::fs::read_to_string(&dossier).unwrap().replacen(
        "[[annexes]]\n",
        "[[annexes]]\npar_partenaire = true\n",
        1,
    );
    std::fs::write(&dossier, text).unwrap();
    std::fs::write(
        t.join("p/partenaires.csv"),
        "nom;representant\nLa Médiathèque;Mme A\nMédiathèque annexe 1;M. B\nAutre;Mme C\n",
    )
    .unwrap();
    let o = delib(&t.join("p"), &["check", "soutien-parentalite.toml"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("erreur[partenaires-doublon]"), "{err}");
    assert!(
        err.contains("« Médiathèque annexe 1 » donnerait le même fichier que l'annexe 1 de « La Médiathèque » (convention-mediatheque-annexe-1)"),
        "{err}"
    );
    assert!(err.contains("partenaires.csv:3:1"), "{err}");
    // The same row first: the other one is refused.
    std::fs::write(
        t.join("p/partenaires.csv"),
        "nom;representant\nMédiathèque annexe 1;M. B\nLa Médiathèque;Mme A\n",
    )
    .unwrap();
    let o = delib(
        &t.join("p"),
        &[
            "render",
            "soutien-parentalite.toml",
            "-o",
            "out",
            "--format",
            "md",
        ],
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("« La Médiathèque » donnerait le même fichier que la convention de « Médiathèque annexe 1 » (convention-mediatheque-annexe-1)"),
        "{err}"
    );
    let md = std::fs::read_to_string(
        t.join("p/out/soutien-parentalite/convention-mediatheque-annexe-1.md"),
    )
    .unwrap();
    assert!(
        md.contains("Médiathèque annexe 1**"),
        "the first row's convention, not overwritten"
    );
    assert!(
        !t.join("p/out/soutien-parentalite/convention-mediatheque.md")
            .exists()
    );
}

/// Output names collide across dossiers too, whatever makes it: a dossier
/// whose folder would be a document of another (`a/deliberation.md.toml`
/// beside `a.toml`), a dossier in a séance's folder. The later one is
/// refused before anything is written; the other's documents are whole.
#[test]
fn output_names_never_collide_across_dossiers_and_seances() {
    let t = temp_dir("name-collisions");
    copy_project("ivry-sur-seine", &t.join("p"));
    second_dossier(&t.join("p"), "a.toml");
    std::fs::create_dir(t.join("p/a")).unwrap();
    let text = std::fs::read_to_string(t.join("p/cmpp-college-moliere.toml")).unwrap();
    std::fs::write(
        t.join("p/a/deliberation.md.toml"),
        text.replace("2009-11-12/27", "2009-11-12/29"),
    )
    .unwrap();
    let o = delib(&t, &["render", "p", "-o", "out", "--format", "md"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("erreur[nom-en-double]"), "{err}");
    assert!(err.contains("le nom d'un document de p/a.toml"), "{err}");
    assert!(t.join("out/a/deliberation.md").is_file(), "{err}");

    // A dossier given by path whose folder is a séance's.
    copy_project("dijon", &t.join("q"));
    std::fs::create_dir(t.join("r")).unwrap();
    std::fs::write(
        t.join("r/2016-06-27.toml"),
        text.replace("2009-11-12/27", "2009-11-12/30"),
    )
    .unwrap();
    std::fs::copy(t.join("p/delib.toml"), t.join("r/delib.toml")).unwrap();
    let o = delib(
        &t,
        &[
            "render",
            "q/seances",
            "q/convention-pep21.toml",
            "r/2016-06-27.toml",
            "-o",
            "out2",
            "--format",
            "md",
        ],
    );
    let err = stderr(&o);
    assert!(err.contains("erreur[nom-en-double]"), "{err}");
    assert!(
        err.contains("r/2016-06-27.toml écriraient dans le même répertoire"),
        "{err}"
    );
}

/// `export actes` works under the output folder's lock, and sweeps the
/// temporary files a killed run left (58 of 60 kills left `.tmp` files
/// that no run removed).
#[test]
fn export_actes_sweeps_what_a_killed_run_left() {
    let t = crate::export::copy_inputs("actes-sweep");
    let args = [
        "export",
        "actes",
        "inputs",
        "-o",
        "actes",
        "-q",
        "--inclure-transmis",
    ];
    ok(&delib(&t, &args));
    let package = std::fs::read_dir(t.join("actes"))
        .unwrap()
        .flatten()
        .find(|e| e.path().is_dir())
        .unwrap()
        .path();
    // What a run killed while writing leaves: its mark and a temporary file.
    std::fs::write(t.join("actes/.delib-en-cours"), "").unwrap();
    let left = package.join(".x_1.pdf.4294967295.tmp");
    std::fs::write(&left, "%PDF-1.7 à moitié").unwrap();
    ok(&delib(&t, &args));
    assert!(!left.exists());
    assert!(!t.join("actes/.delib-en-cours").exists());
}

/// `-o` naming a symlink that leads nowhere: the message says so and where
/// it leads (issue 22: it said a part of the path was a file); nothing is
/// created at the link's target.
#[cfg(unix)]
#[test]
fn a_dangling_output_link_is_told_as_such() {
    let dir = temp_dir("dangling-output");
    let target = dir.join("absent/sortie");
    std::os::unix::fs::symlink(&target, dir.join("sortie")).unwrap();
    let o = delib(
        &dir,
        &[
            "render",
            root().join("inputs/dijon").to_str().unwrap(),
            "-o",
            "sortie",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("sortie est un lien symbolique vers"), "{err}");
    assert!(err.contains("absent/sortie, qui n'existe pas"), "{err}");
    assert!(!err.contains("fichier, pas un répertoire"), "{err}");
    assert!(!dir.join("absent").exists());
}
