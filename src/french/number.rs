//! Numbers and amounts in figures and in words.

/// Spelling of numbers in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Orthographe {
    /// Traditional spelling: hyphens only between tens and units below one hundred (`vingt et un`, `deux cent mille`).
    #[default]
    Traditionnelle,
    /// 1990 rectified spelling: hyphens between every word (`vingt-et-un`, `deux-cent-mille`).
    Rectifiee1990,
}

/// Words 0 to 16.
const UNITES: [&str; 17] = [
    "zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze",
    "douze", "treize", "quatorze", "quinze", "seize",
];

/// Words for the tens 20 to 60, indexed by the tens digit.
const DIZAINES: [&str; 7] = [
    "",
    "",
    "vingt",
    "trente",
    "quarante",
    "cinquante",
    "soixante",
];

/// Scale nouns (long scale) above `mille`, with their value, largest first.
const ECHELLES: [(u64, &str); 5] = [
    (1_000_000_000_000_000_000, "trillion"),
    (1_000_000_000_000_000, "billiard"),
    (1_000_000_000_000, "billion"),
    (1_000_000_000, "milliard"),
    (1_000_000, "million"),
];

/// How a word is joined to the previous one in traditional spelling.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sep {
    Hyphen,
    Space,
}

/// A number being spelled: words with the separator that precedes each.
#[derive(Default)]
struct Words(Vec<(Sep, String)>);

impl Words {
    fn push(&mut self, sep: Sep, w: impl Into<String>) {
        self.0.push((sep, w.into()));
    }

    fn join(&self, o: Orthographe) -> String {
        let mut out = String::new();
        for (i, (sep, w)) in self.0.iter().enumerate() {
            if i > 0 {
                out.push(match (o, sep) {
                    (Orthographe::Rectifiee1990, _) | (_, Sep::Hyphen) => '-',
                    (_, Sep::Space) => ' ',
                });
            }
            out.push_str(w);
        }
        out
    }
}

/// Spells 1 to 99; `plural` allows `quatre-vingts` (the number is not followed by `mille` or another number).
fn below_100(n: u64, plural: bool, w: &mut Words, sep: Sep) {
    debug_assert!((1..100).contains(&n));
    match n {
        0..=16 => w.push(sep, UNITES[n as usize]),
        17..=19 => {
            w.push(sep, "dix");
            w.push(Sep::Hyphen, UNITES[(n - 10) as usize]);
        }
        20..=69 => {
            w.push(sep, DIZAINES[(n / 10) as usize]);
            match n % 10 {
                0 => {}
                1 => {
                    w.push(Sep::Space, "et");
                    w.push(Sep::Space, "un");
                }
                u => w.push(Sep::Hyphen, UNITES[u as usize]),
            }
        }
        70..=79 => {
            w.push(sep, "soixante");
            if n == 71 {
                w.push(Sep::Space, "et");
                w.push(Sep::Space, "onze");
            } else {
                below_100(n - 60, plural, w, Sep::Hyphen);
            }
        }
        _ => {
            w.push(sep, "quatre");
            if n == 80 {
                w.push(Sep::Hyphen, if plural { "vingts" } else { "vingt" });
            } else {
                w.push(Sep::Hyphen, "vingt");
                below_100(n - 80, plural, w, Sep::Hyphen);
            }
        }
    }
}

/// Spells 1 to 999; `plural` allows `cents` and `quatre-vingts` at the end.
fn below_1000(n: u64, plural: bool, w: &mut Words) {
    debug_assert!((1..1000).contains(&n));
    let (h, r) = (n / 100, n % 100);
    if h > 0 {
        if h > 1 {
            w.push(Sep::Space, UNITES[h as usize]);
        }
        let s = h > 1 && r == 0 && plural;
        w.push(Sep::Space, if s { "cents" } else { "cent" });
    }
    if r > 0 {
        below_100(r, plural, w, Sep::Space);
    }
}

/// Spells a non-zero number into `w`.
fn spell(n: u64, w: &mut Words) {
    let mut rest = n;
    for (value, noun) in ECHELLES {
        let g = rest / value;
        rest %= value;
        if g > 0 {
            // Scale nouns are real nouns: `quatre-vingts millions`, `deux millions`.
            below_1000(g, true, w);
            w.push(
                Sep::Space,
                if g > 1 {
                    format!("{noun}s")
                } else {
                    noun.to_string()
                },
            );
        }
    }
    let milliers = rest / 1000;
    rest %= 1000;
    if milliers > 0 {
        // `mille` is invariable and never preceded by `un`; `vingt` and `cent` stay singular before it.
        if milliers > 1 {
            below_1000(milliers, false, w);
        }
        w.push(Sep::Space, "mille");
    }
    if rest > 0 {
        below_1000(rest, true, w);
    }
}

/// Spells a number in French words: 21 → `vingt et un` (1990: `vingt-et-un`), 80 → `quatre-vingts`.
pub fn nombre_en_lettres(n: u64, o: Orthographe) -> String {
    if n == 0 {
        return UNITES[0].to_string();
    }
    let mut w = Words::default();
    spell(n, &mut w);
    w.join(o)
}

