//! The embedded Liberation faces: glyph lookup and advances for layout,
//! and the per-document glyph slots the subset fonts are built from.
//!
//! Widths are kept in thousandths of an em, truncated exactly as printpdf
//! truncates them when it writes `/W`: the positions computed here are then
//! the positions a viewer computes, with no drift along a line.

use super::subset::{RAISED_SCALE, raised_adv};
use crate::memo::Quick;
use std::collections::HashMap;
use std::sync::OnceLock;

/// One of the embedded faces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Face {
    Serif,
    SerifBold,
    SerifItalic,
    SerifBoldItalic,
    Sans,
    SansBold,
}

impl Face {
    /// Every face, in resource order.
    pub(crate) const ALL: [Face; 6] = [
        Face::Serif,
        Face::SerifBold,
        Face::SerifItalic,
        Face::SerifBoldItalic,
        Face::Sans,
        Face::SansBold,
    ];

    /// The serif face for a bold/italic combination.
    pub(crate) fn serif(bold: bool, italic: bool) -> Face {
        match (bold, italic) {
            (false, false) => Face::Serif,
            (true, false) => Face::SerifBold,
            (false, true) => Face::SerifItalic,
            (true, true) => Face::SerifBoldItalic,
        }
    }

    /// Whether the face is bold.
    pub(crate) fn is_bold(self) -> bool {
        matches!(
            self,
            Face::SerifBold | Face::SerifBoldItalic | Face::SansBold
        )
    }

    /// Index of the face in [`Face::ALL`].
    pub(crate) fn index(self) -> usize {
        self as usize
    }

    /// The PostScript name written (after the subset tag) as `/BaseFont`.
    pub(crate) fn ps_name(self) -> &'static str {
        match self {
            Face::Serif => "LiberationSerif",
            Face::SerifBold => "LiberationSerif-Bold",
            Face::SerifItalic => "LiberationSerif-Italic",
            Face::SerifBoldItalic => "LiberationSerif-BoldItalic",
            Face::Sans => "LiberationSans",
            Face::SansBold => "LiberationSans-Bold",
        }
    }

    /// The TrueType file, embedded in the binary.
    pub(crate) fn bytes(self) -> &'static [u8] {
        macro_rules! font {
            ($f:literal) => {
                include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/fonts/", $f))
            };
        }
        match self {
            Face::Serif => font!("LiberationSerif-Regular.ttf"),
            Face::SerifBold => font!("LiberationSerif-Bold.ttf"),
            Face::SerifItalic => font!("LiberationSerif-Italic.ttf"),
            Face::SerifBoldItalic => font!("LiberationSerif-BoldItalic.ttf"),
            Face::Sans => font!("LiberationSans-Regular.ttf"),
            Face::SansBold => font!("LiberationSans-Bold.ttf"),
        }
    }
}

/// A glyph to draw: its id in the full font and its advance in 1/1000 em.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Glyph {
    pub gid: u16,
    pub adv: u16,
}

// Superscript letters (the « er » of « 1er », the « o » of « nᵒ ») are
// glyphs of their own in the subset fonts: the letter scaled to
// `RAISED_SCALE` and raised by `subset::RAISED_RISE` em, drawn on the
// baseline of the text at its size. Drawn as smaller text raised above the
// line, they were read as a line of their own by text extraction
// (`pdftotext` put the « o » of « Délibérations nᵒ … » on the line above,
// and `-raw` ended the line after « 1er »); on the baseline they are read
// in place, and the `/ToUnicode` map gives the letter itself (« 1er »).
// The scale, the rise and the advance are the subset's (`subset.rs`, the
// floor below).

/// In laid-out text, a raised letter is carried as a code point of the
/// Supplementary Private Use Area-A: U+F0000 plus the letter's code point.
const RAISED: u32 = 0xF_0000;

/// The raised form of `c` (a character outside the Basic Multilingual Plane
/// has none and stays as it is).
pub(crate) fn raised(c: char) -> char {
    let v = c as u32;
    if v < 0x1_0000 {
        char::from_u32(RAISED + v).unwrap_or(c)
    } else {
        c
    }
}

/// The letter a raised form stands for.
pub(crate) fn unraised(c: char) -> Option<char> {
    let v = c as u32;
    (RAISED..RAISED + 0x1_0000)
        .contains(&v)
        .then(|| char::from_u32(v - RAISED))
        .flatten()
}

/// Whether `text` holds a raised letter: in UTF-8 they all start with the
/// byte 0xF3, which only characters from U+C0000 to U+FFFFF (unassigned but
/// for the private use plane) start with.
pub(crate) fn has_raised(text: &str) -> bool {
    text.as_bytes().contains(&0xF3)
}

