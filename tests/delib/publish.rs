//! `delib publish`: the site of the examples, drafts and future dates,
//! integrity sums, escaping, incremental runs, removal, and a dossier in error.

use crate::common::{all_files, delib, stderr};
use crate::export::copy_inputs;
use std::path::Path;

fn publish(dir: &Path, extra: &[&str]) -> (i32, String) {
    let mut args = vec!["publish", "inputs", "-o", "site"];
    args.extend_from_slice(extra);
    let o = delib(dir, &args);
    (o.status.code().unwrap_or(-1), stderr(&o))
}

fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn last_line(err: &str) -> &str {
    err.lines().last().unwrap_or("")
}

#[test]
fn the_examples_publish_with_their_documents_and_sums() {
    let dir = copy_inputs("site-examples");
    let (status, err) = publish(&dir, &[]);
    assert_eq!(status, 0, "{err}");
    assert!(
        last_line(&err).contains(
            "2 actes en ligne (18 fichiers écrits, 0 inchangé, 0 retiré) ; non publiés : 1 projet"
        ),
        "{err}"
    );
    let files: Vec<String> = all_files(&dir.join("site"))
        .into_iter()
        .map(|f| f.0)
        .collect();
    for f in [
        "index.html",
        "atom.xml",
        "style.css",
        "SHA256SUMS",
        "actes/dijon/convention-pep21/index.html",
        "actes/dijon/convention-pep21/deliberation.pdf",
        "actes/dijon/convention-pep21/deliberation.html",
        "actes/dijon/convention-pep21/convention.pdf",
        "actes/dijon/convention-pep21/annexe-1.pdf",
        "actes/ivry-sur-seine/cmpp-college-moliere/deliberation.pdf",
    ] {
        assert!(files.iter().any(|x| x == f), "{f} missing: {files:?}");
    }
    // A draft is never published; the rapport is not part of the act.
    assert!(
        !files
            .iter()
            .any(|f| f.contains("alsace") || f.contains("rapport")),
        "{files:?}"
    );
    // Every file's SHA-256 is in SHA256SUMS (12 documents, 2 act pages, the
    // index, the feed, the stylesheet), each PDF's on its act's page.
    let sums = read(&dir, "site/SHA256SUMS");
    assert_eq!(sums.lines().count(), 17, "{sums}");
    for line in sums.lines() {
        let (sha, path) = line.split_once("  ").unwrap();
        let bytes = std::fs::read(dir.join("site").join(path)).unwrap();
        assert_eq!(delib::publish::site::sha256(&bytes), sha, "{path}");
        if path.ends_with(".pdf") && path.starts_with("actes/") {
            let page = Path::new(path).parent().unwrap().join("index.html");
            let page = read(&dir.join("site"), page.to_str().unwrap());
            assert!(page.contains(sha), "{path}: SHA-256 not on its page");
        }
    }
    let page = read(&dir, "site/actes/dijon/convention-pep21/index.html");
    for needle in [
        "<html lang=\"fr\">",
        "<dt>Mis en ligne le</dt><dd>1er juillet 2016</dd>",
        "Acte rendu exécutoire après réception en préfecture le 1er\u{a0}juillet 2016",
        "<dt>Signataire</dt><dd>François REBSAMEN, Le Maire</dd>",
        "<a href=\"deliberation.pdf\">Délibération (PDF,",
        "href=\"../../../style.css\"",
    ] {
        assert!(page.contains(needle), "{needle}\n{page}");
    }
    let index = read(&dir, "site/index.html");
    let y2016 = index.find("<h2 id=\"annee-2016\">2016</h2>").unwrap();
    let y2009 = index.find("<h2 id=\"annee-2009\">2009</h2>").unwrap();
    assert!(y2016 < y2009, "newest year first");
    assert!(index.contains("Conseil municipal, séance du lundi 27 juin 2016</h3>"));
    assert!(
        !index.contains("src=") && !index.contains("<script"),
        "no JavaScript"
    );
    let atom = read(&dir, "site/atom.xml");
    assert_eq!(atom.matches("<entry>").count(), 2);
    assert!(
        atom.find("2016-07-01T00:00:00Z").unwrap() < atom.find("2009-11-20T00:00:00Z").unwrap()
    );
    // No absolute link anywhere on the site's pages.
    for p in [
        "site/index.html",
        "site/actes/dijon/convention-pep21/index.html",
    ] {
        assert!(!read(&dir, p).contains("href=\"/"), "{p}");
    }
    // Same input, same bytes.
    let before = all_files(&dir.join("site"));
    std::fs::remove_dir_all(dir.join("site")).unwrap();
    publish(&dir, &[]);
    assert_eq!(all_files(&dir.join("site")), before);
}

