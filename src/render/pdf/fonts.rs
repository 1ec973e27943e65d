//! The embedded Liberation faces: glyph lookup and advances for layout,
//! and the per-document glyph slots the subset fonts are built from.
//!
//! Widths are kept in thousandths of an em, truncated exactly as printpdf
//! truncates them when it writes `/W`: the positions computed here are then
//! the positions a viewer computes, with no drift along a line.

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
    pub(crate) fn glyph(&self, c: char) -> Glyph {
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
            let key = u32::from(self.glyph(a).gid) << 16 | u32::from(self.glyph(b).gid);
            adj += i32::from(self.kern.get(&key).copied().unwrap_or(0));
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
    super::subset::subset(face.bytes(), &slots.glyphs)
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
