//! Sample documents built in code, covering every block and container kind.
//! Shared by the `pdf_sample` and `pdf_speed` examples and the PDF tests.

#![allow(dead_code)]

use delib::doc::{Align, Block, Container, Document, Inline, Logo, Meta, Style};

/// Plain text.
pub fn t(s: &str) -> Inline {
    Inline::text(s)
}

/// Bold text.
pub fn b(s: &str) -> Inline {
    Inline::Text {
        text: s.into(),
        style: Style {
            bold: true,
            ..Style::default()
        },
    }
}

/// Italic text.
pub fn i(s: &str) -> Inline {
    Inline::Text {
        text: s.into(),
        style: Style {
            italic: true,
            ..Style::default()
        },
    }
}

/// Superscript text.
pub fn sup(s: &str) -> Inline {
    Inline::Text {
        text: s.into(),
        style: Style {
            sup: true,
            ..Style::default()
        },
    }
}

/// A paragraph of inlines.
pub fn p(inlines: Vec<Inline>) -> Block {
    Block::Paragraph(inlines)
}

/// A paragraph of plain text.
pub fn pt(s: &str) -> Block {
    Block::Paragraph(vec![t(s)])
}

/// A heading.
pub fn h(level: u8, s: &str) -> Block {
    Block::Heading {
        level,
        content: vec![t(s)],
    }
}

/// A named block.
pub fn c(kind: Container, blocks: Vec<Block>) -> Block {
    Block::Container { kind, blocks }
}

/// A bullet list of one-paragraph items.
pub fn ul(items: &[&str]) -> Block {
    Block::List {
        start: None,
        items: items.iter().map(|s| vec![pt(s)]).collect(),
    }
}

/// A numbered list of one-paragraph items.
pub fn ol(start: u64, items: &[&str]) -> Block {
    Block::List {
        start: Some(start),
        items: items.iter().map(|s| vec![pt(s)]).collect(),
    }
}

fn row(key: &str, value: Vec<Block>) -> Block {
    c(
        Container::Row,
        vec![c(Container::Key, vec![pt(key)]), c(Container::Value, value)],
    )
}

fn lines(ls: &[&str]) -> Block {
    let mut v = Vec::new();
    for (n, l) in ls.iter().enumerate() {
        if n > 0 {
            v.push(Inline::Break);
        }
        v.push(t(l));
    }
    p(v)
}

fn signature(ls: &[&str]) -> Block {
    c(Container::Signature, vec![lines(ls)])
}

const MEMBRES: &str = "Mme KOENDERS, M. MAGLICA, M. PRIBETICH, Mme MODDE, M. DESEILLE, Mme TENENBAUM, \
Mme DILLENSEGER, M. GERVAIS, Mme AKPINAR-ISTIQUAM, M. CHÂTEAU, Mme MARTIN, M. EL\u{A0}HASSOUNI, \
Mme AVENA, M. DECOMBARD, Mme ZIVKOVIC, M. MASSON, Mme JUBAN, M. MEKHANTAR, Mme REVEL, M. PIAN, \
Mme TROUWBORST, Mme PFANDER-MENY, Mme ROY, Mme MARTIN-GENDRE, Mme HERVIEU, Mme DURNERIN, \
M. BERTHIER, M. BEKHTAOUI, M. HAMEAU, Mme MASLOUHI, M. LOVICHI, Mme CHEVALIER, M. BARD, \
M. BORDAT, M. DIOUF, Mme OUTHIER, M. HELIE, Mme ERSCHENS, M. BICHOT, Mme VOISIN-VAIRELLES, \
M. BOURGUIGNAT, M. AYACHE, M. BONORON, Mme DESAUBLIAUX.";

