//! Pages → PDF bytes through printpdf, with subset fonts and fixed metadata.
//!
//! printpdf without its `text_layout` feature embeds whole fonts, so each face
//! is subset here (`subset.rs`) and handed to printpdf as a ready `ParsedFont`
//! whose glyph `n` is slot `n` of the document, with a character → slot map:
//! printpdf then writes `/W` and an exact `/ToUnicode` from the text itself.
//! Its random trailer `/ID` is replaced by a hash of the file and its dates are
//! dropped, so the same document always gives the same bytes.

use std::borrow::Borrow;
use std::collections::BTreeMap;

use printpdf::{
    Codepoint, Color, CurTransMat, DictItem, ExternalXObject, FontId, FontMetrics, FontType, Line,
    LinePoint, Mm, Op, PaintMode, ParsedFont, PdfDocument, PdfFont, PdfFontHandle,
    PdfFontMetricsStub, PdfPage, PdfSaveOptions, Point, Polygon, PolygonRing, Pt, Rect, Rgb,
    TextItem, TextMatrix, WindingOrder, XObject, XObjectId, XObjectTransform,
};

use super::conform;
use super::fonts::{self, Face, Slots, face};
use super::paginate::Page;
use super::save::{self, Fnv};
use super::{Item, Node, PAGE_H, PAGE_W};
use crate::doc::Meta;

/// The watermark of a draft.
const DRAFT_MARK: &str = "PROJET";
const DRAFT_GREY: f32 = 0.86;

/// Resource name of a face.
fn font_id(f: Face) -> FontId {
    FontId(format!("F{}", f.index() + 1))
}

/// Round to 1/100 pt: smaller content streams, same look.
fn r2(v: f32) -> f32 {
    (v * 100.0).round() / 100.0
}

/// A grey as an RGB colour: every colour is in the sRGB space of the output intent.
fn grey(g: f32) -> Color {
    let g = g.clamp(0.0, 1.0);
    Color::Rgb(Rgb::new(g, g, g, None))
}

fn pt(x: f32, y_from_top: f32) -> Point {
    Point {
        x: Pt(r2(x)),
        y: Pt(r2(PAGE_H - y_from_top)),
    }
}

/// Resource name of the logo.
const LOGO_ID: &str = "Im1";

