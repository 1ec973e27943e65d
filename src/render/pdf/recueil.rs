//! Several documents in one PDF: each is laid out and written as usual, with
//! its pages numbered through the whole collection, then the files are joined
//! with lopdf under one page tree, with an outline (bookmarks) entry per part.

use lopdf::{Dictionary, Document, Object, ObjectId, StringFormat};

use super::{image, layout, paginate, writer};
use crate::doc;

/// One document of a collection and its bookmark.
pub struct Part {
    pub document: doc::Document,
    /// The bookmark's text.
    pub title: String,
    /// 0: a top-level bookmark (an act); 1: under the previous top-level one.
    pub level: usize,
}

/// The bytes of one PDF holding every part in order.
pub fn render_many(parts: &[Part], title: &str) -> Vec<u8> {
    // Lay out and paginate every part first: the total page count goes in every footer.
    let mut laid = Vec::with_capacity(parts.len());
    for p in parts {
        let logo = p
            .document
            .meta
            .logo
            .as_ref()
            .and_then(|l| Some((l, image::xobject_for(l)?)));
        let mut flow = layout::layout(
            &p.document.blocks,
            logo.as_ref().map(|(l, _)| (l.width, l.height)),
        );
        let tree = std::mem::take(&mut flow.tree);
        let pages = paginate::paginate_bare(&flow);
        laid.push((pages, tree, logo.map(|(_, x)| x)));
    }
    let total: usize = laid.iter().map(|(p, _, _)| p.len()).sum();
    let mut first = 1;
    let mut files = Vec::with_capacity(parts.len());
    for (p, (mut pages, tree, logo)) in parts.iter().zip(laid) {
        paginate::number(&mut pages, &p.document.meta, first, total);
        first += pages.len();
        files.push(writer::write(&pages, &tree, &p.document.meta, logo));
    }
    join(&files, parts, title).unwrap_or_default()
}

/// A PDF text string: UTF-16BE with its byte order mark.
fn text(s: &str) -> Object {
    let mut bytes = vec![0xFE, 0xFF];
    for u in s.encode_utf16() {
        bytes.extend_from_slice(&u.to_be_bytes());
    }
    Object::String(bytes, StringFormat::Hexadecimal)
}

/// Joins the files under one page tree and adds the outline.
fn join(files: &[Vec<u8>], parts: &[Part], title: &str) -> Option<Vec<u8>> {
    let mut out = Document::with_version("1.4");
    let mut next_id = 1;
    let mut kids: Vec<ObjectId> = Vec::new();
    let mut starts: Vec<ObjectId> = Vec::new();
    for bytes in files {
        let mut d = Document::load_mem(bytes).ok()?;
        d.renumber_objects_with(next_id);
        next_id = d.max_id + 1;
        let pages: Vec<ObjectId> = d.get_pages().into_values().collect();
        starts.push(*pages.first()?);
        // Inherited attributes move onto each page before the old tree goes.
        for id in &pages {
            let mut inherited = Vec::new();
            if let Ok(page) = d.get_dictionary(*id)
                && let Ok(parent) = page.get(b"Parent").and_then(Object::as_reference)
                && let Ok(tree) = d.get_dictionary(parent)
            {
                for key in [&b"Resources"[..], b"MediaBox", b"CropBox", b"Rotate"] {
                    if page.get(key).is_err()
                        && let Ok(v) = tree.get(key)
                    {
                        inherited.push((key.to_vec(), v.clone()));
                    }
                }
            }
            if let Ok(page) = d.get_object_mut(*id).and_then(Object::as_dict_mut) {
                for (k, v) in inherited {
                    page.set(k, v);
                }
            }
        }
        kids.extend(&pages);
        for (id, obj) in d.objects {
            let kind = obj
                .as_dict()
                .ok()
                .and_then(|dict| dict.get(b"Type").ok())
                .and_then(|t| t.as_name().ok())
                .map(<[u8]>::to_vec);
            match kind.as_deref() {
                Some(b"Catalog") | Some(b"Pages") | Some(b"Outlines") => {}
                _ => {
                    out.objects.insert(id, obj);
                }
            }
        }
    }
    out.max_id = next_id;
    let pages_id = out.new_object_id();
    for id in &kids {
        if let Ok(page) = out.get_object_mut(*id).and_then(Object::as_dict_mut) {
            page.set("Parent", pages_id);
        }
    }
    let mut tree = Dictionary::new();
    tree.set("Type", Object::Name(b"Pages".to_vec()));
    tree.set("Count", kids.len() as i64);
    tree.set(
        "Kids",
        kids.iter()
            .map(|k| Object::Reference(*k))
            .collect::<Vec<_>>(),
    );
    out.objects.insert(pages_id, Object::Dictionary(tree));

    let outlines_id = outline(&mut out, parts, &starts);
    let mut catalog = Dictionary::new();
    catalog.set("Type", Object::Name(b"Catalog".to_vec()));
    catalog.set("Pages", pages_id);
    if let Some(o) = outlines_id {
        catalog.set("Outlines", o);
        catalog.set("PageMode", Object::Name(b"UseOutlines".to_vec()));
    }
    catalog.set("Lang", Object::string_literal("fr-FR"));
    let catalog_id = out.add_object(catalog);
    let mut info = Dictionary::new();
    info.set("Title", text(title));
    info.set("Creator", Object::string_literal("delib"));
    info.set("Producer", Object::string_literal("delib"));
    let info_id = out.add_object(info);
    out.trailer.set("Root", catalog_id);
    out.trailer.set("Info", info_id);
    // What only the parts' catalogs referred to (their XMP metadata, output
    // intents) goes: the collection makes no PDF/A claim of its own.
    out.prune_objects();
    let mut bytes = Vec::new();
    out.save_to(&mut bytes).ok()?;
    Some(bytes)
}