#[test]
fn a_future_publication_date_is_not_published_yet() {
    let dir = copy_inputs("site-future");
    let (status, err) = publish(&dir, &["--date", "2016-06-30"]);
    assert_eq!(status, 0, "{err}");
    assert!(last_line(&err).contains("1 acte en ligne"), "{err}");
    assert!(last_line(&err).contains("1 à venir"), "{err}");
    assert!(!dir.join("site/actes/dijon").exists());
    let (_, err) = publish(&dir, &["--date", "2016-07-01"]);
    assert!(last_line(&err).contains("2 actes en ligne"), "{err}");
    assert!(
        dir.join("site/actes/dijon/convention-pep21/deliberation.pdf")
            .is_file()
    );
    let (status, err) = publish(&dir, &["--date", "2016-13-01"]);
    assert_eq!(status, 2);
    assert!(
        err.contains("date incorrecte « 2016-13-01 » pour --date"),
        "{err}"
    );
}

#[test]
fn runs_are_incremental_and_what_leaves_the_site_is_removed() {
    let dir = copy_inputs("site-incremental");
    publish(&dir, &[]);
    let (_, err) = publish(&dir, &[]);
    assert!(
        last_line(&err).contains("(0 fichier écrit, 18 inchangés, 0 retiré)"),
        "{err}"
    );
    let dijon_pdf = dir.join("site/actes/dijon/convention-pep21/deliberation.pdf");
    let mtime = std::fs::metadata(&dijon_pdf).unwrap().modified().unwrap();

    // User text is data: an objet with markup shows as text everywhere.
    let ivry = dir.join("inputs/ivry-sur-seine/cmpp-college-moliere.toml");
    let text = std::fs::read_to_string(&ivry).unwrap();
    let evil = text.replace(
        "objet = \"Convention de partenariat avec le collège Molière\"",
        "objet = \"Convention <script>alert(1)</script> & <b>Molière</b>\"",
    );
    std::fs::write(&ivry, &evil).unwrap();
    let (_, err) = publish(&dir, &[]);
    // Ivry's PDF, HTML and page, the index, the feed and the sums.
    assert!(
        last_line(&err).contains("(6 fichiers écrits, 12 inchangés, 0 retiré)"),
        "{err}"
    );
    assert_eq!(
        std::fs::metadata(&dijon_pdf).unwrap().modified().unwrap(),
        mtime
    );
    for p in [
        "site/index.html",
        "site/atom.xml",
        "site/actes/ivry-sur-seine/cmpp-college-moliere/index.html",
    ] {
        let t = read(&dir, p);
        assert!(!t.contains("<script>") && !t.contains("<b>"), "{p}");
        assert!(
            t.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;"),
            "{p}"
        );
    }

    // Back to a draft: the act leaves the site, its files go.
    std::fs::write(
        &ivry,
        text.replace("[deliberation.vote]\nunanimite = true\n", ""),
    )
    .unwrap();
    let (status, err) = publish(&dir, &[]);
    assert_eq!(status, 0, "{err}");
    assert!(
        err.contains(
            "retiré du site   site/actes/ivry-sur-seine/cmpp-college-moliere/deliberation.pdf"
        ),
        "{err}"
    );
    assert!(last_line(&err).contains("1 acte en ligne"), "{err}");
    assert!(!dir.join("site/actes/ivry-sur-seine").exists());
    assert!(!read(&dir, "site/index.html").contains("ivry"));
    assert!(!read(&dir, "site/SHA256SUMS").contains("ivry"));
    // No temporary file left behind.
    assert!(
        all_files(&dir.join("site"))
            .iter()
            .all(|(n, _)| !n.ends_with(".tmp"))
    );
}