/// The operations drawing one page.
/// `marks` receives the structure element of each marked-content sequence of
/// the page, in MCID order.
fn page_ops(
    page: &Page,
    tree: &[Node],
    draft: bool,
    slots: &mut [Slots; 6],
    logo: bool,
    marks: &mut Vec<u32>,
) -> Vec<Op> {
    let mut ops = Vec::new();
    if draft {
        watermark(&mut ops);
    }
    // Fills first, then rules, then text on top. Fills and rules (table
    // grids, frames, shading) are artifacts.
    ops.push(Op::BeginMarkedContent {
        tag: "Artifact".to_string(),
    });
    let artifacts = ops.len();
    let mut fill_grey = None;
    for it in &page.items {
        if let Item::Fill {
            x,
            y,
            w,
            h,
            grey: g,
        } = it
        {
            if w.is_nan() || h.is_nan() || *w <= 0.0 || *h <= 0.0 {
                continue;
            }
            if fill_grey != Some(*g) {
                ops.push(Op::SetFillColor { col: grey(*g) });
                fill_grey = Some(*g);
            }
            let p = pt(*x, y + h);
            ops.push(Op::DrawRectangle {
                rectangle: Rect {
                    x: p.x,
                    y: p.y,
                    width: Pt(r2(*w)),
                    height: Pt(r2(*h)),
                    mode: Some(PaintMode::Fill),
                    winding_order: None,
                },
            });
        }
    }
    let mut stroke = None;
    for it in &page.items {
        if let Item::Line {
            x1,
            y1,
            x2,
            y2,
            width,
            grey: g,
        } = it
        {
            if stroke != Some((*width, *g)) {
                ops.push(Op::SetOutlineThickness { pt: Pt(*width) });
                ops.push(Op::SetOutlineColor { col: grey(*g) });
                stroke = Some((*width, *g));
            }
            let p = |x, y| LinePoint {
                p: pt(x, y),
                bezier: false,
            };
            ops.push(Op::DrawLine {
                line: Line {
                    points: vec![p(*x1, *y1), p(*x2, *y2)],
                    is_closed: false,
                },
            });
        }
    }
    if fill_grey.is_some() {
        ops.push(Op::SetFillColor { col: grey(0.0) });
    }
    if ops.len() == artifacts {
        ops.pop();
    } else {
        ops.push(Op::EndMarkedContent);
    }
    for it in &page.items {
        if let Item::Image { x, y, w, h, node } = it
            && logo
        {
            ops.push(begin_mark(*node, tree, marks));
            ops.push(Op::SaveGraphicsState);
            ops.push(Op::SetTransformationMatrix {
                matrix: CurTransMat::Raw([r2(*w), 0.0, 0.0, r2(*h), r2(*x), r2(PAGE_H - y - h)]),
            });
            ops.push(Op::UseXobject {
                id: XObjectId(LOGO_ID.to_string()),
                transform: XObjectTransform {
                    no_auto_scale: true,
                    ..Default::default()
                },
            });
            ops.push(Op::RestoreGraphicsState);
            ops.push(Op::EndMarkedContent);
        }
    }
    let mut font: Option<(Face, f32)> = None;
    let mut in_text = false;
    // The structure element of the open marked-content sequence.
    let mut marked: Option<u32> = None;
    // Consecutive pieces of text on one baseline in one font become one TJ,
    // the gaps between them written as offsets.
    let mut run: Vec<TextItem> = Vec::new();
    let mut pen: Option<(f32, f32)> = None; // (x after the run, baseline)
    let texts: Vec<(&f32, &f32, &Face, &f32, &String, &u32)> = page
        .items
        .iter()
        .filter_map(|it| match it {
            Item::Text {
                x,
                y,
                face,
                size,
                text,
                node,
            } if !text.is_empty() && x.is_finite() && y.is_finite() => {
                Some((x, y, face, size, text, node))
            }
            _ => None,
        })
        .collect();
    for (i, &(x, y, f, size, text, node)) in texts.iter().enumerate() {
        // A line that goes on in the next line of the same element ends with
        // a space, so that the element's text read from the structure tree
        // (screen readers) keeps its words apart. Past the line's end, unseen.
        let wrapped = texts
            .get(i + 1)
            .is_some_and(|n| n.5 == node && *n.1 - *y > 0.6 * *size && *node != super::ARTIFACT);
        let spaced;
        let text = if wrapped && !text.ends_with([' ', '\u{ad}', '-', '\u{2010}', '\u{a0}']) {
            spaced = format!("{text} ");
            &spaced
        } else {
            text
        };
        // Each character's slot in the subset, and the advance of the piece
        // (as `FaceData::width` sums it) in the same pass.
        let fd = face(*f);
        let slots = &mut slots[f.index()];
        let mut units: u32 = 0;
        for c in text.chars() {
            let g = fd.glyph(c);
            slots.slot(g, c);
            units += u32::from(g.adv);
        }
        let width = units as f32 * *size / 1000.0;
        let same_font = font == Some((*f, *size));
        // Continue from where the last piece ended when on the same baseline:
        // the gap becomes a TJ offset, even across a change of font.
        let dx = pen
            .filter(|&(_, py)| py == *y)
            .map(|(px, _)| x - px)
            .filter(|dx| (-size..200.0).contains(dx));
        // Each run of one structure element is a marked-content sequence.
        if marked != Some(*node) {
            if !run.is_empty() {
                ops.push(Op::ShowText {
                    items: std::mem::take(&mut run),
                });
            }
            if marked.is_some() {
                ops.push(Op::EndMarkedContent);
            }
            if !in_text {
                ops.push(Op::StartTextSection);
                in_text = true;
            }
            ops.push(begin_mark(*node, tree, marks));
            marked = Some(*node);
        }
        if dx.is_none() || !same_font {
            if !run.is_empty() {
                ops.push(Op::ShowText {
                    items: std::mem::take(&mut run),
                });
            }
            if !in_text {
                ops.push(Op::StartTextSection);
                in_text = true;
            }
            if !same_font {
                ops.push(Op::SetFont {
                    font: PdfFontHandle::External(font_id(*f)),
                    size: Pt(*size),
                });
                font = Some((*f, *size));
            }
        }
        match dx {
            Some(dx) => {
                if dx.abs() > 0.001 {
                    run.push(TextItem::Offset(
                        -(dx * 1000.0 / size * 100.0).round() / 100.0,
                    ));
                }
            }
            None => {
                let p = pt(*x, *y);
                ops.push(Op::SetTextMatrix {
                    matrix: TextMatrix::Translate(p.x, p.y),
                });
            }
        }
        push_text(&mut run, text, |c| slots.slot(fd.glyph(c), c));
        pen = Some((x + width, *y));
    }
    if !run.is_empty() {
        ops.push(Op::ShowText { items: run });
    }
    if marked.is_some() {
        ops.push(Op::EndMarkedContent);
    }
    if in_text {
        ops.push(Op::EndTextSection);
    }
    // Every page's operations live until printpdf has converted them all.
    ops.shrink_to_fit();
    ops
}

