//! The séance documents of the Dijon séance of 27 June 2016 (one transcribed
//! dossier and four invented ones), made by the pure functions of
//! `delib::seance`: golden files, every dossier's facts in each document's
//! PDF text read back with lopdf, the recueil's outline and page numbers.

use crate::common::root;
use delib::build::Format;
use delib::engine::{Project, Unit};
use delib::seance::documents::SeanceDoc;
use delib::seance::{self, Item};
use delib::templates::Templates;
use lopdf::{Document as Pdf, Object};
use std::collections::BTreeMap;

/// The Dijon dossiers, loaded, checked and derived by the engine.
fn dijon() -> Vec<Unit> {
    let mut p = Project::load(&[root().join("inputs/dijon")]).unwrap();
    p.check_all();
    for c in &p.units {
        assert!(
            c.model.is_some(),
            "{}: {:?}",
            c.path.display(),
            c.diagnostics
        );
    }
    p.units
}

fn items(all: &[Unit]) -> Vec<Item<'_>> {
    all.iter()
        .map(|c| Item {
            loaded: c.loaded.as_ref().unwrap(),
            model: c.model.as_ref().unwrap(),
            partners: None,
        })
        .collect()
}

/// Every séance output of the Dijon séance, by file name.
fn outputs(formats: &[Format]) -> BTreeMap<String, Vec<u8>> {
    let all = dijon();
    let items = items(&all);
    let groups = seance::group(&items);
    assert_eq!(groups.len(), 1, "one séance for the five Dijon dossiers");
    let t = Templates::load(None).unwrap();
    seance::documents::render_all(&groups[0], &t, formats)
        .unwrap()
        .into_iter()
        .map(|f| (f.name, f.bytes))
        .collect()
}

/// Text of a PDF, page by page, whitespace normalised (no-break spaces too).
fn pdf_pages(bytes: &[u8]) -> Vec<String> {
    let pdf = Pdf::load_mem(bytes).unwrap();
    pdf.get_pages()
        .keys()
        .map(|&n| {
            pdf.extract_text(&[n])
                .unwrap()
                .split([' ', '\n', '\r', '\t', '\u{a0}', '\u{202f}'])
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
                // A word hyphenated at a line end.
                .replace("\u{ad} ", "")
        })
        .collect()
}

/// Whether `doc` holds `s`, whitespace aside (lopdf glues some lines together).
fn has(doc: &str, s: &str) -> bool {
    let squash = |t: &str| t.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    squash(doc).contains(&squash(s))
}

/// The facts of each dossier of the séance: (numero, words of the objet, decision).
const DOSSIERS: [(&str, &str, &str); 5] = [
    (
        "2016-06-27/10",
        "Tarifs de la restauration scolaire",
        "Adoptée",
    ),
    (
        "2016-06-27/11",
        "subventions aux associations sportives",
        "Adoptée",
    ),
    ("2016-06-27/12", "association les PEP 21", "Adoptée"),
    (
        "2016-06-27/13",
        "Stationnement payant sur voirie",
        "Adoptée",
    ),
    ("2016-06-27/14", "fourrière automobile", "Prise d’acte"),
];

