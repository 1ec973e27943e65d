//! The document model: what the HTML and PDF back ends read.
//!
//! It is built once from the Markdown a template produced (`doc::parse`), so
//! both back ends show the same words. Named blocks (`Block::Container`) come
//! from the templates only, written as `<div class="NAME">` … `</div>` lines;
//! user text reaches the Markdown escaped and can never open one.

/// A whole document: metadata from the renderer plus the blocks of the body.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Document {
    pub meta: Meta,
    pub blocks: Vec<Block>,
}

/// What the back ends need beside the body. Set by the caller, not by templates.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Meta {
    /// Document title (HTML `<title>`, PDF `/Title`).
    pub title: String,
    /// Footer text printed left of the page number on every page,
    /// e.g. "Ville de Dijon — Délibération n° 2016-06-27/12".
    pub footer: String,
    /// A draft: a diagonal light-grey "PROJET" on every page.
    pub draft: bool,
    /// The collectivité's logo, shown at the top of the header's left column.
    pub logo: Option<Logo>,
    /// PDF `/Author`: the collectivité.
    pub author: String,
    /// PDF `/Subject`: the objet of the act.
    pub subject: String,
    /// Creation and modification date of the PDF, UTC `YYYY-MM-DDTHH:MM:SS`:
    /// the séance's date, else `SOURCE_DATE_EPOCH`; `None` writes no date.
    pub date: Option<String>,
    /// An empty signature field (`/FT /Sig`) over each signature block of the
    /// PDF (`[rendu] signature_electronique`).
    pub signature_fields: bool,
}

/// An image the back ends embed as it is (no decoding): PNG or JPEG.
#[derive(Debug, Clone, PartialEq)]
pub struct Logo {
    pub bytes: std::sync::Arc<[u8]>,
    pub format: ImageFormat,
    /// Size in pixels, read from the file's header.
    pub width: u32,
    pub height: u32,
}

/// The image formats a logo may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    Png,
    Jpeg,
}

impl Logo {
    /// The largest logo, in pixels: a logo is a few hundred pixels a side;
    /// past this, an error (it was left out of the PDF without a word, and
    /// inlined whole in the HTML).
    pub const MAX_PIXELS: u64 = 25_000_000;

    /// Recognises a PNG or JPEG file and reads its size; None for anything else.
    pub fn read(bytes: Vec<u8>) -> Option<Logo> {
        let (format, width, height) =
            if bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.get(12..16) == Some(b"IHDR") {
                let be = |i: usize| Some(u32::from_be_bytes(bytes.get(i..i + 4)?.try_into().ok()?));
                (ImageFormat::Png, be(16)?, be(20)?)
            } else if bytes.starts_with(&[0xFF, 0xD8]) {
                let (w, h) = jpeg_size(&bytes)?;
                (ImageFormat::Jpeg, w, h)
            } else {
                return None;
            };
        (width > 0 && height > 0).then(|| Logo {
            bytes: bytes.into(),
            format,
            width,
            height,
        })
    }

    /// The MIME type, for a data URI.
    pub fn mime(&self) -> &'static str {
        match self.format {
            ImageFormat::Png => "image/png",
            ImageFormat::Jpeg => "image/jpeg",
        }
    }
}

/// Width and height from a JPEG's first SOF marker.
fn jpeg_size(b: &[u8]) -> Option<(u32, u32)> {
    let mut i = 2;
    while i + 9 < b.len() {
        if b[i] != 0xFF {
            return None;
        }
        let marker = b[i + 1];
        let len = usize::from(u16::from_be_bytes([b[i + 2], b[i + 3]]));
        if matches!(marker, 0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF) {
            let h = u32::from(u16::from_be_bytes([b[i + 5], b[i + 6]]));
            let w = u32::from(u16::from_be_bytes([b[i + 7], b[i + 8]]));
            return Some((w, h));
        }
        i += 2 + len;
    }
    None
}

/// A block-level element.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// `level` 1 to 6.
    Heading {
        level: u8,
        content: Vec<Inline>,
    },
    Paragraph(Vec<Inline>),
    /// `start` is `Some(n)` for a numbered list starting at n, `None` for bullets.
    List {
        start: Option<u64>,
        items: Vec<Vec<Block>>,
    },
    /// A GFM table. `header` may be empty (no header row). Cells hold inlines.
    Table {
        header: Vec<Vec<Inline>>,
        rows: Vec<Vec<Vec<Inline>>>,
        align: Vec<Align>,
    },
    Quote(Vec<Block>),
    /// Horizontal rule (`---`).
    Rule,
    /// A named block from a template; see [`Container`].
    Container {
        kind: Container,
        blocks: Vec<Block>,
    },
}

/// Column alignment in a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    #[default]
    Left,
    Center,
    Right,
}

/// The named blocks templates may use, with the class name they are written with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    /// `entete`: the page header of an act, holding a `gauche` and a `droite` column.
    Header,
    /// `gauche`: left column of a header.
    Left,
    /// `droite`: right column of a header, or right-aligned text elsewhere.
    Right,
    /// `centre`: centred text.
    Center,
    /// `encadre`: a framed box (counts box, transmission block).
    Boxed,
    /// `mentions`: small type (legal mentions).
    Small,
    /// `signature`: one signature block, kept on one page, with room to sign below.
    Signature,
    /// `signatures`: signature blocks side by side (two columns).
    Signatures,
    /// `fiche`: a two-column table whose rows are `ligne` blocks.
    Sheet,
    /// `ligne`: a row of a `fiche`: a `cle` then a `valeur`.
    Row,
    /// `cle`: the left (bold) cell of a `fiche` row.
    Key,
    /// `valeur`: the right cell of a `fiche` row.
    Value,
    /// `saut-de-page`: start a new page (empty block).
    PageBreak,
    /// `ensemble`: keep these blocks together on one page when they fit.
    Keep,
}