/// Appends `text` to a `TJ` run. Raised letters (`fonts::raised`) are given
/// by their glyph, with their letter as the text they stand for (what
/// printpdf writes in `/ToUnicode`), so that « 1er » reads « 1er ».
fn push_text(run: &mut Vec<TextItem>, text: &str, mut slot: impl FnMut(char) -> u16) {
    if !fonts::has_raised(text) {
        run.push(TextItem::Text(text.to_string()));
        return;
    }
    let mut plain = 0;
    for (i, c) in text.char_indices() {
        let Some(letter) = fonts::unraised(c) else {
            continue;
        };
        if i > plain {
            run.push(TextItem::Text(text[plain..i].to_string()));
        }
        run.push(TextItem::GlyphIds(vec![Codepoint::with_cid(
            slot(c),
            0.0,
            letter.to_string(),
        )]));
        plain = i + c.len_utf8();
    }
    if plain < text.len() {
        run.push(TextItem::Text(text[plain..].to_string()));
    }
}

/// Open the marked-content sequence of structure element `node`: an
/// artifact, or the element's tag with the next MCID of the page.
fn begin_mark(node: u32, tree: &[Node], marks: &mut Vec<u32>) -> Op {
    let Some(n) = tree.get(node as usize) else {
        return Op::BeginMarkedContent {
            tag: "Artifact".to_string(),
        };
    };
    let mut props = BTreeMap::new();
    props.insert("MCID".to_string(), DictItem::Int(marks.len() as i64));
    marks.push(node);
    Op::BeginMarkedContentWithProperties {
        tag: conform::role_name(n.role).to_string(),
        properties: DictItem::Dict { map: props },
    }
}

/// A large light-grey "PROJET" across the page diagonal, under everything.
/// Drawn as the glyphs' outlines (paths, not text) and marked as an artifact,
/// so that text extraction, copy-paste and screen readers never pick it up.
fn watermark(ops: &mut Vec<Op>) {
    let f = Face::SansBold;
    let size = 150.0;
    let w = face(f).width(DRAFT_MARK, size);
    let cap = 0.72 * size;
    let angle = PAGE_H.atan2(PAGE_W);
    let (sin, cos) = angle.sin_cos();
    let (cx, cy) = (PAGE_W / 2.0, PAGE_H / 2.0);
    // Start of the baseline so that the word is centred on the page centre.
    let x = cx - w / 2.0 * cos + cap / 2.0 * sin;
    let y = cy - w / 2.0 * sin - cap / 2.0 * cos;
    let Ok(ttf) = ttf_parser::Face::parse(f.bytes(), 0) else {
        return;
    };
    let k = size / f32::from(ttf.units_per_em());
    let mut outline = Outline::default();
    for c in DRAFT_MARK.chars() {
        let Some(g) = ttf.glyph_index(c) else {
            continue;
        };
        ttf.outline_glyph(g, &mut outline);
        outline.close();
        outline.dx += f32::from(ttf.glyph_hor_advance(g).unwrap_or(0));
    }
    ops.push(Op::BeginMarkedContent {
        tag: "Artifact".to_string(),
    });
    ops.push(Op::SaveGraphicsState);
    ops.push(Op::SetTransformationMatrix {
        matrix: CurTransMat::Raw([cos * k, sin * k, -sin * k, cos * k, r2(x), r2(y)]),
    });
    ops.push(Op::SetFillColor {
        col: grey(DRAFT_GREY),
    });
    ops.push(Op::DrawPolygon {
        polygon: Polygon {
            rings: outline.rings,
            mode: PaintMode::Fill,
            winding_order: WindingOrder::NonZero,
        },
    });
    ops.push(Op::RestoreGraphicsState);
    ops.push(Op::EndMarkedContent);
}

/// Glyph outlines as printpdf rings, in font units, glyphs set side by side.
#[derive(Default)]
struct Outline {
    rings: Vec<PolygonRing>,
    ring: Vec<LinePoint>,
    /// Pen position of the current glyph.
    dx: f32,
    last: (f32, f32),
}