#[test]
fn every_document_holds_every_dossier_in_its_pdf_text() {
    let out = outputs(&[Format::Pdf]);
    let text = |name: &str| pdf_pages(&out[name]).join(" ");
    let convocation = text("convocation.pdf");
    let liste = text("liste-des-deliberations.pdf");
    let pv = text("proces-verbal.pdf");
    let registre = text("registre.pdf");
    let recueil = text("recueil.pdf");
    for (numero, objet, decision) in DOSSIERS {
        for (name, doc) in [
            ("convocation", &convocation),
            ("liste", &liste),
            ("procès-verbal", &pv),
            ("registre", &registre),
            ("recueil", &recueil),
        ] {
            assert!(has(doc, numero), "{name} lacks {numero}");
            assert!(has(doc, objet), "{name} lacks « {objet} »");
        }
        let row = format!("{numero} ");
        assert!(has(&liste, &row));
        assert!(
            has(&liste, decision) && has(&registre, decision),
            "{decision}"
        );
    }
    // Convocation: date, time, place, the rapporteurs, the note de synthèse, the date sent.
    for s in [
        "lundi 27 juin 2016 à 18 h 30",
        "Salle de Flore, Hôtel de Ville",
        "rapporteur : Madame Dillenseger",
        "rapporteur : Monsieur Pribetich",
        "note explicative de synthèse",
        "Fait à Dijon, le 21 juin 2016",
        "François REBSAMEN",
        "M. HOUPERT",
    ] {
        assert!(has(&convocation, s), "convocation lacks « {s} »");
    }
    // Liste: displayed on the given date.
    assert!(has(&liste, "le 30 juin 2016"), "{liste}");
    // Procès-verbal: opening, quorum, secrétaire, votes with names, the arrival
    // at its item only, the teneur des discussions, closing, adoption.
    for s in [
        "sous la présidence de M. REBSAMEN, Maire",
        "Le quorum étant atteint (46 membres présents sur 59 en exercice)",
        "Mme FERRIERE est désignée secrétaire de séance",
        "Ont voté contre : M. BICHOT, M. HELIE, Mme VOISIN-VAIRELLES, M. BOURGUIGNAT, Mme VANDRIESSE et M. HOUPERT.",
        "Se sont abstenus : M. AYACHE, M. BONORON et Mme DESAUBLIAUX.",
        "Ont voté pour : les autres membres présents ou représentés.",
        "Adopté par 50 voix pour, 6 voix contre",
        "Le Conseil municipal prend acte.",
        "M. HELIE estime que la hausse du tarif",
        "la séance est levée à 21 h 40",
        // 2016: before the ordonnance 2021-1310, the procès-verbal is adopted, not published online.
        "Procès-verbal adopté lors de la séance du 26 septembre 2016",
        "Secrétaire de séance",
    ] {
        assert!(has(&pv, s), "procès-verbal lacks « {s} »");
    }
    assert_eq!(
        pv.matches("M. HOUPERT entre en séance").count(),
        1,
        "the arrival shows once, at item 13"
    );
    let at13 = pv.rfind("2016-06-27/13 – Stationnement").unwrap();
    let arrival = pv.find("M. HOUPERT entre en séance").unwrap();
    let at14 = pv.rfind("2016-06-27/14 – Rapport").unwrap();
    assert!(
        at13 < arrival && arrival < at14,
        "the arrival shows at item 13"
    );
    // Register sheet: the numbers, the members present, room for the signatures.
    for s in [
        "FEUILLET DE CLÔTURE",
        "2016-06-27/10 à 2016-06-27/14",
        "Mme KOENDERS",
        "Arrivés en cours de séance : M. HOUPERT",
        // 2016: every member present signs (L. 2121-23 before 1 July 2022).
        "Les délibérations sont signées par les membres présents",
    ] {
        assert!(has(&registre, s), "registre lacks « {s} »");
    }
    // Every sheet of the register carries the collectivité and the séance date.
    for page in pdf_pages(&out["registre.pdf"]) {
        assert!(has(&page, "Ville de Dijon") && has(&page, "27 juin 2016"));
    }
    // Nothing is a draft: every item is voted.
    assert!(!pv.contains("PROJET"));
}

