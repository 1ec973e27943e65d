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
/// until it keeps it. Each part is dropped once its pages are drawn: a
/// séance's recueil does not hold its acts' documents while its file is
/// made.
pub fn render_many(parts: Vec<Part>, title: &str, front: Option<Front>) -> Vec<u8> {
    let mut logo = None;
    let counted = count(&parts, &mut logo);
    let Some(front) = front else {
        return assemble(Vec::new(), parts, counted, logo, title);
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
    counted_front.extend(counted);
    assemble(opening, parts, counted_front, logo, title)
}

/// Lays out every part to count its pages; `logo`: the file's one logo,
/// the first the parts show (the collectivité's, the same file in every
/// act, decoded once).
fn count<'a>(
    parts: impl IntoIterator<Item = &'a Part>,
    logo: &mut Option<(doc::Logo, ExternalXObject)>,
) -> Vec<Counted> {
    let mut counted = Vec::new();
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

/// The pages of the `front` and the `parts`, numbered through the file, one
/// structure tree with a `Part` per part, one bookmark per part, written
/// as one PDF; each part laid out again when the writer reaches its pages.
/// `counted`: the front's then the parts'.
fn assemble(
    front: Vec<Part>,
    parts: Vec<Part>,
    counted: Vec<Counted>,
    logo: Option<(doc::Logo, ExternalXObject)>,
    title: &str,
) -> Vec<u8> {
    let mut all = front;
    all.extend(parts);
    let total: usize = counted.iter().map(|c| c.pages).sum();
    let mut tree = vec![Node {
        role: Role::Document,
        parent: 0,
    }];
    let mut bookmarks = Vec::with_capacity(counted.len());
    // Each part's first page, the place of its elements in the tree and
    // its logo.
    let mut places = Vec::with_capacity(counted.len());
    let mut first = 0;
    for (p, c) in all.iter().zip(counted) {
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
    let first = all.first().map(|p| &p.document.meta);
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
    // Each part laid out again, numbered, and dropped as the writer reaches
    // its pages.
    let pages = all
        .into_iter()
        .zip(places)
        .flat_map(move |(p, at)| pages_of(&p, at, total));
    writer::write_each(
        total,
        pages,
        &tree,
        &meta,
        logo.map(|(_, x)| x),
        Some(bookmarks),
    )
}

/// The pages of part `p` laid out, numbered from `first` (0-based) out of
/// `total`, its elements moved by `base` (its place in the file's tree).
fn pages_of(
    p: &Part,
    (first, base, logo): (usize, u32, Option<(u32, u32)>),
    total: usize,
) -> Vec<Page> {
    let mut own = paginate::paginate_bare(&layout::layout(&p.document.blocks, logo));
    paginate::number(&mut own, &p.document.meta, first + 1, total);
    for page in &mut own {
        page.draft = p.document.meta.draft;
        for it in &mut page.items {
            renumber(it, base);
        }
    }
    own
}

/// Moves an item's structure element by `base` (its part's place in the tree).
fn renumber(it: &mut Item, base: u32) {
    if let Item::Text { node, .. } | Item::Image { node, .. } | Item::Area { node, .. } = it
        && *node != ARTIFACT
    {
        *node += base;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the collection was before its parts were laid out as the writer
    /// reaches them: every part laid out and numbered first, all the pages
    /// held, then written in one call.
    fn all_at_once(parts: &[Part], title: &str) -> Vec<u8> {
        let mut laid = Vec::new();
        for p in parts {
            let mut flow = layout::layout(&p.document.blocks, None);
            let tree = std::mem::take(&mut flow.tree);
            laid.push((paginate::paginate_bare(&flow), tree));
        }
        let total: usize = laid.iter().map(|(p, _)| p.len()).sum();
        let mut pages = Vec::new();
        let mut tree = vec![Node {
            role: Role::Document,
            parent: 0,
        }];
        let mut bookmarks = Vec::new();
        for (p, (mut own, own_tree)) in parts.iter().zip(laid) {
            paginate::number(&mut own, &p.document.meta, pages.len() + 1, total);
            let base = tree.len() as u32;
            tree.extend(own_tree.iter().enumerate().map(|(i, n)| Node {
                role: if i == 0 { Role::Part } else { n.role },
                parent: if i == 0 { 0 } else { n.parent + base },
            }));
            for page in &mut own {
                page.draft = p.document.meta.draft;
                page.items.iter_mut().for_each(|it| renumber(it, base));
            }
            if !own.is_empty() {
                bookmarks.push(Bookmark {
                    level: p.level as u8 + 1,
                    title: p.title.clone(),
                    page: pages.len(),
                    top: PAGE_H,
                });
            }
            pages.extend(own);
        }
        let meta = doc::Meta {
            title: title.to_owned(),
            subject: title.to_owned(),
            author: parts[0].document.meta.author.clone(),
            date: parts[0].document.meta.date.clone(),
            ..Default::default()
        };
        writer::write(&pages, &tree, &meta, None, Some(bookmarks))
    }

    /// A collection of more pages than the writer converts at a time, its
    /// parts laid out again one by one as their pages are written, is the
    /// same file as with every page laid out first and held.
    #[test]
    fn a_collection_written_a_part_at_a_time_is_the_same_file() {
        let parts: Vec<Part> = (0..24)
            .map(|i| {
                let mut md = format!("# Délibération n° {i}\n\n");
                for a in 0..(3 + i % 4) {
                    md.push_str(&format!(
                        "## Article {a}\n\nLe conseil **approuve** la convention n° {i}-{a} avec « l’Œuvre {i} » : {i} 234,56 €.\n\n| Partenaire | Montant |\n|:--|--:|\n| Association {a} | {i}{a} € |\n\n"
                    ));
                    md.push_str(&"Texte de l’exposé, assez long pour remplir la page. ".repeat(80));
                    md.push_str("\n\n");
                }
                let meta = doc::Meta {
                    title: format!("Acte {i}"),
                    footer: format!("Commune – acte {i}"),
                    author: "Commune".into(),
                    draft: i % 5 == 2,
                    ..Default::default()
                };
                Part {
                    document: doc::parse(&md, meta),
                    title: format!("Acte {i}"),
                    level: usize::from(i % 3 == 1),
                }
            })
            .collect();
        let before = all_at_once(&parts, "Recueil");
        let pages = lopdf::Document::load_mem(&before)
            .expect("a PDF")
            .get_pages()
            .len();
        assert!(pages > writer::BATCH + 20, "{pages} pages");
        assert!(render_many(parts, "Recueil", None) == before);
    }
}
