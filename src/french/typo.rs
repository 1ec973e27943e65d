//! French typography on user text (Markdown), and the matching lint.
//!
//! Both [`typographie`] and [`lint`] rely on one analysis of the text, so a
//! lint warning is raised exactly where rendering fixes the text.
//!
//! Text that is never touched: fenced code blocks, inline code spans, link
//! destinations `](…)` and URL-like words (`http://…`, `www.…`, `mailto:…`).
//!
//! What [`typographie`] does, in the order a reader meets it (the rules are
//! listed for clerks in `docs/typesetting.md`): no-break spaces before
//! `: ; ! ?` and inside « », curly apostrophes, digit groups of amounts,
//! a civility held to its name; straight quotes `"…"` become « … » (“…”
//! inside them), `...` becomes `…`, a hyphen between two spaces becomes a
//! dash `–`; a day and its month, a postcode and its town, « Cedex » and
//! its number are joined by no-break spaces.

use super::date::MOIS;

/// No-break space, before `:`.
const NBSP: char = '\u{a0}';
/// Narrow no-break space, before `;` `!` `?` `»` and after `«`.
const NNBSP: char = '\u{202f}';

/// A typography warning on user text; `start..end` are byte offsets into the linted string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lint {
    /// Byte offset of the first character concerned.
    pub start: usize,
    /// Byte offset just past the last character concerned.
    pub end: usize,
    /// Stable identifier of the rule, e.g. `typo-espace`.
    pub code: &'static str,
    /// What is wrong, in French.
    pub message: String,
    /// What to do about it, in French.
    pub hint: String,
}

/// Civilities and titles joined to the name that follows by a no-break space.
const CIVILITIES: [&str; 11] = [
    "M.", "MM.", "Mme", "Mmes", "Mlle", "Mlles", "Me", "Mes", "Dr", "Pr", "Mgr",
];

/// Whether `c` is a horizontal space that typography may normalise.
fn is_hspace(c: char) -> bool {
    matches!(c, ' ' | NBSP | NNBSP)
}

/// Whether `c` closes a word, so that `;` `!` `?` right after it gets a narrow space.
fn is_closing(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, ')' | ']' | '}' | '»' | '”' | '"' | '*' | '_')
}

/// The text as characters, with what may not be touched.
struct Text {
    chars: Vec<char>,
    /// Byte offset of each character, plus the length of the text at the end.
    offsets: Vec<usize>,
    /// Characters in code (fenced or inline) or in a link destination.
    protected: Vec<bool>,
    /// Characters of a URL-like word.
    url: Vec<bool>,
    /// Positions whose line text before them is only Markdown block markers.
    after_markers: Vec<bool>,
}

impl Text {
    fn new(s: &str) -> Text {
        let (offsets, chars): (Vec<usize>, Vec<char>) = s.char_indices().unzip();
        let mut offsets = offsets;
        offsets.push(s.len());
        let mut t = Text {
            protected: vec![false; chars.len()],
            url: vec![false; chars.len()],
            after_markers: vec![false; chars.len()],
            chars,
            offsets,
        };
        t.mark_fences();
        t.mark_code_spans();
        t.mark_link_destinations();
        t.mark_urls();
        t.mark_block_markers();
        t
    }

    /// Whether the space at `i` separates groups of an amount: 1 to 3 digits
    /// (not part of a longer number, a year or a decimal) before, exactly 3 after.
    fn is_digit_group(&self, i: usize) -> bool {
        let digit = |j: usize| self.get(j).is_some_and(|c| c.is_ascii_digit());
        let left = (0..i).rev().take_while(|&j| digit(j)).count();
        let before = i.checked_sub(left + 1).and_then(|j| self.get(j));
        let left_ok = (1..=3).contains(&left)
            && before.is_none_or(|c| {
                !matches!(c, ',' | '.' | '…' | '/' | '-' | '_') && !c.is_alphanumeric()
            });
        let right = (i + 1..).take_while(|&j| digit(j)).count();
        left_ok
            && right == 3
            && (left == 3 || before.is_none_or(|c| c != '\u{202f}'))
            && self.free(i)
    }

    /// Whether the word ending just before `i` is a civility or a title that
    /// must stay on the line of the name it precedes.
    fn civility_before(&self, i: usize) -> bool {
        let start = (0..i)
            .rev()
            .find(|&j| !(self.chars[j].is_alphabetic() || self.chars[j] == '.'))
            .map_or(0, |j| j + 1);
        if start == i || !self.free(start) {
            return false;
        }
        let word = &self.chars[start..i];
        CIVILITIES
            .iter()
            .any(|c| c.len() == word.len() && c.chars().eq(word.iter().copied()))
    }

    fn get(&self, i: usize) -> Option<char> {
        self.chars.get(i).copied()
    }

    /// Whether the character at `i` may be changed (or have something inserted before it).
    fn free(&self, i: usize) -> bool {
        !self.protected[i] && !self.url[i]
    }

    /// Character ranges of the lines, without their `\n`.
    fn lines(&self) -> Vec<(usize, usize)> {
        let mut lines = Vec::new();
        let mut start = 0;
        for (i, &c) in self.chars.iter().enumerate() {
            if c == '\n' {
                lines.push((start, i));
                start = i + 1;
            }
        }
        lines.push((start, self.chars.len()));
        lines
    }

    /// Protects fenced code blocks (``` or ~~~), fences included; an unclosed fence runs to the end.
    fn mark_fences(&mut self) {
        let mut open: Option<(char, usize)> = None;
        for (start, end) in self.lines() {
            let line = &self.chars[start..end];
            let indent = line.iter().take_while(|&&c| c == ' ').count();
            let fence = (indent <= 3)
                .then(|| line.get(indent).copied())
                .flatten()
                .filter(|&c| c == '`' || c == '~')
                .map(|c| (c, line[indent..].iter().take_while(|&&x| x == c).count()))
                .filter(|&(_, n)| n >= 3);
            match (open, fence) {
                // A backtick fence's info string may not contain a backtick.
                (None, Some((c, n))) if c == '~' || !line[indent + n..].contains(&'`') => {
                    open = Some((c, n));
                }
                (Some((c, n)), Some((c2, n2)))
                    if c == c2
                        && n2 >= n
                        && line[indent + n2..].iter().all(|c| c.is_whitespace()) =>
                {
                    self.protected[start..end].fill(true);
                    open = None;
                    continue;
                }
                _ => {}
            }
            if open.is_some() {
                self.protected[start..end].fill(true);
            }
        }
    }

    /// Protects inline code spans: a run of n backticks up to the next run of exactly n.
    fn mark_code_spans(&mut self) {
        let run_at = |t: &Text, i: usize| {
            t.chars[i..]
                .iter()
                .zip(&t.protected[i..])
                .take_while(|&(&c, &p)| c == '`' && !p)
                .count()
        };
        let mut i = 0;
        while i < self.chars.len() {
            if self.chars[i] != '`' || self.protected[i] {
                i += 1;
                continue;
            }
            if i > 0 && self.chars[i - 1] == '\\' {
                // An escaped backtick is literal.
                i += 1;
                continue;
            }
            let n = run_at(self, i);
            let mut j = i + n;
            let mut close = None;
            while j < self.chars.len() && !self.protected[j] {
                if self.chars[j] == '`' {
                    let m = run_at(self, j);
                    if m == n {
                        close = Some(j + m);
                        break;
                    }
                    j += m;
                } else {
                    j += 1;
                }
            }
            match close {
                Some(end) => {
                    self.protected[i..end].fill(true);
                    i = end;
                }
                None => i += n,
            }
        }
    }