/// `text` as typed: raised letters given back as plain letters.
pub(crate) fn as_typed(text: &str) -> std::borrow::Cow<'_, str> {
    if has_raised(text) {
        text.chars()
            .map(|c| unraised(c).unwrap_or(c))
            .collect::<String>()
            .into()
    } else {
        text.into()
    }
}

/// Code points below this are looked up in a flat table (Latin, punctuation, €).
const TABLE_LEN: usize = 0x2200;
const MISSING: u32 = u32::MAX;

/// What layout and the writer need to know about one face.
pub(crate) struct FaceData {
    face: Option<ttf_parser::Face<'static>>,
    /// `gid << 16 | advance` for code points below `TABLE_LEN`, `MISSING` if unmapped.
    table: Vec<u32>,
    pub upm: u16,
    /// Ascender and descender (positive) in em.
    pub ascent: f32,
    pub descent: f32,
    notdef_adv: u16,
    /// Pair kerning from the `kern` table: `left gid << 16 | right gid` → 1/1000 em.
    kern: HashMap<u32, i16, Quick>,
}

/// Advance of a narrow no-break space (U+202F) in layout, 1/1000 em: about
/// 1/8 em, narrower than the fonts' 0.2 em thin space drawn for it.
pub(crate) const NNBSP_ADV: i32 = 125;

impl FaceData {
    fn load(face: Face) -> FaceData {
        let parsed = ttf_parser::Face::parse(face.bytes(), 0).ok();
        let upm = parsed.as_ref().map_or(1000, |f| f.units_per_em()).max(16);
        let mut data = FaceData {
            face: None,
            table: vec![MISSING; TABLE_LEN],
            upm,
            ascent: 0.891,
            descent: 0.216,
            notdef_adv: 0,
            kern: HashMap::default(),
        };
        if let Some(f) = parsed {
            data.ascent = f32::from(f.ascender()) / f32::from(upm);
            data.descent = -f32::from(f.descender()) / f32::from(upm);
            if let Some(cmap) = f.tables().cmap {
                for sub in cmap.subtables.into_iter().filter(|s| s.is_unicode()) {
                    sub.codepoints(|cp| {
                        let Some(slot) = data.table.get_mut(cp as usize) else {
                            return;
                        };
                        if *slot != MISSING {
                            return;
                        }
                        if let Some(gid) = sub.glyph_index(cp) {
                            let adv = f.glyph_hor_advance(gid).unwrap_or(0);
                            *slot = (u32::from(gid.0) << 16) | u32::from(scale(adv, upm));
                        }
                    });
                }
            }
            data.notdef_adv = scale(
                f.glyph_hor_advance(ttf_parser::GlyphId(0)).unwrap_or(0),
                upm,
            );
            if let Some(kern) = f.tables().kern {
                for st in kern.subtables {
                    if !st.horizontal || st.variable || st.has_cross_stream {
                        continue;
                    }
                    if let ttf_parser::kern::Format::Format0(t) = st.format {
                        for p in t.pairs {
                            let v = (i32::from(p.value) * 1000 / i32::from(upm)) as i16;
                            if v != 0 {
                                data.kern
                                    .entry(u32::from(p.left().0) << 16 | u32::from(p.right().0))
                                    .or_insert(v);
                            }
                        }
                    }
                }
            }
            data.face = Some(f);
        }
        data
    }

    /// The glyph the font maps `c` to, if any.
    fn lookup(&self, c: char) -> Option<Glyph> {
        let cp = c as usize;
        if cp < TABLE_LEN {
            let v = self.table[cp];
            return (v != MISSING).then_some(Glyph {
                gid: (v >> 16) as u16,
                adv: v as u16,
            });
        }
        let face = self.face.as_ref()?;
        let gid = face.glyph_index(c)?;
        Some(Glyph {
            gid: gid.0,
            adv: scale(face.glyph_hor_advance(gid).unwrap_or(0), self.upm),
        })
    }

    /// The glyph drawn for `c`: the font's own, a look-alike, or `.notdef`.
    ///
    /// U+00AD is the hyphen layout adds at a line end; it is drawn as "-",
    /// and so is U+2010, a word's own hyphen at a line end (see
    /// `text::place`).
    ///
    /// A raised letter ([`raised`]) is its letter's glyph, with the advance
    /// of the scaled glyph the subset font adds for it.
    pub(crate) fn glyph(&self, c: char) -> Glyph {
        if c as u32 >= RAISED {
            return self.raised_glyph(c);
        }
        self.plain_glyph(c)
    }