/// Whether `word` is a number spelled in words, its parts maybe joined by
/// hyphens (`cinquante`, `deux-mille-cinq-cents`, `vingt-et-un,`): the line
/// breaker neither hyphenates such a word nor breaks it at its own hyphens.
pub fn est_nombre_en_lettres(word: &str) -> bool {
    let word = word.trim_matches(|c: char| !c.is_alphabetic());
    !word.is_empty()
        && word.split('-').all(|part| {
            // `cents`, `vingts`, `millions`: the plural of a number word.
            let known = |p: &str| {
                UNITES.contains(&p)
                    || DIZAINES[2..].contains(&p)
                    || ECHELLES.iter().any(|(_, n)| *n == p)
                    || matches!(p, "cent" | "mille" | "et")
            };
            known(part) || part.strip_suffix('s').is_some_and(known)
        })
}

/// Groups the digits of `n` by three with narrow no-break spaces: 49975 → `49 975`.
pub fn grouper(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    out
}

/// Amount in figures from cents: 4997500 → `49 975 €`, 125050 → `1 250,50 €`.
pub fn montant_en_chiffres(cents: i64) -> String {
    let abs = cents.unsigned_abs();
    let sign = if cents < 0 { "-" } else { "" };
    let (euros, c) = (abs / 100, abs % 100);
    if c == 0 {
        format!("{sign}{}\u{a0}€", grouper(euros))
    } else {
        format!("{sign}{},{c:02}\u{a0}€", grouper(euros))
    }
}

/// Amount in words from cents: 5250 → `cinquante-deux euros et cinquante centimes`.
pub fn montant_en_lettres(cents: i64, o: Orthographe) -> String {
    let abs = cents.unsigned_abs();
    let (euros, c) = (abs / 100, abs % 100);
    let mut out = String::new();
    if cents < 0 {
        out.push_str("moins ");
    }
    if euros > 0 || c == 0 {
        out.push_str(&nombre_en_lettres(euros, o));
        out.push_str(if euros >= 1_000_000 && euros % 1_000_000 == 0 {
            // `un million d'euros`: a scale noun takes `de`.
            " d'euros"
        } else if euros >= 2 {
            " euros"
        } else {
            " euro"
        });
    }
    if c > 0 {
        if euros > 0 {
            out.push_str(" et ");
        }
        out.push_str(&nombre_en_lettres(c, o));
        out.push_str(if c >= 2 { " centimes" } else { " centime" });
    }
    out
}

#[cfg(test)]
mod tests {
    /// Amounts in words are recognised, whatever their spelling; other
    /// compounds are not.
    #[test]
    fn recognises_numbers_in_words() {
        for n in [21, 80, 97, 2500, 71_000, 1_200_000] {
            let w = nombre_en_lettres(n, Orthographe::Rectifiee1990);
            assert!(est_nombre_en_lettres(&format!("{w},")), "{w}");
        }
        assert!(est_nombre_en_lettres("deux-mille-cinq-cents"));
        assert!(est_nombre_en_lettres("quatre-vingts"));
        assert!(est_nombre_en_lettres("cinquante"));
        for w in [
            "Saint-Louis",
            "ci-après",
            "multi-accueil",
            "dix-huitième",
            "«",
            "centre",
        ] {
            assert!(!est_nombre_en_lettres(w), "{w}");
        }
    }

    use super::*;

    const T: Orthographe = Orthographe::Traditionnelle;
    const R: Orthographe = Orthographe::Rectifiee1990;

    #[test]
    fn default_is_traditional() {
        assert_eq!(Orthographe::default(), T);
    }

    #[test]
    fn small_numbers() {
        let cases = [
            (0, "zéro"),
            (1, "un"),
            (2, "deux"),
            (10, "dix"),
            (11, "onze"),
            (16, "seize"),
            (17, "dix-sept"),
            (19, "dix-neuf"),
            (20, "vingt"),
            (21, "vingt et un"),
            (22, "vingt-deux"),
            (30, "trente"),
            (31, "trente et un"),
            (41, "quarante et un"),
            (51, "cinquante et un"),
            (61, "soixante et un"),
            (69, "soixante-neuf"),
            (70, "soixante-dix"),
            (71, "soixante et onze"),
            (72, "soixante-douze"),
            (77, "soixante-dix-sept"),
            (80, "quatre-vingts"),
            (81, "quatre-vingt-un"),
            (88, "quatre-vingt-huit"),
            (90, "quatre-vingt-dix"),
            (91, "quatre-vingt-onze"),
            (97, "quatre-vingt-dix-sept"),
            (99, "quatre-vingt-dix-neuf"),
        ];
        for (n, s) in cases {
            assert_eq!(nombre_en_lettres(n, T), s, "{n}");
        }
    }

