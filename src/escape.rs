//! User text is data: escaping it for the Markdown the templates produce.
//!
//! The model escapes every user string before a template sees it, so a
//! template cannot forget to: a plain field can never become Markdown or
//! HTML, and a Markdown field can never carry raw HTML or open a named block.
//! French typography is applied at the same time.

use crate::french::typographie;

/// A plain field (a name, an objet): typography, then every character that
/// Markdown or HTML would interpret is escaped. Line breaks become spaces.
pub fn plain(s: &str) -> String {
    let s = typographie(s.trim());
    let mut out = String::with_capacity(s.len() + 8);
    let mut at_start = true;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\r' => {}
            '\n' | '\t' => out.push(' '),
            c if is_stripped(c) => {}
            '#' | '+' | '-' | '=' if at_start => {
                out.push('\\');
                out.push(c);
            }
            '!' if chars.peek() == Some(&'[') => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
        // "1. " at the start of a string would open an ordered list.
        if at_start && c.is_ascii_digit() {
            let mut digits = String::new();
            while let Some(&d) = chars.peek() {
                if !d.is_ascii_digit() {
                    break;
                }
                digits.push(d);
                chars.next();
            }
            out.push_str(&digits);
            if let Some(&p @ ('.' | ')')) = chars.peek() {
                out.push('\\');
                out.push(p);
                chars.next();
            }
        }
        at_start = false;
    }
    out
}

/// Control characters typed in a field (NUL, BEL, ESC, DEL, C1 controls,
/// bidirectional overrides) never reach a document: they are removed, and
/// `delib check` warns about them (`caractere-controle`). Line breaks and
/// tabs are kept.
pub fn is_stripped(c: char) -> bool {
    (c != '\n' && c != '\t' && crate::diag::is_terminal_control(c)) || is_noncharacter(c)
}

/// The Unicode noncharacters (U+FFFE, U+FFFF, U+FDD0 to U+FDEF, and the
/// last two code points of every plane): never meant for interchange, and
/// U+FFFE and U+FFFF are not characters XML allows. They are removed with
/// the control characters.
fn is_noncharacter(c: char) -> bool {
    let u = c as u32;
    (0xFDD0..=0xFDEF).contains(&u) || u & 0xFFFE == 0xFFFE
}

/// A character XML 1.0 allows in a document (its `Char` production): tab,
/// line feed, carriage return, and U+0020 up, less U+FFFE and U+FFFF
/// (Rust strings hold no surrogates). What the Atom feed and the @ctes
/// message keep of a text.
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{fffe}' && c != '\u{ffff}')
}

/// A Markdown field (exposé, article text): typography, raw HTML made inert
/// (`<` and `&` escaped) so it shows as text and opens no block, and links
/// limited to `http:`, `https:` and `mailto:` (see [`safe_links`]).
pub fn markdown(s: &str) -> String {
    let s = typographie(s.trim_end());
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '&' => out.push_str("&amp;"),
            '\r' => {}
            c if is_stripped(c) => {}
            _ => out.push(c),
        }
    }
    safe_links(&out)
}

/// A Markdown field used inside a list item or table cell: one paragraph.
pub fn markdown_inline(s: &str) -> String {
    let joined = markdown(s)
        .split('\n')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    safe_links(&joined)
}

/// Whether a link or image destination may stay in the Markdown: `http:`,
/// `https:`, `mailto:`, or no scheme at all (`#ancre`, `page.html`).
/// Spaces and control characters are ignored first, as browsers drop some
/// of them (`java\tscript:` is `javascript:`).
fn allowed_destination(dest: &str) -> bool {
    let d: String = dest
        .chars()
        .filter(|&c| c > ' ' && !crate::diag::is_terminal_control(c))
        .flat_map(char::to_lowercase)
        .collect();
    match d.find([':', '/', '?', '#']) {
        Some(i) if d[i..].starts_with(':') => matches!(&d[..i], "http" | "https" | "mailto"),
        _ => true,
    }
}

/// A link being read: its whole range, whether its destination is allowed,
/// and the range of what is inside it.
type OpenLink = (std::ops::Range<usize>, bool, Option<std::ops::Range<usize>>);

/// How many times nested links are unwrapped before giving up on links.
const LINK_ROUNDS: usize = 8;