#[test]
fn a_dossier_in_error_leaves_the_site_as_it_was() {
    let dir = copy_inputs("site-error");
    publish(&dir, &[]);
    let before = all_files(&dir.join("site"));
    let ivry = dir.join("inputs/ivry-sur-seine/cmpp-college-moliere.toml");
    let text = std::fs::read_to_string(&ivry).unwrap();
    std::fs::write(&ivry, text.replace("presents = 38", "presents = 3")).unwrap();
    let (status, err) = publish(&dir, &[]);
    assert_eq!(status, 1);
    assert!(err.contains("erreur[quorum]"), "{err}");
    assert!(err.contains("site non mis à jour"), "{err}");
    assert_eq!(all_files(&dir.join("site")), before);
}

#[test]
fn the_seance_documents_go_online_once_due() {
    let dir = copy_inputs("site-seance");
    let liste = "site/seances/dijon/seances/2016-06-27/liste-des-deliberations";
    let pv = "site/seances/dijon/seances/2016-06-27/proces-verbal";
    // Liste displayed on 30 June 2016, procès-verbal adopted on 26 September 2016.
    let (status, err) = publish(&dir, &["--date", "2016-07-01"]);
    assert_eq!(status, 0, "{err}");
    for ext in ["pdf", "html"] {
        assert!(dir.join(format!("{liste}.{ext}")).is_file(), "{err}");
        assert!(!dir.join(format!("{pv}.{ext}")).exists());
    }
    let index = read(&dir, "site/index.html");
    assert!(index.contains(
        // 2016: the liste is the compte rendu of the séance (L. 2121-25 before 1 July 2022).
        "<a href=\"seances/dijon/seances/2016-06-27/liste-des-deliberations.pdf\">Compte rendu de la séance (PDF,"
    ), "{index}");
    assert!(!index.contains("Procès-verbal"));
    let sums = read(&dir, "site/SHA256SUMS");
    assert!(
        sums.contains("  seances/dijon/seances/2016-06-27/liste-des-deliberations.pdf\n"),
        "{sums}"
    );
    assert!(
        std::str::from_utf8(&std::fs::read(dir.join(format!("{liste}.pdf"))).unwrap()[..5])
            .unwrap()
            == "%PDF-"
    );

    let (_, err) = publish(&dir, &["--date", "2016-09-26"]);
    assert!(dir.join(format!("{pv}.pdf")).is_file(), "{err}");
    assert!(read(&dir, "site/index.html").contains("proces-verbal.html\">version HTML</a>"));

    // Back before the procès-verbal: it leaves the site.
    let (_, err) = publish(&dir, &["--date", "2016-09-25"]);
    assert!(
        err.contains("retiré du site   site/seances/dijon/seances/2016-06-27/proces-verbal.pdf"),
        "{err}"
    );
    assert!(!dir.join(format!("{pv}.pdf")).exists());
    assert!(dir.join(format!("{liste}.pdf")).is_file());
}

#[test]
fn acts_of_a_seance_are_listed_in_the_order_of_their_numbers() {
    // All five acts of the Dijon séance, numbered 10 to 14: the file names
    // sort differently (convention-pep21 is n° 12, tarifs-periscolaires n° 10).
    let dir = copy_inputs("site-order");
    let from = crate::common::root().join("inputs/dijon");
    for f in crate::export::INVENTED
        .iter()
        .chain(&["seances/2016-06-27.toml"])
    {
        std::fs::copy(from.join(f), dir.join("inputs/dijon").join(f)).unwrap();
    }
    let (status, err) = publish(&dir, &[]);
    assert_eq!(status, 0, "{err}");
    let index = read(&dir, "site/index.html");
    let at: Vec<usize> = (10..=14)
        .map(|n| {
            let label = format!("n° 2016-06-27/{n} –");
            index
                .find(&label)
                .unwrap_or_else(|| panic!("{label}: {index}"))
        })
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{at:?}");
}