    /// [`FaceData::glyph`] of a raised letter (or of a character past the
    /// raised ones), apart so that the common case stays small.
    #[cold]
    #[inline(never)]
    fn raised_glyph(&self, c: char) -> Glyph {
        match unraised(c) {
            Some(letter) => {
                let g = self.plain_glyph(letter);
                Glyph {
                    gid: g.gid,
                    adv: scale(raised_adv(self.raw_adv(g.gid)), self.upm),
                }
            }
            None => self.plain_glyph(c),
        }
    }

    fn plain_glyph(&self, c: char) -> Glyph {
        if c == '\u{AD}' || c == '\u{2010}' {
            return self.lookup('-').unwrap_or(Glyph {
                gid: 0,
                adv: self.notdef_adv,
            });
        }
        if let Some(g) = self.lookup(c) {
            return g;
        }
        for &alt in fallbacks(c) {
            if let Some(g) = self.lookup(alt) {
                return g;
            }
        }
        Glyph {
            gid: 0,
            adv: self.notdef_adv,
        }
    }

    /// Advance of the glyph drawn for `c` in font units.
    pub(crate) fn raw_adv_of(&self, c: char) -> u16 {
        let gid = self.glyph(c).gid;
        match unraised(c) {
            Some(_) => raised_adv(self.raw_adv(gid)),
            None => self.raw_adv(gid),
        }
    }

    /// Advance of glyph `gid` in font units.
    pub(crate) fn raw_adv(&self, gid: u16) -> u16 {
        self.face
            .as_ref()
            .and_then(|f| f.glyph_hor_advance(ttf_parser::GlyphId(gid)))
            .unwrap_or(0)
    }

    /// Advance of `c` in 1/1000 em.
    pub(crate) fn adv(&self, c: char) -> u32 {
        u32::from(self.glyph(c).adv)
    }

    /// How much closer (negative) or further `b` is set after `a`, in 1/1000
    /// em: the font's pair kerning, and the narrow no-break space brought to
    /// [`NNBSP_ADV`] (the adjustment follows it).
    pub(crate) fn pair(&self, a: char, b: char) -> i32 {
        let mut adj = 0;
        if a == '\u{202F}' {
            adj += NNBSP_ADV - self.adv(a) as i32;
        }
        if !self.kern.is_empty() {
            // Two raised letters kern as their letters, scaled; a raised
            // letter and a plain one do not kern.
            let raised = |c: char| (c as u32).wrapping_sub(RAISED) < 0x1_0000;
            let (ra, rb) = (raised(a), raised(b));
            if ra == rb {
                let key = u32::from(self.glyph(a).gid) << 16 | u32::from(self.glyph(b).gid);
                let kern = i32::from(self.kern.get(&key).copied().unwrap_or(0));
                adj += if ra {
                    (kern as f32 * RAISED_SCALE).round() as i32
                } else {
                    kern
                };
            }
        }
        adj
    }

    /// Width of `text` at `size` pt as layout sets it: kerned, with narrow
    /// no-break spaces at 1/8 em (also at the end of the text).
    pub(crate) fn set_width(&self, text: &str, size: f32) -> f32 {
        let mut units: i32 = 0;
        let mut prev: Option<char> = None;
        for c in text.chars() {
            units += self.adv(c) as i32;
            if let Some(p) = prev {
                units += self.pair(p, c);
            }
            prev = Some(c);
        }
        if prev == Some('\u{202F}') {
            units += NNBSP_ADV - self.adv('\u{202F}') as i32;
        }
        units as f32 * size / 1000.0
    }

    /// Width of `text` at `size` pt.
    pub(crate) fn width(&self, text: &str, size: f32) -> f32 {
        let units: u32 = text.chars().map(|c| self.adv(c)).sum();
        units as f32 * size / 1000.0
    }

    /// Metrics printpdf writes in the font descriptor.
    pub(crate) fn descriptor(&self) -> Descriptor {
        let Some(f) = self.face.as_ref() else {
            return Descriptor::default();
        };
        let bbox = f.global_bounding_box();
        Descriptor {
            ascender: f.ascender(),
            descender: f.descender(),
            bbox: [bbox.x_min, bbox.y_min, bbox.x_max, bbox.y_max],
            italic_angle: f.italic_angle(),
            weight: f.weight().to_number(),
        }
    }
}

/// Font-descriptor metrics, in font units (the angle in degrees).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Descriptor {
    pub ascender: i16,
    pub descender: i16,
    pub bbox: [i16; 4],
    pub italic_angle: f32,
    pub weight: u16,
}

/// Advance in font units → 1/1000 em, truncated like printpdf's `/W`.
fn scale(adv: u16, upm: u16) -> u16 {
    (u32::from(adv) * 1000 / u32::from(upm)).min(u32::from(u16::MAX)) as u16
}

