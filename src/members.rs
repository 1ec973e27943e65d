//! Who a name written in a vote designates. Procès-verbaux name the members
//! of the attendance sheet in full (« Madame Marie-Alice DEBUISSER ») and the
//! voters short (« Mme DEBUISSER »): a short name designates the one member
//! with the same surname (its words in capitals), the same civility and the
//! given names it writes. Pure: no I/O.

/// A name that is not a member's: a group or a list (« groupe Dijon
/// Avenir », « liste Ensemble »), allowed in `contre_noms` and
/// `abstentions_noms` but not counted as one voter.
pub fn is_group(name: &str) -> bool {
    let lower = name.trim().to_lowercase();
    [
        "groupe ",
        "liste ",
        "les élus ",
        "l'opposition",
        "l’opposition",
    ]
    .iter()
    .any(|p| lower.starts_with(p))
}

/// The civilities a name may start with, and whether each is feminine.
const CIVILITIES: [(&str, bool); 12] = [
    ("M.", false),
    ("MM.", false),
    ("Monsieur", false),
    ("Messieurs", false),
    ("Mme", true),
    ("Mmes", true),
    ("Madame", true),
    ("Mesdames", true),
    ("Mlle", true),
    ("Mademoiselle", true),
    ("Me", false),
    ("Dr", false),
];

/// The civility's gender (true: feminine), when the name starts with one.
fn civility(name: &str) -> Option<bool> {
    let first = name.split_whitespace().next()?;
    CIVILITIES
        .iter()
        .find(|(c, _)| *c == first)
        .map(|(_, f)| *f)
        .filter(|_| !matches!(first, "Me" | "Dr"))
}

/// The words of a name after its civility.
fn words(name: &str) -> Vec<&str> {
    let mut w: Vec<&str> = name.split_whitespace().collect();
    if w.first()
        .is_some_and(|f| CIVILITIES.iter().any(|(c, _)| c == f))
    {
        w.remove(0);
    }
    w
}

/// A surname word: two letters or more, every letter a capital
/// (« LÜDER », « PFANDER-MENY », « D'HAUCOURT »).
fn is_surname_word(w: &str) -> bool {
    w.chars().filter(|c| c.is_alphabetic()).count() >= 2
        && w.chars()
            .all(|c| c.is_uppercase() || matches!(c, '-' | '\'' | '’'))
}

/// The surname: the words in capitals.
pub fn surname(name: &str) -> Vec<&str> {
    words(name)
        .into_iter()
        .filter(|w| is_surname_word(w))
        .collect()
}

/// Whether `written` (in a vote) designates `member` (as in the attendance
/// sheet): the same text, or the same surname, a civility that agrees and
/// the given names `written` has, all in `member`.
pub fn designates(written: &str, member: &str) -> bool {
    let (written, member) = (written.trim(), member.trim());
    if written == member {
        return true;
    }
    let s = surname(written);
    if s.is_empty() || s != surname(member) {
        return false;
    }
    if let (Some(a), Some(b)) = (civility(written), civility(member))
        && a != b
    {
        return false;
    }
    let theirs = words(member);
    words(written).iter().all(|w| theirs.contains(w))
}

/// What a written name designates among `members`.
#[derive(Debug, PartialEq, Eq)]
pub enum Found<'a> {
    One(&'a str),
    Several(Vec<&'a str>),
    /// No member: the closest name, when one is near (a typo, an accent).
    None(Option<&'a str>),
}

/// Looks `written` up among `members`.
pub fn find<'a>(written: &str, members: &[&'a str]) -> Found<'a> {
    if let Some(m) = members.iter().find(|m| m.trim() == written.trim()) {
        return Found::One(m);
    }
    let all: Vec<&str> = members
        .iter()
        .copied()
        .filter(|m| designates(written, m))
        .collect();
    match all.as_slice() {
        [one] => Found::One(one),
        [] => Found::None(near(written, members)),
        _ => Found::Several(all),
    }
}

/// The member whose name is near `written`: the whole name, else the surname
/// (« M. LUDER » for « M. Joachim LÜDER »).
fn near<'a>(written: &str, members: &[&'a str]) -> Option<&'a str> {
    if let Some(m) = crate::diag::closest(written.trim(), members.iter().copied()) {
        return Some(m);
    }
    let s = surname(written).join(" ");
    if s.is_empty() {
        return None;
    }
    let surnames: Vec<String> = members.iter().map(|m| surname(m).join(" ")).collect();
    let hit = crate::diag::closest(&s, surnames.iter().map(String::as_str))?;
    let found: Vec<&&str> = members
        .iter()
        .zip(&surnames)
        .filter(|(_, n)| n.as_str() == hit)
        .map(|(m, _)| m)
        .collect();
    match found.as_slice() {
        [one] => Some(**one),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_name_designates_the_member_with_that_surname_and_civility() {
        assert!(designates("Mme DEBUISSER", "Madame Marie-Alice DEBUISSER"));
        assert!(designates("M. LEBLANC", "Monsieur Michel LEBLANC"));
        assert!(designates("M. Michel LEBLANC", "Monsieur Michel LEBLANC"));
        assert!(!designates("Mme LEBLANC", "Monsieur Michel LEBLANC"));
        assert!(!designates("M. Paul LEBLANC", "Monsieur Michel LEBLANC"));
        assert!(!designates("M. LUDER", "Monsieur Joachim LÜDER"));
        assert!(designates("M. EL HASSOUNI", "M. EL HASSOUNI"));
        assert!(!designates("M. HASSOUNI", "M. EL HASSOUNI"));
    }

    #[test]
    fn a_name_is_one_member_several_or_none_with_the_nearest() {
        let members = ["M. S. AUDONNET", "M. D. AUDONNET", "Monsieur Joachim LÜDER"];
        assert_eq!(
            find("M. S. AUDONNET", &members),
            Found::One("M. S. AUDONNET")
        );
        assert_eq!(
            find("M. AUDONNET", &members),
            Found::Several(vec!["M. S. AUDONNET", "M. D. AUDONNET"])
        );
        assert_eq!(
            find("M. LUDER", &members),
            Found::None(Some("Monsieur Joachim LÜDER"))
        );
        assert_eq!(find("M. DUPONT", &members), Found::None(None));
    }

    #[test]
    fn groups_are_not_members() {
        assert!(is_group("groupe Dijon Avenir"));
        assert!(is_group("Liste Ensemble pour Test"));
        assert!(!is_group("M. GROUPEAU"));
    }
}
