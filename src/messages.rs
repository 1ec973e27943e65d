//! French wording of what other libraries say in English: the TOML parser's
//! syntax errors, serde's type errors and the operating system's I/O errors.
//! Nothing English reaches the clerk: an unknown message gets a French
//! generic wording, never the original text.

use std::io::ErrorKind;

/// A French wording of an I/O error (never the system's English text).
pub fn io_message(e: &std::io::Error) -> String {
    // delib's own I/O errors (`crate::disk::read_regular`) already say it in French.
    if let Some(own) = e
        .get_ref()
        .and_then(|i| i.downcast_ref::<crate::disk::Refused>())
    {
        return own.0.clone();
    }
    let text = match e.kind() {
        ErrorKind::NotFound => "fichier ou répertoire introuvable",
        ErrorKind::PermissionDenied => "permission refusée",
        ErrorKind::NotADirectory => "un élément du chemin est un fichier, pas un répertoire",
        ErrorKind::IsADirectory => "c'est un répertoire, pas un fichier",
        ErrorKind::ReadOnlyFilesystem => "le disque est en lecture seule",
        ErrorKind::StorageFull => "plus de place sur le disque",
        ErrorKind::QuotaExceeded => "quota de disque dépassé",
        ErrorKind::FileTooLarge => "fichier trop gros",
        ErrorKind::AlreadyExists => "le fichier existe déjà",
        ErrorKind::DirectoryNotEmpty => "le répertoire n'est pas vide",
        ErrorKind::InvalidFilename => "nom de fichier invalide",
        ErrorKind::ResourceBusy | ErrorKind::ExecutableFileBusy => "fichier occupé",
        ErrorKind::CrossesDevices => "déplacement impossible entre deux disques",
        ErrorKind::TooManyLinks => "trop de liens",
        ErrorKind::StaleNetworkFileHandle => "partage réseau déconnecté",
        ErrorKind::AddrInUse => "adresse déjà utilisée",
        ErrorKind::AddrNotAvailable => "adresse indisponible sur ce poste",
        ErrorKind::InvalidData => "contenu illisible (encodage ?)",
        ErrorKind::Interrupted => "opération interrompue",
        ErrorKind::UnexpectedEof => "fin de fichier inattendue",
        ErrorKind::OutOfMemory => "mémoire insuffisante",
        ErrorKind::TimedOut => "délai dépassé",
        _ => {
            return match e.raw_os_error() {
                Some(n) => format!("erreur du système (code {n})"),
                None => "erreur d'entrée-sortie".into(),
            };
        }
    };
    text.into()
}

/// An error chain (`anyhow`'s `{:#}`) in French: each I/O cause translated.
pub fn error_chain(e: &anyhow::Error) -> String {
    e.chain()
        .map(|cause| match cause.downcast_ref::<std::io::Error>() {
            Some(io) => io_message(io),
            None => cause.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" : ")
}

/// The finding's code for a serde/toml message.
pub fn toml_code(message: &str) -> &'static str {
    if message.starts_with("unknown field") {
        "champ-inconnu"
    } else if message.starts_with("missing field") {
        "champ-manquant"
    } else if message.starts_with("invalid type") || message.starts_with("invalid value:") {
        "type-incorrect"
    } else if message.starts_with("unknown variant") {
        "valeur-inconnue"
    } else if message.contains("datetime")
        || message.contains("date-time")
        || message.starts_with("invalid date")
        || message.starts_with("invalid time")
    {
        "date-invalide"
    } else {
        "syntaxe-toml"
    }
}

