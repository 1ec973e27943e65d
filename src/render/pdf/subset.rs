//! A TrueType subsetter for PDF embedding.
//!
//! Glyph `n` of the subset is the `n`-th glyph asked for; the components of
//! composite glyphs follow. Only what a PDF viewer reads is written (`head`,
//! `hhea`, `maxp`, `hmtx`, `loca`, `glyf`, a `post` without names, and a
//! `cmap` for tools that look at it); hinting instructions are dropped, as
//! PDF viewers do not run them. About a tenth of the work of a general
//! subsetter, with no table of the full font parsed.

use std::collections::HashMap;

fn u16_at(d: &[u8], at: usize) -> Option<u16> {
    d.get(at..at + 2).map(|b| u16::from_be_bytes([b[0], b[1]]))
}

fn u32_at(d: &[u8], at: usize) -> Option<u32> {
    d.get(at..at + 4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

fn put_u16(d: &mut [u8], at: usize, v: u16) {
    if let Some(b) = d.get_mut(at..at + 2) {
        b.copy_from_slice(&v.to_be_bytes());
    }
}

/// The tables of the full font the subset is made from.
struct Source<'a> {
    head: &'a [u8],
    hhea: &'a [u8],
    maxp: &'a [u8],
    hmtx: &'a [u8],
    loca: &'a [u8],
    glyf: &'a [u8],
    post: Option<&'a [u8]>,
    long_loca: bool,
    num_glyphs: u16,
    num_hmetrics: u16,
}

impl<'a> Source<'a> {
    fn new(font: &'a [u8]) -> Option<Source<'a>> {
        let raw = ttf_parser::RawFace::parse(font, 0).ok()?;
        let table = |t: &[u8; 4]| raw.table(ttf_parser::Tag::from_bytes(t));
        let head = table(b"head")?;
        let hhea = table(b"hhea")?;
        let maxp = table(b"maxp")?;
        Some(Source {
            head,
            hhea,
            maxp,
            hmtx: table(b"hmtx")?,
            loca: table(b"loca")?,
            glyf: table(b"glyf")?,
            post: table(b"post"),
            long_loca: u16_at(head, 50)? == 1,
            num_glyphs: u16_at(maxp, 4)?,
            num_hmetrics: u16_at(hhea, 34)?.max(1),
        })
    }

    /// The outline of glyph `gid` (empty for a blank glyph).
    fn glyph(&self, gid: u16) -> Option<&'a [u8]> {
        if gid >= self.num_glyphs {
            return None;
        }
        let i = usize::from(gid);
        let (a, b) = if self.long_loca {
            (
                u32_at(self.loca, 4 * i)? as usize,
                u32_at(self.loca, 4 * i + 4)? as usize,
            )
        } else {
            (
                2 * usize::from(u16_at(self.loca, 2 * i)?),
                2 * usize::from(u16_at(self.loca, 2 * i + 2)?),
            )
        };
        if a >= b {
            return Some(&[]);
        }
        self.glyf.get(a..b)
    }

    /// (advance, left side bearing) of glyph `gid`.
    fn metrics(&self, gid: u16) -> (u16, u16) {
        let nh = usize::from(self.num_hmetrics);
        let g = usize::from(gid);
        if g < nh {
            (
                u16_at(self.hmtx, 4 * g).unwrap_or(0),
                u16_at(self.hmtx, 4 * g + 2).unwrap_or(0),
            )
        } else {
            let adv = u16_at(self.hmtx, 4 * (nh - 1)).unwrap_or(0);
            (adv, u16_at(self.hmtx, 4 * nh + 2 * (g - nh)).unwrap_or(0))
        }
    }
}

/// A simple glyph without its instructions.
fn simple(g: &[u8], contours: usize) -> Option<Vec<u8>> {
    let ilen_at = 10 + 2 * contours;
    let ilen = usize::from(u16_at(g, ilen_at)?);
    let rest = g.get(ilen_at + 2 + ilen..)?;
    let mut out = Vec::with_capacity(g.len());
    out.extend_from_slice(&g[..ilen_at]);
    out.extend_from_slice(&[0, 0]);
    out.extend_from_slice(rest);
    Some(out)
}

/// A composite glyph with its components renumbered (appended to `order` if
/// new) and without instructions.
fn composite(g: &[u8], order: &mut Vec<u16>, index: &mut HashMap<u16, u16>) -> Option<Vec<u8>> {
    const WORDS: u16 = 0x0001;
    const SCALE: u16 = 0x0008;
    const MORE: u16 = 0x0020;
    const XY_SCALE: u16 = 0x0040;
    const TWO_BY_TWO: u16 = 0x0080;
    const INSTRUCTIONS: u16 = 0x0100;
    let mut out = g.get(..10)?.to_vec();
    let mut at = 10;
    loop {
        let flags = u16_at(g, at)?;
        let old = u16_at(g, at + 2)?;
        let new = match index.get(&old) {
            Some(&n) => n,
            None => {
                let n = u16::try_from(order.len()).ok()?;
                order.push(old);
                index.insert(old, n);
                n
            }
        };
        let len = 4
            + if flags & WORDS != 0 { 4 } else { 2 }
            + if flags & SCALE != 0 {
                2
            } else if flags & XY_SCALE != 0 {
                4
            } else if flags & TWO_BY_TWO != 0 {
                8
            } else {
                0
            };
        let start = out.len();
        out.extend_from_slice(g.get(at..at + len)?);
        put_u16(&mut out, start, flags & !INSTRUCTIONS);
        put_u16(&mut out, start + 2, new);
        at += len;
        if flags & MORE == 0 {
            return Some(out);
        }
    }
}

/// The scale and rise (in em) of a raised glyph: a superscript letter drawn
/// on the baseline (see `fonts::raised`).
pub(crate) const RAISED_SCALE: f32 = 0.65;
pub(crate) const RAISED_RISE: f32 = 0.36;

/// Advance of a raised glyph in font units, from its letter's.
pub(crate) fn raised_adv(adv: u16) -> u16 {
    (f32::from(adv) * RAISED_SCALE).round() as u16
}

/// A composite glyph drawing glyph `component` (its number in the subset)
/// scaled by [`RAISED_SCALE`] and raised by [`RAISED_RISE`] em, with the
/// bounding box of the source glyph `g` transformed the same way.
fn raised(g: &[u8], component: u16, upm: u16) -> Vec<u8> {
    const WORDS: u16 = 0x0001;
    const XY_VALUES: u16 = 0x0002;
    const SCALE: u16 = 0x0008;
    // The offset is in the composite's units, not scaled with the
    // component (explicit: Apple and Microsoft rasterisers default apart).
    const UNSCALED_OFFSET: u16 = 0x1000;
    if g.len() < 10 {
        // A blank glyph stays blank.
        return Vec::new();
    }
    let rise = (RAISED_RISE * f32::from(upm)).round() as i16;
    let at = |i: usize| i16::from_be_bytes([g[i], g[i + 1]]);
    let s = |v: i16| (f32::from(v) * RAISED_SCALE).round() as i16;
    let mut out = Vec::with_capacity(22);
    out.extend_from_slice(&(-1i16).to_be_bytes());
    for (v, dy) in [(at(2), 0), (at(4), rise), (at(6), 0), (at(8), rise)] {
        out.extend_from_slice(&s(v).saturating_add(dy).to_be_bytes());
    }
    out.extend_from_slice(&(WORDS | XY_VALUES | SCALE | UNSCALED_OFFSET).to_be_bytes());
    out.extend_from_slice(&component.to_be_bytes());
    out.extend_from_slice(&0i16.to_be_bytes());
    out.extend_from_slice(&rise.to_be_bytes());
    let f2dot14 = (RAISED_SCALE * 16384.0).round() as i16;
    out.extend_from_slice(&f2dot14.to_be_bytes());
    out
}

/// A format 4 `cmap` mapping each character to its subset glyph.
fn cmap(chars: &[(char, u16)]) -> Vec<u8> {
    let mut map: Vec<(u16, u16)> = chars
        .iter()
        .filter_map(|&(c, g)| {
            u16::try_from(c as u32)
                .ok()
                .filter(|&c| c != 0 && c != 0xFFFF)
                .map(|c| (c, g))
        })
        .collect();
    map.sort_unstable();
    map.dedup_by_key(|m| m.0);
    let seg = map.len() + 1;
    let mut sub = Vec::new();
    let w = |v: &mut Vec<u8>, x: u16| v.extend_from_slice(&x.to_be_bytes());
    let mut search = 1usize;
    let mut selector = 0u16;
    while search * 2 <= seg {
        search *= 2;
        selector += 1;
    }
    w(&mut sub, 4);
    w(&mut sub, (16 + 8 * seg) as u16);
    w(&mut sub, 0);
    w(&mut sub, (2 * seg) as u16);
    w(&mut sub, (2 * search) as u16);
    w(&mut sub, selector);
    w(&mut sub, (2 * seg - 2 * search) as u16);
    for &(c, _) in &map {
        w(&mut sub, c);
    }
    w(&mut sub, 0xFFFF);
    w(&mut sub, 0);
    for &(c, _) in &map {
        w(&mut sub, c);
    }
    w(&mut sub, 0xFFFF);
    for &(c, g) in &map {
        w(&mut sub, g.wrapping_sub(c));
    }
    w(&mut sub, 1);
    for _ in 0..seg {
        w(&mut sub, 0);
    }
    let mut out = Vec::new();
    w(&mut out, 0);
    w(&mut out, 1);
    w(&mut out, 3);
    w(&mut out, 1);
    out.extend_from_slice(&12u32.to_be_bytes());
    out.extend_from_slice(&sub);
    out
}

fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, c| {
        let mut b = [0u8; 4];
        b[..c.len()].copy_from_slice(c);
        sum.wrapping_add(u32::from_be_bytes(b))
    })
}