/// Outline entries: (title, depth, page number).
fn outline(bytes: &[u8]) -> Vec<(String, usize, usize)> {
    let pdf = Pdf::load_mem(bytes).unwrap();
    let pages: BTreeMap<(u32, u16), usize> = pdf
        .get_pages()
        .into_iter()
        .map(|(n, id)| (id, n as usize))
        .collect();
    let catalog = pdf.catalog().unwrap();
    let root = catalog.get(b"Outlines").unwrap().as_reference().unwrap();
    let mut out = Vec::new();
    fn walk(
        pdf: &Pdf,
        first: Option<(u32, u16)>,
        depth: usize,
        pages: &BTreeMap<(u32, u16), usize>,
        out: &mut Vec<(String, usize, usize)>,
    ) {
        let mut cur = first;
        while let Some(id) = cur {
            let d = pdf.get_dictionary(id).unwrap();
            let raw = d.get(b"Title").unwrap().as_str().unwrap();
            // UTF-16 after its byte order mark, else one byte a character.
            let title = match raw.strip_prefix(&[0xfe, 0xff]) {
                Some(utf16) => {
                    let units: Vec<u16> = utf16
                        .chunks(2)
                        .map(|c| u16::from_be_bytes([c[0], c[1]]))
                        .collect();
                    String::from_utf16(&units).unwrap()
                }
                None => raw.iter().map(|&b| char::from(b)).collect(),
            };
            let dest = d.get(b"Dest").unwrap().as_array().unwrap();
            let page = pages[&dest[0].as_reference().unwrap()];
            out.push((title, depth, page));
            let child = d.get(b"First").and_then(Object::as_reference).ok();
            walk(pdf, child, depth + 1, pages, out);
            cur = d.get(b"Next").and_then(Object::as_reference).ok();
        }
    }
    let first = pdf
        .get_dictionary(root)
        .unwrap()
        .get(b"First")
        .and_then(Object::as_reference)
        .ok();
    walk(&pdf, first, 0, &pages, &mut out);
    out
}

#[test]
fn recueil_has_a_bookmark_per_act_and_continuous_page_numbers() {
    let out = outputs(&[Format::Pdf]);
    let bytes = &out["recueil.pdf"];
    let marks = outline(bytes);
    // The cover and the table of contents, then the acts.
    assert_eq!(marks[0].0, "Page de titre", "{marks:?}");
    assert_eq!(marks[1].0, "Sommaire", "{marks:?}");
    let acts: Vec<&(String, usize, usize)> = marks[2..].iter().filter(|m| m.1 == 0).collect();
    assert_eq!(acts.len(), DOSSIERS.len(), "{marks:?}");
    for ((title, _, _), (numero, _, _)) in acts.iter().map(|a| (*a).clone()).zip(DOSSIERS) {
        assert!(title.starts_with(&format!("N° {numero} – ")), "{title}");
    }
    // The PEP 21 act has its convention and its annex below it.
    let pep = marks
        .iter()
        .position(|m| m.0.contains("2016-06-27/12"))
        .unwrap();
    assert!(marks[pep + 1].0.starts_with("Convention – ") && marks[pep + 1].1 == 1);
    assert!(marks[pep + 2].0.starts_with("Annexe 1 – Territoires") && marks[pep + 2].1 == 1);
    // Bookmarks point forward, each to the first page of its document.
    let pages: Vec<usize> = marks.iter().map(|m| m.2).collect();
    assert!(pages.windows(2).all(|w| w[0] < w[1]), "{marks:?}");
    assert_eq!(pages[0], 1);
    assert_eq!(pages[1], 2);
    // Page numbers run through the whole file.
    let text = pdf_pages(bytes);
    let total = text.len();
    for (i, page) in text.iter().enumerate() {
        assert!(
            page.contains(&format!("page {}/{total}", i + 1)),
            "page {} of {total}: {page}",
            i + 1
        );
    }
    // Each act's own text is there, and the PEP 21 convention.
    let all = text.join(" ");
    assert!(all.contains("EXTRAIT DU REGISTRE DES DÉLIBÉRATIONS"));
    assert!(all.contains("CONVENTION DE PARTENARIAT"));
    // Same input, same bytes.
    assert_eq!(outputs(&[Format::Pdf])["recueil.pdf"], *bytes);
}