    #[test]
    fn hundreds_and_thousands() {
        let cases = [
            (100, "cent"),
            (101, "cent un"),
            (121, "cent vingt et un"),
            (180, "cent quatre-vingts"),
            (200, "deux cents"),
            (201, "deux cent un"),
            (280, "deux cent quatre-vingts"),
            (999, "neuf cent quatre-vingt-dix-neuf"),
            (1000, "mille"),
            (1001, "mille un"),
            (1100, "mille cent"),
            (2000, "deux mille"),
            (2016, "deux mille seize"),
            (21_000, "vingt et un mille"),
            (80_000, "quatre-vingt mille"),
            (80_080, "quatre-vingt mille quatre-vingts"),
            (100_000, "cent mille"),
            (200_000, "deux cent mille"),
            (49_975, "quarante-neuf mille neuf cent soixante-quinze"),
        ];
        for (n, s) in cases {
            assert_eq!(nombre_en_lettres(n, T), s, "{n}");
        }
    }

    #[test]
    fn millions_and_more() {
        let cases = [
            (1_000_000, "un million"),
            (2_000_000, "deux millions"),
            (1_500_000, "un million cinq cent mille"),
            (80_000_000, "quatre-vingts millions"),
            (200_000_000, "deux cents millions"),
            (1_000_000_000, "un milliard"),
            (3_000_001_000, "trois milliards mille"),
            (1_000_000_000_000, "un billion"),
        ];
        for (n, s) in cases {
            assert_eq!(nombre_en_lettres(n, T), s, "{n}");
        }
        assert_eq!(
            nombre_en_lettres(u64::MAX, T),
            "dix-huit trillions quatre cent quarante-six billiards sept cent quarante-quatre \
             billions soixante-treize milliards sept cent neuf millions cinq cent cinquante et un \
             mille six cent quinze"
        );
    }

    #[test]
    fn rectified_1990_spelling() {
        let cases = [
            (0, "zéro"),
            (21, "vingt-et-un"),
            (71, "soixante-et-onze"),
            (80, "quatre-vingts"),
            (81, "quatre-vingt-un"),
            (200, "deux-cents"),
            (201, "deux-cent-un"),
            (1000, "mille"),
            (2000, "deux-mille"),
            (80_000, "quatre-vingt-mille"),
            (200_000, "deux-cent-mille"),
            (49_975, "quarante-neuf-mille-neuf-cent-soixante-quinze"),
            (1_000_000, "un-million"),
            (2_000_000, "deux-millions"),
            (1_000_000_000, "un-milliard"),
        ];
        for (n, s) in cases {
            assert_eq!(nombre_en_lettres(n, R), s, "{n}");
        }
    }

    #[test]
    fn grouping() {
        assert_eq!(grouper(0), "0");
        assert_eq!(grouper(999), "999");
        assert_eq!(grouper(1000), "1\u{202f}000");
        assert_eq!(grouper(49_975), "49\u{202f}975");
        assert_eq!(grouper(1_000_000), "1\u{202f}000\u{202f}000");
        assert_eq!(grouper(123_456_789), "123\u{202f}456\u{202f}789");
    }

    #[test]
    fn amounts_in_figures() {
        assert_eq!(montant_en_chiffres(4_997_500), "49\u{202f}975\u{a0}€");
        assert_eq!(montant_en_chiffres(125_050), "1\u{202f}250,50\u{a0}€");
        assert_eq!(montant_en_chiffres(5250), "52,50\u{a0}€");
        assert_eq!(montant_en_chiffres(5), "0,05\u{a0}€");
        assert_eq!(montant_en_chiffres(0), "0\u{a0}€");
        assert_eq!(montant_en_chiffres(-5250), "-52,50\u{a0}€");
        assert_eq!(montant_en_chiffres(-100_000), "-1\u{202f}000\u{a0}€");
        assert!(montant_en_chiffres(i64::MIN).starts_with("-92\u{202f}233"));
    }

    #[test]
    fn amounts_in_words() {
        let cases = [
            (
                4_997_500,
                "quarante-neuf mille neuf cent soixante-quinze euros",
            ),
            (0, "zéro euro"),
            (100, "un euro"),
            (200, "deux euros"),
            (2100, "vingt et un euros"),
            (8000, "quatre-vingts euros"),
            (10_000, "cent euros"),
            (100_000, "mille euros"),
            (100_000_000, "un million d'euros"),
            (300_000_000, "trois millions d'euros"),
            (150_000_000, "un million cinq cent mille euros"),
            (100_000_000_000, "un milliard d'euros"),
            (5250, "cinquante-deux euros et cinquante centimes"),
            (50, "cinquante centimes"),
            (1, "un centime"),
            (101, "un euro et un centime"),
            (100_000_001, "un million d'euros et un centime"),
            (-5250, "moins cinquante-deux euros et cinquante centimes"),
        ];
        for (c, s) in cases {
            assert_eq!(montant_en_lettres(c, T), s, "{c}");
        }
    }

    #[test]
    fn amounts_in_words_1990() {
        assert_eq!(
            montant_en_lettres(4_997_500, R),
            "quarante-neuf-mille-neuf-cent-soixante-quinze euros"
        );
        assert_eq!(montant_en_lettres(100_000_000, R), "un-million d'euros");
        assert_eq!(
            montant_en_lettres(2150, R),
            "vingt-et-un euros et cinquante centimes"
        );
    }
}