/// The outline: one entry per top-level part, its level-1 parts below it (closed).
fn outline(out: &mut Document, parts: &[Part], starts: &[ObjectId]) -> Option<ObjectId> {
    if parts.is_empty() {
        return None;
    }
    let root = out.new_object_id();
    // (top-level entry, its children)
    let mut tree: Vec<(usize, Vec<usize>)> = Vec::new();
    for (i, p) in parts.iter().enumerate() {
        match (p.level, tree.last_mut()) {
            (0, _) | (_, None) => tree.push((i, Vec::new())),
            (_, Some(last)) => last.1.push(i),
        }
    }
    let ids: Vec<ObjectId> = parts.iter().map(|_| out.new_object_id()).collect();
    let entry = |i: usize, parent: ObjectId, prev: Option<usize>, next: Option<usize>| {
        let mut d = Dictionary::new();
        d.set("Title", text(&parts[i].title));
        d.set("Parent", parent);
        d.set(
            "Dest",
            vec![Object::Reference(starts[i]), Object::Name(b"Fit".to_vec())],
        );
        if let Some(p) = prev {
            d.set("Prev", ids[p]);
        }
        if let Some(n) = next {
            d.set("Next", ids[n]);
        }
        d
    };
    for (k, (top, children)) in tree.iter().enumerate() {
        let prev = k.checked_sub(1).map(|j| tree[j].0);
        let next = tree.get(k + 1).map(|t| t.0);
        let mut d = entry(*top, root, prev, next);
        if let (Some(f), Some(l)) = (children.first(), children.last()) {
            d.set("First", ids[*f]);
            d.set("Last", ids[*l]);
            // Negative: closed, its children hidden until opened.
            d.set("Count", -(children.len() as i64));
        }
        out.objects.insert(ids[*top], Object::Dictionary(d));
        for (j, c) in children.iter().enumerate() {
            let prev = j.checked_sub(1).map(|x| children[x]);
            let next = children.get(j + 1).copied();
            out.objects.insert(
                ids[*c],
                Object::Dictionary(entry(*c, ids[*top], prev, next)),
            );
        }
    }
    let mut r = Dictionary::new();
    r.set("Type", Object::Name(b"Outlines".to_vec()));
    r.set("First", ids[tree.first()?.0]);
    r.set("Last", ids[tree.last()?.0]);
    r.set("Count", tree.len() as i64);
    out.objects.insert(root, Object::Dictionary(r));
    Some(root)
}