    /// Protects link and image destinations: `](` up to the matching `)` on the same line.
    fn mark_link_destinations(&mut self) {
        // The matching `)` of every `(`, found once with a stack per line, so
        // that a long run of unclosed `](` costs one pass, not one per `](`.
        let mut closing = vec![usize::MAX; self.chars.len()];
        let mut open = Vec::new();
        for (j, &c) in self.chars.iter().enumerate() {
            match c {
                '\n' => open.clear(),
                '(' => open.push(j),
                ')' => {
                    if let Some(o) = open.pop() {
                        closing[o] = j;
                    }
                }
                _ => {}
            }
        }
        let mut i = 0;
        while i + 1 < self.chars.len() {
            if self.chars[i] == ']'
                && self.chars[i + 1] == '('
                && !self.protected[i]
                && !self.protected[i + 1]
                && closing[i + 1] != usize::MAX
            {
                let end = closing[i + 1] + 1;
                self.protected[i + 1..end].fill(true);
                i = end;
                continue;
            }
            i += 1;
        }
    }

    /// Marks whitespace-delimited words that look like URLs or e-mail links.
    fn mark_urls(&mut self) {
        let mut i = 0;
        while i < self.chars.len() {
            if self.chars[i].is_whitespace() {
                i += 1;
                continue;
            }
            let end = (i..self.chars.len())
                .find(|&j| self.chars[j].is_whitespace())
                .unwrap_or(self.chars.len());
            let slice = &self.chars[i..end];
            if !slice.iter().any(|&c| c == ':' || c == 'w' || c == 'W') {
                i = end;
                continue;
            }
            let word: String = slice.iter().collect::<String>().to_lowercase();
            let bare = word.trim_start_matches(|c: char| !c.is_alphanumeric());
            if word.contains("://") || word.contains("mailto:") || bare.starts_with("www.") {
                self.url[i..end].fill(true);
            }
            i = end;
        }
    }

    /// Whether the `;` at `i` ends an HTML entity such as `&amp;` or `&#233;`.
    fn ends_entity(&self, i: usize) -> bool {
        let name_len = self.chars[..i]
            .iter()
            .rev()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == '#')
            .count();
        let amp = i - name_len;
        if name_len < 2 || amp == 0 || self.chars[amp - 1] != '&' {
            return false;
        }
        let name: String = self.chars[amp..i].iter().collect();
        if let Some(num) = name.strip_prefix('#') {
            match num.strip_prefix(['x', 'X']) {
                Some(hex) => !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit()),
                None => num.chars().all(|c| c.is_ascii_digit()),
            }
        } else {
            name.starts_with(|c: char| c.is_ascii_alphabetic()) && !name.contains('#')
        }
    }

    /// Marks, for every line, the positions whose line text before them is
    /// only Markdown block markers (`-`, `*`, `1.`, `>`, `#`): one pass over
    /// each line, each token checked once.
    fn mark_block_markers(&mut self) {
        fn is_marker(t: &[char]) -> bool {
            let all = |f: fn(char) -> bool| t.iter().all(|&c| f(c));
            matches!(t, ['-' | '*' | '+' | '>'])
                || (t.len() <= 6 && all(|c| c == '#'))
                || all(|c| c == '>')
                || t.split_last().is_some_and(|(last, d)| {
                    matches!(last, '.' | ')')
                        && !d.is_empty()
                        && d.len() <= 9
                        && d.iter().all(|c| c.is_ascii_digit())
                })
        }
        let allowed = |c: char| {
            matches!(c, '-' | '*' | '+' | '>' | '#' | '.' | ')' | ' ' | '\t') || c.is_ascii_digit()
        };
        for (start, end) in self.lines() {
            // Every token completed so far is a marker, and how many there were.
            let mut tokens = 0usize;
            let mut token_start: Option<usize> = None;
            for j in start..end {
                // The answer is asked only where a space follows a token.
                if is_hspace(self.chars[j])
                    && let Some(s) = token_start
                    && is_marker(&self.chars[s..j])
                {
                    self.after_markers[j] = true;
                } else if is_hspace(self.chars[j]) && token_start.is_none() && tokens > 0 {
                    self.after_markers[j] = true;
                }
                let c = self.chars[j];
                if !allowed(c) {
                    break;
                }
                if c == ' ' || c == '\t' {
                    if let Some(s) = token_start.take() {
                        if !is_marker(&self.chars[s..j]) {
                            break;
                        }
                        tokens += 1;
                    }
                } else if token_start.is_none() {
                    token_start = Some(j);
                }
            }
        }
    }

    /// Whether the line text before `i` is only Markdown block markers (`-`, `*`, `1.`, `>`, `#`).
    fn only_block_markers_before(&self, i: usize) -> bool {
        self.after_markers[i]
    }
}

/// What a straight quote `"` is, once paired with its partner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quote {
    /// Not a quotation mark (inches, a lone quote): left as typed.
    None,
    /// Opens a quotation, nested `level` deep (0: « , 1 and more: “).
    Open(usize),
    /// Closes a quotation (0: » , 1 and more: ”).
    Close(usize),
}

/// Characters that may stand before an opening quote, or after a closing one,
/// besides spaces and the ends of the text.
const BEFORE_OPENING: &str = "([{—–-/";
const AFTER_CLOSING: &str = ".,;:!?)]}…";

/// What each straight quote `"` of the text is, pairing them as a reader
/// would: a quote after a space (or an opening bracket) and before a letter
/// opens, one after a letter and before a space (or punctuation) closes, a
/// quote between two spaces (« dit " oui " ») closes the open quotation if
/// there is one and opens one otherwise. A quotation does not run over a
/// blank line; unpaired quotes and quotes inside a word (`12"`) stay as typed.
/// Emphasis markers (`*`, `_`), other quotes and narrow no-break spaces
/// around a quote are looked through, so that a quote is read the same
/// once its neighbours are set (idempotence).
fn quotes(t: &Text) -> Vec<Quote> {
    let n = t.chars.len();
    let mut roles = vec![Quote::None; n];
    let mut open: Vec<usize> = Vec::new();
    let emphasis = |c: char| matches!(c, '*' | '_' | '"' | '«' | '»' | '“' | '”' | NNBSP);
    for i in 0..n {
        let c = t.chars[i];
        if c == '\n' {
            // A blank line ends the paragraph and its open quotations.
            let blank = t.chars[i + 1..]
                .iter()
                .take_while(|&&c| c != '\n')
                .all(|&c| c.is_whitespace());
            if blank {
                open.clear();
            }
            continue;
        }
        if c != '"' || !t.free(i) {
            continue;
        }
        let prev = t.chars[..i].iter().rev().find(|&&c| !emphasis(c)).copied();
        let next = t.chars[i + 1..].iter().find(|&&c| !emphasis(c)).copied();
        let left = prev.is_none_or(|p| p.is_whitespace() || BEFORE_OPENING.contains(p));
        let right = next.is_none_or(|x| x.is_whitespace() || AFTER_CLOSING.contains(x));
        let opens = match (left, right) {
            (true, false) => true,
            (false, true) => false,
            (true, true) => open.is_empty(),
            (false, false) => continue,
        };
        if opens {
            open.push(i);
        } else if let Some(o) = open.pop() {
            roles[o] = Quote::Open(open.len());
            roles[i] = Quote::Close(open.len());
        }
    }
    roles
}

/// The role of the character at `i` if it is a straight quote.
fn quote_at(roles: &[Quote], i: usize) -> Quote {
    roles.get(i).copied().unwrap_or(Quote::None)
}

/// The run of letters and digits that ends just before `i`, if the
/// character before it is not one that glues it to more (`2016-06-27`,
/// `art. 2.1`, a digit group).
fn word_before(t: &Text, i: usize) -> Option<(usize, usize)> {
    let start = (0..i)
        .rev()
        .find(|&j| !t.chars[j].is_alphanumeric())
        .map_or(0, |j| j + 1);
    let glued = start
        .checked_sub(1)
        .is_some_and(|j| matches!(t.chars[j], ',' | '.' | '…' | '/' | '-' | '_'));
    (start < i && !glued && t.free(start)).then_some((start, i))
}