/// The recueil is one document of the PDF writer: PDF/A-2u and PDF/UA-1 by
/// the same checks as every PDF (it was a lopdf join of separate files,
/// with neither), each act a `Part` of one structure tree, and the PROJET
/// mark on the pages of the unvoted acts only.
#[test]
fn recueil_is_pdfa_tagged_with_one_part_per_document_and_drafts_marked() {
    let out = outputs(&[Format::Pdf]);
    let bytes = &out["recueil.pdf"];
    let mut bad = crate::conformance::checks::pdfa_2u(bytes);
    bad.extend(crate::conformance::checks::pdfua_1(bytes));
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    let pdf = Pdf::load_mem(bytes).unwrap();
    let root = pdf.catalog().unwrap().get(b"StructTreeRoot").unwrap();
    let root = pdf.get_dictionary(root.as_reference().unwrap()).unwrap();
    let doc = pdf
        .get_dictionary(root.get(b"K").unwrap().as_reference().unwrap())
        .unwrap();
    assert_eq!(doc.get(b"S").unwrap().as_name().unwrap(), b"Document");
    let parts: Vec<&[u8]> = doc
        .get(b"K")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            let d = pdf.get_dictionary(k.as_reference().unwrap()).unwrap();
            d.get(b"S").unwrap().as_name().unwrap()
        })
        .collect();
    // The cover, the table of contents, five délibérations, the PEP 21
    // convention and its annex.
    assert_eq!(parts, vec![&b"Part"[..]; 9]);

    // Only the first item of the ordre du jour voted: the other acts' pages
    // carry the mark.
    let mut partly: Vec<Unit> = dijon();
    for c in &mut partly {
        let l = c.loaded.as_mut().unwrap();
        let d = l.dossier.deliberation.get_ref();
        if d.numero.as_ref().unwrap().get_ref() == DOSSIERS[0].0 {
            continue;
        }
        l.dossier.deliberation.get_mut().vote = None;
        c.model = Some(delib::model::build(l).unwrap());
    }
    let items = self::items(&partly);
    let g = seance::group(&items);
    let t = Templates::load(None).unwrap();
    let bytes = seance::documents::recueil(&g[0], &t).unwrap();
    // The délibérations (top entries) after the first are drafts, and so
    // are their conventions and annexes, as in their own files.
    let marks = outline(&bytes);
    let pdf = Pdf::load_mem(&bytes).unwrap();
    let count = pdf.get_pages().len();
    let mut expected = vec![false; count + 1];
    let mut draft_act = false;
    for (i, m) in marks.iter().enumerate() {
        // The cover and the table of contents are no act: never drafts.
        if m.1 == 0 {
            draft_act = m.0.starts_with("N° ") && !m.0.contains(DOSSIERS[0].0);
        }
        let end = marks.get(i + 1).map_or(count + 1, |n| n.2);
        for flag in &mut expected[m.2..end] {
            *flag = draft_act;
        }
    }
    assert!(expected.iter().filter(|x| **x).count() >= 4);
    for (n, id) in pdf.get_pages() {
        let content = String::from_utf8_lossy(&pdf.get_page_content(id)).into_owned();
        let marked =
            content.starts_with("/Artifact BMC\nq\n") && content.contains("0.86 0.86 0.86 rg");
        assert_eq!(marked, expected[n as usize], "page {n}: {marks:?}");
    }
}

#[test]
fn unvoted_items_make_drafts_and_no_vote_means_no_minutes() {
    let all = dijon();
    let items = items(&all);
    let groups = seance::group(&items);
    let m = seance::build(&groups[0]).unwrap();
    assert!(!m.projet);
    assert_eq!(seance::documents::list(&m), SeanceDoc::ALL.to_vec());
    // The same séance before any vote: only the convocation.
    let mut unvoted: Vec<Unit> = dijon();
    for c in &mut unvoted {
        let l = c.loaded.as_mut().unwrap();
        l.dossier.deliberation.get_mut().vote = None;
        c.model = Some(delib::model::build(l).unwrap());
    }
    let items2 = self::items(&unvoted);
    let g = seance::group(&items2);
    let m = seance::build(&g[0]).unwrap();
    assert!(m.projet && !m.vote_commence);
    assert_eq!(seance::documents::list(&m), vec![SeanceDoc::Convocation]);
    // One item voted: every document, the minutes and the register sheet as drafts.
    let mut partly: Vec<Unit> = dijon();
    for c in partly.iter_mut().skip(1) {
        let l = c.loaded.as_mut().unwrap();
        l.dossier.deliberation.get_mut().vote = None;
        c.model = Some(delib::model::build(l).unwrap());
    }
    let items3 = self::items(&partly);
    let g = seance::group(&items3);
    let t = Templates::load(None).unwrap();
    let files = seance::documents::render_all(&g[0], &t, &[Format::Md]).unwrap();
    let pv = files
        .iter()
        .find(|f| f.name == "proces-verbal.md")
        .expect("minutes due once an item is voted");
    let pv = String::from_utf8_lossy(&pv.bytes);
    assert!(pv.contains("PROJET DE PROCÈS-VERBAL"), "{pv}");
    assert!(pv.contains("n’a pas encore été mis aux voix"));
}