impl Container {
    /// All containers, for lookups and tests.
    pub const ALL: [Container; 14] = [
        Container::Header,
        Container::Left,
        Container::Right,
        Container::Center,
        Container::Boxed,
        Container::Small,
        Container::Signature,
        Container::Signatures,
        Container::Sheet,
        Container::Row,
        Container::Key,
        Container::Value,
        Container::PageBreak,
        Container::Keep,
    ];

    /// The class name used in templates and in the HTML output.
    pub fn class(self) -> &'static str {
        match self {
            Container::Header => "entete",
            Container::Left => "gauche",
            Container::Right => "droite",
            Container::Center => "centre",
            Container::Boxed => "encadre",
            Container::Small => "mentions",
            Container::Signature => "signature",
            Container::Signatures => "signatures",
            Container::Sheet => "fiche",
            Container::Row => "ligne",
            Container::Key => "cle",
            Container::Value => "valeur",
            Container::PageBreak => "saut-de-page",
            Container::Keep => "ensemble",
        }
    }

    /// The container written with this class name, if any.
    pub fn from_class(class: &str) -> Option<Container> {
        Container::ALL.into_iter().find(|c| c.class() == class)
    }
}

/// An inline run of text with its style. A paragraph is a `Vec<Inline>`.
#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    Text {
        text: String,
        style: Style,
    },
    /// A hard line break (Markdown: two trailing spaces or a backslash).
    Break,
}

/// Inline style flags; they combine (bold italic).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Style {
    pub bold: bool,
    pub italic: bool,
    /// Superscript (`<sup>` in a template: "5<sup>e</sup>").
    pub sup: bool,
}

impl Inline {
    /// Plain text run.
    pub fn text(s: impl Into<String>) -> Inline {
        Inline::Text {
            text: s.into(),
            style: Style::default(),
        }
    }
}

// ---------------------------------------------------------------------------
// Markdown → model
// ---------------------------------------------------------------------------

use pulldown_cmark::{Alignment, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// Parses the Markdown a template produced into the document model; never panics.
pub fn parse(markdown: &str, meta: Meta) -> Document {
    let mut builder = Builder::default();
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
        builder.event(event);
    }
    Document {
        meta,
        blocks: builder.finish(),
    }
}

/// Deepest nesting of frames kept (root included). Deeper Markdown blocks are
/// flattened into their parent and deeper named blocks are text, so that the
/// recursive back ends, `Drop` and `PartialEq` stay far from the stack limit.
const MAX_DEPTH: usize = 40;

/// A block being built: the document root, a Markdown container or a named block.
struct Frame {
    kind: FrameKind,
    blocks: Vec<Block>,
    /// `<div …>` tags with an unknown class opened in this frame and not yet
    /// closed: their `</div>` is text too, so it must not close a real container.
    unknown_divs: u32,
}

enum FrameKind {
    Root,
    Quote,
    List {
        start: Option<u64>,
        items: Vec<Vec<Block>>,
    },
    Item,
    Container(Container),
}

impl Frame {
    fn new(kind: FrameKind) -> Frame {
        Frame {
            kind,
            blocks: Vec::new(),
            unknown_divs: 0,
        }
    }
}

#[derive(Default)]
struct TableBuild {
    align: Vec<Align>,
    header: Vec<Vec<Inline>>,
    rows: Vec<Vec<Vec<Inline>>>,
    row: Vec<Vec<Inline>>,
}

/// Turns the pulldown-cmark event stream into blocks.
#[derive(Default)]
struct Builder {
    /// `frames[0]` is the root and is never popped.
    frames: Vec<Frame>,
    /// Inlines of the paragraph, heading or cell being read (or of a tight
    /// list item, which has no paragraph events).
    inlines: Vec<Inline>,
    bold: u32,
    italic: u32,
    sup: u32,
    in_code: bool,
    table: Option<TableBuild>,
    /// Text of raw HTML waiting to become a paragraph.
    raw: String,
    /// The HTML block being read, whole, so that a tag or a comment may span
    /// lines; `None` outside an HTML block. Its buffer is reused.
    html: Option<String>,
    html_buf: String,
    /// For each open Markdown quote, list or item: whether it got a frame.
    md_open: Vec<bool>,
}