/// A délibération of the Dijon conseil municipal (seed 001), optionally a draft.
pub fn deliberation(draft: bool) -> Document {
    let title = if draft {
        "PROJET DE DÉLIBÉRATION DU CONSEIL MUNICIPAL"
    } else {
        "EXTRAIT DU REGISTRE DES DÉLIBÉRATIONS DU CONSEIL MUNICIPAL"
    };
    let mut blocks = vec![
        c(
            Container::Header,
            vec![
                c(
                    Container::Left,
                    vec![lines(&[
                        "RÉPUBLIQUE FRANÇAISE",
                        "Département de la Côte-d’Or",
                        "VILLE DE DIJON",
                    ])],
                ),
                c(
                    Container::Right,
                    vec![
                        lines(&["Séance du lundi 27\u{A0}juin 2016", "N°\u{A0}2016-06-27/12"]),
                        p(vec![
                            b("ÉDUCATION"),
                            Inline::Break,
                            t("Accompagnement individualisé"),
                        ]),
                    ],
                ),
            ],
        ),
        h(1, title),
        c(
            Container::Boxed,
            vec![p(vec![
                t("Membres en exercice\u{A0}: 59"),
                Inline::Break,
                t("Présents\u{A0}: 45 — Votants\u{A0}: 57"),
                Inline::Break,
                t("Date de convocation\u{A0}: 21\u{A0}juin 2016"),
            ])],
        ),
        pt(
            "L’an deux mille seize, le vingt-sept juin à 18\u{A0}h\u{A0}30, le Conseil municipal, \
            légalement convoqué le 21\u{A0}juin 2016, s’est réuni salle de Flore, Hôtel de Ville, \
            sous la présidence de M.\u{A0}REBSAMEN, Maire.",
        ),
        p(vec![b("Présents\u{A0}: "), t(MEMBRES)]),
        p(vec![
            b("Absents représentés\u{A0}: "),
            t(
                "Mme POPARD (pouvoir à M.\u{A0}PRIBETICH), M.\u{A0}MARTIN (pouvoir à Mme PFANDER-MENY), \
               M.\u{A0}JULIEN (pouvoir à M.\u{A0}GERVAIS), Mme HILY (pouvoir à Mme MODDE).",
            ),
        ]),
        p(vec![
            b("Absent\u{A0}: "),
            t("M.\u{A0}HOUPERT. "),
            b("Secrétaire de séance\u{A0}: "),
            t("Mme FERRIERE."),
        ]),
        h(2, "OBJET"),
        p(vec![b(
            "Convention conclue entre la Ville de Dijon et l’association les PEP\u{A0}21 pour la \
                  mise en œuvre de l’accompagnement individualisé des enfants en difficulté",
        )]),
        pt(
            "Madame Dillenseger, au nom de la commission de l’éducation, de la petite-enfance, des sports \
            et de la jeunesse, expose\u{A0}:",
        ),
        h(2, "EXPOSÉ DES MOTIFS"),
        pt("Mesdames, Messieurs,"),
        pt(
            "Le Projet Éducatif Global a été adopté le 28\u{A0}juin 2012 en conseil municipal. Une des \
            30\u{A0}actions du PEG consiste à proposer la mise en réseau des partenaires éducatifs et \
            sociaux pour expérimenter la prise en charge individuelle des enfants en difficulté.",
        ),
        pt(
            "Une étude de préfiguration conduite en 2014 par le cabinet COMPAS-TIS montre la \
            concentration de familles en fragilité dans des quartiers ne relevant pas de la Politique \
            de la Ville.",
        ),
        pt(
            "Afin de contribuer, par l’éducation, à davantage de réussite scolaire, un accompagnement \
            individualisé des enfants en difficulté sera proposé à partir de septembre 2016 dans des \
            territoires de Dijon identifiés comme fragiles et situés en dehors des quartiers \
            prioritaires des Grésilles et de Fontaine d’Ouche. En prenant appui sur la méthodologie du \
            Programme de Réussite Éducative, l’accompagnement individualisé des enfants et des jeunes \
            de 2 à 16\u{A0}ans de Dijon s’appuiera sur\u{A0}:",
        ),
        ul(&[
            "deux équipes pluridisciplinaires «\u{A0}accompagnement individualisé de l’enfant en \
             difficulté\u{A0}» réunissant les professionnels socio-éducatifs de deux territoires, l’un \
             situé au nord de Dijon, l’autre situé au sud\u{202F};",
            "le travail d’un professionnel du champ social chargé des suivis individualisés des \
             enfants, dit «\u{A0}référent de parcours\u{A0}».",
        ]),
        p(vec![
            t("Signée pour la durée d’un an, du 1"),
            sup("er"),
            t(
                " septembre 2016 au 31\u{A0}août 2017, la convention ci-jointe et ses annexes fixent les \
               modalités de partenariat avec l’association pour la mise en œuvre de l’accompagnement \
               individualisé dont le coût, supporté par la Ville de Dijon, ne peut excéder 49\u{202F}975\u{A0}€ \
               (quarante-neuf mille neuf cent soixante-quinze euros).",
            ),
        ]),
        pt("Je vous demanderai, Mesdames, Messieurs, de bien vouloir\u{A0}:"),
        ol(
            1,
            &[
                "approuver les projets de convention à conclure entre la Ville et l’association «\u{A0}les \
             PEP\u{A0}21\u{A0}», annexés au rapport, et m’autoriser à y apporter, le cas échéant, des \
             modifications de détail ne remettant pas en cause son équilibre général\u{202F};",
                "m’autoriser à signer la convention définitive ainsi que tout acte à intervenir pour leur \
             application.",
            ],
        ),
        c(
            Container::Keep,
            vec![
                h(2, "LE CONSEIL MUNICIPAL,"),
                pt(
                    "Vu le code général des collectivités territoriales, et notamment son article L.\u{A0}2121-29\u{202F};",
                ),
                pt("Vu le Projet Éducatif Global adopté le 28\u{A0}juin 2012\u{202F};"),
                pt(
                    "Considérant la concentration de familles en fragilité dans des quartiers ne relevant \
                    pas de la Politique de la Ville\u{202F};",
                ),
                pt("Après en avoir délibéré,"),
                p(vec![b("DÉLIBÈRE")]),
            ],
        ),
        p(vec![
            b("ARTICLE 1"),
            Inline::Text {
                text: "er".into(),
                style: Style {
                    bold: true,
                    sup: true,
                    italic: false,
                },
            },
            b("\u{A0}: "),
            t(
                "APPROUVE la convention à conclure entre la Ville et l’association «\u{A0}les PEP\u{A0}21\u{A0}».",
            ),
        ]),
        p(vec![
            b("ARTICLE 2\u{A0}: "),
            t("AUTORISE le Maire à signer la convention et tout acte à intervenir."),
        ]),
        p(vec![i("Adopté à l’unanimité.")]),
        pt("Ainsi fait et délibéré les jour, mois et an susdits. Pour extrait conforme."),
        signature(&[
            "Fait à Dijon, le 27\u{A0}juin 2016",
            "Le Maire,",
            "",
            "François REBSAMEN",
        ]),
    ];
    if !draft {
        blocks.push(c(
            Container::Boxed,
            vec![c(
                Container::Small,
                vec![
                    lines(&[
                        "Transmis en préfecture le 30\u{A0}juin 2016",
                        "Reçu en préfecture le 30\u{A0}juin 2016",
                        "Identifiant\u{A0}: 021-212102313-20160627-12-DE",
                        "Publié le 1er\u{A0}juillet 2016 (voie électronique)",
                    ]),
                    pt("Acte rendu exécutoire après transmission en préfecture et publication."),
                ],
            )],
        ));
        blocks.push(c(
            Container::Small,
            vec![pt("La présente délibération peut faire l’objet d’un recours devant le tribunal \
                     administratif de Dijon dans un délai de deux mois à compter de sa publication, ou \
                     d’un recours gracieux auprès de son auteur, ce recours prolongeant le délai du \
                     recours contentieux.")],
        ));
    }
    Document {
        meta: Meta {
            title: "Délibération n° 2016-06-27/12 — Convention avec les PEP 21".into(),
            footer: "Ville de Dijon — Délibération n°\u{A0}2016-06-27/12".into(),
            draft,
            logo: Some(logo()),
            author: "Ville de Dijon".into(),
            subject: "Convention avec les PEP 21".into(),
            date: Some("2016-06-27T00:00:00".into()),
            ..Default::default()
        },
        blocks,
    }
}

