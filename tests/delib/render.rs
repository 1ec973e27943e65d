//! `delib render` on the example dossiers: golden files, seed sentences,
//! escaping, determinism.

use crate::common::{delib, files, project, root, stderr, temp_dir};

/// Renders inputs/ to a temporary folder in the given formats.
fn render_examples(name: &str, formats: &str) -> std::path::PathBuf {
    let out = temp_dir(name);
    let o = delib(
        &root(),
        &[
            "render",
            "inputs",
            "-q",
            "-o",
            out.to_str().unwrap(),
            "--format",
            formats,
        ],
    );
    assert!(o.status.success(), "render failed: {}", stderr(&o));
    out
}

/// Golden files of every .md and .html: `UPDATE_EXPECT=1 cargo test` rewrites them.
#[test]
fn examples_match_golden_files() {
    let out = render_examples("golden", "md,html");
    let golden = root().join("tests/golden");
    let rendered = files(&out);
    assert!(
        rendered.len() >= 18,
        "expected every document of the three examples, got {}",
        rendered.len()
    );
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        let _ = std::fs::remove_dir_all(&golden);
        for (rel, bytes) in &rendered {
            let p = golden.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, bytes).unwrap();
        }
        return;
    }
    let expected = files(&golden);
    let names = |v: &[(String, Vec<u8>)]| v.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(
        names(&rendered),
        names(&expected),
        "the set of documents changed; run UPDATE_EXPECT=1 cargo test and review"
    );
    for ((name, got), (_, want)) in rendered.iter().zip(&expected) {
        assert!(
            got == want,
            "{name} differs from tests/golden/{name}; if the change is intended, run UPDATE_EXPECT=1 cargo test and review the diff"
        );
    }
}