/// Makes the links of a Markdown field safe for any Markdown reader (the
/// `.md` is read by other tools than delib): a link or image whose
/// destination is not allowed ([`allowed_destination`]) is replaced by its
/// text, a reference definition with such a destination is escaped so it
/// shows as text, and `javascript:` / `vbscript:` written anywhere get a
/// space before the colon, so that a reader parsing links differently still
/// gets no script URL. Each round is one parse of the field: linear.
pub fn safe_links(s: &str) -> String {
    let mut s = s.to_string();
    for _ in 0..LINK_ROUNDS {
        let edits = link_edits(&s);
        if edits.is_empty() {
            return defuse_schemes(&s);
        }
        let mut out = String::with_capacity(s.len());
        let mut pos = 0;
        for (range, with) in edits {
            out.push_str(&s[pos..range.start]);
            out.push_str(&with);
            pos = range.end;
        }
        out.push_str(&s[pos..]);
        s = out;
    }
    // Deeply nested images: no link at all rather than more rounds.
    let flat: String = s
        .chars()
        .flat_map(|c| match c {
            '[' | ']' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    defuse_schemes(&flat)
}

/// The replacements that remove the disallowed links of one parse, in order,
/// without overlap: outermost links only (nested ones go at the next round).
fn link_edits(s: &str) -> Vec<(std::ops::Range<usize>, String)> {
    use pulldown_cmark::{Event, Options, Parser, Tag};
    let parser = Parser::new_ext(s, Options::ENABLE_TABLES).into_offset_iter();
    let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    for (_, def) in parser.reference_definitions().iter() {
        if !allowed_destination(&def.dest)
            && let Some(at) = s[def.span.clone()].find('[')
        {
            let at = def.span.start + at;
            edits.push((at..at, "\\".to_string()));
        }
    }
    // Open links: (whole range, allowed, span of what is inside).
    let mut open: Vec<OpenLink> = Vec::new();
    for (event, range) in parser {
        match &event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                note_inside(&mut open, &range);
                open.push((range, allowed_destination(dest_url), None));
                continue;
            }
            Event::End(pulldown_cmark::TagEnd::Link | pulldown_cmark::TagEnd::Image) => {
                if let Some((whole, allowed, inside)) = open.pop()
                    && !allowed
                    && open.iter().all(|(_, a, _)| *a)
                {
                    let text = inside.map_or("", |r| &s[r]).to_string();
                    edits.push((whole, text));
                }
                continue;
            }
            _ => {}
        }
        note_inside(&mut open, &range);
    }
    edits.sort_by_key(|(r, _)| r.start);
    edits
}

/// Widens the innermost open link's inside to cover `range`.
fn note_inside(open: &mut [OpenLink], range: &std::ops::Range<usize>) {
    if let Some((_, _, inside)) = open.last_mut() {
        *inside = Some(match inside.take() {
            Some(r) => r.start.min(range.start)..r.end.max(range.end),
            None => range.clone(),
        });
    }
}

/// `javascript:` and `vbscript:` (any case, with tabs or line breaks inside,
/// which browsers drop, and spaces before the colon) get a space before the
/// colon: never a URL scheme then.
fn defuse_schemes(s: &str) -> String {
    let bytes = s.as_bytes();
    let skip = |j: &mut usize| {
        while *j < bytes.len() && matches!(bytes[*j], b'\t' | b'\n' | b'\r') {
            *j += 1;
        }
    };
    // The end of `word` written at `i`, ignoring case, tabs and line breaks.
    let matches_at = |i: usize, word: &[u8]| {
        let mut j = i;
        for (k, &w) in word.iter().enumerate() {
            if k > 0 {
                skip(&mut j);
            }
            if j >= bytes.len() || !bytes[j].eq_ignore_ascii_case(&w) {
                return None;
            }
            j += 1;
        }
        Some(j)
    };
    let mut out = String::with_capacity(s.len());
    let mut pos = 0;
    let mut i = 0;
    while i < bytes.len() {
        let end = [&b"javascript"[..], &b"vbscript"[..]]
            .into_iter()
            .find_map(|w| matches_at(i, w));
        if let Some(mut j) = end {
            while j < bytes.len() && matches!(bytes[j], b' ' | b'\t' | b'\n' | b'\r') {
                j += 1;
            }
            if j < bytes.len() && bytes[j] == b':' {
                out.push_str(&s[pos..j]);
                out.push(' ');
                pos = j;
            }
            i = j;
            continue;
        }
        i += 1;
    }
    out.push_str(&s[pos..]);
    out
}

