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

/// The bytes of one PDF holding every part in order. `title` is the
/// collection's (`/Title`, XMP); author and date are the first part's.
pub fn render_many(parts: &[Part], title: &str) -> Vec<u8> {
    // Lay out and paginate every part first: the total page count goes in every footer.
    // One logo for the file: the first the acts show (the collectivité's,
    // the same file in every act, decoded once).
    let mut logo: Option<(&doc::Logo, ExternalXObject)> = None;
    let mut laid = Vec::with_capacity(parts.len());
    for p in parts {
        // An act's logo that cannot be drawn gets no room, as in its own PDF.
        let own = match (p.document.meta.logo.as_ref(), &logo) {
            (Some(l), Some((first, _))) if first.bytes == l.bytes => Some(l),
            (Some(l), _) => image::xobject_for(l).map(|x| {
                logo.get_or_insert((l, x));
                l
            }),
            (None, _) => None,
        };
        let mut flow = layout::layout(&p.document.blocks, own.map(|l| (l.width, l.height)));
        let tree = std::mem::take(&mut flow.tree);
        laid.push((paginate::paginate_bare(&flow), tree));
    }
    let logo = logo.map(|(_, x)| x);
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
    writer::write(&pages, &tree, &meta, logo, Some(bookmarks))
}

/// Moves an item's structure element by `base` (its part's place in the tree).
fn renumber(it: &mut Item, base: u32) {
    if let Item::Text { node, .. } | Item::Image { node, .. } | Item::Area { node, .. } = it
        && *node != ARTIFACT
    {
        *node += base;
    }
}