/// Translates a serde/toml message into French, with a hint. `found` is the
/// text the parser points at (to suggest the right spelling of a value).
pub fn toml_message(message: &str, found: &str) -> (String, Option<String>) {
    let message = message.trim();
    let found = found.lines().next().unwrap_or("").trim();
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let words = all_backticked(rest);
        let (field, expected) = words.split_first().map_or(("", &[][..]), |(f, e)| (*f, e));
        let hint = match crate::diag::closest(field, expected.iter().copied()) {
            Some(c) => format!("vouliez-vous dire « {c} » ?"),
            None if expected.is_empty() => "cette table n'accepte aucun champ".into(),
            None => format!("champs possibles : {}", expected.join(", ")),
        };
        return (format!("champ inconnu « {field} »"), Some(hint));
    }
    if let Some(rest) = message.strip_prefix("missing field ") {
        let field = backticked(rest).map_or(rest, |(f, _)| f);
        return (
            format!("champ obligatoire manquant : « {field} »"),
            Some(format!("ajoutez `{field} = …` dans cette table")),
        );
    }
    if let Some(rest) = message.strip_prefix("duplicate field ") {
        let field = backticked(rest).map_or(rest, |(f, _)| f);
        return (
            format!("champ écrit deux fois : « {field} »"),
            Some("supprimez l'une des deux lignes".into()),
        );
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        let words = all_backticked(rest);
        let (value, expected) = words.split_first().map_or(("", &[][..]), |(f, e)| (*f, e));
        let hint = match crate::diag::closest(value, expected.iter().copied()) {
            Some(c) => format!("vouliez-vous dire « {c} » ?"),
            None => format!("valeurs possibles : {}", expected.join(", ")),
        };
        return (format!("valeur inconnue « {value} »"), Some(hint));
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        let (found_type, expected_en) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let expected = french_type(expected_en);
        // A date or an hour typed without quotes where a text is expected
        // (`heure = 18:30`): TOML reads it as a date, serde calls it a map.
        let token = found.split([' ', ',', '}', ']', '#']).next().unwrap_or("");
        let when = token.parse::<toml::value::Datetime>().ok().map(|d| {
            match (d.date.is_some(), d.time.is_some()) {
                (true, true) => "une date et heure",
                (true, false) => "une date",
                _ => "une heure",
            }
        });
        let (found_fr, hint) = match when {
            Some(when) if expected_en.contains("string") => (
                when.to_owned(),
                format!("mettez-la entre guillemets : \"{token}\""),
            ),
            _ => (french_type(found_type), type_hint(expected_en)),
        };
        return (
            format!(
                "type incorrect : {found_fr} {}, {expected} {}",
                agree("trouvé", &found_fr),
                agree("attendu", &expected)
            ),
            Some(hint),
        );
    }
    if let Some(rest) = message.strip_prefix("invalid value: ") {
        let (found_type, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let expected = french_type(expected);
        return (
            format!(
                "valeur incorrecte : {} ({expected} {})",
                french_type(found_type),
                agree("attendu", &expected)
            ),
            Some(type_hint(
                rest.split_once(", expected ").map_or("", |x| x.1),
            )),
        );
    }
    if message.starts_with("invalid length") {
        return (
            "nombre d'éléments incorrect dans la liste".into(),
            Some("vérifiez la forme attendue dans docs/reference.md".into()),
        );
    }
    if let Some(rest) = message
        .strip_prefix("invalid date, expected ")
        .or_else(|| message.strip_prefix("invalid time, expected "))
    {
        return (
            format!("date invalide ou impossible : {}", date_detail(rest)),
            Some("écrivez la date AAAA-MM-JJ, sans guillemets (ex. 2016-06-27), et vérifiez que ce jour existe".into()),
        );
    }
    if message.contains("datetime") || message.contains("date-time") {
        return (
            "date invalide ou impossible".into(),
            Some("écrivez la date AAAA-MM-JJ, sans guillemets (ex. 2016-06-27), et vérifiez que ce jour existe".into()),
        );
    }
    let detail = message.lines().next().unwrap_or(message);
    if detail.starts_with("string values must be quoted") {
        return unquoted(found);
    }
    let known = SYNTAX.iter().find(|(en, _, _)| detail.starts_with(en));
    match known {
        Some((_, fr, hint)) => (
            format!("syntaxe TOML invalide : {fr}"),
            Some((*hint).to_owned()),
        ),
        None => (
            "syntaxe TOML invalide".into(),
            Some("vérifiez les guillemets, les crochets et le signe = sur cette ligne".into()),
        ),
    }
}

/// "day between 01 and 29" and the like, in French.
fn date_detail(rest: &str) -> String {
    let units = [
        ("day", "le jour"),
        ("month", "le mois"),
        ("year", "l'année"),
        ("hour", "l'heure"),
        ("minute", "la minute"),
        ("second", "la seconde"),
    ];
    if let Some((unit, range)) = rest.split_once(" between ")
        && let Some((_, fr)) = units.iter().find(|(en, _)| *en == unit)
        && let Some((a, b)) = range.split_once(" and ")
    {
        return format!("{fr} doit être entre {a} et {b}");
    }
    if let Some(unit) = rest.strip_prefix("a two-digit ") {
        let unit = unit.split(' ').next().unwrap_or("");
        if let Some((_, fr)) = units.iter().find(|(en, _)| *en == unit) {
            return format!("{fr} s'écrit sur deux chiffres");
        }
    }
    if rest.starts_with("a four-digit year") {
        return "l'année s'écrit sur quatre chiffres".into();
    }
    "ce n'est pas une date AAAA-MM-JJ".into()
}

