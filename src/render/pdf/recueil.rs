//! Several documents in one PDF: each is laid out and paginated as usual,
//! then all the pages go through the one writer as a single document — so
//! the collection is PDF/A-2u and tagged like every other PDF of delib —
//! with its pages numbered through the whole collection, each document a
//! `Part` of the structure tree, and one outline (bookmarks) entry per part.

use super::conform::Bookmark;
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

/// A part laid out once to know its length, its pages dropped: how many
/// it takes, its structure elements and the logo it is laid out with.
struct Counted {
    pages: usize,
    tree: Vec<Node>,
    /// The logo's size in pixels.
    logo: Option<(u32, u32)>,
}

/// The bytes of one PDF holding every part in order, after the pages of
/// `front` when given. `title` is the collection's (`/Title`, XMP); author
/// and date are the first part's.
///
/// The parts are laid out twice and their pages never all held: once to
/// count their pages, which is all the front needs, and again, a part at a
/// time, as the writer draws their pages. The front's own length moves the
/// page numbers it prints: it is made for a length (two pages: a cover, a
/// table of contents), laid out, and made again for the length it took,
/// until it keeps it.
pub fn render_many(parts: Vec<Part>, title: &str, front: Option<Front>) -> Vec<u8> {
    let mut logo = None;
    let counted = count(&parts, &mut logo);
    let Some(front) = front else {
        return assemble(parts, counted, logo, title);
    };
    let entries = |offset: usize| {
        let mut page = offset + 1;
        parts
            .iter()
            .zip(&counted)
            .map(|(p, c)| {
                let e = Entry {
                    title: p.title.clone(),
                    level: p.level,
                    page,
                };
                page += c.pages;
                e
            })
            .collect::<Vec<_>>()
    };
    let length_of = |c: &[Counted]| c.iter().map(|c| c.pages).sum::<usize>();
    let mut length = 2;
    let mut opening = front(&entries(length));
    let mut counted_front = count(&opening, &mut logo);
    for _ in 0..4 {
        let n = length_of(&counted_front);
        if n == length {
            break;
        }
        length = n;
        opening = front(&entries(length));
        counted_front = count(&opening, &mut logo);
    }
    opening.extend(parts);
    counted_front.extend(counted);
    assemble(opening, counted_front, logo, title)
}

/// Lays out every part to count its pages; `logo`: the file's one logo,
/// the first the parts show (the collectivité's, the same file in every
/// act, decoded once).
fn count(parts: &[Part], logo: &mut Option<(doc::Logo, ExternalXObject)>) -> Vec<Counted> {
    let mut counted = Vec::with_capacity(parts.len());
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
        let own = own.map(|l| (l.width, l.height));
        let mut flow = layout::layout(&p.document.blocks, own);
        let tree = std::mem::take(&mut flow.tree);
        counted.push(Counted {
            pages: paginate::paginate_bare(&flow).len(),
            tree,
            logo: own,
        });
    }
    counted
}

/// The parts' pages numbered through the file, one structure tree with a
/// `Part` per part, one bookmark per part, written as one PDF; each part
/// laid out again when the writer reaches its pages.
fn assemble(
    parts: Vec<Part>,
    counted: Vec<Counted>,
    logo: Option<(doc::Logo, ExternalXObject)>,
    title: &str,
) -> Vec<u8> {
    let total: usize = counted.iter().map(|c| c.pages).sum();
    let mut tree = vec![Node {
        role: Role::Document,
        parent: 0,
    }];
    let mut bookmarks = Vec::with_capacity(parts.len());
    // Each part's first page, the place of its elements in the tree and
    // its logo.
    let mut places = Vec::with_capacity(parts.len());
    let mut first = 0;
    for (p, c) in parts.iter().zip(counted) {
        // The part's elements after those before it; its root becomes a Part.
        let base = tree.len() as u32;
        tree.extend(c.tree.iter().enumerate().map(|(i, n)| match i {
            0 => Node {
                role: Role::Part,
                parent: 0,
            },
            _ => Node {
                role: n.role,
                parent: n.parent + base,
            },
        }));
        if c.pages > 0 {
            bookmarks.push(Bookmark {
                level: p.level.min(5) as u8 + 1,
                title: p.title.clone(),
                page: first,
                top: PAGE_H,
            });
        }
        places.push((first, base, c.logo));
        first += c.pages;
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
    // Each part laid out again, numbered and dropped when the writer
    // reaches its pages.
    let pages = parts
        .into_iter()
        .zip(places)
        .flat_map(move |(p, (first, base, logo))| {
            let mut own = paginate::paginate_bare(&layout::layout(&p.document.blocks, logo));
            paginate::number(&mut own, &p.document.meta, first + 1, total);
            for page in &mut own {
                page.draft = p.document.meta.draft;
                for it in &mut page.items {
                    renumber(it, base);
                }
            }
            own
        });
    writer::write_each(
        total,
        pages,
        &tree,
        &meta,
        logo.map(|(_, x)| x),
        Some(bookmarks),
    )
}

/// Moves an item's structure element by `base` (its part's place in the tree).
fn renumber(it: &mut Item, base: u32) {
    if let Item::Text { node, .. } | Item::Image { node, .. } | Item::Area { node, .. } = it
        && *node != ARTIFACT
    {
        *node += base;
    }
}