impl Builder {
    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) if self.in_code => self.code_text(&text),
            Event::Text(text)
            | Event::Code(text)
            | Event::InlineMath(text)
            | Event::DisplayMath(text)
            | Event::FootnoteReference(text) => self.text(&text),
            Event::Html(html) => match &mut self.html {
                Some(buf) => buf.push_str(&html),
                None => {
                    self.html_block(&html);
                    self.flush_raw();
                }
            },
            Event::InlineHtml(html) => self.inline_html(&html),
            Event::SoftBreak => self.text(" "),
            Event::HardBreak => self.inlines.push(Inline::Break),
            Event::Rule => {
                self.flush_inlines();
                self.push_block(Block::Rule);
            }
            Event::TaskListMarker(_) => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph | Tag::Heading { .. } => self.begin_leaf(),
            Tag::CodeBlock(_) => {
                self.begin_leaf();
                self.in_code = true;
            }
            Tag::HtmlBlock => {
                self.flush_inlines();
                let mut buf = std::mem::take(&mut self.html_buf);
                buf.clear();
                self.html = Some(buf);
            }
            Tag::BlockQuote(_) => self.open_md(FrameKind::Quote),
            Tag::List(start) => self.open_md(FrameKind::List {
                start,
                items: Vec::new(),
            }),
            Tag::Item => self.open_md(FrameKind::Item),
            Tag::Table(align) => {
                self.flush_inlines();
                let align = align
                    .iter()
                    .map(|a| match a {
                        Alignment::Center => Align::Center,
                        Alignment::Right => Align::Right,
                        Alignment::None | Alignment::Left => Align::Left,
                    })
                    .collect();
                self.table = Some(TableBuild {
                    align,
                    ..TableBuild::default()
                });
            }
            Tag::TableHead | Tag::TableRow => {
                if let Some(table) = &mut self.table {
                    table.row.clear();
                }
            }
            Tag::TableCell => self.reset_inline_state(),
            Tag::Emphasis => self.italic += 1,
            Tag::Strong => self.bold += 1,
            Tag::Superscript => self.sup += 1,
            // Links and images keep only their text; the rest is not enabled.
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => {
                let content = self.take_inlines();
                if !content.is_empty() {
                    self.push_block(Block::Paragraph(content));
                }
            }
            TagEnd::Heading(level) => {
                let content = self.take_inlines();
                if !content.is_empty() {
                    let level = match level {
                        HeadingLevel::H1 => 1,
                        HeadingLevel::H2 => 2,
                        HeadingLevel::H3 => 3,
                        HeadingLevel::H4 => 4,
                        HeadingLevel::H5 => 5,
                        HeadingLevel::H6 => 6,
                    };
                    self.push_block(Block::Heading { level, content });
                }
            }
            TagEnd::CodeBlock => {
                self.in_code = false;
                self.flush_inlines();
            }
            TagEnd::HtmlBlock => {
                if let Some(buf) = self.html.take() {
                    self.html_block(&buf);
                    self.html_buf = buf;
                }
                self.flush_raw();
            }
            TagEnd::BlockQuote(_) => self.close_md(|k| matches!(k, FrameKind::Quote)),
            TagEnd::List(_) => self.close_md(|k| matches!(k, FrameKind::List { .. })),
            TagEnd::Item => self.close_md(|k| matches!(k, FrameKind::Item)),
            TagEnd::TableCell => {
                let cell = self.take_inlines();
                if let Some(table) = &mut self.table {
                    table.row.push(cell);
                }
            }
            TagEnd::TableHead => {
                if let Some(table) = &mut self.table {
                    // A header row of empty cells means "no header".
                    table.header = if table.row.iter().all(Vec::is_empty) {
                        table.row.clear();
                        Vec::new()
                    } else {
                        std::mem::take(&mut table.row)
                    };
                }
            }
            TagEnd::TableRow => {
                if let Some(table) = &mut self.table {
                    let row = std::mem::take(&mut table.row);
                    table.rows.push(row);
                }
            }
            TagEnd::Table => {
                if let Some(t) = self.table.take() {
                    self.push_block(Block::Table {
                        header: t.header,
                        rows: t.rows,
                        align: t.align,
                    });
                }
            }
            TagEnd::Emphasis => self.italic = self.italic.saturating_sub(1),
            TagEnd::Strong => self.bold = self.bold.saturating_sub(1),
            TagEnd::Superscript => self.sup = self.sup.saturating_sub(1),
            _ => {}
        }
    }

    fn finish(mut self) -> Vec<Block> {
        self.flush_inlines();
        if let Some(buf) = self.html.take() {
            self.html_block(&buf);
        }
        self.flush_raw();
        while self.frames.len() > 1 {
            self.close_top();
        }
        self.frames.pop().map(|f| f.blocks).unwrap_or_default()
    }

    // --- frames ---

    fn top(&mut self) -> &mut Frame {
        if self.frames.is_empty() {
            self.frames.push(Frame::new(FrameKind::Root));
        }
        let last = self.frames.len() - 1;
        &mut self.frames[last]
    }

    fn push_block(&mut self, block: Block) {
        let top = self.top();
        match &mut top.kind {
            // Blocks never sit directly in a list; be safe if one does.
            FrameKind::List { items, .. } => match items.last_mut() {
                Some(item) => item.push(block),
                None => items.push(vec![block]),
            },
            _ => top.blocks.push(block),
        }
    }

    fn open(&mut self, kind: FrameKind) {
        self.flush_inlines();
        self.top();
        self.frames.push(Frame::new(kind));
    }

    /// Opens a Markdown quote, list or item, unless nesting is already too deep.
    fn open_md(&mut self, kind: FrameKind) {
        let room = self.frames.len() < MAX_DEPTH;
        if room {
            self.open(kind);
        } else {
            self.flush_inlines();
        }
        self.md_open.push(room);
    }

    /// Closes the Markdown block `open_md` opened last, with the named blocks
    /// left open inside it.
    fn close_md(&mut self, is_it: fn(&FrameKind) -> bool) {
        self.flush_inlines();
        self.flush_raw();
        if !self.md_open.pop().unwrap_or(false) {
            return;
        }
        if let Some(pos) = self.frames.iter().rposition(|f| is_it(&f.kind)) {
            while pos > 0 && self.frames.len() > pos {
                self.close_top();
            }
        }
    }

    /// Pops the innermost frame (never the root) and adds it to its parent.
    fn close_top(&mut self) {
        if self.frames.len() < 2 {
            return;
        }
        let Some(frame) = self.frames.pop() else {
            return;
        };
        let block = match frame.kind {
            FrameKind::Root => return,
            FrameKind::Quote => Block::Quote(frame.blocks),
            FrameKind::Container(kind) => Block::Container {
                kind,
                blocks: frame.blocks,
            },
            FrameKind::List { start, mut items } => {
                if !frame.blocks.is_empty() {
                    items.push(frame.blocks);
                }
                Block::List { start, items }
            }
            FrameKind::Item => {
                let top = self.top();
                match &mut top.kind {
                    FrameKind::List { items, .. } => items.push(frame.blocks),
                    _ => top.blocks.extend(frame.blocks),
                }
                return;
            }
        };
        self.push_block(block);
    }

    // --- inlines ---

    fn style(&self) -> Style {
        Style {
            bold: self.bold > 0,
            italic: self.italic > 0,
            sup: self.sup > 0,
        }
    }

    fn reset_inline_state(&mut self) {
        self.inlines.clear();
        self.bold = 0;
        self.italic = 0;
        self.sup = 0;
    }

    fn begin_leaf(&mut self) {
        self.flush_inlines();
        self.reset_inline_state();
    }

    fn text(&mut self, text: &str) {
        let style = self.style();
        push_text(&mut self.inlines, text, style);
    }

    /// Code block text: kept as plain lines.
    fn code_text(&mut self, text: &str) {
        let style = self.style();
        for (i, line) in text.split('\n').enumerate() {
            if i > 0 {
                self.inlines.push(Inline::Break);
            }
            push_text(&mut self.inlines, line, style);
        }
    }

    fn inline_html(&mut self, html: &str) {
        if html.starts_with("<!--") {
            return;
        }
        match simple_tag(html) {
            Some((false, name)) if name.eq_ignore_ascii_case("sup") => self.sup += 1,
            Some((true, name)) if name.eq_ignore_ascii_case("sup") => {
                self.sup = self.sup.saturating_sub(1)
            }
            Some((_, name)) if name.eq_ignore_ascii_case("br") => self.inlines.push(Inline::Break),
            _ => self.text(html),
        }
    }

    /// Takes the current inlines, trimmed at both ends.
    fn take_inlines(&mut self) -> Vec<Inline> {
        let mut inlines = std::mem::take(&mut self.inlines);
        trim_inlines(&mut inlines);
        inlines
    }

    /// Turns pending inlines (a tight list item's text) into a paragraph.
    fn flush_inlines(&mut self) {
        if self.inlines.is_empty() {
            return;
        }
        let content = self.take_inlines();
        if !content.is_empty() {
            self.push_block(Block::Paragraph(content));
        }
    }

    // --- raw HTML ---

    /// Reads an HTML block: named-block tags act on the stack, the rest is text.
    fn html_block(&mut self, html: &str) {
        let mut pos = 0;
        let mut text_from = 0;
        while pos < html.len() {
            let Some(lt) = html[pos..].find('<').map(|i| pos + i) else {
                break;
            };
            let rest = &html[lt..];
            if let Some(comment) = rest.strip_prefix("<!--") {
                // A comment is not content; unterminated, it runs to the end.
                self.raw_text(&html[text_from..lt]);
                let Some(end) = comment.find("-->") else {
                    return;
                };
                pos = lt + 4 + end + 3;
                text_from = pos;
                continue;
            }
            match div_tag(rest) {
                Some((tag, len)) => {
                    self.raw_text(&html[text_from..lt]);
                    self.div(tag, &rest[..len]);
                    pos = lt + len;
                    text_from = pos;
                }
                None => pos = lt + 1,
            }
        }
        self.raw_text(&html[text_from..]);
    }

    fn div(&mut self, tag: DivTag, source: &str) {
        match tag {
            DivTag::Open {
                kind: Some(kind),
                self_closing,
            } if self.frames.len() < MAX_DEPTH => {
                self.flush_raw();
                self.open(FrameKind::Container(kind));
                if self_closing {
                    self.close_top();
                }
            }
            // Unknown class, or too deep: shown as text.
            DivTag::Open { .. } => {
                self.top().unknown_divs += 1;
                self.raw_text(source);
            }
            DivTag::Close => {
                let top = self.top();
                if top.unknown_divs > 0 {
                    top.unknown_divs -= 1;
                    self.raw_text(source);
                } else if matches!(top.kind, FrameKind::Container(_)) {
                    self.flush_raw();
                    self.close_top();
                }
                // Otherwise a stray closer: ignored.
            }
        }
    }

    fn raw_text(&mut self, text: &str) {
        if !text.is_empty() {
            decode_raw(text, &mut self.raw);
        }
    }

    /// Turns pending raw HTML text into a plain paragraph, whitespace collapsed.
    fn flush_raw(&mut self) {
        if self.raw.is_empty() {
            return;
        }
        let mut text = String::with_capacity(self.raw.len());
        for word in self.raw.split_ascii_whitespace() {
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(word);
        }
        self.raw.clear();
        if !text.is_empty() {
            self.push_block(Block::Paragraph(vec![Inline::text(text)]));
        }
    }
}