impl Outline {
    fn point(&mut self, x: f32, y: f32, bezier: bool) {
        self.ring.push(LinePoint {
            p: Point {
                x: Pt(x + self.dx),
                y: Pt(y),
            },
            bezier,
        });
        if !bezier {
            self.last = (x, y);
        }
    }

    fn close(&mut self) {
        if self.ring.len() > 1 {
            self.rings.push(PolygonRing {
                points: std::mem::take(&mut self.ring),
            });
        }
        self.ring.clear();
    }
}

impl ttf_parser::OutlineBuilder for Outline {
    fn move_to(&mut self, x: f32, y: f32) {
        self.close();
        self.point(x, y, false);
    }

    fn line_to(&mut self, x: f32, y: f32) {
        self.point(x, y, false);
    }

    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        // The cubic curve equal to the quadratic one.
        let (x0, y0) = self.last;
        self.point(x0 + 2.0 / 3.0 * (x1 - x0), y0 + 2.0 / 3.0 * (y1 - y0), true);
        self.point(x + 2.0 / 3.0 * (x1 - x), y + 2.0 / 3.0 * (y1 - y), true);
        self.point(x, y, false);
    }

    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        self.point(x1, y1, true);
        self.point(x2, y2, true);
        self.point(x, y, false);
    }

    fn close(&mut self) {
        Outline::close(self);
    }
}

/// The printpdf font for face `f`: a subset holding `slots`, glyph n = slot n.
fn pdf_font(f: Face, slots: &Slots) -> (ParsedFont, bool) {
    let fd = face(f);
    let subset = fonts::subset(f, slots);
    let ok = subset.is_some();
    let bytes = subset.unwrap_or_else(|| f.bytes().to_vec());
    let mut widths = BTreeMap::new();
    let mut cmap = BTreeMap::new();
    for (slot, &(gid, c)) in slots.glyphs.iter().enumerate() {
        let id = if ok { slot as u16 } else { gid };
        widths.insert(
            id,
            if ok {
                fd.raw_adv_of(c)
            } else {
                fd.raw_adv(gid)
            },
        );
        if slot > 0 {
            cmap.insert(c as u32, id);
        }
    }
    let d = fd.descriptor();
    let name = if ok {
        format!("{}+{}", subset_tag(f, slots), f.ps_name())
    } else {
        f.ps_name().to_string()
    };
    // printpdf derives /ItalicAngle from the hhea caret slope (rise, run).
    let run = ((-d.italic_angle).to_radians().tan() * 1000.0).round() as i16;
    let font = ParsedFont {
        original_bytes: bytes,
        font_index: 0,
        font_name: Some(name),
        codepoint_to_glyph: cmap,
        glyph_widths: widths,
        units_per_em: fd.upm,
        font_metrics: FontMetrics {
            ascent: d.ascender,
            descent: d.descender,
        },
        font_type: FontType::TrueType,
        pdf_font_metrics: PdfFontMetricsStub {
            units_per_em: fd.upm,
            x_min: d.bbox[0],
            y_min: d.bbox[1],
            x_max: d.bbox[2],
            y_max: d.bbox[3],
            caret_slope_rise: 1000,
            caret_slope_run: run,
            us_weight_class: d.weight,
        },
    };
    (font, ok)
}

/// Six capital letters naming a subset, derived from its content (ISO 32000 9.6.4).
fn subset_tag(f: Face, slots: &Slots) -> String {
    let mut h = Fnv::new(0xcbf2_9ce4_8422_2325);
    h.write(f.ps_name().as_bytes());
    for &(gid, c) in &slots.glyphs {
        h.write(&gid.to_le_bytes());
        h.write(&(c as u32).to_le_bytes());
    }
    let mut v = h.0;
    (0..6)
        .map(|_| {
            let c = (b'A' + (v % 26) as u8) as char;
            v /= 26;
            c
        })
        .collect()
}

/// Pages a long document (a séance's recueil) has converted by printpdf at a
/// time: their operations and uncompressed contents are all that is held
/// at once, not those of every page (docs/speed.md, « Memory »).
pub(crate) const BATCH: usize = 64;

/// The PDF file for laid-out pages.
/// `bookmarks`: the outline, instead of the headings' (a collection).
pub(crate) fn write(
    pages: &[Page],
    tree: &[Node],
    meta: &Meta,
    logo: Option<ExternalXObject>,
    bookmarks: Option<Vec<conform::Bookmark>>,
) -> Vec<u8> {
    write_by(
        pages.len(),
        pages.iter(),
        tree,
        meta,
        logo,
        bookmarks,
        BATCH,
    )
}

