//! PDF back end: the document model laid out on A4 pages, written with printpdf.
//!
//! Steps: blocks → a vertical list of slices (`layout`, with `text` breaking
//! paragraphs into lines), slices → pages (`paginate`, which knows the page
//! count before the footers are drawn), pages → PDF bytes (`writer`, with the
//! embedded Liberation fonts subset by `subset` and the logo made by `image`;
//! `conform` adds what PDF/A and tagged PDF need, `save` writes the file).
//! All of it is pure: no clock, no randomness, no file access; fonts are
//! parsed once per process (`fonts`).

mod conform;
mod fonts;
mod image;
mod layout;
mod paginate;
mod recueil;
mod save;
mod subset;
mod text;
mod writer;

use fonts::Face;
pub use recueil::{Entry, Front, Part, render_many};
pub(crate) use text::is_break_space;

/// Points per millimetre.
const MM: f32 = 72.0 / 25.4;
/// A4 portrait, in pt.
const PAGE_W: f32 = 210.0 * MM;
const PAGE_H: f32 = 297.0 * MM;
const MARGIN_X: f32 = 20.0 * MM;
const MARGIN_TOP: f32 = 20.0 * MM;
const MARGIN_BOTTOM: f32 = 25.0 * MM;
/// Width of the text column.
const BODY_W: f32 = PAGE_W - 2.0 * MARGIN_X;

/// Something drawn on a page; `y` grows downwards from the top of its slice or page.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Item {
    /// Text in one face and size; `y` is the baseline. `node`: the structure
    /// element it belongs to (index in [`layout::Laid::tree`], 0 until the
    /// layout sets it), or [`ARTIFACT`].
    Text {
        x: f32,
        y: f32,
        face: Face,
        size: f32,
        text: String,
        node: u32,
    },
    /// A grey filled rectangle; `y` is its top edge.
    Fill {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        grey: f32,
    },
    /// A stroked segment.
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
        grey: f32,
    },
    /// Nothing drawn: the rectangle of structure element `node` (a signature
    /// block, where the PDF gets a signature field); `y` is its top edge.
    Area {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        node: u32,
    },
    /// The logo (`meta.logo`) scaled to `w` × `h`; `y` is its top edge.
    Image {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        node: u32,
    },
}

/// The `node` of what is not content (page numbers, running footers, a table
/// header repeated on the next page): written as an artifact, not tagged.
pub(crate) const ARTIFACT: u32 = u32::MAX;

/// The kind of a structure element of the tagged PDF (ISO 32000-1 14.8.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Document,
    /// One document of a collection (an act of the recueil), under `Document`.
    Part,
    /// A heading, level 1 to 6 (levels never skipped).
    H(u8),
    P,
    L,
    LI,
    Lbl,
    LBody,
    Table,
    TR,
    /// A header cell: of its column (`row` false) or of its row.
    TH {
        row: bool,
    },
    TD,
    Figure,
    BlockQuote,
    /// The named blocks of the templates, kept by name and mapped to `Div`
    /// (`/RoleMap`): the header of an act, a signature block, a framed box
    /// (counts, transmission), a fiche.
    Entete,
    Signature,
    Encadre,
    Fiche,
}

/// A structure element: its kind and its parent (the root is its own parent).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Node {
    pub role: Role,
    pub parent: u32,
}

impl Item {
    /// Give text and images without a structure element the element `node`.
    fn tag(&mut self, n: u32) {
        if let Item::Text { node, .. } | Item::Image { node, .. } = self
            && *node == 0
        {
            *node = n;
        }
    }

    /// Make text and images artifacts.
    fn untag(&mut self) {
        if let Item::Text { node, .. } | Item::Image { node, .. } = self {
            *node = ARTIFACT;
        }
    }

    /// Move the item down by `dy`.
    fn shift(&mut self, dy: f32) {
        match self {
            Item::Text { y, .. }
            | Item::Fill { y, .. }
            | Item::Image { y, .. }
            | Item::Area { y, .. } => *y += dy,
            Item::Line { y1, y2, .. } => {
                *y1 += dy;
                *y2 += dy;
            }
        }
    }
}

/// A document laid out and broken into pages, once: the PDF draws these
/// pages, and the HTML back end marks where they start so that a printed
/// page breaks where the PDF's does.
pub struct Paged {
    pages: Vec<paginate::Page>,
    tree: Vec<Node>,
    logo: Option<printpdf::ExternalXObject>,
}

/// Lay `doc` out and break it into pages.
pub fn paged(doc: &crate::doc::Document) -> Paged {
    let logo = doc
        .meta
        .logo
        .as_ref()
        .and_then(|l| Some((l, image::xobject_for(l)?)));
    let mut flow = layout::layout(&doc.blocks, logo.as_ref().map(|(l, _)| (l.width, l.height)));
    let tree = std::mem::take(&mut flow.tree);
    let pages = paginate::paginate(flow, &doc.meta);
    Paged {
        pages,
        tree,
        logo: logo.map(|(_, x)| x),
    }
}

impl Paged {
    /// Where each page starts: the address of a block of the document and
    /// the part of it (see `layout::Origin`), `None` for the first page, a
    /// page after a forced page break, or one that starts inside a split
    /// table row.
    pub(crate) fn page_starts(&self) -> Vec<Option<(usize, u32)>> {
        let mut starts: Vec<_> = self.pages.iter().map(|p| p.start).collect();
        if let Some(first) = starts.first_mut() {
            *first = None;
        }
        starts
    }

    /// The bytes of the PDF file of these pages.
    pub fn into_pdf(self, meta: &crate::doc::Meta) -> Vec<u8> {
        writer::write(&self.pages, &self.tree, meta, self.logo, None)
    }
}

/// Render a document to the bytes of a PDF file.
pub fn render(doc: &crate::doc::Document) -> Vec<u8> {
    paged(doc).into_pdf(&doc.meta)
}