/// The run of letters and digits that starts at `i`.
fn word_after(t: &Text, i: usize) -> (usize, usize) {
    let end = (i..t.chars.len())
        .find(|&j| !t.chars[j].is_alphanumeric())
        .unwrap_or(t.chars.len());
    (i, end)
}

/// Whether the spaces `i..end` must not break a line: a day and its month
/// (« 27 juin », « 1er septembre »), a postcode and its town (« 21000
/// Dijon »), « Cedex » and its number (« Cedex 9 »).
fn glued(t: &Text, i: usize, end: usize) -> bool {
    let prev = t.chars[i - 1];
    let next = t.chars[end];
    let chars = |(a, b): (usize, usize)| &t.chars[a..b];
    let is_cedex = |w: &[char]| {
        w.len() == 5
            && w.iter()
                .zip("cedex".chars())
                .all(|(a, b)| a.to_ascii_lowercase() == b)
    };
    let digits = |w: &[char]| w.iter().all(char::is_ascii_digit);
    // Cheap tests first: this runs at every space of every text.
    let first = prev == 'r' && i >= 3 && t.chars[i - 3] == '1' && t.chars[i - 2] == 'e';
    if (prev.is_ascii_digit() || first)
        && let Some(w) = word_before(t, i)
    {
        let before = chars(w);
        // A day: 1 to 31, or « 1er ».
        let day = match *before {
            ['1', 'e', 'r'] => true,
            [d] => d.is_ascii_digit() && d != '0',
            [a, b] if a.is_ascii_digit() && b.is_ascii_digit() => {
                (1..=31).contains(&(10 * (a as u32 - '0' as u32) + (b as u32 - '0' as u32)))
            }
            _ => false,
        };
        if day && next.is_alphabetic() {
            let month: String = chars(word_after(t, end)).iter().collect();
            if month_of(&month).is_some_and(|(_, abbr)| !abbr) {
                return true;
            }
        }
        if before.len() == 5 && digits(before) && next.is_uppercase() {
            return true;
        }
    }
    if matches!(prev, 'x' | 'X') && next.is_ascii_digit() {
        let number = chars(word_after(t, end));
        return number.len() <= 3
            && digits(number)
            && word_before(t, i).is_some_and(|w| is_cedex(chars(w)));
    }
    false
}

/// Whether the hyphen at `i`, between two spaces, is a dash: it stands
/// between words on one line, and is not a list marker, a minus sign
/// (« : - 500 € ») or the hyphen of a range typed by hand (« 10 - 20 »,
/// « 1er - 15 juin », « 18 h - 20 h », « juin - 3 juillet »).
fn is_dash(t: &Text, i: usize) -> bool {
    let n = t.chars.len();
    if !(i > 0 && i + 1 < n && is_hspace(t.chars[i - 1]) && is_hspace(t.chars[i + 1])) {
        return false;
    }
    let emphasis = |c: char| c == '*' || c == '_';
    let Some(p) = (0..i - 1)
        .rev()
        .find(|&j| !is_hspace(t.chars[j]) && !emphasis(t.chars[j]))
    else {
        return false;
    };
    let Some(q) = (i + 2..n).find(|&j| !is_hspace(t.chars[j]) && !emphasis(t.chars[j])) else {
        return false;
    };
    let (prev, next) = (t.chars[p], t.chars[q]);
    if prev == '\n' || next == '\n' || t.only_block_markers_before(i - 1) {
        return false;
    }
    let after_word = prev.is_alphanumeric() || ")]»”’\"'.…!?€%".contains(prev);
    let before_word = next.is_alphanumeric() || "(«“\"".contains(next);
    if !(after_word && before_word) {
        return false;
    }
    if next.is_ascii_digit() {
        // Before a number: a dash only after a word that is not a number,
        // a unit or a month.
        let Some(w) = word_before(t, p + 1) else {
            return false;
        };
        let word: String = t.chars[w.0..w.1].iter().collect();
        return w.1 == p + 1
            && word.chars().count() > 2
            && !word.starts_with(|c: char| c.is_ascii_digit())
            && month_of(&word).is_none();
    }
    true
}

/// Whether a word's own hyphens and slashes may not end a line: a name or
/// a place (a capital: « Vals-les-Bains », « AKPINAR-ISTIQUAM ») or a word
/// with figures (an act number « 2016-06-27/10 », a date, a code). A common
/// compound (« ci-après », « socio-culturels ») may still break at its hyphen.
pub fn keeps_hyphens(word: &str) -> bool {
    word.chars().any(|c| c.is_uppercase() || c.is_ascii_digit())
}

/// What a change is, for the lint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// The spaces `start..end` before the punctuation at `end` are replaced.
    SpaceBefore(char),
    /// The spaces `start..end` after a `«` are replaced.
    SpaceAfterOpeningQuote,
    /// A space is inserted at `start`.
    Insert,
    /// A typewriter apostrophe becomes a curly one.
    Apostrophe,
    /// The space between two groups of digits of an amount ("49 975").
    Group,
    /// The space after a civility or title ("M. DUPONT", "Mme MARTIN").
    Civility,
    /// A straight quote becomes a guillemet (or a curly quote inside
    /// guillemets), or the space inside it a narrow no-break space.
    Quote,
    /// `...` becomes `…`.
    Ellipsis,
    /// A hyphen between two spaces becomes a dash.
    Dash,
    /// The space of « 27 juin », « 21000 Dijon », « Cedex 9 »: no break.
    Glue,
}

/// One change: the characters `start..end` (possibly empty) become `with`.
#[derive(Debug, Clone, Copy)]
struct Edit {
    start: usize,
    end: usize,
    with: char,
    kind: Kind,
}