/// Look-alikes tried, in order, when a face lacks a character.
fn fallbacks(c: char) -> &'static [char] {
    match c {
        '\u{202F}' => &['\u{2009}', '\u{2006}', '\u{A0}', ' '],
        '\u{A0}' | '\u{2000}'..='\u{200A}' | '\u{205F}' | '\u{3000}' => &['\u{A0}', ' '],
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2212}' => &['-'],
        '\u{2013}' | '\u{2014}' | '\u{2015}' => &['\u{2013}', '-'],
        '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{2032}' => &['\u{2019}', '\''],
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{2033}' => &['"'],
        '\u{2039}' => &['<'],
        '\u{203A}' => &['>'],
        '\u{2026}' => &['.'],
        '\u{2022}' | '\u{25CF}' | '\u{2023}' | '\u{2043}' => &['\u{2022}', '\u{B7}', '-'],
        _ => &[],
    }
}

/// Metrics of one face, parsed once per process and only when first used:
/// a run that never draws in italic never reads the italic font.
pub(crate) fn face(f: Face) -> &'static FaceData {
    static FACES: [OnceLock<FaceData>; 6] = [const { OnceLock::new() }; 6];
    FACES[f.index()].get_or_init(|| FaceData::load(f))
}

/// Most glyph slots one face may use: the subset's glyph ids must fit in u16,
/// and the subsetter appends the components of composite glyphs after ours.
const MAX_SLOTS: usize = 60_000;

/// The glyphs one document draws with one face.
///
/// Slot `n` becomes glyph `n` of the subset font. A slot is a (glyph, character)
/// pair, so one glyph drawn for two characters (a space for U+00A0 and U+202F,
/// "-" for a hyphen and a line-end U+00AD, `.notdef` for two unknown
/// characters) gets two slots, and each its own `/ToUnicode` entry.
#[derive(Debug, Clone)]
pub(crate) struct Slots {
    /// (glyph id in the full font, character it stands for); slot 0 is `.notdef`.
    pub glyphs: Vec<(u16, char)>,
    index: HashMap<(u16, char), u16, Quick>,
}

impl Default for Slots {
    fn default() -> Self {
        Slots {
            glyphs: vec![(0, '\0')],
            index: HashMap::default(),
        }
    }
}

impl Slots {
    /// The subset glyph id for `c` drawn with `glyph`.
    pub(crate) fn slot(&mut self, glyph: Glyph, c: char) -> u16 {
        if let Some(&s) = self.index.get(&(glyph.gid, c)) {
            return s;
        }
        if self.glyphs.len() >= MAX_SLOTS {
            return 0;
        }
        let s = self.glyphs.len() as u16;
        self.glyphs.push((glyph.gid, c));
        self.index.insert((glyph.gid, c), s);
        s
    }

    /// Whether any glyph besides `.notdef` was used.
    pub(crate) fn is_used(&self) -> bool {
        self.glyphs.len() > 1
    }
}

/// The subset font program of `face` holding exactly `slots`, glyph n = slot n.
///
/// Returns `None` if the font cannot be read; the caller then embeds it whole.
pub(crate) fn subset(face: Face, slots: &Slots) -> Option<Vec<u8>> {
    let glyphs: Vec<(u16, char, bool)> = slots
        .glyphs
        .iter()
        .map(|&(g, c)| (g, c, unraised(c).is_some()))
        .collect();
    super::subset::subset(face.bytes(), &glyphs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn liberation_covers_french() {
        for f in Face::ALL {
            let d = face(f);
            assert_eq!(d.upm, 2048);
            for c in "àâäçéèêëîïôöùûüÿœæÀÉÈÇŒ€«»’\u{A0}–—…".chars()
            {
                assert!(d.lookup(c).is_some(), "{f:?} lacks {c:?}");
            }
        }
    }

    #[test]
    fn missing_glyph_is_notdef() {
        let d = face(Face::Serif);
        assert_eq!(d.glyph('\u{4E2D}').gid, 0);
        assert_ne!(d.glyph('\u{202F}').gid, 0);
        assert_eq!(d.glyph('\u{AD}'), d.glyph('-'));
    }

    #[test]
    fn slots_distinguish_characters() {
        let d = face(Face::Serif);
        let mut s = Slots::default();
        let a = s.slot(d.glyph('-'), '-');
        let b = s.slot(d.glyph('\u{AD}'), '\u{AD}');
        assert_ne!(a, b);
        assert_eq!(s.slot(d.glyph('-'), '-'), a);
        let bytes = subset(Face::Serif, &s).expect("subset");
        assert!(bytes.len() < 40_000, "{}", bytes.len());
    }
}