/// Assemble an sfnt from (tag, data) pairs.
fn sfnt(mut tables: Vec<([u8; 4], Vec<u8>)>) -> Vec<u8> {
    tables.sort_by_key(|t| t.0);
    let n = tables.len();
    let mut search = 1usize;
    let mut selector = 0u16;
    while search * 2 <= n {
        search *= 2;
        selector += 1;
    }
    let mut out = Vec::new();
    out.extend_from_slice(&0x0001_0000u32.to_be_bytes());
    out.extend_from_slice(&(n as u16).to_be_bytes());
    out.extend_from_slice(&((search * 16) as u16).to_be_bytes());
    out.extend_from_slice(&selector.to_be_bytes());
    out.extend_from_slice(&((n * 16 - search * 16) as u16).to_be_bytes());
    let mut offset = 12 + 16 * n;
    for (tag, data) in &tables {
        out.extend_from_slice(tag);
        out.extend_from_slice(&checksum(data).to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        offset += data.len().div_ceil(4) * 4;
    }
    let mut head_at = None;
    for (tag, data) in &tables {
        if tag == b"head" {
            head_at = Some(out.len());
        }
        out.extend_from_slice(data);
        out.resize(out.len().div_ceil(4) * 4, 0);
    }
    if let Some(h) = head_at {
        let adj = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        if let Some(b) = out.get_mut(h + 8..h + 12) {
            b.copy_from_slice(&adj.to_be_bytes());
        }
    }
    out
}

/// The subset of TrueType `font` holding `glyphs` (original glyph id, the
/// character it is drawn for, whether it is drawn raised), glyph `n` being
/// `glyphs[n]`. A raised glyph is a composite of the original one, scaled
/// and raised (see [`raised`]). `None` if the font cannot be read.
pub(crate) fn subset(font: &[u8], glyphs: &[(u16, char, bool)]) -> Option<Vec<u8>> {
    let src = Source::new(font)?;
    let upm = u16_at(src.head, 18)?;
    let mut order: Vec<u16> = glyphs.iter().map(|g| g.0).collect();
    // Subset glyph of each original glyph drawn plainly: what composites,
    // raised glyphs included, refer to.
    let mut index: HashMap<u16, u16> = HashMap::new();
    for (n, &(g, _, up)) in glyphs.iter().enumerate().rev() {
        if !up {
            index.insert(g, u16::try_from(n).ok()?);
        }
    }
    let is_raised = |i: usize| glyphs.get(i).is_some_and(|g| g.2);
    let mut outlines: Vec<Vec<u8>> = Vec::with_capacity(order.len());
    let mut i = 0;
    while i < order.len() {
        let g = src.glyph(order[i]).unwrap_or(&[]);
        let outline = if is_raised(i) {
            let component = match index.get(&order[i]) {
                Some(&n) => n,
                None => {
                    let n = u16::try_from(order.len()).ok()?;
                    order.push(order[i]);
                    index.insert(order[i], n);
                    n
                }
            };
            raised(g, component, upm)
        } else if g.len() < 10 {
            Vec::new()
        } else {
            let contours = i16::from_be_bytes([g[0], g[1]]);
            if contours >= 0 {
                simple(g, contours as usize)?
            } else {
                composite(g, &mut order, &mut index)?
            }
        };
        outlines.push(outline);
        i += 1;
        if order.len() > usize::from(u16::MAX) {
            return None;
        }
    }
    let n = order.len() as u16;

    let mut glyf = Vec::new();
    let mut loca = Vec::with_capacity(4 * (order.len() + 1));
    for o in &outlines {
        loca.extend_from_slice(&(glyf.len() as u32).to_be_bytes());
        glyf.extend_from_slice(o);
        glyf.resize(glyf.len().div_ceil(4) * 4, 0);
    }
    loca.extend_from_slice(&(glyf.len() as u32).to_be_bytes());
    let mut hmtx = Vec::with_capacity(4 * order.len());
    for (i, &g) in order.iter().enumerate() {
        let (mut adv, mut lsb) = src.metrics(g);
        if is_raised(i) {
            adv = raised_adv(adv);
            lsb = (f32::from(lsb as i16) * RAISED_SCALE).round() as i16 as u16;
        }
        hmtx.extend_from_slice(&adv.to_be_bytes());
        hmtx.extend_from_slice(&lsb.to_be_bytes());
    }
    let mut head = src.head.get(..54)?.to_vec();
    head[8..12].copy_from_slice(&[0; 4]);
    put_u16(&mut head, 50, 1);
    let mut hhea = src.hhea.get(..36)?.to_vec();
    put_u16(&mut hhea, 34, n);
    let mut maxp = src.maxp.to_vec();
    put_u16(&mut maxp, 4, n);
    if glyphs.iter().any(|g| g.2) && maxp.len() >= 32 {
        // A raised accented letter is a composite of a composite.
        let depth = u16_at(&maxp, 30).unwrap_or(0).max(2);
        put_u16(&mut maxp, 30, depth);
        let elements = u16_at(&maxp, 28).unwrap_or(0).max(1);
        put_u16(&mut maxp, 28, elements);
    }
    let mut post = src
        .post
        .and_then(|p| p.get(..32))
        .map_or_else(|| vec![0; 32], <[u8]>::to_vec);
    post[..4].copy_from_slice(&0x0003_0000u32.to_be_bytes());
    post[16..32].copy_from_slice(&[0; 16]);
    let chars: Vec<(char, u16)> = glyphs
        .iter()
        .enumerate()
        .filter(|(_, g)| !g.2)
        .map(|(n, g)| (g.1, n as u16))
        .collect();

    Some(sfnt(vec![
        (*b"cmap", cmap(&chars)),
        (*b"glyf", glyf),
        (*b"head", head),
        (*b"hhea", hhea),
        (*b"hmtx", hmtx),
        (*b"loca", loca),
        (*b"maxp", maxp),
        (*b"post", post),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::pdf::fonts::{Face, face};

    #[test]
    fn subset_is_a_valid_font_with_the_same_glyphs() {
        let f = Face::Serif;
        let d = face(f);
        let text = "Délibération œuvre 49\u{202F}975\u{A0}€ « ÉÀÇ » ’";
        let mut glyphs = vec![(0u16, '\0', false)];
        for c in text.chars() {
            let g = d.glyph(c).gid;
            if !glyphs.contains(&(g, c, false)) {
                glyphs.push((g, c, false));
            }
        }
        let bytes = subset(f.bytes(), &glyphs).expect("subset");
        assert!(bytes.len() < 20_000, "{}", bytes.len());
        let sub = ttf_parser::Face::parse(&bytes, 0).expect("parses");
        let full = ttf_parser::Face::parse(f.bytes(), 0).unwrap();
        assert!(sub.number_of_glyphs() as usize >= glyphs.len());
        for (n, &(g, c, _)) in glyphs.iter().enumerate().skip(1) {
            let (new, old) = (ttf_parser::GlyphId(n as u16), ttf_parser::GlyphId(g));
            assert_eq!(
                sub.glyph_hor_advance(new),
                full.glyph_hor_advance(old),
                "{c:?}"
            );
            assert_eq!(
                sub.glyph_bounding_box(new),
                full.glyph_bounding_box(old),
                "{c:?}"
            );
            assert_eq!(sub.glyph_index(c), Some(new), "{c:?}");
        }
    }

    struct Sink;
    impl ttf_parser::OutlineBuilder for Sink {
        fn move_to(&mut self, _: f32, _: f32) {}
        fn line_to(&mut self, _: f32, _: f32) {}
        fn quad_to(&mut self, _: f32, _: f32, _: f32, _: f32) {}
        fn curve_to(&mut self, _: f32, _: f32, _: f32, _: f32, _: f32, _: f32) {}
        fn close(&mut self) {}
    }

    #[test]
    fn raised_glyphs_are_their_letters_scaled_and_raised() {
        use crate::render::pdf::fonts::raised as up;
        let f = Face::Serif;
        let d = face(f);
        let full = ttf_parser::Face::parse(f.bytes(), 0).unwrap();
        let (e, o, eacute) = (d.glyph('e').gid, d.glyph('o').gid, d.glyph('é').gid);
        // A raised « e » before the plain one, a raised « o » whose letter is
        // not drawn plainly (its outline is appended), a raised « é » (a
        // composite of a composite).
        let glyphs = [
            (0, '\0', false),
            (e, up('e'), true),
            (e, 'e', false),
            (o, up('o'), true),
            (eacute, up('é'), true),
        ];
        let bytes = subset(f.bytes(), &glyphs).expect("subset");
        let sub = ttf_parser::Face::parse(&bytes, 0).expect("parses");
        assert!(sub.number_of_glyphs() >= 6, "{}", sub.number_of_glyphs());
        let rise = (RAISED_RISE * 2048.0).round();
        for (n, g) in [(1, e), (3, o), (4, eacute)] {
            let new = ttf_parser::GlyphId(n);
            let old = ttf_parser::GlyphId(g);
            let adv = f32::from(full.glyph_hor_advance(old).unwrap());
            assert_eq!(
                sub.glyph_hor_advance(new),
                Some((adv * RAISED_SCALE).round() as u16)
            );
            let a = full.outline_glyph(old, &mut Sink).unwrap();
            let b = sub.outline_glyph(new, &mut Sink).expect("drawn");
            let near = |x: i16, y: f32| (f32::from(x) - y).abs() <= 1.5;
            assert!(
                near(b.x_min, f32::from(a.x_min) * RAISED_SCALE),
                "{a:?} {b:?}"
            );
            assert!(
                near(b.x_max, f32::from(a.x_max) * RAISED_SCALE),
                "{a:?} {b:?}"
            );
            assert!(
                near(b.y_min, f32::from(a.y_min) * RAISED_SCALE + rise),
                "{a:?} {b:?}"
            );
            assert!(
                near(b.y_max, f32::from(a.y_max) * RAISED_SCALE + rise),
                "{a:?} {b:?}"
            );
            // The header's box is the outline's.
            assert_eq!(sub.glyph_bounding_box(new), Some(b), "{n}");
        }
        // The plain « e » is the font's own.
        assert_eq!(
            sub.glyph_hor_advance(ttf_parser::GlyphId(2)),
            full.glyph_hor_advance(ttf_parser::GlyphId(e))
        );
    }
}
