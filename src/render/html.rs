//! HTML back end: one self-contained HTML5 page per document.
//!
//! Everything from the model is escaped; the only markup emitted is the
//! writer's own. The page makes no external request: the style sheet is
//! inlined and there are no scripts, fonts or images.

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::doc::{Align, Block, Container, Document, Inline, Style};

/// The built-in style sheet: a screen column and an A4 print layout.
pub const DEFAULT_CSS: &str = include_str!("../../templates/style.css");

/// Renders `doc` as one self-contained HTML5 page with `css` inlined.
pub fn render(doc: &Document, css: &str) -> String {
    render_paged(doc, css, &crate::render::pdf::paged(doc))
}

/// [`render`] with the document's PDF pages already laid out (when the PDF
/// is rendered too, the layout is done once for both).
pub fn render_paged(doc: &Document, css: &str, paged: &crate::render::pdf::Paged) -> String {
    let mut out = String::with_capacity(css.len() + 4096);
    out.push_str("<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<title>");
    escape(&mut out, &doc.meta.title);
    out.push_str("</title>\n<style>\n");
    push_css(&mut out, css);
    if !doc.meta.footer.is_empty() {
        // Printed in the bottom-left page margin box of every page.
        out.push_str("\n@page { @bottom-left { content: \"");
        css_string(&mut out, &doc.meta.footer);
        out.push_str("\"; } }");
    }
    out.push_str("\n</style>\n</head>\n");
    out.push_str(if doc.meta.draft {
        "<body class=\"brouillon\">\n"
    } else {
        "<body>\n"
    });
    out.push_str("<main class=\"document\">\n");
    if doc.meta.draft {
        // Inside `main` so that it paints over the sheet's background and
        // under its text; `position: fixed` repeats it on every printed page.
        out.push_str("<div class=\"projet\" aria-hidden=\"true\">PROJET</div>\n");
    }
    let body_start = out.len();
    let marks = Marks::of(paged);
    blocks(&mut out, &doc.blocks, &marks, false);
    if let Some(logo) = &doc.meta.logo {
        // At the top of the header's left column, as a data URI: still no
        // external request. The writer's own tag, which no user text can form.
        const LEFT: &str = "<header class=\"entete\">\n<div class=\"gauche\">\n";
        if let Some(at) = out[body_start..].find(LEFT) {
            let mut img = String::from("<img class=\"logo\" alt=\"\" src=\"data:");
            img.push_str(logo.mime());
            img.push_str(";base64,");
            base64(&mut img, &logo.bytes);
            img.push_str("\">\n");
            out.insert_str(body_start + at + LEFT.len(), &img);
        }
    }
    out.push_str("</main>\n");
    if !doc.meta.footer.is_empty() {
        out.push_str("<footer class=\"pied\">");
        escape(&mut out, &doc.meta.footer);
        out.push_str("</footer>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// Standard base64 with padding.
fn base64(out: &mut String, bytes: &[u8]) {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(TABLE[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
}

/// Where the pages of the document's PDF start, by block (see
/// `pdf::page_starts`): the printed HTML breaks its pages there, with
/// `saut-pdf` markers that only print shows.
struct Marks(HashMap<usize, Vec<u32>>);

/// A page of the PDF starts before this element (or inside a paragraph, at
/// this point): only in print.
const MARK: &str = "<span class=\"saut-pdf\" aria-hidden=\"true\"></span>";
const MARK_BLOCK: &str = "<div class=\"saut-pdf\" aria-hidden=\"true\"></div>\n";
const MARK_CLASS: &str = "saut-pdf-avant";

impl Marks {
    fn of(paged: &crate::render::pdf::Paged) -> Marks {
        let mut map: HashMap<usize, Vec<u32>> = HashMap::new();
        for (block, part) in paged.page_starts().into_iter().flatten() {
            map.entry(block).or_default().push(part);
        }
        Marks(map)
    }

    /// Whether a page starts at part `part` of `b`.
    fn at(&self, b: &Block, part: u32) -> bool {
        self.0
            .get(&std::ptr::from_ref(b).addr())
            .is_some_and(|p| p.contains(&part))
    }

    /// The words of paragraph `b` a page starts at (after its first).
    fn words(&self, b: &Block) -> Vec<u32> {
        let mut w: Vec<u32> = self
            .0
            .get(&std::ptr::from_ref(b).addr())
            .map(|p| p.iter().copied().filter(|&n| n > 0).collect())
            .unwrap_or_default();
        w.sort_unstable();
        w
    }
}

/// The blocks, each after the mark of a page starting at it; the mark of
/// the first is left out when the caller placed it (`lead`).
fn blocks(out: &mut String, blocks: &[Block], m: &Marks, lead: bool) {
    for (i, b) in blocks.iter().enumerate() {
        if m.at(b, 0) && !(lead && i == 0) {
            out.push_str(MARK_BLOCK);
        }
        block(out, b, m);
    }
}

fn block(out: &mut String, block: &Block, m: &Marks) {
    match block {
        Block::Heading { level, content } => {
            let level = (*level).clamp(1, 6);
            out.push_str("<h");
            out.push(char::from(b'0' + level));
            out.push('>');
            inlines(out, content);
            out.push_str("</h");
            out.push(char::from(b'0' + level));
            out.push_str(">\n");
        }
        Block::Paragraph(content) => {
            // Lines the clerk ended by hand: ragged-right, as in the PDF.
            out.push_str(if content.iter().any(|i| matches!(i, Inline::Break)) {
                "<p class=\"lignes\">"
            } else {
                "<p>"
            });
            marked_inlines(out, content, &m.words(block));
            out.push_str("</p>\n");
        }
        Block::List { start, items } => {
            match start {
                None => out.push_str("<ul>\n"),
                Some(1) => out.push_str("<ol>\n"),
                Some(n) => {
                    out.push_str("<ol start=\"");
                    let _ = write!(out, "{n}");
                    out.push_str("\">\n");
                }
            }
            for item in items {
                if item.first().is_some_and(|b| m.at(b, 0)) {
                    out.push_str("<li class=\"");
                    out.push_str(MARK_CLASS);
                    out.push_str("\">");
                } else {
                    out.push_str("<li>");
                }
                flow(out, item, m);
                out.push_str("</li>\n");
            }
            out.push_str(if start.is_some() {
                "</ol>\n"
            } else {
                "</ul>\n"
            });
        }
        Block::Table {
            header,
            rows,
            align,
        } => table(out, header, rows, align, |n| m.at(block, n as u32 + 1)),
        Block::Quote(content) => {
            out.push_str("<blockquote>\n");
            blocks(out, content, m, false);
            out.push_str("</blockquote>\n");
        }
        Block::Rule => out.push_str("<hr>\n"),
        Block::Container {
            kind,
            blocks: content,
        } => container(out, *kind, content, m),
    }
}

/// Content of a list item or table cell: a lone paragraph goes without `<p>`.
/// A page starting at its first block is marked by the caller.
fn flow(out: &mut String, content: &[Block], m: &Marks) {
    match content {
        [b @ Block::Paragraph(text)] => marked_inlines(out, text, &m.words(b)),
        _ => {
            out.push('\n');
            blocks(out, content, m, true);
        }
    }
}

fn table(
    out: &mut String,
    header: &[Vec<Inline>],
    rows: &[Vec<Vec<Inline>>],
    align: &[Align],
    marked: impl Fn(usize) -> bool,
) {
    // The box lets a table too wide for a phone scroll inside it, not the page.
    out.push_str("<div class=\"tableau\">\n<table>\n");
    if !header.is_empty() {
        out.push_str("<thead>\n<tr>");
        for (i, cell) in header.iter().enumerate() {
            table_cell(out, "th", align.get(i), cell);
        }
        out.push_str("</tr>\n</thead>\n");
    }
    out.push_str("<tbody>\n");
    for (n, row) in rows.iter().enumerate() {
        if marked(n) {
            out.push_str("<tr class=\"");
            out.push_str(MARK_CLASS);
            out.push_str("\">");
        } else {
            out.push_str("<tr>");
        }
        for (i, cell) in row.iter().enumerate() {
            table_cell(out, "td", align.get(i), cell);
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</div>\n");
}

fn table_cell(out: &mut String, tag: &str, align: Option<&Align>, content: &[Inline]) {
    out.push('<');
    out.push_str(tag);
    match align {
        Some(Align::Center) => out.push_str(" style=\"text-align: center\""),
        Some(Align::Right) => out.push_str(" style=\"text-align: right\""),
        Some(Align::Left) | None => {}
    }
    out.push('>');
    inlines(out, content);
    out.push_str("</");
    out.push_str(tag);
    out.push('>');
}

fn container(out: &mut String, kind: Container, content: &[Block], m: &Marks) {
    if kind == Container::Sheet && content.iter().all(is_row) && !content.is_empty() {
        sheet(out, content, m);
        return;
    }
    if kind == Container::Signature {
        signature(out, content, m);
        return;
    }
    let tag = if kind == Container::Header {
        "header"
    } else {
        "div"
    };
    out.push('<');
    out.push_str(tag);
    out.push_str(" class=\"");
    out.push_str(kind.class());
    out.push_str("\">");
    if !content.is_empty() {
        out.push('\n');
        blocks(out, content, m, false);
    }
    out.push_str("</");
    out.push_str(tag);
    out.push_str(">\n");
}

/// A signature block with its last line, the signatory's name, in a
/// `nom` element: the room to sign goes above it, as in the PDF; a block of
/// one line keeps the room below it.
fn signature(out: &mut String, content: &[Block], m: &Marks) {
    let named = match content.split_last() {
        Some((Block::Paragraph(last), rest)) => {
            let split = last.iter().rposition(|i| matches!(i, Inline::Break));
            (split.is_some() || !rest.is_empty()).then_some((last, rest, split))
        }
        _ => None,
    };
    let Some((last, rest, split)) = named else {
        out.push_str("<div class=\"signature\">\n");
        blocks(out, content, m, false);
        out.push_str("</div>\n");
        return;
    };
    out.push_str("<div class=\"signature avec-nom\">\n");
    blocks(out, rest, m, false);
    out.push_str("<p>");
    let name = match split {
        Some(at) => {
            inlines(out, &last[..at]);
            &last[at + 1..]
        }
        None => &last[..],
    };
    out.push_str("\n<span class=\"nom\">");
    inlines(out, name);
    out.push_str("</span></p>\n</div>\n");
}

fn is_row(block: &Block) -> bool {
    matches!(
        block,
        Block::Container {
            kind: Container::Row,
            ..
        }
    )
}

/// A `fiche` made only of `ligne` rows: a two-column table, keys as row headers.
fn sheet(out: &mut String, rows: &[Block], m: &Marks) {
    out.push_str("<table class=\"fiche\">\n<tbody>\n");
    for (n, row) in rows.iter().enumerate() {
        let Block::Container { blocks: cells, .. } = row else {
            continue;
        };
        // The first row's page start is the sheet's, marked before the table.
        if n > 0 && m.at(row, 0) {
            out.push_str("<tr class=\"ligne ");
            out.push_str(MARK_CLASS);
            out.push_str("\">");
        } else {
            out.push_str("<tr class=\"ligne\">");
        }
        let span = if cells.len() == 1 {
            " colspan=\"2\""
        } else {
            ""
        };
        for cell in cells {
            match cell {
                Block::Container {
                    kind: Container::Key,
                    blocks: content,
                } => {
                    out.push_str("<th scope=\"row\" class=\"cle\"");
                    out.push_str(span);
                    out.push('>');
                    flow(out, content, m);
                    out.push_str("</th>");
                }
                Block::Container {
                    kind: Container::Value,
                    blocks: content,
                } => {
                    out.push_str("<td class=\"valeur\"");
                    out.push_str(span);
                    out.push('>');
                    flow(out, content, m);
                    out.push_str("</td>");
                }
                other => {
                    out.push_str("<td");
                    out.push_str(span);
                    out.push('>');
                    flow(out, std::slice::from_ref(other), m);
                    out.push_str("</td>");
                }
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

/// The inlines of a paragraph with a page mark before each word of `words`,
/// the words counted as the PDF's line breaker cuts them (`pdf::text`):
/// breakable spaces and line breaks end a word, a line break after a line
/// break is an empty word.
fn marked_inlines(out: &mut String, content: &[Inline], words: &[u32]) {
    if words.is_empty() {
        return inlines(out, content);
    }
    // Words ended so far, whether a word is open, whether the last ended
    // word ends with a line break.
    let (mut count, mut open, mut hard) = (0u32, false, false);
    for inline in content {
        match inline {
            Inline::Break => {
                if open {
                    count += 1;
                    open = false;
                    hard = false;
                }
                if count > 0 && !hard {
                    hard = true;
                } else {
                    count += 1;
                    hard = true;
                }
                out.push_str("<br>\n");
            }
            Inline::Text { text, style } => {
                let mut from = 0;
                for (i, c) in text.char_indices() {
                    if crate::render::pdf::is_break_space(c) {
                        if open {
                            count += 1;
                            open = false;
                            hard = false;
                        }
                    } else if !(open || c == '\u{AD}' || c.is_control() || c == '\u{200B}') {
                        open = true;
                        if words.contains(&count) {
                            if i > from {
                                styled(out, &text[from..i], *style);
                            }
                            out.push_str(MARK);
                            from = i;
                        }
                    }
                }
                styled(out, &text[from..], *style);
            }
        }
    }
}

fn inlines(out: &mut String, content: &[Inline]) {
    for inline in content {
        match inline {
            Inline::Break => out.push_str("<br>\n"),
            Inline::Text { text, style } => styled(out, text, *style),
        }
    }
}

fn styled(out: &mut String, text: &str, style: Style) {
    if style.bold {
        out.push_str("<strong>");
    }
    if style.italic {
        out.push_str("<em>");
    }
    if style.sup {
        out.push_str("<sup>");
    }
    held_words(out, text);
    if style.sup {
        out.push_str("</sup>");
    }
    if style.italic {
        out.push_str("</em>");
    }
    if style.bold {
        out.push_str("</strong>");
    }
}

/// Appends `text` escaped, each word whose hyphens and slashes must not
/// end a line (a name, a place, an act number: `french::keeps_hyphens`) in
/// a `<span class="insecable">` (`white-space: nowrap`): a browser breaks a
/// line after any hyphen, whatever `hyphens` says. The text itself is left
/// alone (no U+2011, which the fonts lack, nor U+2060): copied or searched,
/// it is what was typed.
fn held_words(out: &mut String, text: &str) {
    // Most text has no hyphen or slash: '-', '/', or the lead byte of '‐' and '–'.
    if !text.bytes().any(|b| matches!(b, b'-' | b'/' | 0xE2)) {
        return escape(out, text);
    }
    let mut from = 0;
    let mut start = None;
    let bounds = text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')));
    for (i, c) in bounds {
        let space = i == text.len() || crate::render::pdf::is_break_space(c);
        match (start, space) {
            (None, false) => start = Some(i),
            (Some(s), true) => {
                let word = &text[s..i];
                if word.contains(['-', '/', '\u{2010}', '–']) && held(word) {
                    escape(out, &text[from..s]);
                    out.push_str("<span class=\"insecable\">");
                    escape(out, word);
                    out.push_str("</span>");
                    from = i;
                }
                start = None;
            }
            _ => {}
        }
    }
    escape(out, &text[from..]);
}

/// Longest word held on one line in the HTML: a longer one (an @ctes
/// identifiant, 39 characters) may still break at its hyphens, so that it
/// never runs out of a phone's screen (the PDF breaks a word only when it
/// is wider than the line; a browser's column is not known in advance).
const HELD_MAX_CHARS: usize = 30;

/// Whether `word` has a hyphen or a slash between two letters or figures
/// and keeps them (`french::keeps_hyphens`).
fn held(word: &str) -> bool {
    let chars: Vec<char> = word.chars().collect();
    if chars.len() > HELD_MAX_CHARS {
        return false;
    }
    let inner = chars.windows(3).any(|w| {
        matches!(w[1], '-' | '/' | '\u{2010}' | '–')
            && w[0].is_alphanumeric()
            && w[2].is_alphanumeric()
    });
    inner && crate::french::keeps_hyphens(word)
}

/// Appends `text` escaped for HTML text and attribute values.
fn escape(out: &mut String, text: &str) {
    let mut from = 0;
    for (i, b) in text.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&text[from..i]);
        out.push_str(entity);
        from = i + 1;
    }
    out.push_str(&text[from..]);
}

/// Appends the style sheet; it is trusted, but must not be able to end the
/// `<style>` element, so every `</` becomes `<\/` (the same to CSS).
fn push_css(out: &mut String, css: &str) {
    let mut rest = css;
    while let Some(i) = rest.find("</") {
        out.push_str(&rest[..i]);
        out.push_str("<\\/");
        rest = &rest[i + 2..];
    }
    out.push_str(rest);
}

/// Appends `text` as the inside of a double-quoted CSS string; anything that
/// could end the string, the rule or the `<style>` element is a hex escape.
fn css_string(out: &mut String, text: &str) {
    for c in text.chars() {
        if c.is_control() || matches!(c, '"' | '\'' | '\\' | '<' | '>' | '&' | '{' | '}' | ';') {
            let _ = write!(out, "\\{:x} ", u32::from(c));
        } else {
            out.push(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::{Meta, parse};

    fn meta() -> Meta {
        Meta {
            title: "Délibération n° 12".into(),
            footer: "Ville de Dijon".into(),
            draft: false,
            ..Default::default()
        }
    }

    fn html(md: &str) -> String {
        render(&parse(md, meta()), "body { color: black; }")
    }

    /// The part of the page between `<main …>` and `</main>`.
    fn body(md: &str) -> String {
        let page = html(md);
        let start = page.find("<main class=\"document\">\n").unwrap() + 24;
        let end = page.find("</main>").unwrap();
        page[start..end].to_string()
    }

    /// Issue 9, point 20: the PDF's page starts are marked in the HTML, at
    /// the block or at the word of a paragraph where each page starts, and
    /// only there; print breaks at them, the screen does not show them.
    #[test]
    fn pdf_page_starts_are_marked_for_print() {
        let para = "Le Conseil municipal, légalement convoqué, s'est réuni salle de Flore sous la présidence du Maire et a délibéré. ";
        let mut md = String::from("# Titre\n\n");
        for i in 0..12 {
            md.push_str(&format!("Paragraphe {i}. {}\n\n", para.repeat(3)));
        }
        let doc = parse(&md, meta());
        let starts = crate::render::pdf::paged(&doc).page_starts();
        assert!(starts.len() >= 2, "{} pages", starts.len());
        assert_eq!(starts[0], None);
        let marked = starts.iter().flatten().count();
        let page = render(&doc, DEFAULT_CSS);
        let marks = page.matches("class=\"saut-pdf\"").count();
        assert_eq!(marks, marked, "one mark per page start");
        assert!(marked >= 1);
        // A mark inside a paragraph stands before a word, never inside one.
        for (i, _) in page.match_indices("<span class=\"saut-pdf\" aria-hidden=\"true\"></span>") {
            let before = page[..i].chars().last().unwrap();
            assert!(
                before == ' ' || before == '>',
                "mark inside a word: {before:?}"
            );
        }
        assert!(DEFAULT_CSS.contains(".saut-pdf {\n  display: none;"));
        assert!(DEFAULT_CSS.contains(".saut-pdf {\n    display: block;\n    break-before: page;"));
    }

    /// The words counted as the PDF's line breaker counts them: a mark for
    /// word 3 goes before the fourth word, across styles and line breaks.
    #[test]
    fn marks_count_words_as_the_pdf() {
        let content = [
            Inline::Text {
                text: "un  deux\u{a0}deux ".into(),
                style: Style {
                    bold: true,
                    ..Style::default()
                },
            },
            Inline::text("trois"),
            Inline::Break,
            Inline::Break,
            Inline::text("cinq six"),
        ];
        let mut out = String::new();
        marked_inlines(&mut out, &content, &[1, 4]);
        assert_eq!(
            out,
            format!(
                "<strong>un  </strong>{MARK}<strong>deux\u{a0}deux </strong>trois<br>\n<br>\n{MARK}cinq six"
            )
        );
    }

    /// Issue 9, point 20: the room to sign is between the qualité and the
    /// name, as in the PDF.
    #[test]
    fn the_room_to_sign_is_above_the_name() {
        let b = body(
            "<div class=\"signature\">\n\n**Pour la Ville**\\\nMaire\\\nM. François REBSAMEN\n\n</div>\n",
        );
        assert!(
            b.contains("Maire\n<span class=\"nom\">M. François REBSAMEN</span></p>"),
            "{b}"
        );
        assert!(b.starts_with("<div class=\"signature avec-nom\">"), "{b}");
        assert!(DEFAULT_CSS.contains(".signature .nom {\n  display: block;\n  margin-top: 25mm;"));
        // A lone line keeps the room below it.
        let b = body("<div class=\"signature\">\n\nLe Maire\n\n</div>\n");
        assert_eq!(b, "<div class=\"signature\">\n<p>Le Maire</p>\n</div>\n");
    }

    #[test]
    fn lines_ended_by_hand_make_a_ragged_paragraph() {
        assert_eq!(
            body("a\\\nb\n\nc d\n"),
            "<p class=\"lignes\">a<br>\nb</p>\n<p>c d</p>\n"
        );
        assert!(DEFAULT_CSS.contains("\n.lignes {\n  text-align: left;"));
    }

    #[test]
    fn page_skeleton() {
        let page = html("x");
        assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n"));
        assert!(page.contains("<meta charset=\"utf-8\">"));
        assert!(
            page.contains(
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            )
        );
        assert!(page.contains("<title>Délibération n° 12</title>"));
        assert!(page.contains("<style>\nbody { color: black; }\n@page"));
        assert!(page.contains("<body>\n<main class=\"document\">\n<p>x</p>\n</main>\n"));
        assert!(
            page.contains("<footer class=\"pied\">Ville de Dijon</footer>\n</body>\n</html>\n")
        );
        assert!(!page.contains("projet"));
    }

    #[test]
    fn no_external_request() {
        let md = "![logo](https://evil.example/logo.png) [lien](https://evil.example/) <https://evil.example>";
        let page = render(&parse(md, meta()), DEFAULT_CSS);
        for needle in [
            "src=", "href=", "url(", "@import", "<script", "<link", "<img",
        ] {
            assert!(!page.contains(needle), "{needle}");
        }
        assert!(page.contains("<p>logo lien https://evil.example</p>"));
    }

    #[test]
    fn draft_watermark() {
        let doc = parse(
            "x",
            Meta {
                draft: true,
                ..meta()
            },
        );
        let page = render(&doc, "");
        assert!(page.contains(
            "<body class=\"brouillon\">\n<main class=\"document\">\n<div class=\"projet\" aria-hidden=\"true\">PROJET</div>\n<p>x</p>"
        ));
    }

    #[test]
    fn headings_paragraphs_inlines() {
        assert_eq!(
            body("# Un\n\n###### Six\n\na **b *c*** _d_ 1<sup>er</sup>  \ne"),
            "<h1>Un</h1>\n<h6>Six</h6>\n<p class=\"lignes\">a <strong>b </strong><strong><em>c</em></strong> <em>d</em> 1<sup>er</sup><br>\ne</p>\n"
        );
    }

    #[test]
    fn lists_with_start() {
        assert_eq!(
            body("- a\n- b\n\n3. c\n\n   d\n4. e\n\n1) f"),
            "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<ol start=\"3\">\n<li>\n<p>c</p>\n<p>d</p>\n</li>\n<li>e</li>\n</ol>\n<ol>\n<li>f</li>\n</ol>\n"
        );
    }

    #[test]
    fn tables_with_alignment() {
        assert_eq!(
            body("| A | B | C |\n|:-|:-:|-:|\n| 1 | 2 | 3 |\n"),
            "<div class=\"tableau\">\n<table>\n<thead>\n<tr><th>A</th><th style=\"text-align: center\">B</th><th style=\"text-align: right\">C</th></tr>\n</thead>\n<tbody>\n<tr><td>1</td><td style=\"text-align: center\">2</td><td style=\"text-align: right\">3</td></tr>\n</tbody>\n</table>\n</div>\n"
        );
        assert_eq!(
            body("| | |\n|-|-|\n| a | b |\n"),
            "<div class=\"tableau\">\n<table>\n<tbody>\n<tr><td>a</td><td>b</td></tr>\n</tbody>\n</table>\n</div>\n"
        );
    }

    #[test]
    fn quote_and_rule() {
        assert_eq!(
            body("> a\n\n---"),
            "<blockquote>\n<p>a</p>\n</blockquote>\n<hr>\n"
        );
    }

    #[test]
    fn base64_matches_the_standard() {
        for (input, expected) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foobar", "Zm9vYmFy"),
        ] {
            let mut out = String::new();
            base64(&mut out, input.as_bytes());
            assert_eq!(out, expected);
        }
    }

    #[test]
    fn containers() {
        let md = "<div class=\"entete\">\n<div class=\"gauche\">\n\nRÉPUBLIQUE FRANÇAISE\n\n</div>\n<div class=\"droite\">\n\nN° 12\n\n</div>\n</div>\n\n<div class=\"encadre\">\n\nx\n\n</div>\n\n<div class=\"saut-de-page\"></div>\n\n<div class=\"signatures\">\n<div class=\"signature\">\n\nLe Maire\n\n</div>\n</div>";
        assert_eq!(
            body(md),
            "<header class=\"entete\">\n<div class=\"gauche\">\n<p>RÉPUBLIQUE FRANÇAISE</p>\n</div>\n<div class=\"droite\">\n<p>N° 12</p>\n</div>\n</header>\n<div class=\"encadre\">\n<p>x</p>\n</div>\n<div class=\"saut-de-page\"></div>\n<div class=\"signatures\">\n<div class=\"signature\">\n<p>Le Maire</p>\n</div>\n</div>\n"
        );
        for kind in Container::ALL {
            let md = format!("<div class=\"{}\">\n\nt\n\n</div>", kind.class());
            assert!(
                body(&md).contains(&format!("class=\"{}\"", kind.class())),
                "{kind:?}"
            );
        }
    }

    #[test]
    fn sheet_nested_three_deep_is_a_two_column_table() {
        let md = "<div class=\"fiche\">\n<div class=\"ligne\">\n<div class=\"cle\">\n\nTitre du projet\n\n</div>\n<div class=\"valeur\">\n\n« Comment ? »\n\n</div>\n</div>\n<div class=\"ligne\">\n<div class=\"cle\">\n\nProjet :\n\n</div>\n<div class=\"valeur\">\n\nUn.\n\nDeux.\n\n</div>\n</div>\n</div>";
        assert_eq!(
            body(md),
            "<table class=\"fiche\">\n<tbody>\n<tr class=\"ligne\"><th scope=\"row\" class=\"cle\">Titre du projet</th><td class=\"valeur\">« Comment ? »</td></tr>\n<tr class=\"ligne\"><th scope=\"row\" class=\"cle\">Projet :</th><td class=\"valeur\">\n<p>Un.</p>\n<p>Deux.</p>\n</td></tr>\n</tbody>\n</table>\n"
        );
        // A fiche holding something else than rows stays a div.
        assert!(
            body("<div class=\"fiche\">\n\nx\n\n</div>")
                .starts_with("<div class=\"fiche\">\n<p>x</p>")
        );
    }

    #[test]
    fn names_places_and_numbers_are_not_broken_at_their_hyphens() {
        assert_eq!(
            body("À Vals-les-Bains, ci-après, l’acte 2016-06-27/10 de M. Jean-Claude X."),
            "<p>À <span class=\"insecable\">Vals-les-Bains,</span> ci-après, \
             l&#39;acte <span class=\"insecable\">2016-06-27/10</span> de M. \
             <span class=\"insecable\">Jean-Claude</span> X.</p>\n"
                .replace("l&#39;", "l’")
        );
        // Not between two letters or figures: no span.
        assert!(!body("a - B, -12, 3-").contains("insecable"));
        // Nor an identifiant longer than a phone's line.
        assert!(!body("021-212102313-20160627-2016_06_27_14-DE").contains("insecable"));
    }

    #[test]
    fn escaped_user_text_stays_text() {
        let b =
            body("Objet : &lt;script&gt;alert(1)&lt;/script&gt; {{ x }} &quot;a&quot; l'an &amp;");
        assert_eq!(
            b,
            "<p>Objet : &lt;script&gt;alert(1)&lt;/script&gt; {{ x }} &quot;a&quot; l&#39;an &amp;</p>\n"
        );
        assert!(!b.contains("<script"));
    }

    #[test]
    fn raw_html_block_is_escaped_text() {
        assert_eq!(
            body("<script>x</script>"),
            "<p>&lt;script&gt;x&lt;/script&gt;</p>\n"
        );
        assert_eq!(
            body("<div class=\"inconnu\">\n\nx\n\n</div>"),
            "<p>&lt;div class=&quot;inconnu&quot;&gt;</p>\n<p>x</p>\n<p>&lt;/div&gt;</p>\n"
        );
        assert_eq!(
            body("a <img src=x onerror=alert(1)> b"),
            "<p>a &lt;img src=x onerror=alert(1)&gt; b</p>\n"
        );
    }

    #[test]
    fn meta_is_escaped() {
        let doc = parse(
            "x",
            Meta {
                title: "</title><script>".into(),
                footer: "a\"}</style><b>&'".into(),
                draft: false,
                ..Default::default()
            },
        );
        let page = render(&doc, "p { content: \"</style>\"; }");
        assert!(page.contains("<title>&lt;/title&gt;&lt;script&gt;</title>"));
        assert!(
            page.contains(
                "<footer class=\"pied\">a&quot;}&lt;/style&gt;&lt;b&gt;&amp;&#39;</footer>"
            )
        );
        assert!(page.contains("content: \"a\\22 \\7d \\3c /style\\3e \\3c b\\3e \\26 \\27 \";"));
        assert_eq!(page.matches("</style>").count(), 1);
        assert!(!page.contains("<script") && !page.contains("<b>"));
    }

    #[test]
    fn model_built_by_hand_is_escaped() {
        let doc = Document {
            meta: Meta::default(),
            blocks: vec![Block::Table {
                header: vec![vec![Inline::text("<th>")]],
                rows: vec![vec![vec![Inline::Text {
                    text: "<b>\"x\"</b>".into(),
                    style: Style {
                        bold: true,
                        italic: false,
                        sup: false,
                    },
                }]]],
                align: vec![],
            }],
        };
        let page = render(&doc, "");
        assert!(page.contains("<th>&lt;th&gt;</th>"));
        assert!(page.contains("<td><strong>&lt;b&gt;&quot;x&quot;&lt;/b&gt;</strong></td>"));
        assert!(
            !page.contains("<footer"),
            "no footer element without footer text"
        );
    }

    #[test]
    fn deeply_nested_input_renders() {
        let md = format!("{}a", "> - ".repeat(20_000));
        let page = html(&md);
        assert!(page.contains("<p>a</p>") || page.contains("<li>a</li>"));
    }

    #[test]
    fn deterministic() {
        let md =
            "# T\n\n<div class=\"encadre\">\n\n| a | b |\n|-|-|\n| 1 | 2 |\n\n</div>\n\n*x* **y**";
        assert_eq!(html(md), html(md));
    }

    #[test]
    fn default_css_is_print_ready() {
        for needle in [
            "@page",
            "size: A4",
            "margin: 2cm 2cm 1cm 2cm",
            ".projet",
            "hyphens: auto",
            "45em",
        ] {
            assert!(DEFAULT_CSS.contains(needle), "{needle}");
        }
        assert!(
            !DEFAULT_CSS.contains("url("),
            "no external request from the CSS"
        );
    }
}