/// Undoes [`plain`] for places that are not Markdown (titles, footers).
pub fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if c == '\\' && rest.len() > 1 {
            let next = rest[1..].chars().next().unwrap_or('\\');
            out.push(next);
            rest = &rest[1 + next.len_utf8()..];
            continue;
        }
        if c == '&'
            && let Some((entity, ch)) = [("&lt;", '<'), ("&gt;", '>'), ("&amp;", '&')]
                .into_iter()
                .find(|(e, _)| rest.starts_with(e))
        {
            out.push(ch);
            rest = &rest[entity.len()..];
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// True when a spreadsheet would read a cell starting with this text as a
/// formula: its first character is `=`, `+`, `-`, `@`, a tab or a carriage
/// return (OWASP, « CSV Injection »).
pub fn starts_formula(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// Escapes text for HTML content and attribute values (pages delib writes
/// itself: the preview server's and the published site's).
pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_cannot_become_markup() {
        assert_eq!(
            plain("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(
            plain("**gras** _x_ [l](u)"),
            "\\*\\*gras\\*\\* \\_x\\_ \\[l\\](u)"
        );
        assert_eq!(plain("# titre"), "\\# titre");
        assert_eq!(plain("1. point"), "1\\. point");
        assert_eq!(plain("a | b"), "a \\| b");
        assert_eq!(plain("{{ x }}"), "{{ x }}");
        for s in ["<b>A & B</b>", "**x** [y] 1. z", "# t | u"] {
            assert_eq!(unescape(&plain(s)), crate::french::typographie(s));
        }
    }

    #[test]
    fn characters_xml_forbids_are_dropped_too() {
        for c in [
            '\u{fffe}',
            '\u{ffff}',
            '\u{fdd0}',
            '\u{1fffe}',
            '\u{10ffff}',
        ] {
            assert!(is_stripped(c), "U+{:04X}", c as u32);
            assert_eq!(plain(&format!("a{c}b")), "ab");
        }
        assert!(!is_stripped('\u{fffd}') && !is_stripped('é') && !is_stripped('\u{1f600}'));
        assert!(!is_xml_char('\u{fffe}') && !is_xml_char('\u{ffff}') && !is_xml_char('\u{1}'));
        assert!(is_xml_char('\u{fffd}') && is_xml_char('\n') && is_xml_char('\u{10000}'));
    }

    #[test]
    fn control_characters_are_dropped() {
        assert_eq!(plain("a\u{1b}[2Jb\u{7}\0c"), "a\\[2Jbc");
        assert_eq!(markdown("a\u{1b}]0;t\u{7}\n\tb"), "a]0\u{202f};t\n\tb");
    }

    #[test]
    fn only_web_and_mail_links_stay() {
        assert_eq!(markdown("[x](javascript:alert(1))"), "x");
        assert_eq!(markdown("voir ![logo](JavaScript:a) ici"), "voir logo ici");
        assert_eq!(markdown("[![i](javascript:a)](javascript:b)"), "i");
        assert_eq!(markdown("[](javascript:a)"), "");
        assert_eq!(
            markdown("[r]: javascript:alert(1)"),
            "\\[r]: javascript :alert(1)"
        );
        assert_eq!(markdown("x javascript:y"), "x javascript :y");
        assert_eq!(markdown("x Java\tScript\t:y"), "x Java\tScript\t :y");
        for ok in [
            "[a](https://example.org/x?q=1)",
            "[a](http://example.org)",
            "[a](mailto:a@example.org)",
            "[a](#ancre)",
            "[a](page.html)",
        ] {
            assert_eq!(markdown(ok), ok);
        }
        assert!(!allowed_destination("java\tscript:x"));
        assert!(!allowed_destination(" data:text/html,x"));
        assert!(allowed_destination("HTTPS://x"));
    }

    #[test]
    fn markdown_keeps_markup_but_not_html() {
        assert_eq!(
            markdown("**APPROUVE** <div class=\"signature\">"),
            "**APPROUVE** &lt;div class=\"signature\">"
        );
        assert_eq!(markdown("A &amp; B"), "A &amp;amp; B");
    }
}
