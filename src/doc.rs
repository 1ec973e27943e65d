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
}

/// A block-level element.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// `level` 1 to 6.
    Heading { level: u8, content: Vec<Inline> },
    Paragraph(Vec<Inline>),
    /// `start` is `Some(n)` for a numbered list starting at n, `None` for bullets.
    List { start: Option<u64>, items: Vec<Vec<Block>> },
    /// A GFM table. `header` may be empty (no header row). Cells hold inlines.
    Table { header: Vec<Vec<Inline>>, rows: Vec<Vec<Vec<Inline>>>, align: Vec<Align> },
    Quote(Vec<Block>),
    /// Horizontal rule (`---`).
    Rule,
    /// A named block from a template; see [`Container`].
    Container { kind: Container, blocks: Vec<Block> },
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
    Text { text: String, style: Style },
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
        Inline::Text { text: s.into(), style: Style::default() }
    }
}