/// Appends text, merged into the previous run when the style is the same.
fn push_text(inlines: &mut Vec<Inline>, text: &str, style: Style) {
    if text.is_empty() {
        return;
    }
    if let Some(Inline::Text {
        text: last,
        style: last_style,
    }) = inlines.last_mut()
        && *last_style == style
    {
        last.push_str(text);
        return;
    }
    inlines.push(Inline::Text {
        text: text.to_owned(),
        style,
    });
}

/// Removes leading and trailing ASCII whitespace and line breaks.
fn trim_inlines(inlines: &mut Vec<Inline>) {
    while let Some(last) = inlines.last_mut() {
        match last {
            Inline::Break => {}
            Inline::Text { text, .. } => {
                let len = text.trim_ascii_end().len();
                text.truncate(len);
                if !text.is_empty() {
                    break;
                }
            }
        }
        inlines.pop();
    }
    let mut drop = 0;
    for inline in inlines.iter_mut() {
        match inline {
            Inline::Break => drop += 1,
            Inline::Text { text, .. } => {
                let cut = text.len() - text.trim_ascii_start().len();
                text.drain(..cut);
                if !text.is_empty() {
                    break;
                }
                drop += 1;
            }
        }
    }
    inlines.drain(..drop);
}

/// A `<div …>` or `</div>` tag found in an HTML block.
#[derive(Debug, PartialEq)]
enum DivTag {
    /// `kind` is `None` for a div without a single known class.
    Open {
        kind: Option<Container>,
        self_closing: bool,
    },
    Close,
}