fn read(out: &std::path::Path, rel: &str) -> String {
    std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The Markdown of each example holds the key sentences of its seed.
#[test]
fn examples_hold_the_seed_sentences() {
    let out = render_examples("seeds", "md");
    let cases: [(&str, &[&str]); 8] = [
        (
            "ivry-sur-seine/cmpp-college-moliere/deliberation.md",
            &[
                "ACTION SOCIALE",
                "Centre médico-psycho-pédagogique",
                "Groupes de parole",
                "**ARTICLE UNIQUE\u{a0}:** **APPROUVE** la convention avec le collège Molière",
                "**AUTORISE** le Maire à la signer.",
                "Vu le code général des collectivités territoriales,",
                "Considérant la politique de santé publique de la Ville",
                "Adopté à l’unanimité.",
                "Transmis en préfecture le 18\u{a0}novembre 2009",
                "Publié le 20\u{a0}novembre 2009 par voie d’affichage",
            ],
        ),
        (
            "ivry-sur-seine/cmpp-college-moliere/rapport.md",
            &["Le Centre Médico-Psycho-Pédagogique (CMPP) d’Ivry-sur-Seine a été sollicité"],
        ),
        (
            "dijon/convention-pep21/deliberation.md",
            &[
                "Séance du lundi 27\u{a0}juin 2016",
                "sous la présidence de M.\u{a0}REBSAMEN, Maire",
                "## LE CONSEIL MUNICIPAL,",
                "Après en avoir délibéré, **DÉCIDE**\u{a0}:",
                "Département de la Côte-d’Or",
                "**Absents représentés\u{a0}:** Mme\u{a0}POPARD (pouvoir à M.\u{a0}PRIBETICH)",
                "**Absents\u{a0}:** M.\u{a0}HOUPERT.",
                "**Secrétaire de séance\u{a0}:** Mme\u{a0}FERRIERE.",
                "Madame Dillenseger, au nom de la commission de l’éducation, de la petite-enfance, des sports et de la jeunesse, expose\u{a0}:",
                "| 59 | 46 | 58 |",
                "Je vous demanderai, Mesdames, Messieurs, de bien vouloir\u{a0}:",
                "ne peut excéder 49\u{202f}975\u{a0}€",
                "Acte rendu exécutoire après réception en préfecture le 1<sup>er</sup>\u{a0}juillet 2016 et publication le 1<sup>er</sup>\u{a0}juillet 2016.",
                "tribunal administratif de Dijon",
            ],
        ),
        (
            "dijon/convention-pep21/convention.md",
            &[
                "# CONVENTION DE PARTENARIAT POUR LA MISE EN ŒUVRE",
                "dûment habilité par la délibération n<sup>o</sup> 2016-06-27/12 du 27\u{a0}juin 2016",
                "ci-après dénommée «\u{202f}la Ville\u{202f}»",
                "du 1<sup>er</sup>\u{a0}septembre 2016 au 31\u{a0}août 2017",
                "49\u{202f}975\u{a0}€",
                "### Article 1<sup>er</sup> – Objet",
                "Fait à Dijon, le 15\u{a0}juillet 2016, en deux exemplaires originaux.",
            ],
        ),
        (
            "alsace/soutien-parentalite/rapport.md",
            &[
                "**N<sup>o</sup> CP-2022-1-5-1**",
                "N<sup>o</sup> applicatif 2983",
                "# RAPPORT DU PRÉSIDENT",
                "Service instructeur\u{a0}: Unité administrative et financière",
                "Au vu de ce qui précède, je vous propose\u{a0}:",
                "Je vous prie de bien vouloir en délibérer.",
                "**LE PRÉSIDENT**\\\nFrédéric BIERRY",
            ],
        ),
        (
            "alsace/soutien-parentalite/deliberation.md",
            &["# PROJET DE DÉLIBÉRATION DE LA COMMISSION PERMANENTE"],
        ),
        (
            "alsace/soutien-parentalite/annexe-1.md",
            &[
                "# ANNEXE 1 – FICHE PROJET",
                "Titre du projet",
                "Ressources locales",
                "<div class=\"fiche\">",
            ],
        ),
        (
            "alsace/soutien-parentalite/convention-mediatheque-olympe-de-gouges.md",
            &["**IL A ÉTÉ CONVENU CE QUI SUIT\u{a0}:**"],
        ),
    ];
    for (rel, sentences) in cases {
        let text = read(&out, rel);
        for s in sentences {
            assert!(text.contains(s), "{rel} lacks {s:?}");
        }
    }
    // A draft prints no executory mention; a voted act prints no PROJET title.
    assert!(!read(&out, "alsace/soutien-parentalite/deliberation.md").contains("exécutoire"));
    assert!(!read(&out, "dijon/convention-pep21/deliberation.md").contains("PROJET"));
}

/// Two renders of the examples give identical bytes in every format.
#[test]
fn rendering_is_deterministic() {
    let a = files(&render_examples("det-a", "md,html,pdf"));
    let b = files(&render_examples("det-b", "md,html,pdf"));
    assert!(!a.is_empty());
    assert_eq!(a.len(), b.len());
    for ((na, ba), (nb, bb)) in a.iter().zip(&b) {
        assert_eq!(na, nb);
        assert!(ba == bb, "{na} differs between two runs");
    }
}

/// `<script>` and `{{ }}` in any field show as text in every format.
#[test]
fn user_text_is_escaped_everywhere() {
    let dir = project(
        "escape",
        r#"[seance]
date = 2016-06-27
president = "<b>M. X</b>"
presents = ["{{ seance }}", "M. Y", "<b>M. X</b>"]
membres_en_exercice = 3

[deliberation]
objet = "<script>alert(1)</script> {{ collectivite.nom }} {% if true %}oui{% endif %}"
expose = """Texte <script>alert(2)</script> et <div class="signature">faux</div>."""
articles = ["**APPROUVE** <img src=x onerror=alert(3)>"]

[deliberation.vote]
unanimite = true
"#,
    );
    let o = delib(&dir, &["render", "dossier.toml", "-q", "-o", "out"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let md = read(&dir, "out/dossier/deliberation.md");
    let html = read(&dir, "out/dossier/deliberation.html");
    for s in [
        "{{ collectivite.nom }}",
        "{% if true %}oui{% endif %}",
        "{{ seance }}",
    ] {
        assert!(
            md.contains(s),
            "template syntax in user text must stay text: {s}"
        );
        assert!(
            html.contains(s),
            "template syntax in user text must stay text in HTML: {s}"
        );
    }
    assert!(!md.contains("<script>") && !md.contains("<b>") && !md.contains("<img"));
    assert!(!html.contains("<script>") && !html.contains("<b>M. X") && !html.contains("<img"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("&lt;img src=x onerror=alert(3)&gt;"));
    // The user's fake signature block is text, not a signature container.
    assert!(
        html.contains("&lt;div class=&quot;signature&quot;&gt;faux")
            || html.contains("&lt;div class=\"signature\"&gt;faux")
    );
}

/// A project's templates/ folder overrides a built-in template by file name.
#[test]
fn project_templates_override_builtins() {
    let dir = project(
        "override",
        "[seance]\ndate = 2016-06-27\n\n[deliberation]\nobjet = \"Objet\"\narticles = [\"A\"]\n",
    );
    std::fs::create_dir(dir.join("templates")).unwrap();
    std::fs::write(
        dir.join("templates/deliberation.md.tera"),
        "# MODÈLE LOCAL\n\n{{ deliberation.objet }}\n",
    )
    .unwrap();
    let o = delib(
        &dir,
        &[
            "render",
            "dossier.toml",
            "-q",
            "-o",
            "out",
            "--format",
            "md",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        read(&dir, "out/dossier/deliberation.md"),
        "# MODÈLE LOCAL\n\nObjet\n"
    );
}

/// A count the séance does not give prints « – »: `default` takes over for
/// an absent value as it did under tera 1 (tera 2's own would print nothing).
/// An override relying on it, with a tera-2 `?.`, works too.
#[test]
fn absent_values_take_the_default() {
    let dir = project(
        "defaut",
        "[seance]\ndate = 2016-06-27\npresents = [\"A\", \"B\", \"C\"]\n\n[deliberation]\nobjet = \"Objet\"\narticles = [\"A\"]\n\n[deliberation.vote]\nunanimite = true\n",
    );
    let args = [
        "render",
        "dossier.toml",
        "-q",
        "-o",
        "out",
        "--format",
        "md",
    ];
    let o = delib(&dir, &args);
    assert!(o.status.success(), "{}", stderr(&o));
    let md = read(&dir, "out/dossier/deliberation.md");
    assert!(md.contains("| – | 3 | 3 |"), "{md}");
    std::fs::create_dir(dir.join("templates")).unwrap();
    std::fs::write(
        dir.join("templates/deliberation.md.tera"),
        "{{ seance.membres_en_exercice | default(value=\"aucun\") }} {{ seance.absent?.x | default(value=\"rien\") }} {{ seance.votants | default(value=\"aucun\") }}\n",
    )
    .unwrap();
    let o = delib(&dir, &args);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(read(&dir, "out/dossier/deliberation.md"), "aucun rien 3\n");
}

/// `delib templates DIR` writes the built-ins and never overwrites.
#[test]
fn templates_command_writes_builtins_once() {
    let dir = temp_dir("templates-cmd");
    let o = delib(&dir, &["templates", "mes-modeles", "-q"]);
    assert!(o.status.success());
    let written = files(&dir.join("mes-modeles"));
    let names: Vec<_> = written.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "annexe.md.tera",
            "convention.md.tera",
            "convocation.md.tera",
            "deliberation.md.tera",
            "liste-des-deliberations.md.tera",
            "proces-verbal.md.tera",
            "rapport.md.tera",
            "registre.md.tera",
            "style.css"
        ]
    );
    std::fs::write(dir.join("mes-modeles/rapport.md.tera"), "perso").unwrap();
    let o = delib(&dir, &["templates", "mes-modeles"]);
    assert!(o.status.success());
    assert_eq!(
        std::fs::read_to_string(dir.join("mes-modeles/rapport.md.tera")).unwrap(),
        "perso"
    );
}

/// Only the documents a dossier calls for are produced, in the formats asked.
#[test]
fn only_called_for_documents_are_written() {
    let dir = project(
        "kinds",
        "[seance]\ndate = 2016-06-27\n\n[deliberation]\nobjet = \"Objet\"\narticles = [\"A\"]\n",
    );
    let o = delib(
        &dir,
        &[
            "render",
            "dossier.toml",
            "-q",
            "-o",
            "out",
            "--format",
            "md,html",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let names: Vec<_> = files(&dir.join("out"))
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(
        names,
        ["dossier/deliberation.html", "dossier/deliberation.md"]
    );
}

/// Without -o, outputs go to [rendu] sortie, relative to delib.toml.
#[test]
fn output_folder_comes_from_delib_toml() {
    let dir = project(
        "sortie",
        "[seance]\ndate = 2016-06-27\n\n[deliberation]\nobjet = \"Objet\"\narticles = [\"A\"]\n",
    );
    let mut cfg = std::fs::read_to_string(dir.join("delib.toml")).unwrap();
    cfg.push_str("\n[rendu]\nsortie = \"actes\"\nformats = [\"md\"]\n");
    std::fs::write(dir.join("delib.toml"), cfg).unwrap();
    let o = delib(&dir, &["render", "dossier.toml", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(dir.join("actes/dossier/deliberation.md").is_file());
    assert!(!dir.join("actes/dossier/deliberation.html").exists());
}

/// A minimal valid PNG (1 × 1, grey), built by hand.
pub fn tiny_png() -> Vec<u8> {
    grey_png(0x80)
}

/// A 1 × 1 PNG of the given grey level.
pub fn grey_png(level: u8) -> Vec<u8> {
    fn crc(bytes: &[u8]) -> u32 {
        let mut c = 0xFFFF_FFFFu32;
        for b in bytes {
            c ^= u32::from(*b);
            for _ in 0..8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
        }
        !c
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend((data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend(data);
        out.extend(&body);
        out.extend(crc(&body).to_be_bytes());
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut png, b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
    // zlib stream of one stored block: filter byte 0, the pixel, Adler-32.
    chunk(
        &mut png,
        b"IDAT",
        &[
            0x78,
            0x01,
            0x01,
            0x02,
            0x00,
            0xFD,
            0xFF,
            0x00,
            level,
            0x00,
            level.wrapping_add(2),
            0x00,
            level.wrapping_add(1),
        ],
    );
    chunk(&mut png, b"IEND", &[]);
    png
}

/// The logo of delib.toml appears in the HTML header, inline; a bad one is refused.
#[test]
fn logo_is_embedded_and_checked() {
    let dir = project(
        "logo",
        "[seance]\ndate = 2016-06-27\n\n[deliberation]\nobjet = \"Objet\"\narticles = [\"A\"]\n",
    );
    std::fs::create_dir(dir.join("images")).unwrap();
    std::fs::write(dir.join("images/logo.png"), tiny_png()).unwrap();
    let cfg = std::fs::read_to_string(dir.join("delib.toml"))
        .unwrap()
        .replace(
            "[collectivite]\n",
            "[collectivite]\nlogo = \"images/logo.png\"\n",
        );
    std::fs::write(dir.join("delib.toml"), cfg).unwrap();
    let o = delib(&dir, &["render", "dossier.toml", "-q", "-o", "out"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = read(&dir, "out/dossier/deliberation.html");
    assert!(html.contains("<div class=\"gauche\">\n<img class=\"logo\" alt=\"\" src=\"data:image/png;base64,iVBORw0KGgo"), "logo missing");
    assert!(lopdf::Document::load(dir.join("out/dossier/deliberation.pdf")).is_ok());
    std::fs::write(dir.join("images/logo.png"), b"GIF89a").unwrap();
    let o = delib(&dir, &["render", "dossier.toml", "-o", "out"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("erreur[logo-format]"), "{}", stderr(&o));
    // Over 25 million pixels (6 000 × 5 000): refused at its line (issue 22:
    // left out of the PDF without a word and inlined whole in the HTML).
    let mut big = tiny_png();
    big[16..20].copy_from_slice(&6000u32.to_be_bytes());
    big[20..24].copy_from_slice(&5000u32.to_be_bytes());
    std::fs::write(dir.join("images/logo.png"), big).unwrap();
    let o = delib(&dir, &["check", "dossier.toml"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("erreur[logo-trop-grand]"), "{err}");
    assert!(err.contains("6000 × 5000 pixels (30 millions)"), "{err}");
    assert!(err.contains("delib.toml:"), "{err}");
}

/// A dossier of many partners is rendered a group of documents at a time
/// (issue 22: 20 000 partners held 1.6 GB of files in memory), and still
/// replaces nothing unless every document rendered: a convention failing
/// after several groups were written leaves every file as it was, and no
/// temporary file.
#[test]
fn many_partners_replace_nothing_when_a_late_one_fails() {
    let dir = temp_dir("many-partners");
    for f in ["delib.toml", "soutien-parentalite.toml"] {
        std::fs::copy(root().join("inputs/alsace").join(f), dir.join(f)).unwrap();
    }
    let mut csv = String::from("nom;forme;adresse;representant;qualite;denomination\n");
    for i in 1..=150 {
        csv.push_str(&format!(
            "Partenaire {i};association;1 rue Kuhn, 67000 Strasbourg;Mme Claire HOFFMANN;Directrice;le Partenaire\n"
        ));
    }
    std::fs::write(dir.join("partenaires.csv"), csv).unwrap();
    let out = dir.join("out");
    let run = || delib(&dir, &["render", ".", "-q", "-o", out.to_str().unwrap()]);
    let o = run();
    assert!(o.status.success(), "{}", stderr(&o));
    let before = files(&out);
    assert!(before.len() > 450, "{} files", before.len());
    // Every convention changes, and the 140th fails.
    let templates = dir.join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    let builtin = std::fs::read_to_string(root().join("templates/convention.md.tera")).unwrap();
    std::fs::write(
        templates.join("convention.md.tera"),
        format!(
            "{builtin}\nVERSION DEUX\n{{% for p in k.parties %}}{{% if p.nom == \"Partenaire 140\" %}}{{{{ throw(message=\"essai\") }}}}{{% endif %}}{{% endfor %}}\n"
        ),
    )
    .unwrap();
    let o = run();
    assert!(!o.status.success());
    assert!(stderr(&o).contains("essai"), "{}", stderr(&o));
    assert!(files(&out) == before, "a file was replaced or added");
    let left: Vec<_> = walk(&out)
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    // Without the failure, every convention is replaced.
    std::fs::write(
        templates.join("convention.md.tera"),
        format!("{builtin}\nVERSION DEUX\n"),
    )
    .unwrap();
    let o = run();
    assert!(o.status.success(), "{}", stderr(&o));
    let md = std::fs::read_to_string(out.join("soutien-parentalite/convention-partenaire-150.md"))
        .unwrap();
    assert!(md.contains("VERSION DEUX"));
}

/// Every file under `dir`, hidden ones included.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