/// A convention with two parties signing side by side.
pub fn convention() -> Document {
    let mut blocks = vec![
        h(
            1,
            "CONVENTION DE PARTENARIAT RELATIVE À L’ACCOMPAGNEMENT INDIVIDUALISÉ DES ENFANTS EN DIFFICULTÉ",
        ),
        c(
            Container::Center,
            vec![p(vec![i(
                "annexée à la délibération n°\u{A0}2016-06-27/12 du 27\u{A0}juin 2016",
            )])],
        ),
        p(vec![b("ENTRE LES SOUSSIGNÉS\u{A0}:")]),
        pt(
            "La Ville de Dijon, collectivité territoriale, dont le siège est situé place de la Libération, \
            21000 Dijon, SIRET 212\u{A0}102\u{A0}313\u{A0}00016, représentée par son Maire, M.\u{A0}François \
            REBSAMEN, dûment habilité par délibération du 27\u{A0}juin 2016, ci-après dénommée «\u{A0}la Ville\u{A0}»,",
        ),
        c(Container::Right, vec![pt("d’une part,")]),
        p(vec![b("ET")]),
        pt(
            "L’association les PEP\u{A0}21, association régie par la loi du 1er juillet 1901, dont le siège \
            est situé 5\u{A0}rue Jean Giono, 21000 Dijon, représentée par son Président, ci-après dénommée \
            «\u{A0}l’Association\u{A0}»,",
        ),
        c(Container::Right, vec![pt("d’autre part,")]),
        h(2, "PRÉAMBULE"),
        pt(
            "Le Projet Éducatif Global de la Ville prévoit la mise en réseau des partenaires éducatifs et \
            sociaux pour la prise en charge individuelle des enfants en difficulté.",
        ),
        p(vec![b("IL A ÉTÉ CONVENU CE QUI SUIT\u{A0}:")]),
    ];
    let articles = [
        (
            "Article 1er – Objet",
            "La présente convention a pour objet de définir les modalités de partenariat entre la Ville et l’Association pour la mise en œuvre de l’accompagnement individualisé des enfants et des jeunes de 2 à 16\u{A0}ans.",
        ),
        (
            "Article 2 – Durée",
            "La convention est conclue pour la période du 1er\u{A0}septembre 2016 au 31\u{A0}août 2017.",
        ),
        (
            "Article 3 – Engagements de l’Association",
            "L’Association s’engage à mettre à disposition un référent de parcours, à participer aux équipes pluridisciplinaires et à rendre compte de son activité chaque trimestre.",
        ),
        (
            "Article 4 – Montant",
            "La participation de la Ville ne peut excéder 49\u{202F}975\u{A0}€ (quarante-neuf mille neuf cent soixante-quinze euros), versés en trois fois.",
        ),
        (
            "Article 5 – Résiliation",
            "En cas de non-respect par l’une des parties de ses engagements, la convention peut être résiliée de plein droit à l’expiration d’un délai de trois mois suivant l’envoi d’une lettre recommandée avec accusé de réception valant mise en demeure.",
        ),
    ];
    for (head, body) in articles {
        blocks.push(h(3, head));
        blocks.push(pt(body));
    }
    blocks.push(Block::Table {
        header: vec![
            vec![t("Échéance")],
            vec![t("Montant")],
            vec![t("Condition")],
        ],
        rows: vec![
            vec![
                vec![t("Signature")],
                vec![t("20\u{202F}000\u{A0}€")],
                vec![t("à la notification")],
            ],
            vec![
                vec![t("1er février 2017")],
                vec![t("20\u{202F}000\u{A0}€")],
                vec![t("bilan intermédiaire")],
            ],
            vec![
                vec![t("Solde")],
                vec![t("9\u{202F}975\u{A0}€")],
                vec![t(
                    "sur présentation du bilan final et des justificatifs de dépenses",
                )],
            ],
        ],
        align: vec![Align::Left, Align::Right, Align::Left],
    });
    blocks.push(pt(
        "Fait à Dijon, le 15\u{A0}juillet 2016, en deux exemplaires originaux.",
    ));
    blocks.push(c(
        Container::Signatures,
        vec![
            signature(&[
                "Pour la Ville de Dijon,",
                "le Maire,",
                "",
                "François REBSAMEN",
            ]),
            signature(&[
                "Pour l’association les PEP\u{A0}21,",
                "le Président,",
                "",
                "Jean DUPONT",
            ]),
        ],
    ));
    Document {
        meta: Meta {
            title: "Convention de partenariat — PEP 21".into(),
            footer: "Convention Ville de Dijon — PEP\u{A0}21".into(),
            draft: false,
            logo: None,
            ..Default::default()
        },
        blocks,
    }
}

