//! Mistakes of typing a clerk makes, each pointed at where it is to be
//! corrected, with the words that say how.

use crate::common::{delib, project, stderr};

const SEANCE: &str = "[seance]\ndate = 2026-01-15\nmembres_en_exercice = 5\n\
presents = [\"M. A\", \"Mme B\", \"M. C\"]\nabsents = [\"M. D\", \"Mme E\"]\n\
president = \"M. A\"\nsecretaire = \"Mme B\"\n";

/// The findings of `delib check` on a dossier made of `séance` and `rest`.
fn check_with(name: &str, seance: &str, rest: &str) -> String {
    let dir = project(name, &format!("{seance}\n{rest}"));
    let o = delib(&dir, &["check", "./dossier.toml"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    stderr(&o)
}

/// [`check_with`] the séance above.
fn check(name: &str, rest: &str) -> String {
    check_with(name, SEANCE, rest)
}

const DELIBERATION: &str = "[deliberation]\nobjet = \"Objet\"\narticles = [\"A\"]\n";

/// `heure = 18:30` is read by TOML as an hour, not a text: said so, with
/// the value to type (it was « table trouvé »).
#[test]
fn an_hour_without_quotes_is_named_an_hour() {
    let dir = project(
        "typing-heure",
        &format!("{}heure = 18:30\n\n{DELIBERATION}", SEANCE),
    );
    let o = delib(&dir, &["check", "./dossier.toml"]);
    let err = stderr(&o);
    assert!(
        err.starts_with(
            "erreur[type-incorrect] : type incorrect : une heure trouvée, un texte attendu\n \
             --> ./dossier.toml:8:9\n"
        ),
        "{err}"
    );
    assert!(
        err.contains("= aide : mettez-la entre guillemets : \"18:30\""),
        "{err}"
    );
    let dir = project(
        "typing-lieu-date",
        &format!("{}lieu = 2026-01-15\n\n{DELIBERATION}", SEANCE),
    );
    let err = stderr(&delib(&dir, &["check", "./dossier.toml"]));
    assert!(err.contains("une date trouvée, un texte attendu"), "{err}");
}

/// `[délibération.vote]` beside a right `[deliberation]`, `présents` in the
/// séance: the name meant, without its accents.
#[test]
fn an_accented_name_gets_the_name_meant() {
    let err = check(
        "typing-accent-table",
        &format!("{DELIBERATION}\n[délibération.vote]\npour = 5\n"),
    );
    assert!(
        err.starts_with(
            "erreur[syntaxe-toml] : nom de champ invalide « délibération » : les noms s'écrivent sans accent\n  \
             --> ./dossier.toml:13:2\n"
        ),
        "{err}"
    );
    assert!(err.contains("   |  ^^^^^^^^^^^^\n"), "{err}");
    assert!(
        err.contains("= aide : vouliez-vous dire « deliberation » ?"),
        "{err}"
    );
    let err = check_with(
        "typing-accent-champ",
        &SEANCE.replace("\npresents", "\nprésents"),
        DELIBERATION,
    );
    assert!(err.contains("nom de champ invalide « présents »"), "{err}");
    assert!(err.contains("vouliez-vous dire « presents » ?"), "{err}");
}

/// A comma missing between two elements of a list is shown after the first
/// one, on its line, not at the start of the next.
#[test]
fn a_missing_comma_is_shown_where_it_is_missing() {
    let err = check(
        "typing-virgule",
        "[deliberation]\nobjet = \"Objet\"\narticles = [\n  \"Premier\"  # le premier\n\n  \"Second\",\n]\n",
    );
    assert!(
        err.starts_with(
            "erreur[syntaxe-toml] : syntaxe TOML invalide : virgule manquante entre deux éléments de la liste\n  \
             --> ./dossier.toml:12:12\n"
        ),
        "{err}"
    );
    assert!(
        err.contains("12 |   \"Premier\"  # le premier\n   |            ^\n"),
        "{err}"
    );
}

/// Counts that exceed the votants: the caret is on the counts, not on the
/// table's header.
#[test]
fn a_wrong_vote_total_points_at_the_counts() {
    let err = check(
        "typing-vote",
        &format!("{DELIBERATION}\n[deliberation.vote]\npour = 3\ncontre = 1\nabstentions = 1\n"),
    );
    assert!(
        err.starts_with(
            "erreur[vote-total] : 5 voix décomptées (3 pour, 1 contre, 1 abstention, 0 ne prenant pas part) pour 3 votants\n  \
             --> ./dossier.toml:14:8\n"
        ),
        "{err}"
    );
    assert!(err.contains("14 | pour = 3\n   |        ^\n"), "{err}");
}