/// [`write`] for `count` pages given one at a time, in order, each
/// dropped once drawn: a collection lays its documents out as it goes
/// (`recueil.rs`), so that its pages are never all held.
pub(crate) fn write_each(
    count: usize,
    pages: impl Iterator<Item = Page>,
    tree: &[Node],
    meta: &Meta,
    logo: Option<ExternalXObject>,
    bookmarks: Option<Vec<conform::Bookmark>>,
) -> Vec<u8> {
    write_by(count, pages, tree, meta, logo, bookmarks, BATCH)
}

/// [`write`], converting `batch` pages at a time when there are more.
///
/// A document of more than `batch` pages is written with the same bytes
/// as in one go: printpdf converts `batch` pages at a time, with fonts
/// that map every character drawn so far (a page's content stream names
/// glyphs by their slot, given once and for good the first time a
/// character is drawn), and only each page's compressed content stream is
/// kept; it then takes the place of the empty one of the whole document,
/// whose fonts are made from every glyph of every page.
fn write_by<P: Borrow<Page>>(
    count: usize,
    pages: impl Iterator<Item = P>,
    tree: &[Node],
    meta: &Meta,
    logo: Option<ExternalXObject>,
    bookmarks: Option<Vec<conform::Bookmark>>,
    batch: usize,
) -> Vec<u8> {
    let mut slots: [Slots; 6] = Default::default();
    let mut marks: Vec<Vec<u32>> = Vec::with_capacity(count);
    let mut scan = conform::Scan::new(tree);
    let mut draw = |p: &Page, slots: &mut [Slots; 6]| {
        let mut m = Vec::new();
        let ops = page_ops(
            p,
            tree,
            meta.draft || p.draft,
            slots,
            logo.is_some(),
            &mut m,
        );
        marks.push(m);
        scan.page(p);
        PdfPage::new(Mm(210.0), Mm(297.0), ops)
    };
    let opts = PdfSaveOptions {
        optimize: true,
        subset_fonts: false,
        secure: true,
        image_optimization: None,
    };
    let mut warnings = Vec::new();
    let mut contents = None;
    let (pdf_pages, fonts) = if count <= batch {
        let pdf_pages: Vec<PdfPage> = pages.map(|p| draw(p.borrow(), &mut slots)).collect();
        (pdf_pages, fonts_of(&slots))
    } else {
        let mut done = Vec::with_capacity(count);
        let mut held = Vec::with_capacity(batch);
        // The fonts of the last batch, and how many glyphs each face had:
        // made again only when a batch draws a glyph not seen before.
        let mut fonts: (Vec<usize>, Vec<(Face, ParsedFont)>) = Default::default();
        let mut pages = pages.peekable();
        while let Some(p) = pages.next() {
            held.push(draw(p.borrow(), &mut slots));
            if held.len() < batch && pages.peek().is_some() {
                continue;
            }
            let seen: Vec<usize> = slots.iter().map(|s| s.glyphs.len()).collect();
            if seen != fonts.0 {
                fonts = (seen, fonts_of(&slots));
            }
            let mut doc = document(meta, &fonts.1, logo.clone());
            doc.pages = std::mem::take(&mut held);
            let mut lo = doc.to_lopdf_document(&opts, &mut warnings);
            drop(doc);
            for id in page_contents(&lo) {
                if let Some(mut content) = lo.objects.remove(&id) {
                    if let Ok(stream) = content.as_stream_mut() {
                        save::compress_stream(stream);
                        // Held until the file is written: its own size, not
                        // the room deflate took to make it.
                        stream.content.shrink_to_fit();
                    }
                    done.push(content);
                }
            }
        }
        drop(pages);
        contents = Some(done);
        // The whole document's pages draw nothing but, on the first, every
        // glyph: printpdf makes each font's widths and /ToUnicode from the
        // characters drawn, the same set as the pages' own.
        let mut blank: Vec<PdfPage> = (0..marks.len())
            .map(|_| PdfPage::new(Mm(210.0), Mm(297.0), Vec::new()))
            .collect();
        if let Some(first) = blank.first_mut() {
            *first = every_glyph(&slots);
        }
        // The last batch made them for every glyph drawn.
        (blank, fonts.1)
    };

    let mut doc = document(meta, &fonts, logo);
    doc.pages = pdf_pages;

    let mut lo = doc.to_lopdf_document(&opts, &mut warnings);
    if let Some(contents) = contents {
        for (id, content) in page_contents(&lo).into_iter().zip(contents) {
            lo.objects.insert(id, content);
        }
    }
    // The operations of every page are in `lo`'s content streams now: freed
    // before the structure tree is built (a séance's recueil has thousands).
    drop(doc);
    // Page contents and fonts deflated now, before the structure tree grows
    // the document (the streams added after are deflated below).
    save::compress_streams(&mut lo);

    // Reproducible metadata: dates from the act, no random id; PDF/A-2u;
    // the structure tree of the tagged PDF.
    conform::finish(&mut lo, meta);
    let mut found = scan.finish();
    found.bookmarks = bookmarks;
    let mut written = save::Written::default();
    conform::tag(&mut lo, tree, &marks, &found, meta, &mut written);
    // Object streams: the dictionaries of the structure tree, fonts and pages
    // are compressed too (PDF 1.5, allowed by PDF/A-2); the trailer becomes a
    // cross-reference stream, whose dictionary holds the /ID (a hash of the
    // file and of the title).
    save::compress_streams(&mut lo);
    save::save(lo, written, meta.title.as_bytes())
}