/// A value written without quotes: a French date, an hour, or plain text.
fn unquoted(found: &str) -> (String, Option<String>) {
    let value = found.split('#').next().unwrap_or("").trim();
    if let Some(iso) = french_date(value) {
        return (
            format!("date mal écrite : « {value} »"),
            Some(format!(
                "une date s'écrit {iso}, sans guillemets (année-mois-jour)"
            )),
        );
    }
    let digits = value.chars().any(|c| c.is_ascii_digit());
    let numberish = value
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '\u{a0}' | '\u{202f}' | ',' | '.' | '€'));
    if digits && numberish {
        let plain: String = value
            .chars()
            .filter(|c| c.is_ascii_digit() || matches!(c, ',' | '.'))
            .collect::<String>()
            .replace(',', ".");
        return (
            format!("nombre mal écrit : « {value} »"),
            Some(format!(
                "écrivez le nombre sans espace ni unité, les décimales après un point : {plain}"
            )),
        );
    }
    let hourish = value
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, 'h' | 'H' | ':' | ' '));
    if hourish && digits {
        return (
            format!("heure sans guillemets : « {value} »"),
            Some("une heure s'écrit entre guillemets, ex. heure = \"18:30\"".into()),
        );
    }
    (
        "syntaxe TOML invalide : texte sans guillemets".into(),
        Some(format!(
            "mettez le texte entre guillemets : \"{}\"",
            value.replace('"', "\\\"")
        )),
    )
}