/// A fiche projet (seed 004): a `fiche` with rows holding paragraphs and lists.
pub fn annexe() -> Document {
    let blocks = vec![
        h(1, "ANNEXE 1 – Fiche projet"),
        c(
            Container::Center,
            vec![p(vec![i(
                "annexée à la convention de partenariat du 15\u{A0}juillet 2016",
            )])],
        ),
        c(
            Container::Sheet,
            vec![
                row(
                    "Titre du projet",
                    vec![pt("Ateliers parents-enfants au centre social")],
                ),
                row(
                    "Contact",
                    vec![lines(&[
                        "Mme Marie LEROY",
                        "Centre social Blanc-Mesnil",
                        "01\u{A0}48\u{A0}65\u{A0}00\u{A0}00",
                    ])],
                ),
                row(
                    "Projet",
                    vec![
                        pt(
                            "Le projet vise à renforcer le lien entre les familles et l’école par des \
                            ateliers hebdomadaires animés par des professionnels de l’éducation.",
                        ),
                        ul(&[
                            "ateliers de lecture partagée\u{202F};",
                            "accompagnement à la scolarité\u{202F};",
                            "sorties culturelles.",
                        ]),
                    ],
                ),
                row(
                    "Ressources locales",
                    vec![pt(
                        "Médiathèque, associations de quartier, collège Molière.",
                    )],
                ),
                row(
                    "Budget",
                    vec![pt(
                        "12\u{202F}500\u{A0}€ dont 5\u{202F}000\u{A0}€ de subvention municipale.",
                    )],
                ),
            ],
        ),
    ];
    Document {
        meta: Meta {
            title: "Annexe 1 – Fiche projet".into(),
            footer: "Annexe 1 — Fiche projet".into(),
            draft: false,
            logo: None,
            ..Default::default()
        },
        blocks,
    }
}