/// Computes the typographic changes of a text, in order, without overlap.
fn edits(t: &Text) -> Vec<Edit> {
    let mut out = Vec::new();
    let n = t.chars.len();
    let roles = if t.chars.contains(&'"') {
        quotes(t)
    } else {
        Vec::new()
    };
    let mut i = 0;
    while i < n {
        let c = t.chars[i];
        if t.protected[i] {
            i += 1;
            continue;
        }
        if is_hspace(c) {
            let end = (i..n).find(|&j| !is_hspace(t.chars[j])).unwrap_or(n);
            if end < n && !t.protected[end] && i > 0 && !t.chars[i - 1].is_whitespace() {
                let prev = t.chars[i - 1];
                let next = t.chars[end];
                let with = if prev == '«' && !next.is_whitespace() {
                    Some((NNBSP, Kind::SpaceAfterOpeningQuote))
                } else if (prev == '"' && quote_at(&roles, i - 1) == Quote::Open(0))
                    || (next == '"' && quote_at(&roles, end) == Quote::Close(0))
                {
                    Some((NNBSP, Kind::Quote))
                } else if end - i == 1 && prev.is_ascii_digit() && matches!(next, '€' | '%') {
                    Some((NBSP, Kind::SpaceBefore(next)))
                } else if end - i == 1 && t.is_digit_group(i) {
                    Some((NNBSP, Kind::Group))
                } else if t.civility_before(i) && next.is_uppercase() {
                    Some((NBSP, Kind::Civility))
                } else if glued(t, i, end) {
                    Some((NBSP, Kind::Glue))
                } else if t.only_block_markers_before(i) {
                    None
                } else {
                    match next {
                        // `| :--- |` is a table alignment, not a colon.
                        ':' if t.get(end + 1) != Some('-') => Some((NBSP, Kind::SpaceBefore(':'))),
                        '!' if t.get(end + 1) == Some('[') => None,
                        ';' | '!' | '?' | '»' => Some((NNBSP, Kind::SpaceBefore(next))),
                        _ => None,
                    }
                };
                // A single space that is already the right one needs no edit.
                if let Some((with, kind)) = with
                    && (end - i != 1 || c != with)
                {
                    out.push(Edit {
                        start: i,
                        end,
                        with,
                        kind,
                    });
                }
            }
            i = end;
            continue;
        }
        if !t.url[i] {
            // The character before as it will be set: a straight quote
            // already read as « (and its space), », “ or ”, so that the
            // rules below decide as they will on the set text (idempotence).
            let prev = match quote_at(&roles, i.wrapping_sub(1)) {
                Quote::Open(0) => Some(NNBSP),
                Quote::Open(_) => Some('“'),
                Quote::Close(0) => Some('»'),
                Quote::Close(_) => Some('”'),
                Quote::None => i.checked_sub(1).map(|p| t.chars[p]),
            };
            let next = t.get(i + 1);
            if c == '.'
                && t.chars[i..].starts_with(&['.'; 3])
                && prev != Some('.')
                && t.get(i + 3) != Some('.')
                && (i..i + 3).all(|j| t.free(j))
            {
                out.push(Edit {
                    start: i,
                    end: i + 3,
                    with: '…',
                    kind: Kind::Ellipsis,
                });
                i += 3;
                continue;
            }
            if c == '-' && is_dash(t, i) {
                out.push(Edit {
                    start: i,
                    end: i + 1,
                    with: '–',
                    kind: Kind::Dash,
                });
            }
            match quote_at(&roles, i) {
                Quote::None => {}
                Quote::Open(level) => {
                    out.push(Edit {
                        start: i,
                        end: i + 1,
                        with: if level == 0 { '«' } else { '“' },
                        kind: Kind::Quote,
                    });
                    if level == 0 && next.is_some_and(|x| !x.is_whitespace()) {
                        out.push(Edit {
                            start: i + 1,
                            end: i + 1,
                            with: NNBSP,
                            kind: Kind::Quote,
                        });
                    }
                }
                Quote::Close(level) => {
                    if level == 0 && prev.is_some_and(|p| !p.is_whitespace() && p != '«') {
                        out.push(Edit {
                            start: i,
                            end: i,
                            with: NNBSP,
                            kind: Kind::Quote,
                        });
                    }
                    out.push(Edit {
                        start: i,
                        end: i + 1,
                        with: if level == 0 { '»' } else { '”' },
                        kind: Kind::Quote,
                    });
                }
            }
            let insert_before = match c {
                ';' => prev.is_some_and(is_closing) && !t.ends_entity(i),
                '!' => prev.is_some_and(is_closing) && next != Some('['),
                '?' => prev.is_some_and(is_closing),
                '»' => prev.is_some_and(|p| !p.is_whitespace() && p != '«'),
                _ => false,
            };
            if insert_before {
                out.push(Edit {
                    start: i,
                    end: i,
                    with: NNBSP,
                    kind: Kind::Insert,
                });
            }
            if c == '\'' && prev.is_some_and(char::is_alphabetic) {
                out.push(Edit {
                    start: i,
                    end: i + 1,
                    with: '’',
                    kind: Kind::Apostrophe,
                });
            }
            if c == '«' && next.is_some_and(|x| !x.is_whitespace()) && !t.url[i + 1] {
                out.push(Edit {
                    start: i + 1,
                    end: i + 1,
                    with: NNBSP,
                    kind: Kind::Insert,
                });
            }
        }
        i += 1;
    }
    out
}

/// Applies French typography to Markdown text (see the module's
/// documentation for the rules): no-break spaces around `: ; ! ? « »`,
/// curly apostrophes, « » for straight quotes, `…`, dashes, no-break spaces
/// in dates and addresses; idempotent.
///
/// Remembered for the process ([`crate::memo`]): the fields and template
/// lines every dossier of a batch repeats are set once.
pub fn typographie(s: &str) -> String {
    static SET: crate::memo::Memo<String> = crate::memo::Memo::new(1 << 19);
    SET.get_or(s.as_bytes(), String::len, || set(s))
}

fn set(s: &str) -> String {
    let t = Text::new(s);
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    let mut pos = 0;
    for e in edits(&t) {
        out.push_str(&s[t.offsets[pos]..t.offsets[e.start]]);
        out.push(e.with);
        pos = e.end;
    }
    out.push_str(&s[t.offsets[pos]..]);
    out
}

/// Ordinals and « numéro » in French form, raised as `<sup>` (Markdown
/// readers and the HTML and PDF renderers understand it): « 1er », « 1re »,
/// « 2e » (« 5ème » and « 5eme » become « 5e »), « n° » becomes « nᵒ » with a
/// superscript o. Code, link destinations and URLs are left alone; idempotent.
pub fn ordinaux(s: &str) -> String {
    if !s.contains(|c: char| c.is_ascii_digit() || c == '°') {
        return s.to_owned();
    }
    // Remembered, as `typographie` is.
    static RAISED: crate::memo::Memo<String> = crate::memo::Memo::new(1 << 18);
    RAISED.get_or(s.as_bytes(), String::len, || raise(s))
}

