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

/// A Markdown field (exposé, article text): typography, and raw HTML made
/// inert (`<` and `&` escaped) so it shows as text and opens no block.
pub fn markdown(s: &str) -> String {
    let s = typographie(s.trim_end());
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '&' => out.push_str("&amp;"),
            '\r' => {}
            _ => out.push(c),
        }
    }
    out
}

/// A Markdown field used inside a list item or table cell: one paragraph.
pub fn markdown_inline(s: &str) -> String {
    markdown(s)
        .split('\n')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
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
    fn markdown_keeps_markup_but_not_html() {
        assert_eq!(
            markdown("**APPROUVE** <div class=\"signature\">"),
            "**APPROUVE** &lt;div class=\"signature\">"
        );
        assert_eq!(markdown("A &amp; B"), "A &amp;amp; B");
    }
}