// ---------------------------------------------------------------------------
// `delib render` of a folder: the séance's documents in its own output folder.

use crate::batch::copy_inputs;
use crate::common::{delib, stderr, temp_dir};
use std::path::Path;

/// Inode of every file of a folder: an atomic rewrite gives a new one.
#[cfg(unix)]
fn inodes(dir: &Path) -> BTreeMap<String, u64> {
    use std::os::unix::fs::MetadataExt;
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                e.metadata().unwrap().ino(),
            )
        })
        .collect()
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    v.sort();
    v
}

const SEANCE_DIR: &str = "out/dijon/seances/2016-06-27";

#[test]
fn render_writes_the_seance_documents_in_its_folder() {
    let dir = copy_inputs("seance-render");
    let o = delib(&dir, &["render", "inputs", "-o", "out"]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.lines()
            .last()
            .unwrap()
            .starts_with("7 dossiers et 1 séance : 145 documents écrits"),
        "{err}"
    );
    let mut expected: Vec<String> = [
        "convocation",
        "liste-des-deliberations",
        "proces-verbal",
        "registre",
    ]
    .iter()
    .flat_map(|s| ["md", "html", "pdf"].map(|e| format!("{s}.{e}")))
    .collect();
    expected.push("recueil.pdf".into());
    expected.sort();
    assert_eq!(names(&dir.join(SEANCE_DIR)), expected);
    // The same bytes as the library makes (the golden files are checked above).
    let md = std::fs::read(dir.join(SEANCE_DIR).join("proces-verbal.md")).unwrap();
    assert_eq!(md, outputs(&[Format::Md])["proces-verbal.md"]);
    // Inline séances (Ivry, Alsace) get no séance documents.
    for d in ["out/ivry-sur-seine", "out/alsace"] {
        let all = crate::common::files(&dir.join(d));
        assert!(
            all.iter()
                .all(|(n, _)| !n.contains("convocation") && !n.contains("proces-verbal")),
            "{d}: {:?}",
            all.iter().map(|x| &x.0).collect::<Vec<_>>()
        );
    }
    // One dossier given by path: its acts only, never a séance of one item.
    let o = delib(
        &dir,
        &[
            "render",
            "inputs/dijon/convention-pep21.toml",
            "-o",
            "single",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        dir.join("single/convention-pep21/deliberation.pdf")
            .is_file()
    );
    assert_eq!(names(&dir.join("single")), ["convention-pep21"]);
    // --only seance: the séance's documents only.
    let o = delib(
        &dir,
        &[
            "render", "inputs", "-o", "only", "--only", "seance", "--format", "md",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(names(&dir.join("only")), ["dijon"]);
    assert_eq!(names(&dir.join("only/dijon")), ["seances"]);
}

#[cfg(unix)]
#[test]
fn a_changed_vote_rewrites_exactly_the_seance_documents_it_changes() {
    let dir = copy_inputs("seance-incremental");
    let render = || {
        let o = delib(&dir, &["render", "inputs", "-o", "out"]);
        let err = stderr(&o);
        assert!(o.status.success(), "{err}");
        err.lines().last().unwrap().to_owned()
    };
    render();
    let before = inodes(&dir.join(SEANCE_DIR));
    // Item 13: one member who abstained votes for instead.
    let path = dir.join("inputs/dijon/stationnement-tarifs.toml");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("pour = 50\n", "pour = 51\n")
        .replace("abstentions = 3\n", "abstentions = 2\n")
        .replace(", \"Mme DESAUBLIAUX\"]", "]");
    std::fs::write(&path, text).unwrap();
    let line = render();
    let after = inodes(&dir.join(SEANCE_DIR));
    let rewritten: Vec<&str> = after
        .iter()
        .filter(|(n, i)| before.get(*n) != Some(i))
        .map(|(n, _)| n.as_str())
        .collect();
    // The procès-verbal names the abstentions and the recueil holds the
    // délibération's vote; the convocation, the liste (still « Adoptée ») and
    // the register sheet read the same.
    assert_eq!(
        rewritten,
        [
            "proces-verbal.html",
            "proces-verbal.md",
            "proces-verbal.pdf",
            "recueil.pdf"
        ],
        "{line}"
    );
    // The dossier's own rapport and délibération (6 files), and those 4.
    assert!(line.contains(": 10 documents écrits"), "{line}");
    let pv = std::fs::read_to_string(dir.join(SEANCE_DIR).join("proces-verbal.md")).unwrap();
    assert!(!pv.contains("DESAUBLIAUX\u{a0}"), "{pv}");
    // Nothing changed since: nothing written.
    let line = render();
    assert!(line.ends_with("rien à refaire"), "{line}");
    assert_eq!(inodes(&dir.join(SEANCE_DIR)), after);
}

/// A séance file and two dossiers naming it, the second without a vote.
fn small_seance(name: &str) -> std::path::PathBuf {
    let dir = temp_dir(name);
    let w = |p: &str, t: &str| {
        let p = dir.join(p);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, t).unwrap();
    };
    w(
        "in/delib.toml",
        "[collectivite]\nnom = \"Commune de Test\"\ntype = \"commune\"\nville = \"Test\"\npopulation = 1200\n",
    );
    w(
        "in/seance.toml",
        "date = 2026-01-15\nheure = \"19:00\"\nconvocation = 2026-01-08\nmembres_en_exercice = 3\npresents = [\"M. A\", \"Mme B\", \"M. C\"]\npresident = \"M. A\"\nsecretaire = \"Mme B\"\n",
    );
    for (n, objet) in [("1", "Premier objet"), ("2", "Second objet")] {
        w(
            &format!("in/d{n}.toml"),
            &format!(
                "seance = \"seance.toml\"\n[deliberation]\nnumero = \"2026-{n}\"\nobjet = \"{objet}\"\narticles = [\"**DÉCIDE** ceci.\"]\n"
            ),
        );
    }
    dir
}

#[test]
fn seance_documents_follow_the_votes_and_go_with_the_seance() {
    let dir = small_seance("seance-votes");
    let render = || {
        let o = delib(&dir, &["render", "in", "-o", "out", "--format", "md"]);
        let err = stderr(&o);
        assert!(o.status.success(), "{err}");
        err
    };
    // No vote yet: the convocation only.
    render();
    assert_eq!(names(&dir.join("out/seance")), ["convocation.md"]);
    // One item voted: the liste, and the procès-verbal and register sheet as drafts.
    let vote = "\n[deliberation.vote]\nunanimite = true\n";
    let d1 = dir.join("in/d1.toml");
    let text = std::fs::read_to_string(&d1).unwrap();
    std::fs::write(&d1, format!("{text}{vote}")).unwrap();
    render();
    assert_eq!(
        names(&dir.join("out/seance")),
        [
            "convocation.md",
            "liste-des-deliberations.md",
            "proces-verbal.md",
            "registre.md"
        ]
    );
    let pv = std::fs::read_to_string(dir.join("out/seance/proces-verbal.md")).unwrap();
    assert!(pv.contains("PROJET"), "{pv}");
    // The vote withdrawn: the documents it called for go, and are listed.
    std::fs::write(&d1, text).unwrap();
    let err = render();
    assert!(
        err.contains("supprimé   out/seance/proces-verbal.md"),
        "{err}"
    );
    assert_eq!(names(&dir.join("out/seance")), ["convocation.md"]);
    // No dossier names the séance any more: its documents go too.
    for n in ["1", "2"] {
        std::fs::remove_file(dir.join(format!("in/d{n}.toml"))).unwrap();
    }
    std::fs::write(
        dir.join("in/autre.toml"),
        "[seance]\ndate = 2026-01-15\n[deliberation]\nobjet = \"Autre\"\narticles = [\"**DÉCIDE** cela.\"]\n",
    )
    .unwrap();
    let err = render();
    assert!(
        err.contains("supprimé   out/seance/convocation.md"),
        "{err}"
    );
    assert!(!dir.join("out/seance").exists());
}

#[test]
fn a_dossier_in_error_keeps_the_seance_documents_as_they_were() {
    let dir = small_seance("seance-error");
    let d1 = dir.join("in/d1.toml");
    let text = std::fs::read_to_string(&d1).unwrap();
    std::fs::write(
        &d1,
        format!("{text}\n[deliberation.vote]\nunanimite = true\n"),
    )
    .unwrap();
    let o = delib(&dir, &["render", "in", "-o", "out", "--format", "md"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let before = crate::common::files(&dir.join("out/seance"));
    assert_eq!(before.len(), 4);
    // The second dossier no longer loads (a misspelt field), then has a
    // check error: either way the séance is not rendered without it.
    let d2 = dir.join("in/d2.toml");
    let good = std::fs::read_to_string(&d2).unwrap();
    for bad in [
        good.replace("objet =", "objett ="),
        good.replace("numero = \"2026-2\"", "numero = \"2026-1\""),
    ] {
        std::fs::write(&d2, &bad).unwrap();
        let o = delib(&dir, &["render", "in", "-o", "out", "--format", "md"]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{err}");
        assert!(
            err.contains("in/seance.toml : in/d2.toml est en erreur : documents de la séance non rendus, les précédents sont conservés"),
            "{err}"
        );
        assert_eq!(crate::common::files(&dir.join("out/seance")), before);
    }
    std::fs::write(&d2, good).unwrap();
    let o = delib(&dir, &["render", "in", "-o", "out", "--format", "md"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[cfg(unix)]
#[test]
fn a_seance_template_overridden_rewrites_that_document_only() {
    let dir = copy_inputs("seance-template");
    let render = || {
        let o = delib(
            &dir,
            &["render", "inputs", "-o", "out", "--format", "md,html"],
        );
        let err = stderr(&o);
        assert!(o.status.success(), "{err}");
        err.lines().last().unwrap().to_owned()
    };
    render();
    let before = inodes(&dir.join(SEANCE_DIR));
    let builtin = delib::templates::BUILTIN
        .iter()
        .find(|(n, _)| *n == "convocation.md.tera")
        .unwrap()
        .1;
    std::fs::create_dir_all(dir.join("inputs/dijon/templates")).unwrap();
    std::fs::write(
        dir.join("inputs/dijon/templates/convocation.md.tera"),
        format!("{builtin}\nConvocation modèle de la ville.\n"),
    )
    .unwrap();
    let line = render();
    let after = inodes(&dir.join(SEANCE_DIR));
    let rewritten: Vec<&str> = after
        .iter()
        .filter(|(n, i)| before.get(*n) != Some(i))
        .map(|(n, _)| n.as_str())
        .collect();
    assert_eq!(rewritten, ["convocation.html", "convocation.md"], "{line}");
    // The acts use none of it: only those two files are written.
    assert!(line.contains(": 2 documents écrits"), "{line}");
    let md = std::fs::read_to_string(dir.join(SEANCE_DIR).join("convocation.md")).unwrap();
    assert!(md.ends_with("Convocation modèle de la ville.\n"), "{md}");
}

#[test]
fn recueil_opens_with_a_cover_and_a_table_of_contents_with_page_numbers() {
    let out = outputs(&[Format::Pdf]);
    let bytes = &out["recueil.pdf"];
    let text = pdf_pages(bytes);
    let cover = &text[0];
    for want in [
        "RECUEIL DES ACTES",
        "Ville de Dijon",
        "Conseil municipal",
        "lundi 27 juin 2016",
    ] {
        assert!(has(cover, want), "cover lacks {want}: {cover}");
    }
    // The table of contents names every document with the page it starts on,
    // and the outline agrees.
    let toc = &text[1];
    assert!(has(toc, "SOMMAIRE"), "{toc}");
    let marks = outline(bytes);
    // Each entry in order: its title's end, then the page it starts on
    // (text read back without spaces: the table's cells run together).
    let squash = |t: &str| t.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let mut rest = squash(toc);
    for (title, _, page) in &marks[2..] {
        let tail: String = squash(title)
            .chars()
            .rev()
            .take(8)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let want = format!("{tail}{page}");
        let at = rest
            .find(&want)
            .unwrap_or_else(|| panic!("the table of contents lacks « {want} » ({title}): {toc}"));
        rest = rest[at + want.len()..].to_owned();
        // The document starts on that page.
        let first = &text[page - 1];
        let head: String = title.trim_start_matches("N° ").chars().take(12).collect();
        assert!(
            has(first, &head) || has(first, "CONVENTION") || has(first, "ANNEXE"),
            "{title} is not on page {page}: {first}"
        );
    }
}

/// The sommaire and the bookmarks name each act by its whole objet and
/// each convention by its whole title, however long: the PEP 21 act's is
/// 165 characters with its number (acts were cut at 120 characters,
/// conventions at 80, ending in « … »).
#[test]
fn recueil_names_each_act_by_its_whole_objet() {
    let out = outputs(&[Format::Pdf]);
    let bytes = &out["recueil.pdf"];
    let tail = "pour la mise en œuvre de l’accompagnement individualisé des enfants en difficulté";
    let marks = outline(bytes);
    let pep = marks
        .iter()
        .find(|m| m.0.starts_with("N° 2016-06-27/12 – Convention conclue"))
        .unwrap_or_else(|| panic!("{marks:?}"));
    assert!(pep.0.ends_with(tail), "{pep:?}");
    let squash = |t: &str| t.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let text = pdf_pages(bytes);
    let toc = squash(&text[1]);
    assert!(toc.contains(&squash(tail)), "{toc}");
    assert!(!toc.contains('…'), "{toc}");
}

#[test]
fn register_sheets_are_numbered_and_recall_the_numeros_d_ordre() {
    let all = dijon();
    let mut units = all;
    // The clerk gives the number of the register sheet the séance closes on.
    let mut seance = units[0].loaded.as_ref().unwrap().seance.clone().unwrap();
    seance.0.feuillet = Some(toml::Spanned::new(0..0, 112));
    for u in &mut units {
        u.loaded.as_mut().unwrap().seance = Some(seance.clone());
    }
    let items = items(&units);
    let groups = seance::group(&items);
    let t = Templates::load(None).unwrap();
    let out: BTreeMap<String, Vec<u8>> =
        seance::documents::render_all(&groups[0], &t, &[Format::Md, Format::Pdf])
            .unwrap()
            .into_iter()
            .map(|f| (f.name, f.bytes))
            .collect();
    let md = String::from_utf8(out["registre.md"].clone()).unwrap();
    assert!(md.contains("Feuillet n<sup>o</sup> 112"), "{md}");
    assert!(md.contains("2016-06-27/10 à 2016-06-27/14"), "{md}");
    // The closing sheet says when the séance closed.
    assert!(
        md.contains("La séance est levée à 21\u{a0}h\u{a0}40."),
        "{md}"
    );
    for page in pdf_pages(&out["registre.pdf"]) {
        assert!(has(&page, "feuillet n"), "{page}");
        assert!(has(&page, "112"), "{page}");
    }
}