/// A long rapport: `sections` sections of headings, paragraphs, lists and a table.
pub fn long_document(sections: usize) -> Document {
    let mut blocks = vec![h(1, "RAPPORT DU PRÉSIDENT À LA COMMISSION PERMANENTE")];
    for s in 1..=sections {
        blocks.push(h(
            2,
            &format!("{s}. Politique éducative et sociale — volet {s}"),
        ));
        blocks.push(pt("Le Centre médico-psycho-pédagogique d’Ivry-sur-Seine a été sollicité par l’équipe \
            pédagogique de l’atelier relais rattaché au collège Molière dans le but de créer un \
            partenariat afin d’aider au mieux les élèves dont les difficultés scolaires s’inscrivent \
            dans un contexte familial difficile. L’atelier relais vise à rescolariser des élèves en voie \
            de rupture scolaire, ainsi qu’à les resocialiser."));
        blocks.push(h(3, "Les actions proposées"));
        blocks.push(ul(&[
            "un groupe hebdomadaire pour les élèves\u{202F};",
            "un groupe mensuel pour les parents d’élèves\u{202F};",
            "un groupe bimensuel en direction de l’équipe pédagogique.",
        ]));
        blocks.push(pt("Il s’agit, d’une part, de renforcer les moyens de lutte contre le décrochage \
            scolaire et la marginalisation sociale des jeunes soumis à l’obligation scolaire et d’autre \
            part, d’une action de soutien à la fonction parentale. Cette action n’a pas d’incidence \
            financière sur le budget du CMPP, dont le cœur de mission demeure inchangé."));
        if s % 3 == 0 {
            blocks.push(Block::Table {
                header: vec![vec![t("Action")], vec![t("Public")], vec![t("Coût")]],
                rows: (1..=6)
                    .map(|r| {
                        vec![
                            vec![t(&format!("Action n°\u{A0}{r}"))],
                            vec![t("élèves et familles du quartier")],
                            vec![t(&format!("{}\u{202F}000\u{A0}€", r * 3))],
                        ]
                    })
                    .collect(),
                align: vec![Align::Left, Align::Left, Align::Right],
            });
        }
    }
    blocks.push(pt("Je vous prie de bien vouloir en délibérer."));
    blocks.push(signature(&["LE PRÉSIDENT,", "", "Frédéric BIERRY"]));
    Document {
        meta: Meta {
            title: "Rapport N° CP-2022-1-5-1".into(),
            footer: "Collectivité européenne d’Alsace — Rapport N°\u{A0}CP-2022-1-5-1".into(),
            draft: false,
            logo: None,
            ..Default::default()
        },
        blocks,
    }
}