/// The subset font of each face `slots` uses, in the order of the faces.
fn fonts_of(slots: &[Slots; 6]) -> Vec<(Face, ParsedFont)> {
    Face::ALL
        .into_iter()
        .filter(|f| slots[f.index()].is_used())
        .map(|f| (f, pdf_font(f, &slots[f.index()]).0))
        .collect()
}

/// A printpdf document with `fonts` and the logo as its resources.
fn document(
    meta: &Meta,
    fonts: &[(Face, ParsedFont)],
    logo: Option<ExternalXObject>,
) -> PdfDocument {
    let mut doc = PdfDocument::new(&meta.title);
    for (f, font) in fonts {
        doc.resources
            .fonts
            .map
            .insert(font_id(*f), PdfFont::new(font.clone()));
    }
    if let Some(x) = logo {
        doc.resources
            .xobjects
            .map
            .insert(XObjectId(LOGO_ID.to_string()), XObject::External(x));
    }
    doc
}

/// A page showing, in each face used, every character drawn with it.
fn every_glyph(slots: &[Slots; 6]) -> PdfPage {
    let mut ops = Vec::new();
    for f in Face::ALL {
        let s = &slots[f.index()];
        if s.is_used() {
            ops.push(Op::SetFont {
                font: PdfFontHandle::External(font_id(f)),
                size: Pt(10.0),
            });
            ops.push(Op::ShowText {
                items: vec![TextItem::Text(s.glyphs[1..].iter().map(|g| g.1).collect())],
            });
        }
    }
    PdfPage::new(Mm(210.0), Mm(297.0), ops)
}

/// The content stream of each page of `lo`, in page order.
fn page_contents(lo: &lopdf::Document) -> Vec<lopdf::ObjectId> {
    lo.get_pages()
        .values()
        .filter_map(|&page| {
            lo.get_dictionary(page)
                .and_then(|d| d.get(b"Contents"))
                .and_then(|c| c.as_reference())
                .ok()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A long document written a few pages at a time is the same file as
    /// written in one go: fonts, widths, /ToUnicode, contents, structure.
    #[test]
    fn a_document_written_in_batches_is_the_same_file() {
        let mut md = String::from("# Recueil\n\n");
        for i in 0..40 {
            md.push_str(&format!(
                "## Article {i}\n\nLe conseil **approuve** la convention n° {i} avec *l’association* « Œuvre {i} » : 1 234,56 €.\n\n| Nom | Montant |\n|:--|--:|\n| Partenaire {i} | {i} € |\n\n"
            ));
            md.push_str(&"Texte de l’exposé, assez long pour remplir la page. ".repeat(20));
            md.push_str("\n\n");
        }
        let meta = Meta {
            title: "Essai".into(),
            draft: true,
            ..Default::default()
        };
        let paged = super::super::paged(&crate::doc::parse(&md, meta.clone()));
        assert!(paged.pages.len() > 10, "{} pages", paged.pages.len());
        let n = paged.pages.len();
        let whole = write_by(
            n,
            paged.pages.iter(),
            &paged.tree,
            &meta,
            None,
            None,
            usize::MAX,
        );
        for batch in [1, 3, 7] {
            let parts = write_by(n, paged.pages.iter(), &paged.tree, &meta, None, None, batch);
            assert!(parts == whole, "batches of {batch}: another file");
        }
    }
}
