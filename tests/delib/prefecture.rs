//! The préfecture (issue 21): one derived @ctes identifiant everywhere, the
//! acts transmitted once and as signed, the acknowledgment recorded.

use crate::common::{delib, root, stderr, temp_dir};
use crate::export::copy_inputs;
use std::path::Path;

/// The identifiant of the PEP 21 act, as derived: département of the SIREN,
/// SIREN of the SIRET (212102313, key right), séance date, number from
/// `numero = "2016-06-27/12"`, nature DE.
const PEP21: &str = "021-212102313-20160627-2016_06_27_12-DE";

/// Every file under `dir` whose name ends with `ext`, with its text.
fn texts(dir: &Path, ext: &str) -> Vec<(String, String)> {
    crate::common::files(dir)
        .into_iter()
        .filter(|(n, _)| n.ends_with(ext))
        .map(|(n, b)| (n, String::from_utf8_lossy(&b).into_owned()))
        .collect()
}

#[test]
fn the_printed_act_the_package_the_site_and_scdl_share_one_derived_identifiant() {
    let dir = temp_dir("prefecture-identifiant");
    let o = delib(
        &root(),
        &[
            "render",
            "inputs/dijon",
            "-o",
            dir.join("rendu").to_str().unwrap(),
            "--format",
            "md,html",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // The wrong SIREN the examples typed is gone from every rendered act.
    let rendered = texts(&dir.join("rendu"), ".md");
    assert!(rendered.len() > 10);
    for (name, text) in &rendered {
        assert!(!text.contains("212102314"), "{name}");
    }
    let act = std::fs::read_to_string(dir.join("rendu/convention-pep21/deliberation.md")).unwrap();
    assert!(act.contains(&PEP21.replace('_', "\\_")), "{act}");
    for (stem, n) in [
        ("tarifs-periscolaires", 10),
        ("subventions-sport", 11),
        ("stationnement-tarifs", 13),
        ("fourriere-rapport", 14),
    ] {
        let md =
            std::fs::read_to_string(dir.join(format!("rendu/{stem}/deliberation.md"))).unwrap();
        assert!(
            md.contains(&format!("021-212102313-20160627-2016\\_06\\_27\\_{n}-DE")),
            "{stem}: {md}"
        );
    }

    // The package is named by the same identifiant.
    let work = copy_inputs("prefecture-identifiant-copy");
    let o = delib(
        &work,
        &[
            "export",
            "actes",
            "inputs",
            "-o",
            "actes",
            "--inclure-transmis",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        work.join(format!("actes/{PEP21}-1-1/{PEP21}-1-1_0.xml"))
            .is_file()
    );

    // The site prints it.
    let o = delib(&work, &["publish", "inputs", "-o", "site"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let page =
        std::fs::read_to_string(work.join("site/actes/dijon/convention-pep21/index.html")).unwrap();
    assert!(page.contains(PEP21), "{page}");

    // SCDL: the préfecture of its département, and the reception date.
    let o = delib(&work, &["export", "scdl", "inputs", "-o", "d.csv"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let csv = std::fs::read_to_string(work.join("d.csv")).unwrap();
    let dijon = csv.lines().find(|l| l.contains("2016-06-27/12")).unwrap();
    assert!(dijon.contains(",PREF021,2016-07-01,"), "{dijon}");
}

#[test]
fn a_typed_identifiant_that_differs_is_an_error_with_the_derived_one_as_fix() {
    let work = copy_inputs("prefecture-typed");
    let path = work.join("inputs/dijon/convention-pep21.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    // As the examples had it: the act printed …-12-DE, the package …-2016_06_27_12-DE.
    let text = text.replace(
        "reception = 2016-07-01\n",
        "reception = 2016-07-01\nidentifiant = \"021-212102313-20160627-12-DE\"\n",
    );
    std::fs::write(&path, &text).unwrap();
    let o = delib(&work, &["check", "inputs/dijon/convention-pep21.toml"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("erreur[identifiant-different]"), "{err}");
    assert!(
        err.contains("inputs/dijon/convention-pep21.toml:53:15"),
        "at the line of the field: {err}"
    );
    assert!(
        err.contains(&format!("écrivez identifiant = \"{PEP21}\"")),
        "{err}"
    );
    assert!(
        err.contains("écrivez plutôt numero_actes = \"12\""),
        "only the number differs: {err}"
    );
    // Following the second hint makes the typed identifiant the derived one.
    std::fs::write(
        &path,
        text.replace(
            "identifiant = \"021-212102313-20160627-12-DE\"\n",
            "identifiant = \"021-212102313-20160627-12-DE\"\nnumero_actes = \"12\"\n",
        ),
    )
    .unwrap();
    let o = delib(&work, &["check", "inputs/dijon/convention-pep21.toml"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn a_wrong_siret_is_found_by_check_at_its_line() {
    let work = copy_inputs("prefecture-siret");
    let path = work.join("inputs/dijon/delib.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("21210231300013", "21210231400010")).unwrap();
    let o = delib(&work, &["check", "inputs/dijon/convention-pep21.toml"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("erreur[siret-invalide] : le SIREN 212102314 (les 9 premiers chiffres du SIRET) a une clé de contrôle fausse"),
        "{err}"
    );
    assert!(err.contains("inputs/dijon/delib.toml:7:9"), "{err}");
    // Right SIREN, wrong NIC key.
    std::fs::write(&path, text.replace("21210231300013", "21210231300014")).unwrap();
    let err = stderr(&delib(
        &work,
        &["check", "inputs/dijon/convention-pep21.toml"],
    ));
    assert!(
        err.contains("le SIRET 21210231300014 a une clé de contrôle fausse"),
        "{err}"
    );
    // Not 14 digits.
    std::fs::write(&path, text.replace("21210231300013", "2121023130001")).unwrap();
    let err = stderr(&delib(
        &work,
        &["check", "inputs/dijon/convention-pep21.toml"],
    ));
    assert!(err.contains("il faut 14 chiffres"), "{err}");
}

/// A party's SIRET, typed in the dossier or in a partners file, is checked
/// like the collectivité's: at its line and column, the party named.
#[test]
fn a_partys_wrong_siret_is_found_at_its_line_in_the_dossier_and_in_the_partners_file() {
    let work = copy_inputs("prefecture-siret-partie");
    let path = work.join("inputs/dijon/convention-pep21.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let pep = "adresse = \"30 B rue Elsa Triolet, 21000 Dijon\"\n";
    assert!(text.contains(pep));
    let with = |siret: &str| text.replace(pep, &format!("{pep}siret = \"{siret}\"\n"));
    std::fs::write(&path, with("775 718 970 00019")).unwrap();
    let o = delib(&work, &["check", "inputs/dijon/convention-pep21.toml"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("erreur[siret-invalide] : le SIREN 775718970 (les 9 premiers chiffres du SIRET de « L'association les PEP 21 ») a une clé de contrôle fausse"),
        "{err}"
    );
    assert!(
        err.contains("inputs/dijon/convention-pep21.toml:82:9"),
        "{err}"
    );
    // A right one (spaces allowed) checks clean and is printed as typed.
    std::fs::write(&path, with("443 061 841 00047")).unwrap();
    let o = delib(&work, &["check", "inputs/dijon/convention-pep21.toml"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));

    // The partners file: the row's SIRET, at its column; the other rows render.
    let csv = work.join("inputs/alsace/partenaires.csv");
    let rows = std::fs::read_to_string(&csv).unwrap();
    let mut lines: Vec<String> = rows.lines().map(str::to_owned).collect();
    lines[0].push_str(";siret");
    lines[1].push_str(";44306184100048");
    lines[2].push_str(";44306184100047");
    std::fs::write(&csv, lines.join("\n") + "\n").unwrap();
    let o = delib(
        &work.join("inputs/alsace"),
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
        err.contains("erreur[siret-invalide] : le SIRET 44306184100048 de « La Médiathèque Olympe de Gouges » a une clé de contrôle fausse"),
        "{err}"
    );
    let at = format!("partenaires.csv:2:{}", lines[1].chars().count() - 13);
    assert!(err.contains(&at), "{at}\n{err}");
    assert_eq!(err.matches("siret-invalide").count(), 1, "{err}");
}

#[test]
fn a_matiere_outside_the_nomenclature_is_refused_by_both_exports() {
    let work = copy_inputs("prefecture-matiere");
    let path = work.join("inputs/dijon/convention-pep21.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace("matiere = \"8.1\"", "matiere = \"7.99\""),
    )
    .unwrap();
    let o = delib(&work, &["check", "inputs/dijon/convention-pep21.toml"]);
    let err = stderr(&o);
    assert!(
        err.contains(
            "avertissement[matiere] : le code matière « 7.99 » n'est pas dans la nomenclature @ctes"
        ),
        "{err}"
    );
    let o = delib(
        &work,
        &[
            "export",
            "actes",
            "inputs",
            "-o",
            "actes",
            "--inclure-transmis",
        ],
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains(
            "erreur[actes-matiere] : « 7.99 » n'est pas une matière de la nomenclature @ctes"
        ),
        "{err}"
    );
    assert!(
        err.contains("inputs/dijon/convention-pep21.toml:9:11"),
        "{err}"
    );
}

/// Replaces `from` by `to` in a file of `work`.
fn edit(work: &Path, file: &str, from: &str, to: &str) {
    let path = work.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file}: {from}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

const PEP21_TOML: &str = "inputs/dijon/convention-pep21.toml";

#[test]
fn no_scdl_cell_starts_a_spreadsheet_formula() {
    let work = copy_inputs("prefecture-formules");
    edit(
        &work,
        PEP21_TOML,
        "objet = \"Convention conclue",
        "objet = \"=HYPERLINK(\\\"https://exemple.invalid\\\",\\\"Cliquez\\\") Convention conclue",
    );
    edit(
        &work,
        PEP21_TOML,
        "numero = \"2016-06-27/12\"",
        "numero = \"-12\"",
    );
    edit(
        &work,
        "inputs/dijon/delib.toml",
        "nom = \"Ville de Dijon\"",
        "nom = \"@Ville de Dijon\"",
    );
    edit(
        &work,
        PEP21_TOML,
        "nom = \"Budget principal\"",
        "nom = \"+Budget principal\"",
    );
    let o = delib(&work, &["check", PEP21_TOML]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "warnings only: {err}");
    assert_eq!(
        err.matches("avertissement[formule-tableur]").count(),
        3,
        "{err}"
    );
    assert!(err.contains("« objet » commence par « = »"), "{err}");
    let o = delib(&work, &["export", "scdl", "inputs", "-o", "d.csv"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Read as a spreadsheet-minded reader would: Python's csv module.
    let script = r#"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
row = next(r for r in rows if r["DELIB_ID"].endswith("-12"))
for r in rows:
    for k, v in r.items():
        assert not v.startswith(("=", "+", "-", "@", "\t", "\r")), (k, v)
assert row["DELIB_OBJET"].startswith("'=HYPERLINK(\"https://exemple.invalid\",\"Cliquez\") Convention"), row["DELIB_OBJET"]
assert row["DELIB_ID"] == "'-12", row["DELIB_ID"]
assert row["COLL_NOM"] == "'@Ville de Dijon", row["COLL_NOM"]
assert row["BUDGET_NOM"] == "'+Budget principal", row["BUDGET_NOM"]
assert row["VOTE_POUR"] == "58", row["VOTE_POUR"]
print(len(rows))
"#;
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(work.join("d.csv"))
        .output()
        .expect("python3 runs the CSV reader");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "2");
    // --url must be an address: its cell cannot start a formula either.
    let o = delib(
        &work,
        &["export", "scdl", "inputs", "-o", "d.csv", "--url", "=1+1"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("adresse incorrecte « =1+1 » pour --url"));
}

#[test]
fn only_adopted_deliberations_go_to_scdl() {
    let work = copy_inputs("prefecture-rejet-scdl");
    edit(
        &work,
        PEP21_TOML,
        "unanimite = true",
        "pour = 10\ncontre = 40\nabstentions = 8",
    );
    let o = delib(&work, &["export", "scdl", "inputs", "-o", "d.csv"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("inputs/dijon/convention-pep21.toml : délibération rejetée, non exportée"),
        "{err}"
    );
    assert!(
        err.contains("1 délibération exportée, 1 projet ignoré, 1 rejetée non exportée, 0 écartée"),
        "{err}"
    );
    let csv = std::fs::read_to_string(work.join("d.csv")).unwrap();
    assert!(!csv.contains("2016-06-27/12"), "{csv}");
}

/// The text of an XML file whose declaration says ISO-8859-1, or UTF-8.
fn xml_text(bytes: &[u8]) -> String {
    if bytes.starts_with(b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>") {
        bytes.iter().map(|&b| char::from(b)).collect()
    } else {
        String::from_utf8(bytes.to_vec()).unwrap()
    }
}

#[test]
fn characters_xml_forbids_reach_neither_the_feed_nor_the_actes_message() {
    let work = copy_inputs("prefecture-xml");
    edit(
        &work,
        PEP21_TOML,
        "objet = \"Convention conclue",
        "objet = \"Convention\\uFFFE \\uFFFF\\u0001conclue",
    );
    let o = delib(&work, &["check", PEP21_TOML]);
    assert!(
        stderr(&o).contains("avertissement[caractere-controle] : caractère de contrôle U+FFFE"),
        "{}",
        stderr(&o)
    );
    let o = delib(&work, &["publish", "inputs", "-o", "site"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let atom = std::fs::read(work.join("site/atom.xml")).unwrap();
    let atom = xml_text(&atom);
    roxmltree::Document::parse(&atom).expect("the feed is well-formed XML");
    assert!(!atom.contains(['\u{fffe}', '\u{ffff}', '\u{1}']));
    assert!(atom.contains("Convention conclue"), "{atom}");
    let o = delib(
        &work,
        &[
            "export",
            "actes",
            "inputs",
            "-o",
            "actes",
            "--inclure-transmis",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let msg = std::fs::read(work.join(format!("actes/{PEP21}-1-1/{PEP21}-1-1_0.xml"))).unwrap();
    let msg = xml_text(&msg);
    roxmltree::Document::parse(&msg).expect("the message is well-formed XML");
    assert!(
        !msg.contains("&#65534;") && !msg.contains("&#65535;"),
        "{msg}"
    );
    assert!(msg.contains("<actes:Objet>Convention conclue"), "{msg}");

    // A surrogate written as an escape is refused where it is typed.
    edit(&work, PEP21_TOML, "Convention\\uFFFE", "Convention\\uD800");
    let o = delib(&work, &["check", PEP21_TOML]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("inputs/dijon/convention-pep21.toml:7:"),
        "{err}"
    );
    let o = delib(&work, &["publish", "inputs", "-o", "site"]);
    assert_eq!(o.status.code(), Some(1));
    roxmltree::Document::parse(&xml_text(
        &std::fs::read(work.join("site/atom.xml")).unwrap(),
    ))
    .expect("the feed written before is untouched");
}

/// `delib export actes inputs -o actes` with extra arguments: (status, stderr).
fn export_actes(work: &Path, extra: &[&str]) -> (i32, String) {
    let mut args = vec!["export", "actes", "inputs", "-o", "actes"];
    args.extend_from_slice(extra);
    let o = delib(work, &args);
    (o.status.code().unwrap_or(-1), stderr(&o))
}

/// The package folder of the PEP 21 act, under `work/actes`.
fn pep21_package(work: &Path) -> std::path::PathBuf {
    work.join(format!("actes/{PEP21}-1-1"))
}

#[test]
fn a_received_act_is_not_packaged_again_and_the_run_says_why() {
    let work = copy_inputs("prefecture-recu");
    let (status, err) = export_actes(&work, &[]);
    assert_eq!(status, 0, "{err}");
    for f in [
        "dijon/convention-pep21.toml",
        "ivry-sur-seine/cmpp-college-moliere.toml",
    ] {
        assert!(
            err.contains(&format!(
                "inputs/{f} : non empaqueté, déjà reçu en préfecture le "
            )),
            "{f}: {err}"
        );
    }
    assert!(
        err.contains("--inclure-transmis pour refaire son paquet"),
        "{err}"
    );
    assert!(
        err.contains("actes : 0 acte prêt pour @ctes, 2 déjà reçus en préfecture, 1 non concerné"),
        "{err}"
    );
    assert!(!work.join("actes").exists(), "no package, no folder");

    // Asked for: the package, with the act as signed.
    let (status, err) = export_actes(&work, &["--inclure-transmis"]);
    assert_eq!(status, 0, "{err}");
    assert!(err.contains("2 actes prêts pour @ctes"), "{err}");
    let pdf = pep21_package(&work).join(format!("{PEP21}-1-1_1.pdf"));
    let text = crate::pdf::pages(&pdf).join(" ");
    assert!(text.contains("EXTRAIT DU REGISTRE"), "{text}");
    assert!(text.contains("Adopté à l"), "{text}");
    for mention in [
        "Reçu en préfecture",
        "Transmis en préfecture",
        "exécutoire",
        "Publié le",
        "Date de publication",
        "Identifiant",
    ] {
        assert!(!text.contains(mention), "{mention} in the package: {text}");
    }
    // The rendered act keeps them.
    let o = delib(
        &work,
        &["render", PEP21_TOML, "-o", "rendu", "--format", "pdf", "-q"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let rendered =
        crate::pdf::pages(&work.join("rendu/convention-pep21/deliberation.pdf")).join(" ");
    assert!(rendered.contains("Reçu en préfecture le 1"), "{rendered}");
    assert!(rendered.contains("Acte rendu exécutoire"), "{rendered}");

    // Received since: its package stays (it is what was sent), unasked.
    let (status, err) = export_actes(&work, &[]);
    assert_eq!(status, 0, "{err}");
    assert!(pdf.is_file());
    assert!(!err.contains("supprimé"), "{err}");
}

#[test]
fn a_rejected_proposal_is_packaged_only_when_marked_for_transmission() {
    let work = copy_inputs("prefecture-rejet");
    edit(
        &work,
        PEP21_TOML,
        "unanimite = true",
        "pour = 10\ncontre = 48",
    );
    edit(&work, PEP21_TOML, "reception = 2016-07-01\n", "");
    let (status, err) = export_actes(&work, &[]);
    assert_eq!(status, 0, "{err}");
    assert!(
        err.contains("inputs/dijon/convention-pep21.toml : non empaqueté, délibération rejetée ; pour la transmettre, écrivez transmettre = true dans [deliberation.publication]"),
        "{err}"
    );
    assert!(
        err.contains("1 non transmis (rejeté, ou transmettre = false)"),
        "{err}"
    );
    assert!(!pep21_package(&work).exists());
    edit(
        &work,
        PEP21_TOML,
        "transmission = 2016-06-30\n",
        "transmission = 2016-06-30\ntransmettre = true\n",
    );
    let (status, err) = export_actes(&work, &[]);
    assert_eq!(status, 0, "{err}");
    assert!(
        pep21_package(&work)
            .join(format!("{PEP21}-1-1_0.xml"))
            .is_file(),
        "{err}"
    );
    // transmettre = false keeps any act out, and its package goes.
    edit(
        &work,
        PEP21_TOML,
        "transmettre = true",
        "transmettre = false",
    );
    edit(
        &work,
        PEP21_TOML,
        "pour = 10\ncontre = 48",
        "unanimite = true",
    );
    let (status, err) = export_actes(&work, &[]);
    assert_eq!(status, 0, "{err}");
    assert!(err.contains("non empaqueté, transmettre = false"), "{err}");
    assert!(!pep21_package(&work).exists(), "{err}");
}

#[test]
fn packages_of_acts_that_became_drafts_or_were_renumbered_are_removed() {
    let work = copy_inputs("prefecture-brouillon");
    edit(&work, PEP21_TOML, "reception = 2016-07-01\n", "");
    let (status, err) = export_actes(&work, &[]);
    assert_eq!(status, 0, "{err}");
    let pack = pep21_package(&work);
    assert_eq!(std::fs::read_dir(&pack).unwrap().count(), 4, "{err}");
    // A file the clerk put there is not delib's: it stays, and so does the folder.
    std::fs::write(pack.join("note.txt"), "envoyé ?").unwrap();
    // Renumbered: the package under the old name goes.
    edit(
        &work,
        PEP21_TOML,
        "numero = \"2016-06-27/12\"",
        "numero = \"2016-06-27/15\"",
    );
    let (status, err) = export_actes(&work, &[]);
    assert_eq!(status, 0, "{err}");
    let renamed = work.join("actes/021-212102313-20160627-2016_06_27_15-DE-1-1");
    assert!(renamed.is_dir(), "{err}");
    assert!(
        err.contains(&format!("supprimé   actes/{PEP21}-1-1/{PEP21}-1-1_0.xml")),
        "{err}"
    );
    let left: Vec<_> = std::fs::read_dir(&pack)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, ["note.txt"], "only the clerk's file is left");
    // Back to a draft (the séance's minutes not yet approved): its package goes.
    edit(
        &work,
        PEP21_TOML,
        "[deliberation.vote]\nunanimite = true\n",
        "",
    );
    edit(
        &work,
        "inputs/dijon/seances/2016-06-27.toml",
        "proces_verbal_arrete = 2016-09-26\n",
        "",
    );
    let (status, err) = export_actes(&work, &[]);
    assert_eq!(status, 0, "{err}");
    assert!(!renamed.exists(), "{err}");
    assert!(
        err.contains("supprimé   actes/021-212102313-20160627-2016_06_27_15-DE-1-1/"),
        "{err}"
    );
    // Nothing of delib's left but its lock and manifest; no temporary file.
    let all: Vec<String> = crate::common::all_files(&work.join("actes"))
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert!(
        all.iter()
            .all(|n| n.ends_with("note.txt") || n.starts_with(".delib-")),
        "{all:?}"
    );
}

#[test]
fn packages_are_written_under_the_output_lock() {
    use std::io::BufRead as _;
    use std::process::{Command, Stdio};
    let work = copy_inputs("prefecture-verrou");
    std::fs::create_dir_all(work.join("actes")).unwrap();
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(work.join("actes/.delib-verrou"))
        .unwrap();
    lock.lock().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_delib"))
        .current_dir(&work)
        .args([
            "export",
            "actes",
            "inputs",
            "-o",
            "actes",
            "--inclure-transmis",
        ])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Its lines as they come: it renders first, then waits for the lock.
    let (tx, rx) = std::sync::mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr).lines() {
            let line = line.unwrap();
            let _ = tx.send(line.clone());
            if line.starts_with("actes : ") {
                break;
            }
        }
    });
    let mut seen = Vec::new();
    while !seen
        .iter()
        .any(|l: &String| l.contains("un autre delib écrit dans actes"))
    {
        match rx.recv_timeout(std::time::Duration::from_secs(120)) {
            Ok(line) => seen.push(line),
            Err(_) => panic!("it never said it waits for the lock: {seen:?}"),
        }
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(child.try_wait().unwrap().is_none(), "it waits");
    assert!(
        !pep21_package(&work).exists(),
        "nothing written while locked"
    );
    // A temporary file a killed export left is swept.
    std::fs::write(work.join("actes/.delib-en-cours"), "").unwrap();
    std::fs::create_dir_all(pep21_package(&work)).unwrap();
    let stale = pep21_package(&work).join(format!(".{PEP21}-1-1_1.pdf.4294967.tmp"));
    std::fs::write(&stale, "moitié").unwrap();
    lock.unlock().unwrap();
    let status = child.wait().unwrap();
    reader.join().unwrap();
    seen.extend(rx.try_iter());
    assert!(status.success(), "{seen:?}");
    assert!(
        pep21_package(&work)
            .join(format!("{PEP21}-1-1_1.pdf"))
            .is_file()
    );
    assert!(!stale.exists(), "the killed run's temporary file is swept");
}

/// The acknowledgment fixture of the PEP 21 act (ISO-8859-1, built from the schema).
fn pep21_accuse() -> std::path::PathBuf {
    root().join(format!("tests/fixtures/actes/accuses/{PEP21}-1-2_1.xml"))
}

#[test]
fn the_acknowledgment_is_recorded_and_closes_the_loop() {
    let work = copy_inputs("prefecture-accuse");
    // Transmitted by the tiers, not yet acknowledged: no date of the
    // préfecture in the dossier, a comment of the clerk's.
    edit(
        &work,
        PEP21_TOML,
        "transmission = 2016-06-30\nreception = 2016-07-01\n",
        "# Envoyé par S²LOW le 30 juin.\n",
    );
    let path = work.join(PEP21_TOML);
    let before = std::fs::read_to_string(&path).unwrap();
    let render = |work: &Path| {
        let o = delib(
            work,
            &["render", PEP21_TOML, "-o", "rendu", "--format", "md", "-q"],
        );
        assert!(o.status.success(), "{}", stderr(&o));
        std::fs::read_to_string(work.join("rendu/convention-pep21/deliberation.md")).unwrap()
    };
    let md = render(&work);
    assert!(!md.contains("exécutoire"), "{md}");
    let (status, err) = export_actes(&work, &[]);
    assert_eq!(status, 0, "{err}");
    assert!(pep21_package(&work).is_dir(), "not received yet: packaged");

    let o = delib(
        &work,
        &[
            "accuse-reception",
            pep21_accuse().to_str().unwrap(),
            "-d",
            "inputs",
        ],
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains(&format!("inputs/dijon/convention-pep21.toml : réception en préfecture le 1er juillet 2016 inscrite, et son identifiant {PEP21}")),
        "{err}"
    );
    assert!(
        err.contains("1 accusé de réception inscrit, 0 déjà inscrit, 0 refusé"),
        "{err}"
    );
    // Two lines added at the end of [deliberation.publication]; every other byte kept.
    let after = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        after,
        before.replace(
            "mode = \"electronique\"\n",
            &format!(
                "mode = \"electronique\"\nreception = 2016-07-01\nidentifiant = \"{PEP21}\"\n"
            )
        )
    );
    let names: Vec<String> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");

    // The next render prints the executory mention; the next export leaves the act out.
    let md = render(&work);
    assert!(
        md.contains("Acte rendu exécutoire après réception en préfecture le 1<sup>er</sup>\u{a0}juillet 2016 et publication le 1<sup>er</sup>\u{a0}juillet 2016."),
        "{md}"
    );
    let (status, err) = export_actes(&work, &[]);
    assert_eq!(status, 0, "{err}");
    assert!(
        err.contains("inputs/dijon/convention-pep21.toml : non empaqueté, déjà reçu en préfecture le 1er juillet 2016"),
        "{err}"
    );
    let o = delib(&work, &["export", "scdl", "inputs", "-o", "d.csv"]);
    assert!(o.status.success());
    let csv = std::fs::read_to_string(work.join("d.csv")).unwrap();
    assert!(csv.contains(",PREF021,2016-07-01,"), "{csv}");
    let o = delib(&work, &["check", PEP21_TOML]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));

    // Again: nothing to do, nothing written. Ivry's (UTF-8) was already there too.
    let ivry = root()
        .join("tests/fixtures/actes/accuses/094-219400413-20091112-2009_11_12_27-DE-1-2_1.xml");
    let o = delib(
        &work,
        &[
            "accuse-reception",
            pep21_accuse().to_str().unwrap(),
            ivry.to_str().unwrap(),
            "--dossiers",
            "inputs",
        ],
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("0 accusé de réception inscrit, 2 déjà inscrits, 0 refusé"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), after);
    // A folder stands for the answers in it (Windows does not expand *.xml):
    // both acknowledgments, and the anomaly, refused.
    let folder = root().join("tests/fixtures/actes/accuses");
    let o = delib(&work, &["ar", folder.to_str().unwrap(), "-d", "inputs"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("0 accusé de réception inscrit, 2 déjà inscrits, 1 refusé"),
        "{err}"
    );
    assert!(err.contains("erreur[accuse-anomalie]"), "{err}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), after);
}

/// Every file under `dir` with its bytes, to see that nothing changed.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    crate::common::all_files(dir)
}

#[test]
fn an_acknowledgment_that_matches_no_act_or_says_otherwise_is_refused() {
    let work = copy_inputs("prefecture-accuse-refus");
    edit(&work, PEP21_TOML, "reception = 2016-07-01\n", "");
    let inputs = snapshot(&work.join("inputs"));
    let fixture = std::fs::read(pep21_accuse()).unwrap();
    let variant = |name: &str, from: &str, to: &str| {
        // The fixture is ISO-8859-1: edit it byte-wise (ASCII only).
        let mut bytes = fixture.clone();
        let pos = bytes
            .windows(from.len())
            .position(|w| w == from.as_bytes())
            .unwrap();
        bytes.splice(pos..pos + from.len(), to.bytes());
        let path = work.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    };
    let run = |file: &Path| {
        let o = delib(
            &work,
            &["accuse-reception", file.to_str().unwrap(), "-d", "inputs"],
        );
        (o.status.code(), stderr(&o))
    };
    // Another act's number.
    let other = variant("autre.xml", "2016_06_27_12-DE\"", "2016_06_27_19-DE\"");
    let (code, err) = run(&other);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("erreur[accuse-sans-acte] : aucun acte du répertoire n'a l'identifiant « 021-212102313-20160627-2016_06_27_19-DE » de cet accusé"),
        "{err}"
    );
    assert!(
        err.contains("autre.xml:4:"),
        "at the IDActe attribute: {err}"
    );
    assert!(
        err.contains(&format!("l'acte le plus proche du répertoire est {PEP21}")),
        "{err}"
    );
    assert!(
        err.contains("0 accusé de réception inscrit, 0 déjà inscrit, 1 refusé"),
        "{err}"
    );
    // The SIREN the examples typed by hand.
    let (code, err) = run(&variant("siren.xml", "212102313-2016", "212102314-2016"));
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("accuse-sans-acte"), "{err}");
    // An anomaly is not an acknowledgment.
    let anomalie = root()
        .join("tests/fixtures/actes/accuses/021-212102313-20160627-2016_06_27_13-DE-1-3_1.xml");
    let (code, err) = run(&anomalie);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("erreur[accuse-anomalie] : la préfecture n'a pas reçu l'acte : c'est une anomalie (code 002) : Votre acte a été transmis avec une date de classification qui n'est pas à jour"),
        "{err}"
    );
    // Not XML, not there.
    let (code, err) = run(&root().join("inputs/dijon/delib.toml"));
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("erreur[accuse-illisible]"), "{err}");
    let (code, err) = run(&work.join("absent.xml"));
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("impossible de lire"), "{err}");
    // A reception before the transmission the dossier gives.
    let (code, err) = run(&variant(
        "tot.xml",
        "DateReception=\"2016-07-01\"",
        "DateReception=\"2016-06-29\"",
    ));
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("avant la transmission inscrite dans le dossier"),
        "{err}"
    );
    assert!(
        err.contains("inputs/dijon/convention-pep21.toml:51:16"),
        "{err}"
    );
    assert_eq!(snapshot(&work.join("inputs")), inputs, "no dossier touched");

    // A dossier that already gives another reception date.
    edit(
        &work,
        PEP21_TOML,
        "transmission = 2016-06-30\n",
        "transmission = 2016-06-30\nreception = 2016-07-04\n",
    );
    let inputs = snapshot(&work.join("inputs"));
    let (code, err) = run(&pep21_accuse());
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("erreur[accuse-reception-differente] : le dossier dit déjà reçu le 2016-07-04, l'accusé dit le 2016-07-01"),
        "{err}"
    );
    assert!(
        err.contains("inputs/dijon/convention-pep21.toml:52:13"),
        "{err}"
    );
    assert_eq!(snapshot(&work.join("inputs")), inputs, "no dossier touched");
}