fn raise(s: &str) -> String {
    let t = Text::new(s);
    let n = t.chars.len();
    let mut out = String::with_capacity(s.len() + 16);
    let mut i = 0;
    let alnum = |j: usize| t.get(j).is_some_and(char::is_alphanumeric);
    while i < n {
        let c = t.chars[i];
        let boundary = i == 0 || !alnum(i - 1);
        // « n° », « N° » before a number or a space.
        if matches!(c, 'n' | 'N')
            && boundary
            && t.get(i + 1) == Some('°')
            && t.free(i)
            && t.get(i + 2)
                .is_none_or(|x| !x.is_alphanumeric() || x.is_ascii_digit())
        {
            out.push(c);
            out.push_str("<sup>o</sup>");
            i += 2;
            continue;
        }
        if c.is_ascii_digit() && boundary && t.free(i) {
            let digits = (i..n).take_while(|&j| t.chars[j].is_ascii_digit()).count();
            let end = i + digits;
            let word_end = (end..n).take_while(|&j| t.chars[j].is_alphabetic()).count() + end;
            let suffix: String = t.chars[end..word_end].iter().collect();
            let (base, plural) = match suffix.strip_suffix('s') {
                Some(b) if !b.is_empty() => (b, "s"),
                _ => (suffix.as_str(), ""),
            };
            let number: String = t.chars[i..end].iter().collect();
            let sup = match base {
                "er" if number == "1" => Some("er"),
                "re" | "ère" if number == "1" => Some("re"),
                "e" | "ème" | "eme" | "è" if number != "1" && number != "0" => Some("e"),
                _ => None,
            };
            if let Some(sup) = sup
                && (i..word_end).all(|j| t.free(j))
                && !t.url[i]
            {
                out.push_str(&number);
                out.push_str("<sup>");
                out.push_str(sup);
                out.push_str(plural);
                out.push_str("</sup>");
            } else {
                out.extend(&t.chars[i..word_end]);
            }
            i = word_end.max(i + 1);
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// The full month name for a month name or abbreviation (accents optional); `None` otherwise.
fn month_of(word: &str) -> Option<(&'static str, bool)> {
    // Called on every word of every text: reject most words without allocating.
    let len = word.chars().count();
    let first = word.chars().next().map(|c| c.to_ascii_lowercase());
    if !(3..=9).contains(&len)
        || !matches!(first, Some('j' | 'f' | 'm' | 'a' | 's' | 'o' | 'n' | 'd'))
    {
        return None;
    }
    let w: String = word
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'é' | 'è' | 'ê' => 'e',
            'û' => 'u',
            c => c,
        })
        .collect();
    const PLAIN: [&str; 12] = [
        "janvier",
        "fevrier",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "aout",
        "septembre",
        "octobre",
        "novembre",
        "decembre",
    ];
    if let Some(i) = PLAIN.iter().position(|m| *m == w) {
        return Some((MOIS[i], false));
    }
    let full = match w.as_str() {
        "jan" | "janv" => "janvier",
        "fev" | "fevr" => "février",
        "avr" => "avril",
        "juil" | "juill" => "juillet",
        "sep" | "sept" => "septembre",
        "oct" => "octobre",
        "nov" => "novembre",
        "dec" => "décembre",
        _ => return None,
    };
    Some((full, true))
}

/// Whether `w` is a day of the month written in figures (1 to 31, or `1er`).
fn is_day(w: &str) -> bool {
    w == "1er" || (w.len() <= 2 && w.parse::<u8>().is_ok_and(|d| (1..=31).contains(&d)))
}

/// Lints user text for typography (warnings): ordinary spaces before `; : ! ? »` or after `«`, `1 septembre`, abbreviated months.
///
/// Remembered for the process ([`crate::memo`]), as [`typographie`] is: the
/// clauses a batch's dossiers share are linted once.
pub fn lint(s: &str) -> Vec<Lint> {
    static FOUND: crate::memo::Memo<Vec<Lint>> = crate::memo::Memo::new(1 << 18);
    FOUND.get_or(
        s.as_bytes(),
        |v| {
            v.len() * std::mem::size_of::<Lint>()
                + v.iter()
                    .map(|l| l.message.len() + l.hint.len())
                    .sum::<usize>()
        },
        || find_lints(s),
    )
}

fn find_lints(s: &str) -> Vec<Lint> {
    let t = Text::new(s);
    let mut out = Vec::new();
    for e in edits(&t) {
        let spaces = &t.chars[e.start..e.end];
        if !spaces.contains(&' ') {
            continue;
        }
        let (start, end, message) = match e.kind {
            // Amounts typed with plain spaces are fixed silently: nothing to warn about.
            Kind::SpaceBefore('€' | '%')
            | Kind::Insert
            | Kind::Apostrophe
            | Kind::Group
            | Kind::Civility
            | Kind::Quote
            | Kind::Ellipsis
            | Kind::Dash
            | Kind::Glue => {
                continue;
            }
            Kind::SpaceBefore('»') => (
                e.start,
                e.end + 1,
                "espace ordinaire avant le guillemet fermant « » »".to_string(),
            ),
            Kind::SpaceBefore(p) => (
                e.start,
                e.end + 1,
                format!("espace ordinaire avant « {p} »"),
            ),
            Kind::SpaceAfterOpeningQuote => (
                e.start - 1,
                e.end,
                "espace ordinaire après le guillemet ouvrant « « »".to_string(),
            ),
        };
        let hint = if e.with == NBSP {
            "une espace insécable est ajoutée au rendu ; vous pouvez laisser ainsi"
        } else {
            "une espace fine insécable est ajoutée au rendu ; vous pouvez laisser ainsi"
        };
        out.push(Lint {
            start: t.offsets[start],
            end: t.offsets[end],
            code: "typo-espace",
            message,
            hint: hint.to_string(),
        });
    }
    lint_dates(&t, &mut out);
    out.sort_by_key(|l| (l.start, l.end));
    out
}

/// Adds the `typo-1er` and `typo-mois-abrege` warnings.
fn lint_dates(t: &Text, out: &mut Vec<Lint>) {
    // Words: maximal runs of alphanumeric characters, outside code and URLs.
    let mut words: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < t.chars.len() {
        if t.chars[i].is_alphanumeric() && t.free(i) {
            let end = (i..t.chars.len())
                .find(|&j| !(t.chars[j].is_alphanumeric() && t.free(j)))
                .unwrap_or(t.chars.len());
            words.push((i, end));
            i = end;
        } else {
            i += 1;
        }
    }
    let text = |(a, b): (usize, usize)| t.chars[a..b].iter().collect::<String>();
    // Only spaces (and an optional abbreviation dot) between two words.
    let spaced =
        |from: usize, to: usize| to > from && t.chars[from..to].iter().all(|&c| is_hspace(c));
    for (k, &w) in words.iter().enumerate() {
        let Some((full, abbreviated)) = month_of(&text(w)) else {
            continue;
        };
        let dot = t.get(w.1) == Some('.') && t.free(w.1);
        let after = w.1 + usize::from(dot);
        let prev = k
            .checked_sub(1)
            .map(|p| words[p])
            .filter(|p| spaced(p.1, w.0));
        let next = words.get(k + 1).copied().filter(|n| spaced(after, n.0));
        let prev_text = prev.map(text);
        let day_before = prev_text.as_deref().is_some_and(is_day)
            && prev.is_some_and(|p| p.0 == 0 || !matches!(t.chars[p.0 - 1], ',' | '.' | '/'));
        if abbreviated {
            let year_after = next
                .map(text)
                .is_some_and(|y| y.len() == 4 && y.chars().all(|c| c.is_ascii_digit()));
            if day_before || year_after {
                let written: String = t.chars[w.0..after].iter().collect();
                out.push(Lint {
                    start: t.offsets[w.0],
                    end: t.offsets[after],
                    code: "typo-mois-abrege",
                    message: format!("mois abrégé « {written} »"),
                    hint: format!("écrire le mois en entier : « {full} »"),
                });
            }
        }
        if day_before && matches!(prev_text.as_deref(), Some("1" | "01")) {
            let p = prev.unwrap_or(w);
            let written: String = t.chars[p.0..w.1].iter().collect();
            out.push(Lint {
                start: t.offsets[p.0],
                end: t.offsets[w.1],
                code: "typo-1er",
                message: format!("« {written} » : le premier jour du mois s’écrit « 1er »"),
                hint: format!("écrire « 1er {full} »"),
            });
        }
    }
}

#[cfg(test)]
mod amount_tests {
    use super::*;

    #[test]
    fn amounts_typed_with_plain_spaces_are_glued() {
        assert_eq!(typographie("49 975 €"), "49\u{202f}975\u{a0}€");
        assert_eq!(
            typographie("1 000 000 euros"),
            "1\u{202f}000\u{202f}000 euros"
        );
        assert_eq!(typographie("12 %"), "12\u{a0}%");
        // Years, dates and other numbers are left alone.
        assert_eq!(typographie("en 2016 500 familles"), "en 2016 500 familles");
        assert_eq!(typographie("le 28 juin 2012"), "le 28\u{a0}juin 2012");
        assert_eq!(typographie("de 2 à 16 ans"), "de 2 à 16 ans");
        assert_eq!(typographie("n° 2016-06 123"), "n° 2016-06 123");
        assert_eq!(typographie("1,5 000"), "1,5 000");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const N: &str = "\u{a0}";
    const F: &str = "\u{202f}";

    fn ty(s: &str) -> String {
        typographie(s)
    }

    #[test]
    fn colon_gets_a_no_break_space() {
        assert_eq!(ty("Objet : convention"), format!("Objet{N}: convention"));
        assert_eq!(ty("Objet\u{202f}: x"), format!("Objet{N}: x"));
        assert_eq!(ty("Objet\u{a0}: x"), format!("Objet{N}: x"));
        assert_eq!(ty("Objet   : x"), format!("Objet{N}: x"));
        // Never added where none was typed.
        assert_eq!(ty("Objet: x"), "Objet: x");
        assert_eq!(ty("à 18:30"), "à 18:30");
    }

    #[test]
    fn semicolon_exclamation_question_get_a_narrow_space() {
        assert_eq!(ty("a ; b"), format!("a{F}; b"));
        assert_eq!(ty("Vraiment ?"), format!("Vraiment{F}?"));
        assert_eq!(ty("Bravo !"), format!("Bravo{F}!"));
        assert_eq!(ty("a\u{a0}; b"), format!("a{F}; b"));
        assert_eq!(ty("a;b"), format!("a{F};b"));
        assert_eq!(ty("Vraiment?"), format!("Vraiment{F}?"));
        assert_eq!(ty("Bravo!"), format!("Bravo{F}!"));
        assert_eq!(ty("article 3;"), format!("article 3{F};"));
        assert_eq!(ty("(voir ci-dessous)?"), format!("(voir ci-dessous){F}?"));
        assert_eq!(ty("**Important**!"), format!("**Important**{F}!"));
        assert_eq!(ty("« non »!"), format!("«{F}non{F}»{F}!"));
        assert_eq!(ty("Quoi ?!"), format!("Quoi{F}?!"));
        assert_eq!(ty("Vraiment...?"), "Vraiment…?");
    }

    #[test]
    fn guillemets() {
        assert_eq!(ty("« la Ville »"), format!("«{F}la Ville{F}»"));
        assert_eq!(ty("«la Ville»"), format!("«{F}la Ville{F}»"));
        assert_eq!(ty("«\u{a0}la Ville\u{a0}»"), format!("«{F}la Ville{F}»"));
        assert_eq!(ty("«»"), format!("«{F}»"));
        assert_eq!(ty("«\n»"), "«\n»");
        assert_eq!(ty("« :"), format!("«{F}:"));
    }

    #[test]
    fn apostrophes() {
        assert_eq!(ty("l'association"), "l’association");
        assert_eq!(ty("aujourd'hui"), "aujourd’hui");
        assert_eq!(ty("L'an deux mille seize"), "L’an deux mille seize");
        assert_eq!(ty("les élèves' et 'cités'"), "les élèves’ et 'cités’");
        assert_eq!(ty("' seul"), "' seul");
        assert_eq!(ty("12'"), "12'");
    }

    #[test]
    fn urls_and_times_are_left_alone() {
        for s in [
            "https://www.dijon.fr/page?id=3;x=4",
            "voir http://exemple.fr/a?b!c",
            "www.dijon.fr?x",
            "(www.dijon.fr?x)",
            "<https://dijon.fr/l'asso?a>",
            "mailto:mairie@dijon.fr?subject=x",
            "de 18:30 à 21:40",
            "[lien](page.html?id=3)",
            "[l'asso](fichier'x.pdf)",
            "![logo](logo.png)",
            "Voir ![logo](logo.png)",
            "&amp; &eacute; &#233; &#x2019;",
        ] {
            let expected = s.replace("[l'asso]", "[l’asso]");
            assert_eq!(ty(s), expected, "{s:?}");
        }
        assert_eq!(
            ty("Site : https://dijon.fr?x !"),
            format!("Site{N}: https://dijon.fr?x{F}!")
        );
    }

    #[test]
    fn image_after_bang_is_not_spaced() {
        assert_eq!(ty("Bravo![logo](a.png)"), "Bravo![logo](a.png)");
        assert_eq!(ty("Bravo ![logo](a.png)"), "Bravo ![logo](a.png)");
    }

    #[test]
    fn code_is_left_alone() {
        assert_eq!(ty("`a ; b` ; c"), format!("`a ; b`{F}; c"));
        assert_eq!(ty("``l'a ` b?`` x?"), format!("``l'a ` b?`` x{F}?"));
        assert_eq!(ty("`non fermé ; x"), format!("`non fermé{F}; x"));
        let fenced = "Texte :\n```\nlet x = a ? b : c;\nl'a !\n```\nFin !";
        assert_eq!(
            ty(fenced),
            format!("Texte{N}:\n```\nlet x = a ? b : c;\nl'a !\n```\nFin{F}!")
        );
        let tilde = "~~~\na ; b\n~~~~\nc ; d";
        assert_eq!(ty(tilde), format!("~~~\na ; b\n~~~~\nc{F}; d"));
        assert_eq!(ty("```\nnever closed ; x"), "```\nnever closed ; x");
        assert_eq!(ty("\\`a ; b`"), format!("\\`a{F}; b`"));
    }

    #[test]
    fn markdown_structure_is_kept() {
        assert_eq!(
            ty("| a | b |\n| :--- | ---: |"),
            "| a | b |\n| :--- | ---: |"
        );
        assert_eq!(ty("- ? point"), "- ? point");
        assert_eq!(ty("1. ! x"), "1. ! x");
        assert_eq!(ty("> » fin"), "> » fin");
        assert_eq!(ty("    ; indenté"), "    ; indenté");
        assert_eq!(ty("- a ; b"), format!("- a{F}; b"));
        assert_eq!(ty("2016 : bilan"), format!("2016{N}: bilan"));
    }

    #[test]
    fn everything_else_is_byte_identical() {
        for s in [
            "",
            "Le Conseil municipal, légalement convoqué, s’est réuni.",
            "œuvre, éducation, 1er\u{a0}septembre",
            "a\tb\r\nc",
            "a -- b .... c",
        ] {
            assert_eq!(ty(s), s);
        }
    }

    #[test]
    fn straight_quotes_become_guillemets() {
        for (typed, set) in [
            (
                "l'association \"les PEP 21\"",
                format!("l’association «{F}les PEP 21{F}»"),
            ),
            ("dit \" oui \" hier", format!("dit «{F}oui{F}» hier")),
            ("dit \"\u{a0}oui\u{a0}\"", format!("dit «{F}oui{F}»")),
            ("\"non\" !", format!("«{F}non{F}»{F}!")),
            ("\"non\"!", format!("«{F}non{F}»{F}!")),
            ("(\"a\")", format!("(«{F}a{F}»)")),
            ("**\"la Ville\"**", format!("**«{F}la Ville{F}»**")),
            ("\"a\" et \"b\".", format!("«{F}a{F}» et «{F}b{F}».")),
            // Inside guillemets, curly quotes.
            (
                "\"Il a dit \"oui\" hier\"",
                format!("«{F}Il a dit “oui” hier{F}»"),
            ),
            // One quotation per paragraph, over a line break.
            ("\"a\nb\"", format!("«{F}a\nb{F}»")),
        ] {
            assert_eq!(ty(typed), set, "{typed:?}");
        }
        // Left as typed: inches, lone quotes, quotes across a blank line,
        // code, link titles and URLs.
        for s in [
            "un écran 12\" et 15\"",
            "un \" seul",
            "\"a\n\nb\"",
            "`\"a\"` x",
            "[lien](https://x.fr \"titre\")",
            "https://x.fr/?q=\"a\"",
            "a\"b\"c",
        ] {
            assert_eq!(ty(s), s, "{s:?}");
        }
    }

    #[test]
    fn three_dots_become_an_ellipsis() {
        assert_eq!(ty("café des parents..."), "café des parents…");
        assert_eq!(ty("[...] fin"), "[…] fin");
        assert_eq!(ty("Vraiment...?"), "Vraiment…?");
        for s in [
            "a.... b",
            "a.. b",
            "`a...`",
            "https://x.fr/a...b",
            "[x](a...b)",
        ] {
            assert_eq!(ty(s), s, "{s:?}");
        }
    }

    #[test]
    fn a_spaced_hyphen_is_a_dash() {
        for (typed, set) in [
            ("a - b", "a – b"),
            (
                "Hôtel de ville - 17 place Gabriel Péri - Le Blanc-Mesnil",
                "Hôtel de ville – 17 place Gabriel Péri – Le Blanc-Mesnil",
            ),
            ("Article 3 - Durée", "Article 3 – Durée"),
            ("**Objet** - suite", "**Objet** – suite"),
            ("« la Ville » - fin", "«\u{202f}la Ville\u{202f}» – fin"),
        ] {
            assert_eq!(ty(typed), set, "{typed:?}");
        }
        // Not a dash: compounds, ranges and amounts typed by hand, list
        // markers, minus signs, double hyphens, a hyphen at a line's end.
        for s in [
            "Vals-les-Bains, 2016-06-27/10",
            "de 10 - 20 ans",
            "du 1er - 15\u{a0}juin",
            "de 18 h - 20 h",
            "du 27\u{a0}juin - 3\u{a0}juillet",
            "500\u{a0}€ - 200\u{a0}€",
            "solde : - 500\u{a0}€",
            "- premier point\n- second",
            "  - point\n> - cité\n1. - numéroté",
            "a -- b",
            "a -\nb",
            "`a - b`",
        ] {
            assert_eq!(ty(s), s.replace(" : ", "\u{a0}: "), "{s:?}");
        }
    }

    #[test]
    fn dates_and_addresses_do_not_break() {
        const NB: char = '\u{a0}';
        for (typed, set) in [
            ("le 27 juin 2016", format!("le 27{NB}juin 2016")),
            ("le 1er septembre", format!("le 1er{NB}septembre")),
            ("le 3 Mai", format!("le 3{NB}Mai")),
            (
                "rue Elsa Triolet, 21000 Dijon",
                format!("rue Elsa Triolet, 21000{NB}Dijon"),
            ),
            (
                "Place du Quartier Blanc, 67964 Strasbourg Cedex 9",
                format!("Place du Quartier Blanc, 67964{NB}Strasbourg Cedex{NB}9"),
            ),
            (
                "CS 73310, 21033 Dijon Cedex",
                format!("CS 73310, 21033{NB}Dijon Cedex"),
            ),
            (
                "94205 Ivry-sur-Seine CEDEX 12",
                format!("94205{NB}Ivry-sur-Seine CEDEX{NB}12"),
            ),
        ] {
            assert_eq!(ty(typed), set, "{typed:?}");
        }
        for s in [
            "en 2016 Dijon",
            "les 27 personnes",
            "art. 2.1 mai",
            "le 32 juin",
            "2016-06-27 juin",
            "sept. 2016",
            "le 3 sept. 2016",
            "123456 Dijon",
            "Cedex 12345",
        ] {
            assert_eq!(ty(s), s, "{s:?}");
        }
    }

    #[test]
    fn names_and_numbers_keep_their_hyphens() {
        for w in [
            "Vals-les-Bains",
            "2016-06-27/10",
            "AKPINAR-ISTIQUAM",
            "l’Île-de-France",
            "CP-2022-1-5-1",
        ] {
            assert!(keeps_hyphens(w), "{w}");
        }
        for w in ["ci-après", "socio-culturels", "enfance/éducation"] {
            assert!(!keeps_hyphens(w), "{w}");
        }
    }

    #[test]
    fn civilities_hold_to_the_name() {
        assert_eq!(
            typographie("par M. François REBSAMEN, Mme AVENA, MM. X et Y, Me DUPONT, Dr HOUSE"),
            "par M.\u{a0}François REBSAMEN, Mme\u{a0}AVENA, MM.\u{a0}X et Y, Me\u{a0}DUPONT, Dr\u{a0}HOUSE"
        );
        // Not a civility: a lower-case word follows, or the word is longer.
        assert_eq!(typographie("Me voici. Mmex Y"), "Me voici. Mmex Y");
        assert!(lint("de M. GOSNAT").is_empty());
    }

    #[test]
    fn ordinals_are_raised() {
        assert_eq!(ordinaux("le 1er juin"), "le 1<sup>er</sup> juin");
        assert_eq!(
            ordinaux("la 1re fois, la 1ère"),
            "la 1<sup>re</sup> fois, la 1<sup>re</sup>"
        );
        assert_eq!(
            ordinaux("le 5ème et le 2e, les 3es"),
            "le 5<sup>e</sup> et le 2<sup>e</sup>, les 3<sup>es</sup>"
        );
        assert_eq!(
            ordinaux("N° 12 et n° 3"),
            "N<sup>o</sup> 12 et n<sup>o</sup> 3"
        );
        // Left alone: identifiers, other words, code, URLs; idempotent.
        for s in [
            "2016-06-27/12",
            "021-212102314-20160627-12-DE",
            "1e",
            "12 h 30",
            "`1er`",
            "www.x.fr/1er",
            "sa 1ere",
        ] {
            assert_eq!(ordinaux(s), s, "{s}");
        }
        let once = ordinaux("le 1er et le 5ème, n° 3");
        assert_eq!(ordinaux(&once), once);
    }

    #[test]
    fn typographie_is_idempotent_on_examples() {
        for s in [
            "Objet : l'association « les PEP 21 » ; voir www.pep21.fr?x !",
            "«»  ;; !! ?? :: « » '' ``",
            "a  ;  b ! [x](y) ![z](w)",
            "«'a»?",
            "*;*! _?_ &amp; R&D;",
            "- ; x\n* ! y\n> ? z",
            "\"a \"b\" c\" \" d \" e\" 12\" ... - x - 1 27 juin 21000 Dijon Cedex 9",
        ] {
            let once = ty(s);
            assert_eq!(ty(&once), once, "{s:?}");
        }
    }

    /// Deterministic linear congruential generator (Knuth's MMIX constants).
    struct Lcg(u64);

    impl Lcg {
        fn next(&mut self) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            self.0 >> 33
        }
    }

    #[test]
    fn typographie_never_panics_and_is_idempotent_on_generated_text() {
        const ALPHABET: &[&str] = &[
            "a", "é", "œ", "1", " ", " ", "\u{a0}", "\u{202f}", "\t", "\n", ":", ";", "!", "?",
            "«", "»", "'", "’", "`", "```", "~~~", "[", "]", "(", ")", "*", "_", "-", "#", ">",
            ".", "&", "#", "://", "www.", "€", "|", "\\", "http", "1.", "\"", "\" ", " \"", "...",
            " - ", "27 ", "juin", "21000 ", "Dijon", " Cedex", "9", "**",
        ];
        let mut rng = Lcg(0x5eed);
        for round in 0..600 {
            let len = (rng.next() % 40) as usize;
            let s: String = (0..len)
                .map(|_| ALPHABET[(rng.next() % ALPHABET.len() as u64) as usize])
                .collect();
            let once = typographie(&s);
            let twice = typographie(&once);
            assert_eq!(twice, once, "round {round}: {s:?}");
            for l in lint(&s) {
                assert!(s.is_char_boundary(l.start) && s.is_char_boundary(l.end));
                assert!(l.start < l.end && l.end <= s.len());
            }
        }
    }

    /// The walk back over the line that `mark_block_markers` replaced:
    /// quadratic on a long line of markers, kept as the reference.
    fn block_markers_reference(t: &Text, i: usize) -> bool {
        let mut start = i;
        while start > 0 && t.chars[start - 1] != '\n' {
            let c = t.chars[start - 1];
            if !(matches!(c, '-' | '*' | '+' | '>' | '#' | '.' | ')' | ' ' | '\t')
                || c.is_ascii_digit())
            {
                return false;
            }
            start -= 1;
        }
        let prefix: String = t.chars[start..i].iter().collect();
        let mut tokens = prefix
            .split([' ', '\t'])
            .filter(|t| !t.is_empty())
            .peekable();
        tokens.peek().is_some()
            && tokens.all(|t| {
                matches!(t, "-" | "*" | "+" | ">")
                    || (t.len() <= 6 && t.chars().all(|c| c == '#'))
                    || t.chars().all(|c| c == '>')
                    || t.strip_suffix(['.', ')']).is_some_and(|d| {
                        !d.is_empty() && d.len() <= 9 && d.chars().all(|c| c.is_ascii_digit())
                    })
            })
    }

    /// The forward scan per `](` that the bracket matching replaced.
    #[allow(clippy::needless_range_loop)]
    fn link_destinations_reference(chars: &[char], protected: &mut [bool]) {
        let mut i = 0;
        while i + 1 < chars.len() {
            if chars[i] == ']' && chars[i + 1] == '(' && !protected[i] && !protected[i + 1] {
                let mut depth = 0usize;
                let mut end = None;
                for j in i + 1..chars.len() {
                    match chars[j] {
                        '\n' => break,
                        '(' => depth += 1,
                        ')' => {
                            depth -= 1;
                            if depth == 0 {
                                end = Some(j + 1);
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                if let Some(end) = end {
                    protected[i + 1..end].fill(true);
                    i = end;
                    continue;
                }
            }
            i += 1;
        }
    }

    #[test]
    fn linear_passes_agree_with_the_quadratic_ones() {
        const ALPHABET: &[&str] = &[
            "-",
            "*",
            "+",
            ">",
            "#",
            "##",
            "1.",
            "12)",
            "1234567890.",
            ".",
            ")",
            " ",
            "\t",
            "\u{a0}",
            "\n",
            "a",
            ":",
            "(",
            ")",
            "](",
            "[",
            "]",
            "`",
            "```\n",
        ];
        let mut rng = Lcg(0xb10c);
        for round in 0..3000 {
            let len = (rng.next() % 30) as usize;
            let s: String = (0..len)
                .map(|_| ALPHABET[(rng.next() % ALPHABET.len() as u64) as usize])
                .collect();
            let t = Text::new(&s);
            for i in 0..t.chars.len() {
                if is_hspace(t.chars[i]) {
                    assert_eq!(
                        t.only_block_markers_before(i),
                        block_markers_reference(&t, i),
                        "round {round}: {s:?} at {i}"
                    );
                }
            }
            // Same protection of link destinations, from the state before them.
            let mut before = Text {
                chars: t.chars.clone(),
                offsets: t.offsets.clone(),
                protected: vec![false; t.chars.len()],
                url: vec![false; t.chars.len()],
                after_markers: vec![false; t.chars.len()],
            };
            before.mark_fences();
            before.mark_code_spans();
            let mut reference = before.protected.clone();
            link_destinations_reference(&before.chars, &mut reference);
            before.mark_link_destinations();
            assert_eq!(before.protected, reference, "round {round}: {s:?}");
        }
    }

    /// Inputs of 1 MB built to hit each pass's worst case (a long line of
    /// block markers, of unclosed `](`, of dates) and at
    /// random: each pass must be linear, or this test does not finish.
    #[test]
    fn one_megabyte_inputs_are_handled() {
        const MB: usize = 1 << 20;
        let mut rng = Lcg(0x1eaf);
        let random: String = {
            const ALPHABET: &[&str] = &[
                "a", "é", " ", "\n", ":", ";", "!", "?", "«", "»", "'", "`", "[", "]", "(", ")",
                "](", "*", "_", "-", "#", "> ", "1. ", "&", "://", "1 ", "sept. ", "\u{a0}", "|",
            ];
            let mut s = String::new();
            while s.len() < MB {
                s.push_str(ALPHABET[(rng.next() % ALPHABET.len() as u64) as usize]);
            }
            s
        };
        // The worst cases found (each took seconds at 100 KB before), kept
        // few: the test runs unoptimised.
        let patterns = ["> ", "[a](", "1 septembre "];
        let mut inputs: Vec<String> = patterns.iter().map(|p| p.repeat(MB / p.len())).collect();
        inputs.push(random);
        for s in &inputs {
            let out = typographie(s);
            assert!(out.len() >= s.len());
            for l in lint(s) {
                assert!(s.is_char_boundary(l.start) && s.is_char_boundary(l.end));
            }
        }
    }

    fn codes(s: &str) -> Vec<&'static str> {
        lint(s).into_iter().map(|l| l.code).collect()
    }

    #[test]
    fn lint_ordinary_spaces() {
        let s = "Objet : x ; y ! z ? « w »";
        let l = lint(s);
        assert_eq!(l.len(), 6, "{l:#?}");
        assert!(l.iter().all(|l| l.code == "typo-espace"));
        assert_eq!(&s[l[0].start..l[0].end], " :");
        assert_eq!(l[0].message, "espace ordinaire avant « : »");
        assert!(l[0].hint.contains("espace insécable"));
        assert_eq!(&s[l[1].start..l[1].end], " ;");
        assert_eq!(l[1].message, "espace ordinaire avant « ; »");
        assert!(l[1].hint.contains("espace fine insécable"));
        assert_eq!(&s[l[4].start..l[4].end], "« ");
        assert_eq!(
            l[4].message,
            "espace ordinaire après le guillemet ouvrant « « »"
        );
        assert_eq!(&s[l[5].start..l[5].end], " »");
        assert_eq!(
            l[5].message,
            "espace ordinaire avant le guillemet fermant « » »"
        );
        assert_eq!(
            l[1].hint,
            "une espace fine insécable est ajoutée au rendu ; vous pouvez laisser ainsi"
        );
        // Already right, or in code and URLs: nothing to say.
        assert!(lint("Objet\u{a0}: x\u{202f}; y").is_empty());
        assert!(lint("`a ; b` https://x.fr/?a").is_empty());
        assert!(lint("a;b").is_empty());
    }

    #[test]
    fn lint_first_of_month() {
        let s = "le 1 septembre 2016";
        let l = lint(s);
        assert_eq!(codes(s), ["typo-1er"]);
        assert_eq!(&s[l[0].start..l[0].end], "1 septembre");
        assert_eq!(l[0].hint, "écrire « 1er septembre »");
        assert!(lint("le 1er septembre 2016").is_empty());
        assert!(lint("le 21 septembre 2016").is_empty());
        assert!(lint("le 11 mai").is_empty());
        assert!(lint("art. 2.1 mai").is_empty());
        assert_eq!(codes("le 01 Mai"), ["typo-1er"]);
        assert_eq!(lint("le 1 aout")[0].hint, "écrire « 1er août »");
    }

    #[test]
    fn lint_abbreviated_months() {
        for (s, full) in [
            ("le 3 janv. 2016", "janvier"),
            ("le 3 févr. 2016", "février"),
            ("sept. 2016", "septembre"),
            ("le 12 oct.", "octobre"),
            ("le 30 nov. 2016", "novembre"),
            ("le 24 déc. 2016", "décembre"),
            ("le 14 juil 2016", "juillet"),
        ] {
            let l = lint(s);
            assert_eq!(l.len(), 1, "{s}: {l:#?}");
            assert_eq!(l[0].code, "typo-mois-abrege");
            assert_eq!(l[0].hint, format!("écrire le mois en entier : « {full} »"));
        }
        let s = "le 1 sept 2016";
        let l = lint(s);
        assert_eq!(codes(s), ["typo-1er", "typo-mois-abrege"]);
        assert_eq!(&s[l[0].start..l[0].end], "1 sept");
        assert_eq!(l[0].hint, "écrire « 1er septembre »");
        assert_eq!(&s[l[1].start..l[1].end], "sept");
        assert_eq!(l[1].message, "mois abrégé « sept »");
        // `sept` the number, and abbreviations out of a date, are fine.
        assert!(lint("Ils étaient sept.").is_empty());
        assert!(lint("sept personnes").is_empty());
        assert!(lint("déc. n° 2001-495").is_empty());
    }

    #[test]
    fn lint_offsets_with_multibyte_text() {
        let s = "Œuvre : l’été à 49 975 €, le 1 sept. 2016 ; fin";
        let l = lint(s);
        assert_eq!(
            codes(s),
            ["typo-espace", "typo-1er", "typo-mois-abrege", "typo-espace"]
        );
        for x in &l {
            assert!(s.is_char_boundary(x.start) && s.is_char_boundary(x.end));
        }
        assert_eq!(&s[l[0].start..l[0].end], " :");
        assert_eq!(&s[l[1].start..l[1].end], "1 sept");
        assert_eq!(&s[l[2].start..l[2].end], "sept.");
        assert_eq!(&s[l[3].start..l[3].end], " ;");
        assert_eq!(l[2].start, s.find("sept.").unwrap());
    }
}