/// `27/06/2016`, `27-06-2016` or `27.06.2016` as `2016-06-27`.
fn french_date(s: &str) -> Option<String> {
    let parts: Vec<&str> = s.split(['/', '.', '-']).collect();
    let [d, m, y] = parts[..] else { return None };
    let (d, m, y): (u32, u32, u32) = (d.parse().ok()?, m.parse().ok()?, y.parse().ok()?);
    ((1..=31).contains(&d) && (1..=12).contains(&m) && (1000..=9999).contains(&y))
        .then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// "attendu" agreeing with a French noun phrase ("une date attendue").
fn agree(word: &str, phrase: &str) -> String {
    let feminine = [
        "une ", "liste", "table", "date", "valeur", "chaîne", "heure",
    ];
    if feminine.iter().any(|f| phrase.starts_with(f)) {
        format!("{word}e")
    } else {
        word.to_owned()
    }
}

/// Between the first two backticks of `s`, and what follows.
fn backticked(s: &str) -> Option<(&str, &str)> {
    let start = s.find('`')? + 1;
    let len = s[start..].find('`')?;
    Some((&s[start..start + len], &s[start + len + 1..]))
}

fn all_backticked(mut s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    while let Some((w, rest)) = backticked(s) {
        out.push(w);
        s = rest;
    }
    out
}

/// serde's names of types and values, in French.
fn french_type(s: &str) -> String {
    let s = s.trim();
    match s {
        "struct Datetime" | "a TOML datetime" | "a datetime" | "datetime" => {
            return "une date".into();
        }
        "a list of names or a count" => return "une liste de noms ou un nombre".into(),
        "an amount in euros (49975 or 52.50)" => {
            return "un montant en euros (49975 ou 52.50)".into();
        }
        "a path to a séance file or a [seance] table" => {
            return "un chemin de fichier de séance ou une table [seance]".into();
        }
        "unit value" | "unit" => return "une valeur vide".into(),
        "option" => return "une valeur facultative".into(),
        "a string or table" | "string or table" => return "un texte ou une table".into(),
        _ => {}
    }
    if s.starts_with("struct ") || s.starts_with("enum ") {
        return "une table".into();
    }
    if let Some(values) = s.strip_prefix("one of ") {
        return format!(
            "l'une des valeurs {}",
            values.replace('`', "« ").replace(", ", " », ")
        );
    }
    let words: [(&str, &str); 22] = [
        ("a string", "un texte"),
        ("string", "texte"),
        ("a borrowed string", "un texte"),
        ("a character", "un caractère"),
        ("char", "caractère"),
        ("integer", "nombre entier"),
        ("floating point", "nombre décimal"),
        ("u64", "un nombre entier positif"),
        ("u32", "un nombre entier positif"),
        ("u16", "un nombre entier positif"),
        ("u8", "un nombre entier positif (0 à 255)"),
        ("i64", "un nombre entier"),
        ("i32", "un nombre entier"),
        ("f64", "un nombre"),
        ("a boolean", "vrai/faux (true/false)"),
        ("boolean", "vrai/faux"),
        ("a sequence", "une liste [ … ]"),
        ("sequence", "liste"),
        ("a map", "une table"),
        ("map", "table"),
        ("tuple variant", "une valeur"),
        ("newtype struct", "une valeur"),
    ];
    for (en, fr) in words {
        if let Some(rest) = s.strip_prefix(en) {
            return format!("{fr}{rest}");
        }
    }
    s.to_owned()
}

fn type_hint(expected: &str) -> String {
    if expected.contains("Datetime") || expected.contains("date") {
        "écrivez la date AAAA-MM-JJ, sans guillemets (ex. 2016-06-27)".into()
    } else if expected.contains("string") {
        "mettez le texte entre guillemets : \"…\"".into()
    } else if expected.contains("sequence") {
        "écrivez une liste : [\"…\", \"…\"]".into()
    } else if expected.contains("bool") {
        "écrivez true ou false, sans guillemets".into()
    } else if expected.starts_with('u')
        || expected.starts_with('i')
        || expected.contains("integer")
        || expected.contains("count")
        || expected.contains("amount")
    {
        "écrivez un nombre sans guillemets ni espace".into()
    } else {
        "vérifiez la forme attendue dans docs/reference.md".into()
    }
}

/// A tera (template engine) complaint in French; the English text never
/// passes through. `message` is tera's, `syntax` whether the template did not
/// parse, `offset` where tera points in `text`. Returns the message, a hint
/// when there is a better one than the generic, and the offset to show
/// (moved to the start of an unknown `a.b.c`).
pub fn tera_detail(
    message: &str,
    syntax: bool,
    text: &str,
    offset: Option<usize>,
) -> (String, Option<String>, Option<usize>) {
    // The first `…` of tera's message: the name it complains about.
    let named = message.split('`').nth(1).unwrap_or("");
    // The word of the template at the offset (a tag name).
    let word: String = offset
        .and_then(|o| text.get(o..))
        .unwrap_or("")
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    // Candidates tera lists after "Available fields: " / "Available variables: ".
    let available: Vec<&str> = message
        .split_once("Available ")
        .and_then(|(_, r)| r.split_once(": "))
        .map(|(_, list)| list.split(", ").map(str::trim).collect())
        .unwrap_or_default();
    // A close name, else the list when it is short enough to read.
    let suggestion = crate::diag::closest(named, available.iter().copied())
        .map(|c| format!("vouliez-vous dire « {c} » ?"))
        .or_else(|| {
            (!available.is_empty() && available.len() <= 30)
                .then(|| format!("noms possibles ici : {}", available.join(", ")))
        });
    let plain = |m: String| (m, None, offset);
    if let Some(what) = [
        ("Unknown filter ", "filtre « {} » inconnu"),
        ("Unknown test ", "test « {} » inconnu"),
        ("Unknown function ", "fonction « {} » inconnue"),
        ("Unknown component ", "composant « {} » inconnu"),
    ]
    .iter()
    .find(|(prefix, _)| message.starts_with(prefix))
    .map(|(_, fr)| fr.replace("{}", named))
    {
        return plain(what);
    }
    if message.starts_with("Unknown template ") {
        return (
            format!("modèle « {named} » introuvable"),
            Some("seuls les modèles intégrés et ceux du répertoire templates/ existent".into()),
            offset,
        );
    }
    if message.starts_with("Circular") {
        return plain("un modèle s'inclut lui-même (inclusion circulaire)".into());
    }
    if message.starts_with("Field ") && message.contains("is not defined") {
        // tera points at the unknown field; show the whole `a.b.field`.
        let (expr, start) = match offset {
            Some(o) if text.is_char_boundary(o) => {
                let start = text[..o]
                    .rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
                    .map_or(0, |i| i + 1);
                // `a[0].field`: from the field's own dot.
                let start =
                    start + text[start..o].len() - text[start..o].trim_start_matches('.').len();
                let end = o + text[o..]
                    .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .unwrap_or(text.len() - o);
                (text[start..end].to_owned(), Some(start))
            }
            _ => (named.to_owned(), offset),
        };
        return (format!("variable « {expr} » inconnue"), suggestion, start);
    }
    if message.starts_with("Variable ") && message.contains("is not defined") {
        return (format!("variable « {named} » inconnue"), suggestion, offset);
    }
    if message.contains("undefined") {
        return (
            "valeur absente dans ce dossier".into(),
            Some("entourez-la de {% if … %} … {% endif %}, ou écrivez {{ … | default(value=\"…\") }}".into()),
            offset,
        );
    }
    if syntax {
        let (what, hint): (String, Option<&str>) = if message.starts_with("Unexpected end of input")
        {
            (
                "le modèle finit dans un bloc {% … %} non fermé (il manque {% endif %} ou {% endfor %} ?)".into(),
                None,
            )
        } else if message.starts_with("Unknown tag") {
            if word.starts_with("end") || word == "else" || word == "elif" {
                (format!("balise {{% {word} %}} sans ouverture"), None)
            } else if ["macro", "import", "call"].contains(&word.as_str()) {
                (
                    format!("balise « {word} » inconnue"),
                    Some(
                        "les macros n'existent plus depuis tera 2 : écrivez un composant, {% component nom(…) %} … {% endcomponent nom %}",
                    ),
                )
            } else {
                (format!("balise « {word} » inconnue"), None)
            }
        } else if let Some((found, expected)) = message
            .strip_prefix("Found ")
            .and_then(|r| r.split_once(" but expected "))
        {
            // The character before the offending token.
            let before = offset
                .and_then(|o| text.get(..o))
                .and_then(|b| b.trim_end().chars().last());
            if expected.contains("identifier") && matches!(before, Some('(' | ',')) {
                (
                    "argument sans nom".into(),
                    Some(
                        "les arguments des filtres et des tests sont nommés : join(sep=\", \"), truncate(length=80)",
                    ),
                )
            } else if found == "integer" && expected.contains("identifier") {
                (
                    "un nombre après un point".into(),
                    Some("écrivez liste[0] et non liste.0 pour le premier élément d'une liste"),
                )
            } else if expected.contains("one of: integer") {
                ("valeur manquante dans l'expression".into(), None)
            } else if expected.contains("}}") {
                (
                    "balise {{ … }} non fermée ou expression incomplète".into(),
                    None,
                )
            } else if expected.contains("%}") {
                ("balise {% … %} non fermée ou mal écrite".into(), None)
            } else {
                ("balise mal écrite".into(), None)
            }
        } else if message.starts_with("String opened") {
            ("texte entre guillemets non fermé".into(), None)
        } else if message.starts_with("Closing comment") {
            ("commentaire {# … #} non fermé".into(), None)
        } else if message.contains("reserved keyword") {
            (format!("« {word} » est un mot réservé de tera"), None)
        } else {
            ("balise mal écrite".into(), None)
        };
        return (
            format!("syntaxe invalide : {what}"),
            hint.map(str::to_owned),
            offset,
        );
    }
    let what = if message.contains("divide") || message.starts_with("Unable to perform") {
        "calcul impossible dans le modèle".into()
    } else if message.starts_with("Cannot compare") {
        "comparaison impossible entre des valeurs de types différents".into()
    } else if message.starts_with("Missing keyword argument") {
        format!("argument « {named} » manquant")
    } else if message.starts_with("Invalid type") || message.contains("has no length") {
        "valeur d'un type inattendu pour ce filtre ou ce test".into()
    } else if message.starts_with("Iteration not possible") {
        "boucle {% for %} sur une valeur qui n'est ni une liste ni une table".into()
    } else {
        "le modèle ne peut pas être rendu".into()
    };
    plain(what)
}

/// The TOML parser's complaints, in French: (prefix, message, hint).
/// Longer prefixes come before the shorter ones they start with.
const SYNTAX: &[(&str, &str, &str)] = &[
    (
        "unexpected key or value",
        "texte en trop après la valeur",
        "une ligne ne porte qu'un champ = valeur ; mettez le texte entre les guillemets, ou commencez un commentaire par #",
    ),
    (
        "unexpected content between comment and newline",
        "caractère interdit dans un commentaire",
        "retirez ce caractère de contrôle",
    ),
    (
        "unexpected content",
        "texte inattendu",
        "une ligne porte un en-tête [table], un champ = valeur ou un commentaire # …",
    ),
    (
        "unexpected `=` in array",
        "signe = dans une liste",
        "une liste contient des valeurs séparées par des virgules : [\"a\", \"b\"] ; pour des champs nommés, écrivez { nom = … }",
    ),
    (
        "unexpected leading zero",
        "nombre commençant par 0",
        "écrivez le nombre sans 0 en tête, ou entre guillemets si c'est un code",
    ),
    (
        "unexpected sign",
        "signe + ou - mal placé",
        "écrivez le nombre sans espace ni signe superflu",
    ),
    (
        "invalid basic string",
        "texte non fermé",
        "fermez le texte par un guillemet \" sur la même ligne, ou utilisez \"\"\" … \"\"\" pour un texte sur plusieurs lignes",
    ),
    (
        "invalid multi-line basic string",
        "texte sur plusieurs lignes non fermé",
        "fermez-le par \"\"\"",
    ),
    (
        "invalid multi-line literal string",
        "texte sur plusieurs lignes non fermé",
        "fermez-le par '''",
    ),
    (
        "invalid literal string",
        "texte non fermé",
        "fermez le texte par une apostrophe ' sur la même ligne",
    ),
    (
        "duplicate key",
        "champ ou table écrit deux fois",
        "supprimez l'un des deux, ou réunissez leurs lignes",
    ),
    (
        "cannot extend value of type",
        "table déjà écrite d'une autre façon",
        "écrivez ses champs au même endroit, soit en [table], soit en { … }",
    ),
    (
        "missing comma between array elements",
        "virgule manquante entre deux éléments de la liste",
        "séparez les éléments par des virgules : [\"a\", \"b\"]",
    ),
    (
        "missing comma between key-value pairs",
        "virgule manquante entre deux champs de la table { … }",
        "séparez les champs par des virgules : { nom = \"…\", qualite = \"…\" }",
    ),
    (
        "missing assignment between key-value pairs",
        "signe = manquant",
        "écrivez champ = valeur",
    ),
    (
        "missing value for key",
        "valeur manquante après =",
        "écrivez une valeur : un texte entre guillemets, un nombre, une date ou une liste",
    ),
    (
        "missing value",
        "valeur manquante après =",
        "écrivez une valeur : un texte entre guillemets, un nombre, une date ou une liste",
    ),
    (
        "missing key for inline table element",
        "nom de champ manquant dans la table { … }",
        "écrivez { champ = valeur, … }",
    ),
    (
        "missing inline table opening",
        "accolade ouvrante { manquante",
        "une table en ligne s'écrit { champ = valeur }",
    ),
    (
        "missing array opening",
        "crochet ouvrant [ manquant",
        "une liste s'écrit [\"a\", \"b\"]",
    ),
    (
        "missing table open",
        "crochet ouvrant [ manquant dans l'en-tête",
        "écrivez l'en-tête ainsi : [deliberation]",
    ),
    (
        "missing opening quote",
        "guillemet ouvrant manquant",
        "mettez le texte entre guillemets : \"…\"",
    ),
    (
        "missing escaped value",
        "barre oblique inverse \\ isolée",
        "écrivez \\\\ pour une barre oblique inverse, ou mettez le texte entre apostrophes '…'",
    ),
    (
        "missing comment start",
        "texte en trop",
        "commencez un commentaire par #",
    ),
    (
        "key with no value",
        "champ sans valeur",
        "écrivez le signe = puis la valeur : lieu = \"Salle des fêtes\"",
    ),
    (
        "unclosed array table",
        "en-tête [[ … ]] non fermé",
        "écrivez l'en-tête ainsi : [[annexes]]",
    ),
    (
        "unclosed array",
        "liste non fermée",
        "fermez la liste par ]",
    ),
    (
        "unclosed table",
        "en-tête de table non fermé",
        "écrivez l'en-tête ainsi : [deliberation]",
    ),
    (
        "unclosed inline table",
        "table en ligne non fermée",
        "fermez-la par } sur la même ligne",
    ),
    (
        "extra comma in inline table",
        "virgule en trop dans la table { … }",
        "supprimez la virgule après le dernier champ",
    ),
    (
        "extra comma in array",
        "virgule en trop dans la liste",
        "supprimez la virgule en double",
    ),
    (
        "extra assignment between key-value pairs",
        "signe = en trop",
        "une ligne porte un seul champ = valeur",
    ),
    (
        "extra `=`",
        "signe = en trop",
        "une ligne porte un seul champ = valeur",
    ),
    (
        "unquoted keys cannot be empty",
        "nom de champ vide",
        "écrivez le nom du champ avant le signe =",
    ),
    (
        "keys cannot be multi-line",
        "nom de champ invalide",
        "les noms de champ s'écrivent sans accent ni espace (ex. membres_en_exercice)",
    ),
    (
        "invalid unquoted key",
        "nom de champ invalide",
        "les noms de champ s'écrivent sans accent ni espace (ex. membres_en_exercice)",
    ),
    (
        "invalid key-value pair",
        "ligne invalide",
        "écrivez champ = valeur",
    ),
    (
        "invalid key",
        "nom de champ invalide",
        "les noms de champ s'écrivent sans accent ni espace (ex. membres_en_exercice)",
    ),
    (
        "invalid inline table element",
        "élément invalide dans la table { … }",
        "écrivez { champ = valeur, … }",
    ),
    (
        "invalid comment character",
        "caractère interdit dans un commentaire",
        "retirez ce caractère de contrôle",
    ),
    (
        "invalid string",
        "texte invalide",
        "mettez le texte entre guillemets : \"…\"",
    ),
    (
        "invalid table",
        "en-tête de table invalide",
        "écrivez l'en-tête ainsi : [deliberation]",
    ),
    (
        "invalid boolean",
        "valeur invalide",
        "écrivez true ou false, sans guillemets",
    ),
    (
        "invalid value",
        "valeur invalide",
        "écrivez un texte entre guillemets, un nombre, une date AAAA-MM-JJ, true/false ou une liste [ … ]",
    ),
    (
        "carriage return must be followed by newline",
        "retour chariot isolé",
        "enregistrez le fichier avec des fins de ligne ordinaires",
    ),
    (
        "too few unicode value digits",
        "séquence \\u incomplète",
        "écrivez \\u suivi de 4 chiffres hexadécimaux, ou tapez directement le caractère",
    ),
    (
        "cannot recurse further",
        "imbrication trop profonde",
        "réduisez le nombre de listes et de tables imbriquées",
    ),
    (
        "recursion limit",
        "imbrication trop profonde",
        "réduisez le nombre de listes et de tables imbriquées",
    ),
    (
        "integer number overflowed",
        "nombre trop grand",
        "écrivez un nombre plus petit",
    ),
    (
        "floating-point number overflowed",
        "nombre trop grand",
        "écrivez un nombre plus petit",
    ),
    (
        "wanted string or table",
        "un texte ou une table est attendu",
        "mettez le texte entre guillemets : \"…\"",
    ),
    (
        "integers with a radix cannot be signed",
        "nombre invalide",
        "écrivez le nombre sans espace ni unité (ex. 49975)",
    ),
    (
        "radix must be lowercase",
        "nombre invalide",
        "écrivez le nombre sans espace ni unité (ex. 49975)",
    ),
    (
        "redundant",
        "nombre invalide",
        "écrivez le nombre sans espace ni unité (ex. 49975)",
    ),
    (
        "`_` may only go between digits",
        "nombre invalide",
        "écrivez le nombre sans espace ni unité (ex. 49975)",
    ),
    (
        "invalid integer number",
        "nombre invalide",
        "écrivez le nombre sans espace ni unité (ex. 49975)",
    ),
    (
        "invalid float",
        "nombre invalide",
        "écrivez le nombre avec un point décimal : 52.50",
    ),
    (
        "invalid fraction",
        "nombre invalide",
        "écrivez le nombre avec un point décimal : 52.50",
    ),
    (
        "invalid exponent",
        "nombre invalide",
        "écrivez le nombre avec un point décimal : 52.50",
    ),
    (
        "invalid mantissa",
        "nombre invalide",
        "écrivez le nombre avec un point décimal : 52.50",
    ),
    (
        "invalid hexadecimal number",
        "nombre invalide",
        "écrivez le nombre en chiffres décimaux",
    ),
    (
        "invalid octal number",
        "nombre invalide",
        "écrivez le nombre en chiffres décimaux",
    ),
    (
        "invalid binary number",
        "nombre invalide",
        "écrivez le nombre en chiffres décimaux",
    ),
];

/// Where multi-line strings (`"""` or `'''`) open and close; `None`: never closed.
fn multiline_strings(text: &str) -> Vec<(usize, Option<usize>)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            q @ (b'"' | b'\'') if b[i..].starts_with(&[q, q, q]) => {
                let start = i;
                i += 3;
                let mut end = None;
                while i < b.len() {
                    if q == b'"' && b[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    if b[i..].starts_with(&[q, q, q]) {
                        // Up to two more quotes belong to the text.
                        let mut j = i + 3;
                        while j < b.len() && b[j] == q && j < i + 5 {
                            j += 1;
                        }
                        end = Some(j);
                        i = j;
                        break;
                    }
                    i += 1;
                }
                out.push((start, end));
                if end.is_none() {
                    break;
                }
            }
            q @ (b'"' | b'\'') => {
                i += 1;
                while i < b.len() && b[i] != q && b[i] != b'\n' {
                    if q == b'"' && b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    out
}

/// Does this text contain a line that looks like TOML (`[table]` or `champ = …`)?
fn looks_like_toml(text: &str) -> bool {
    text.lines().any(|l| {
        let l = l.trim();
        let header = l.starts_with('[')
            && l.ends_with(']')
            && l.trim_matches(['[', ']'])
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
        let key = l.split_once('=').is_some_and(|(k, v)| {
            let k = k.trim();
            !k.is_empty()
                && !v.trim().is_empty()
                && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && k.chars().any(|c| c.is_ascii_lowercase())
        });
        header || key
    })
}

/// A syntax error caused by a multi-line string left open: the parser
/// notices it far below (at the next `"""`, or at the end of the file);
/// returns where the string opened and the French wording.
pub fn unclosed_multiline(text: &str, error_at: usize) -> Option<(usize, String, String)> {
    let (start, end) = multiline_strings(text)
        .into_iter()
        .take_while(|(s, _)| *s < error_at)
        .last()?;
    let quote = &text[start..start + 3];
    match end {
        None => Some((
            start,
            "syntaxe TOML invalide : texte sur plusieurs lignes jamais fermé".into(),
            format!("fermez le texte ouvert ici par {quote} là où il finit"),
        )),
        Some(end) if end <= error_at && looks_like_toml(&text[start + 3..end - 3]) => {
            let line = text[..end].matches('\n').count() + 1;
            Some((
                start,
                "syntaxe TOML invalide : texte sur plusieurs lignes mal fermé".into(),
                format!(
                    "le {quote} ouvert ici ne se ferme qu'à la ligne {line}, en avalant les champs qui suivent : fermez le texte par {quote} là où il finit"
                ),
            ))
        }
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn translates_unknown_field_with_suggestion() {
        let (m, h) = toml_message(
            "unknown field `objett`, expected one of `numero`, `objet`",
            "",
        );
        assert_eq!(m, "champ inconnu « objett »");
        assert_eq!(h.as_deref(), Some("vouliez-vous dire « objet » ?"));
    }

    #[test]
    fn translates_syntax_errors_and_never_passes_english_through() {
        let (m, h) = toml_message("unexpected key or value, expected newline, `#`", "");
        assert_eq!(m, "syntaxe TOML invalide : texte en trop après la valeur");
        assert!(h.unwrap().contains("guillemets"));
        let (m, h) = toml_message("something new, expected whatever", "");
        assert_eq!(m, "syntaxe TOML invalide");
        assert!(!h.unwrap().contains("whatever"));
    }

    #[test]
    fn a_french_date_gets_its_iso_spelling() {
        let (m, h) = toml_message(
            "string values must be quoted, expected literal string",
            "27/06/2016\n",
        );
        assert_eq!(m, "date mal écrite : « 27/06/2016 »");
        assert!(
            h.unwrap()
                .starts_with("une date s'écrit 2016-06-27, sans guillemets")
        );
        let (m, h) = toml_message(
            "string values must be quoted, expected literal string",
            "Salle de Flore",
        );
        assert_eq!(m, "syntaxe TOML invalide : texte sans guillemets");
        assert_eq!(
            h.as_deref(),
            Some("mettez le texte entre guillemets : \"Salle de Flore\"")
        );
    }

    #[test]
    fn expected_agrees_in_gender() {
        let (m, _) = toml_message(
            "invalid type: string \"2016-06-27\", expected a TOML datetime",
            "",
        );
        assert_eq!(
            m,
            "type incorrect : texte \"2016-06-27\" trouvé, une date attendue"
        );
        let (m, _) = toml_message("invalid type: integer `3`, expected a string", "");
        assert_eq!(
            m,
            "type incorrect : nombre entier `3` trouvé, un texte attendu"
        );
    }

    #[test]
    fn translates_missing_field() {
        let (m, _) = toml_message("missing field `objet`", "");
        assert_eq!(m, "champ obligatoire manquant : « objet »");
    }

    #[test]
    fn io_errors_are_french() {
        for kind in [
            ErrorKind::NotFound,
            ErrorKind::NotADirectory,
            ErrorKind::ReadOnlyFilesystem,
            ErrorKind::StorageFull,
            ErrorKind::PermissionDenied,
        ] {
            let m = io_message(&std::io::Error::from(kind));
            assert!(!m.is_empty(), "{m}");
            assert!(!m.contains("os error") && !m.contains("No "), "{m}");
        }
        assert_eq!(
            io_message(&std::io::Error::from_raw_os_error(28)),
            "plus de place sur le disque"
        );
        assert_eq!(
            io_message(&std::io::Error::from_raw_os_error(20)),
            "un élément du chemin est un fichier, pas un répertoire"
        );
    }

    #[test]
    fn an_unclosed_multiline_string_is_found_where_it_opens() {
        let text = "a = \"\"\"\ntexte\nb = [\"x\"]\n[t]\nc = \"\"\"\nz\n\"\"\"\n";
        let (at, m, _) = unclosed_multiline(text, text.find("z\n").unwrap()).unwrap();
        assert_eq!(at, 4);
        assert!(m.contains("mal fermé"), "{m}");
        let text = "a = 1\nb = \"\"\"\ntexte\n";
        let (at, m, _) = unclosed_multiline(text, text.len()).unwrap();
        assert_eq!(at, 10);
        assert!(m.contains("jamais fermé"), "{m}");
        // A string properly closed above the error is not blamed.
        let text = "a = \"\"\"\ntexte\n\"\"\"\nb = ?\n";
        assert!(unclosed_multiline(text, text.find('?').unwrap()).is_none());
    }
}