/// Recognises a div tag at the start of `s`; returns it and its length in bytes.
fn div_tag(s: &str) -> Option<(DivTag, usize)> {
    let b = s.as_bytes();
    if b.len() >= 5 && b[1] == b'/' && b[2..5].eq_ignore_ascii_case(b"div") {
        let mut i = 5;
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        return (b.get(i) == Some(&b'>')).then_some((DivTag::Close, i + 1));
    }
    if b.len() < 5 || !b[1..4].eq_ignore_ascii_case(b"div") {
        return None;
    }
    if !(b[4] == b'>' || b[4] == b'/' || b[4].is_ascii_whitespace()) {
        return None;
    }
    let end = tag_end(b, 4)?;
    let inner = &s[4..end];
    let (attrs, self_closing) = match inner.strip_suffix('/') {
        Some(a) => (a, true),
        None => (inner, false),
    };
    let kind = class_attr(attrs).and_then(Container::from_class);
    Some((DivTag::Open { kind, self_closing }, end + 1))
}

/// Index of the `>` ending a tag whose attributes start at `from`, skipping quoted values.
fn tag_end(b: &[u8], from: usize) -> Option<usize> {
    let mut quote = None;
    for (i, &c) in b.iter().enumerate().skip(from) {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == b'"' || c == b'\'' => quote = Some(c),
            None if c == b'>' => return Some(i),
            None => {}
        }
    }
    None
}

/// The value of the attribute list when it is exactly one `class="NAME"`.
fn class_attr(attrs: &str) -> Option<&str> {
    let rest = attrs.trim_ascii().strip_prefix("class")?.trim_ascii_start();
    let rest = rest.strip_prefix('=')?.trim_ascii_start();
    let quote = rest.chars().next().filter(|&c| c == '"' || c == '\'')?;
    let rest = &rest[1..];
    let close = rest.find(quote)?;
    rest[close + 1..]
        .trim_ascii()
        .is_empty()
        .then(|| rest[..close].trim_ascii())
}

/// Splits a bare inline tag (`<sup>`, `</sup>`, `<br/>`) into (closing?, name).
fn simple_tag(html: &str) -> Option<(bool, &str)> {
    let inner = html.strip_prefix('<')?.strip_suffix('>')?;
    let (closing, inner) = match inner.strip_prefix('/') {
        Some(rest) => (true, rest),
        None => (false, inner),
    };
    let inner = inner.strip_suffix('/').unwrap_or(inner).trim_ascii();
    inner
        .bytes()
        .all(|c| c.is_ascii_alphanumeric())
        .then_some((closing, inner))
}

