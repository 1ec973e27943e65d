//! Several documents in one PDF: each is laid out and paginated as usual,
//! then all the pages go through the one writer as a single document — so
//! the collection is PDF/A-2u and tagged like every other PDF of delib —
//! with its pages numbered through the whole collection, each document a
//! `Part` of the structure tree, and one outline (bookmarks) entry per part.

use super::conform::Bookmark;
use super::paginate::Page;
use super::{ARTIFACT, Item, Node, PAGE_H, Role, image, layout, paginate, writer};
use crate::doc;
use printpdf::ExternalXObject;

/// One document of a collection and its bookmark.
pub struct Part {
    pub document: doc::Document,
    /// The bookmark's text.
    pub title: String,
    /// 0: a top-level bookmark (an act); 1: under the previous top-level one.
    pub level: usize,
}

/// A part of a collection as its table of contents shows it: its bookmark's
/// text and level, and the page it starts on (1-based, through the whole
/// file, front pages included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub title: String,
    pub level: usize,
    pub page: usize,
}

/// What opens a collection (a cover, a table of contents), made from the
/// entries of its parts once their pages are known.
pub type Front<'a> = &'a dyn Fn(&[Entry]) -> Vec<Part>;

/// Parts laid out and paginated, without footers: pages and structure tree.
type Laid = Vec<(Vec<Page>, Vec<Node>)>;

/// The bytes of one PDF holding every part in order, after the pages of
/// `front` when given. `title` is the collection's (`/Title`, XMP); author
/// and date are the first part's.
///
/// Every part is laid out once; its page count is all the front needs. The
/// front's own length moves the page numbers it prints: it is made for a
/// length (two pages: a cover, a table of contents), laid out, and made
/// again for the length it took, until it keeps it.
pub fn render_many(parts: &[Part], title: &str, front: Option<Front>) -> Vec<u8> {
    let mut logo = None;
    let laid = lay_out(parts, &mut logo);
    let Some(front) = front else {
        let all: Vec<&Part> = parts.iter().collect();
        return assemble(&all, laid, logo, title);
    };
    let entries = |offset: usize| {
        let mut page = offset + 1;
        parts
            .iter()
            .zip(&laid)
            .map(|(p, (pages, _))| {
                let e = Entry {
                    title: p.title.clone(),
                    level: p.level,
                    page,
                };
                page += pages.len();
                e
            })
            .collect::<Vec<_>>()
    };
    let mut length = 2;
    let mut opening = front(&entries(length));
    let mut laid_front = lay_out(&opening, &mut logo);
    for _ in 0..4 {
        let n: usize = laid_front.iter().map(|(p, _)| p.len()).sum();
        if n == length {
            break;
        }
        length = n;
        opening = front(&entries(length));
        laid_front = lay_out(&opening, &mut logo);
    }
    let all: Vec<&Part> = opening.iter().chain(parts).collect();
    laid_front.extend(laid);
    assemble(&all, laid_front, logo, title)
}

/// Lays out and paginates every part; `logo`: the file's one logo, the
/// first the parts show (the collectivité's, the same file in every act,
/// decoded once).
fn lay_out(parts: &[Part], logo: &mut Option<(doc::Logo, ExternalXObject)>) -> Laid {
    let mut laid = Vec::with_capacity(parts.len());
    for p in parts {
        // An act's logo that cannot be drawn gets no room, as in its own PDF.
        let own = match (p.document.meta.logo.as_ref(), &*logo) {
            (Some(l), Some((first, _))) if first.bytes == l.bytes => Some(l),
            (Some(l), _) => image::xobject_for(l).map(|x| {
                logo.get_or_insert((l.clone(), x));
                l
            }),
            (None, _) => None,
        };
        let mut flow = layout::layout(&p.document.blocks, own.map(|l| (l.width, l.height)));
        let tree = std::mem::take(&mut flow.tree);
        laid.push((paginate::paginate_bare(&flow), tree));
    }
    laid
}

/// The parts' pages numbered through the file, one structure tree with a
/// `Part` per part, one bookmark per part, written as one PDF.
fn assemble(
    parts: &[&Part],
    laid: Laid,
    logo: Option<(doc::Logo, ExternalXObject)>,
    title: &str,
) -> Vec<u8> {
    let total: usize = laid.iter().map(|(p, _)| p.len()).sum();
    let mut pages: Vec<Page> = Vec::with_capacity(total);
    let mut tree = vec![Node {
        role: Role::Document,
        parent: 0,
    }];
    let mut bookmarks = Vec::with_capacity(parts.len());
    for (p, (mut own, own_tree)) in parts.iter().zip(laid) {
        paginate::number(&mut own, &p.document.meta, pages.len() + 1, total);
        // The part's elements after those before it; its root becomes a Part.
        let base = tree.len() as u32;
        tree.extend(own_tree.iter().enumerate().map(|(i, n)| match i {
            0 => Node {
                role: Role::Part,
                parent: 0,
            },
            _ => Node {
                role: n.role,
                parent: n.parent + base,
            },
        }));
        for page in &mut own {
            page.draft = p.document.meta.draft;
            for it in &mut page.items {
                renumber(it, base);
            }
        }
        if !own.is_empty() {
            bookmarks.push(Bookmark {
                level: p.level.min(5) as u8 + 1,
                title: p.title.clone(),
                page: pages.len(),
                top: PAGE_H,
            });
        }
        pages.extend(own);
    }
    let first = parts.first().map(|p| &p.document.meta);
    let meta = doc::Meta {
        title: title.to_owned(),
        footer: String::new(),
        draft: false,
        logo: None,
        author: first.map(|m| m.author.clone()).unwrap_or_default(),
        subject: title.to_owned(),
        date: first.and_then(|m| m.date.clone()),
        // The acts are signed on paper, or each in its own file.
        signature_fields: false,
    };
    writer::write(&pages, &tree, &meta, logo.map(|(_, x)| x), Some(bookmarks))
}

/// Moves an item's structure element by `base` (its part's place in the tree).
fn renumber(it: &mut Item, base: u32) {
    if let Item::Text { node, .. } | Item::Image { node, .. } | Item::Area { node, .. } = it
        && *node != ARTIFACT
    {
        *node += base;
    }
}