/// Every block and container kind at least once, some nested oddly.
pub fn all_kinds() -> Document {
    let mut blocks = Vec::new();
    for level in 1..=6 {
        blocks.push(h(
            level,
            &format!("Titre de niveau {level} — élève, cœur, 5\u{202F}%"),
        ));
    }
    blocks.push(p(vec![
        t("Texte "),
        b("gras"),
        t(", "),
        i("italique"),
        t(", "),
        Inline::Text {
            text: "gras italique".into(),
            style: Style {
                bold: true,
                italic: true,
                sup: false,
            },
        },
        t(", 5"),
        sup("e"),
        t(" arrondissement."),
        Inline::Break,
        t("Après un saut de ligne forcé."),
    ]));
    blocks.push(Block::Quote(vec![pt(
        "« Nul ne peut être inquiété pour ses opinions. »",
    )]));
    blocks.push(Block::Rule);
    blocks.push(Block::List {
        start: Some(7),
        items: vec![
            vec![pt("septième"), ul(&["puce imbriquée", "autre puce"])],
            vec![],
            vec![pt("neuvième")],
        ],
    });
    for kind in delib::doc::Container::ALL {
        blocks.push(c(
            kind,
            vec![pt(&format!("Bloc «\u{A0}{}\u{A0}» isolé.", kind.class()))],
        ));
    }
    blocks.push(c(
        Container::Header,
        vec![
            c(Container::Left, vec![pt("Gauche")]),
            pt("Intrus"),
            c(Container::Right, vec![pt("Droite")]),
        ],
    ));
    blocks.push(c(
        Container::Signatures,
        vec![
            signature(&["Un"]),
            signature(&["Deux"]),
            signature(&["Trois"]),
            pt("Texte libre"),
        ],
    ));
    blocks.push(c(
        Container::Sheet,
        vec![
            row("Clé", vec![pt("Valeur")]),
            pt("Hors ligne"),
            c(Container::Row, vec![pt("Sans clé")]),
        ],
    ));
    blocks.push(c(
        Container::Boxed,
        vec![c(Container::Boxed, vec![pt("Encadré dans un encadré.")])],
    ));
    Document {
        meta: Meta {
            title: "Tous les blocs".into(),
            footer: "Essai".into(),
            draft: true,
            logo: None,
            ..Default::default()
        },
        blocks,
    }
}

/// A made-up coat of arms: a blue shield with a gold cross on a transparent
/// background, as an RGBA PNG (the case that needs decoding for the PDF).
pub fn logo() -> Logo {
    let (w, h) = (120u32, 140u32);
    let mut rows = Vec::new();
    for y in 0..h {
        rows.push(0u8);
        for x in 0..w {
            let (fx, fy) = (x as f32 / w as f32 - 0.5, y as f32 / h as f32);
            // Straight sides, then a rounded point at the bottom.
            let inside = fx.abs() < 0.45
                && (fy < 0.6 || fx * fx + (fy - 0.6) * (fy - 0.6) * 1.2 < 0.2 - fy * 0.15);
            let cross = fx.abs() < 0.08 || (fy - 0.4).abs() < 0.07;
            let px = match (inside, cross) {
                (false, _) => [0, 0, 0, 0],
                (true, true) => [230, 180, 40, 255],
                (true, false) => [20, 60, 150, 255],
            };
            rows.extend_from_slice(&px);
        }
    }
    Logo::read(png(w, h, &rows)).expect("a PNG")
}

/// A PNG file (8-bit RGBA) from filtered rows.
fn png(w: u32, h: u32, rows: &[u8]) -> Vec<u8> {
    fn crc(data: &[u8]) -> u32 {
        let mut c = 0xFFFF_FFFFu32;
        for &b in data {
            c ^= u32::from(b);
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
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], body: &[u8]) {
        out.extend_from_slice(&(body.len() as u32).to_be_bytes());
        let start = out.len();
        out.extend_from_slice(kind);
        out.extend_from_slice(body);
        let c = crc(&out[start..]);
        out.extend_from_slice(&c.to_be_bytes());
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = w.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(
        &mut out,
        b"IDAT",
        &miniz_oxide::deflate::compress_to_vec_zlib(rows, 6),
    );
    chunk(&mut out, b"IEND", &[]);
    out
}