/// Appends raw HTML text as it reads: the character references the escaping
/// filter and templates use (`&lt;` `&gt;` `&amp;` `&quot;` `&apos;` `&nbsp;`,
/// numeric) decoded, and backslash escapes of ASCII punctuation removed.
fn decode_raw(text: &str, out: &mut String) {
    let mut rest = text;
    while let Some(at) = rest.find(['&', '\\']) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let bytes = rest.as_bytes();
        if bytes[0] == b'\\' {
            match bytes.get(1) {
                Some(c) if c.is_ascii_punctuation() => {
                    out.push(char::from(*c));
                    rest = &rest[2..];
                }
                _ => {
                    out.push('\\');
                    rest = &rest[1..];
                }
            }
            continue;
        }
        match entity(rest) {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
}

/// The character a reference at the start of `s` (`&…;`) stands for, and its length.
fn entity(s: &str) -> Option<(char, usize)> {
    let semi = s.bytes().take(12).position(|b| b == b';')?;
    let name = s.get(1..semi)?;
    let c = match name {
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) if hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
                    u32::from_str_radix(hex, 16).ok()?
                }
                None if num.bytes().all(|b| b.is_ascii_digit()) => num.parse().ok()?,
                _ => return None,
            };
            char::from_u32(code)
                .filter(|&c| c != '\0')
                .unwrap_or('\u{fffd}')
        }
    };
    Some((c, semi + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(md: &str) -> Vec<Block> {
        parse(md, Meta::default()).blocks
    }

    fn t(s: &str) -> Inline {
        Inline::text(s)
    }

    fn styled(s: &str, bold: bool, italic: bool, sup: bool) -> Inline {
        Inline::Text {
            text: s.into(),
            style: Style { bold, italic, sup },
        }
    }

    fn para(s: &str) -> Block {
        Block::Paragraph(vec![t(s)])
    }

    fn container(kind: Container, blocks: Vec<Block>) -> Block {
        Block::Container { kind, blocks }
    }

    #[test]
    fn meta_is_kept() {
        let meta = Meta {
            title: "T".into(),
            footer: "F".into(),
            draft: true,
            ..Default::default()
        };
        assert_eq!(parse("x", meta.clone()).meta, meta);
    }

    #[test]
    fn headings_and_paragraphs() {
        assert_eq!(
            blocks(
                "# Titre\n\n### Sous-titre ###\n\nUn  paragraphe\nsur deux lignes.\n\n###### six"
            ),
            vec![
                Block::Heading {
                    level: 1,
                    content: vec![t("Titre")]
                },
                Block::Heading {
                    level: 3,
                    content: vec![t("Sous-titre")]
                },
                para("Un  paragraphe sur deux lignes."),
                Block::Heading {
                    level: 6,
                    content: vec![t("six")]
                },
            ]
        );
        assert_eq!(
            blocks("Setext\n======"),
            vec![Block::Heading {
                level: 1,
                content: vec![t("Setext")]
            }]
        );
    }

    #[test]
    fn emphasis_nests_into_combined_styles() {
        assert_eq!(
            blocks("a **gras *et italique*** _it_ `code` b"),
            vec![Block::Paragraph(vec![
                t("a "),
                styled("gras ", true, false, false),
                styled("et italique", true, true, false),
                t(" "),
                styled("it", false, true, false),
                t(" code b"),
            ])]
        );
    }

    #[test]
    fn breaks_sup_and_inline_html() {
        assert_eq!(
            blocks("le 1<sup>er</sup> juin  \nligne<br>deux<br/>trois<BR />x <span>y</span> z"),
            vec![Block::Paragraph(vec![
                t("le 1"),
                styled("er", false, false, true),
                t(" juin"),
                Inline::Break,
                t("ligne"),
                Inline::Break,
                t("deux"),
                Inline::Break,
                t("trois"),
                Inline::Break,
                t("x <span>y</span> z"),
            ])]
        );
        // Backslash hard break; soft break is one space.
        assert_eq!(
            blocks("a\\\nb\nc"),
            vec![Block::Paragraph(vec![t("a"), Inline::Break, t("b c")])]
        );
    }

    #[test]
    fn links_and_images_keep_their_text() {
        assert_eq!(
            blocks(
                "voir [le *site*](https://x.fr \"t\") et ![logo de la ville](logo.png) <https://a.fr>"
            ),
            vec![Block::Paragraph(vec![
                t("voir le "),
                styled("site", false, true, false),
                t(" et logo de la ville https://a.fr"),
            ])]
        );
    }

    #[test]
    fn entities_and_escapes_become_characters() {
        assert_eq!(
            blocks("&lt;script&gt;alert(1)&lt;/script&gt; \\*pas\\* {{ x }} &amp; &eacute; &#233;"),
            vec![para("<script>alert(1)</script> *pas* {{ x }} & é é")]
        );
    }

    #[test]
    fn paragraphs_are_trimmed_and_empty_ones_dropped() {
        assert_eq!(blocks("<br> a <br>\n\n&#32;\n"), vec![para("a")]);
        let p = blocks("x&nbsp;");
        assert_eq!(p, vec![para("x\u{a0}")], "non-breaking spaces are kept");
    }

    #[test]
    fn lists_tight_loose_and_numbered() {
        let tight = blocks("- un\n- deux\n  - deux bis\n");
        assert_eq!(
            tight,
            vec![Block::List {
                start: None,
                items: vec![
                    vec![para("un")],
                    vec![
                        para("deux"),
                        Block::List {
                            start: None,
                            items: vec![vec![para("deux bis")]]
                        }
                    ],
                ],
            }]
        );
        let loose = blocks("3. trois\n\n4. quatre\n\n   suite\n");
        assert_eq!(
            loose,
            vec![Block::List {
                start: Some(3),
                items: vec![vec![para("trois")], vec![para("quatre"), para("suite")]],
            }]
        );
        assert_eq!(
            blocks("1) a\n2) *b*"),
            vec![Block::List {
                start: Some(1),
                items: vec![
                    vec![para("a")],
                    vec![Block::Paragraph(vec![styled("b", false, true, false)])]
                ],
            }]
        );
    }

    #[test]
    fn tables_with_header_and_alignment() {
        let md = "| Membres | Nombre | Note |\n|:--|--:|:-:|\n| en exercice | **55** | a |\n| présents | 42 |\n";
        assert_eq!(
            blocks(md),
            vec![Block::Table {
                header: vec![vec![t("Membres")], vec![t("Nombre")], vec![t("Note")]],
                rows: vec![
                    vec![
                        vec![t("en exercice")],
                        vec![styled("55", true, false, false)],
                        vec![t("a")]
                    ],
                    vec![vec![t("présents")], vec![t("42")], vec![]],
                ],
                align: vec![Align::Left, Align::Right, Align::Center],
            }]
        );
        // A header of empty cells means no header.
        let headless = blocks("| | |\n|-|-|\n| a | b |\n");
        assert_eq!(
            headless,
            vec![Block::Table {
                header: vec![],
                rows: vec![vec![vec![t("a")], vec![t("b")]]],
                align: vec![Align::Left, Align::Left],
            }]
        );
    }

    #[test]
    fn quotes_rules_and_code() {
        assert_eq!(
            blocks("> cité\n>\n> > imbriqué\n\n---\n\n    code  brut\n    ligne 2\n"),
            vec![
                Block::Quote(vec![para("cité"), Block::Quote(vec![para("imbriqué")])]),
                Block::Rule,
                Block::Paragraph(vec![t("code  brut"), Inline::Break, t("ligne 2")]),
            ]
        );
    }

    #[test]
    fn containers_several_tags_in_one_html_block() {
        let md = "<div class=\"fiche\">\n<div class=\"ligne\">\n<div class=\"cle\">\n\n**Titre du projet**\n\n</div>\n<div class=\"valeur\">\n\nUn texte.\n\n- point\n\n</div>\n</div>\n</div>\n\nAprès.";
        assert_eq!(
            blocks(md),
            vec![
                container(
                    Container::Sheet,
                    vec![container(
                        Container::Row,
                        vec![
                            container(
                                Container::Key,
                                vec![Block::Paragraph(vec![styled(
                                    "Titre du projet",
                                    true,
                                    false,
                                    false
                                )])]
                            ),
                            container(
                                Container::Value,
                                vec![
                                    para("Un texte."),
                                    Block::List {
                                        start: None,
                                        items: vec![vec![para("point")]]
                                    }
                                ]
                            ),
                        ]
                    )]
                ),
                para("Après."),
            ]
        );
    }

    #[test]
    fn every_container_class_is_recognised() {
        for kind in Container::ALL {
            let md = format!("<div class=\"{}\">\n\ntexte\n\n</div>\n", kind.class());
            assert_eq!(
                blocks(&md),
                vec![container(kind, vec![para("texte")])],
                "{kind:?}"
            );
        }
    }

    #[test]
    fn page_break_and_inline_content_in_html_block() {
        assert_eq!(
            blocks("a\n\n<div class=\"saut-de-page\"></div>\n\nb"),
            vec![
                para("a"),
                container(Container::PageBreak, vec![]),
                para("b")
            ]
        );
        assert_eq!(
            blocks("<div class='centre'>Fait à Dijon,\n le 27 juin</div>"),
            vec![container(
                Container::Center,
                vec![para("Fait à Dijon, le 27 juin")]
            )]
        );
        assert_eq!(
            blocks("<div class=\"saut-de-page\"/>\n\nb"),
            vec![container(Container::PageBreak, vec![]), para("b")]
        );
    }

    #[test]
    fn header_with_two_columns() {
        let md = "<div class=\"entete\">\n<div class=\"gauche\">\n\nRÉPUBLIQUE FRANÇAISE\n\n</div>\n<div class=\"droite\">\n\nSéance du 27 juin 2016\n\n</div>\n</div>\n";
        assert_eq!(
            blocks(md),
            vec![container(
                Container::Header,
                vec![
                    container(Container::Left, vec![para("RÉPUBLIQUE FRANÇAISE")]),
                    container(Container::Right, vec![para("Séance du 27 juin 2016")]),
                ]
            )]
        );
    }

    #[test]
    fn raw_html_is_text() {
        assert_eq!(
            blocks("<script>x</script>"),
            vec![para("<script>x</script>")]
        );
        assert_eq!(
            blocks("<p style=\"x\">a &lt;b&gt;\nc</p>\n\nsuite"),
            vec![para("<p style=\"x\">a <b> c</p>"), para("suite")]
        );
        // Escaped user text on the line of a tag reads as it was typed.
        assert_eq!(
            blocks("<div class=\"centre\">M. DUPONT\\_X &lt;b&gt; \\*</div>"),
            vec![container(
                Container::Center,
                vec![para("M. DUPONT_X <b> *")]
            )]
        );
        // A comment is not content.
        assert_eq!(
            blocks("<!-- note\n<div class=\"centre\"> -->\n\na"),
            vec![para("a")]
        );
    }

    #[test]
    fn unknown_div_is_text_and_its_closer_too() {
        assert_eq!(
            blocks("<div class=\"encadre\">\n<div class=\"inconnu\">\n\nx\n\n</div>\n</div>\n\ny"),
            vec![
                container(
                    Container::Boxed,
                    vec![para("<div class=\"inconnu\">"), para("x"), para("</div>")]
                ),
                para("y"),
            ]
        );
        assert_eq!(
            blocks("<div class=\"centre\" id=\"a\">\n\nx"),
            vec![para("<div class=\"centre\" id=\"a\">"), para("x")]
        );
    }

    #[test]
    fn tags_may_span_lines() {
        assert_eq!(
            blocks("<div\n  class=\"encadre\"\n>\n\nx\n\n</div\n>\n\ny"),
            vec![container(Container::Boxed, vec![para("x")]), para("y")]
        );
    }

    #[test]
    fn unbalanced_tags() {
        // Stray closers are ignored; open containers close at the end.
        assert_eq!(
            blocks("</div>\n\na\n\n<div class=\"encadre\">\n<div class=\"centre\">\n\nb"),
            vec![
                para("a"),
                container(
                    Container::Boxed,
                    vec![container(Container::Center, vec![para("b")])]
                ),
            ]
        );
        // A container left open in a list item closes with the item.
        assert_eq!(
            blocks("- <div class=\"centre\">\n\n  a\n- b\n"),
            vec![Block::List {
                start: None,
                items: vec![
                    vec![container(Container::Center, vec![para("a")])],
                    vec![para("b")],
                ],
            }]
        );
    }

    #[test]
    fn containers_hold_quotes_and_tables() {
        let md = "<div class=\"encadre\">\n\n| | |\n|-|-:|\n| Présents | 42 |\n\n> note\n\n</div>";
        assert_eq!(
            blocks(md),
            vec![container(
                Container::Boxed,
                vec![
                    Block::Table {
                        header: vec![],
                        rows: vec![vec![vec![t("Présents")], vec![t("42")]]],
                        align: vec![Align::Left, Align::Right],
                    },
                    Block::Quote(vec![para("note")]),
                ]
            )]
        );
    }

    #[test]
    fn user_text_cannot_open_a_container() {
        // What the escaping filter produces from `<div class="signature">`.
        let md = "&lt;div class=&quot;signature&quot;&gt;\n\nfin";
        assert_eq!(
            blocks(md),
            vec![para("<div class=\"signature\">"), para("fin")]
        );
    }

    #[test]
    fn adjacent_runs_are_merged() {
        let b = blocks("a *b* *c* d&amp;e");
        assert_eq!(
            b,
            vec![Block::Paragraph(vec![
                t("a "),
                styled("b", false, true, false),
                t(" "),
                styled("c", false, true, false),
                t(" d&e"),
            ])]
        );
        for block in &b {
            if let Block::Paragraph(inl) = block {
                for pair in inl.windows(2) {
                    if let [Inline::Text { style: a, .. }, Inline::Text { style: b, .. }] = pair {
                        assert_ne!(a, b);
                    }
                }
            }
        }
    }

    #[test]
    fn deterministic() {
        let md =
            "# T\n\n<div class=\"encadre\">\n\n| a | b |\n|-|-|\n| 1 | 2 |\n\n</div>\n\n*x* **y**";
        assert_eq!(blocks(md), blocks(md));
    }

    fn depth(blocks: &[Block]) -> usize {
        let children = |b: &Block| -> usize {
            match b {
                Block::List { items, .. } => items.iter().map(|i| depth(i)).max().unwrap_or(0),
                Block::Quote(inner) | Block::Container { blocks: inner, .. } => depth(inner),
                _ => 0,
            }
        };
        blocks.iter().map(|b| 1 + children(b)).max().unwrap_or(0)
    }

    #[test]
    fn deep_nesting_is_capped() {
        let cases = [
            format!("{}a", ">".repeat(50_000)),
            format!("{}a", "- ".repeat(50_000)),
            format!("{}a", "1. ".repeat(30_000)),
            format!("{}\n\na", "<div class=\"encadre\">\n".repeat(50_000)),
            format!("{}a", "> <div class=\"centre\">\n".repeat(5_000)),
        ];
        for md in &cases {
            let doc = parse(md, Meta::default());
            assert!(depth(&doc.blocks) <= MAX_DEPTH, "{}", &md[..20]);
        }
        // Nesting a real document uses is kept whole.
        let md = format!("{}x", "> ".repeat(30));
        assert_eq!(depth(&blocks(&md)), 31);
    }

    #[test]
    fn entity_decoder_edge_cases() {
        let mut s = String::new();
        decode_raw(
            "&#x41;&#66;&#0;&#xFFFFFFFF;&bogus;&&;&#;&#+5;&lt;&lt \\* \\a \\\\ \\",
            &mut s,
        );
        assert_eq!(s, "AB\u{fffd}\u{fffd}&bogus;&&;&#;&#+5;<&lt * \\a \\ \\");
    }

    #[test]
    fn never_panics_on_generated_input() {
        const PIECES: [&str; 40] = [
            "<div class=\"fiche\">",
            "<div class=\"ligne\">",
            "<div class=\"cle\">",
            "<div class='valeur'>",
            "<div class=\"saut-de-page\"></div>",
            "<div class=\"inconnu\">",
            "<div",
            "<div class=\"",
            "</div>",
            "</div",
            "<!--",
            "-->",
            "<sup>",
            "</sup>",
            "<br>",
            "<script>",
            "&lt;",
            "&#x",
            "&#12345678;",
            "&",
            ";",
            "\n",
            "\n\n",
            "   ",
            "    ",
            "- ",
            "1. ",
            "> ",
            "# ",
            "**",
            "*",
            "_",
            "`",
            "\\",
            "| a | b |\n",
            "|:-|-:|\n",
            "---\n",
            "[x](y)",
            "![alt](i.png)",
            "é œ \u{202f}: ",
        ];
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            // Numerical Recipes LCG.
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as usize
        };
        for _ in 0..500 {
            let mut md = String::new();
            for _ in 0..next() % 40 {
                md.push_str(PIECES[next() % PIECES.len()]);
            }
            let doc = parse(&md, Meta::default());
            assert_eq!(doc, parse(&md, Meta::default()));
        }
    }
}
