//! The logo as a PDF image XObject, without an image library.
//!
//! A JPEG is embedded as it is (`DCTDecode`). A PNG without transparency has
//! its compressed data embedded as it is too (PDF reads PNG predictors). A PNG
//! with an alpha channel or a `tRNS` chunk is decoded, and its colour and alpha
//! planes are written as an image and its soft mask. Anything else (interlaced
//! PNG, 12-bit JPEG, damaged file) gives `None`: the document has no logo
//! rather than a broken file.

use std::collections::BTreeMap;

use printpdf::{DictItem, ExternalStream, ExternalXObject};

use crate::doc::{ImageFormat, Logo};

/// Largest image decoded, in pixels (a larger logo is refused when read).
const MAX_PIXELS: u64 = Logo::MAX_PIXELS;

fn name(s: &str) -> DictItem {
    DictItem::Name(s.as_bytes().to_vec())
}

fn int(v: u32) -> DictItem {
    DictItem::Int(i64::from(v))
}

/// The XObject dictionary shared by all images.
fn base(w: u32, h: u32, bits: u8, space: DictItem) -> BTreeMap<String, DictItem> {
    BTreeMap::from([
        ("Type".to_string(), name("XObject")),
        ("Subtype".to_string(), name("Image")),
        ("Width".to_string(), int(w)),
        ("Height".to_string(), int(h)),
        ("BitsPerComponent".to_string(), int(u32::from(bits))),
        ("ColorSpace".to_string(), space),
    ])
}

fn xobject(dict: BTreeMap<String, DictItem>, content: Vec<u8>) -> ExternalXObject {
    ExternalXObject {
        stream: ExternalStream {
            dict,
            content,
            compress: false,
        },
        width: None,
        height: None,
        dpi: None,
    }
}

/// The image XObject of a logo, or `None` if it cannot be embedded.
pub(crate) fn xobject_for(logo: &Logo) -> Option<ExternalXObject> {
    match logo.format {
        ImageFormat::Jpeg => jpeg(&logo.bytes),
        ImageFormat::Png => png(&logo.bytes),
    }
}

fn jpeg(b: &[u8]) -> Option<ExternalXObject> {
    let mut i = 2;
    let mut adobe = false;
    while i + 9 < b.len() {
        if b[i] != 0xFF {
            return None;
        }
        let marker = b[i + 1];
        let len = usize::from(u16::from_be_bytes([b[i + 2], b[i + 3]]));
        if marker == 0xEE && b.get(i + 4..i + 9) == Some(b"Adobe") {
            adobe = true;
        }
        if matches!(marker, 0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF) {
            let bits = b[i + 4];
            let h = u32::from(u16::from_be_bytes([b[i + 5], b[i + 6]]));
            let w = u32::from(u16::from_be_bytes([b[i + 7], b[i + 8]]));
            let comps = b[i + 9];
            if bits != 8 || w == 0 || h == 0 {
                return None;
            }
            let space = match comps {
                1 => "DeviceGray",
                3 => "DeviceRGB",
                4 => "DeviceCMYK",
                _ => return None,
            };
            let mut dict = base(w, h, 8, name(space));
            dict.insert("Filter".into(), name("DCTDecode"));
            if comps == 4 && adobe {
                // Adobe writes CMYK JPEGs inverted.
                let d = [1.0, 0.0]
                    .repeat(4)
                    .into_iter()
                    .map(DictItem::Real)
                    .collect();
                dict.insert("Decode".into(), DictItem::Array(d));
            }
            return Some(xobject(dict, b.to_vec()));
        }
        i += 2 + len;
    }
    None
}

/// The chunks of a PNG that matter here.
struct Png<'a> {
    w: u32,
    h: u32,
    depth: u8,
    color: u8,
    palette: &'a [u8],
    trns: &'a [u8],
    data: Vec<u8>,
}

fn parse_png(b: &[u8]) -> Option<Png<'_>> {
    if !b.starts_with(b"\x89PNG\r\n\x1a\n") {
        return None;
    }
    let mut png = Png {
        w: 0,
        h: 0,
        depth: 0,
        color: 0,
        palette: &[],
        trns: &[],
        data: Vec::new(),
    };
    let mut at = 8;
    while at + 8 <= b.len() {
        let len = u32::from_be_bytes(b[at..at + 4].try_into().ok()?) as usize;
        let kind = &b[at + 4..at + 8];
        let body = b.get(at + 8..at + 8 + len)?;
        match kind {
            b"IHDR" if len >= 13 => {
                png.w = u32::from_be_bytes(body[0..4].try_into().ok()?);
                png.h = u32::from_be_bytes(body[4..8].try_into().ok()?);
                png.depth = body[8];
                png.color = body[9];
                if body[10] != 0 || body[11] != 0 || body[12] != 0 {
                    return None; // unknown method, or interlaced
                }
            }
            b"PLTE" => png.palette = body,
            b"tRNS" => png.trns = body,
            b"IDAT" => png.data.extend_from_slice(body),
            b"IEND" => break,
            _ => {}
        }
        at += 12 + len;
    }
    let ok_depth = match png.color {
        0 => matches!(png.depth, 1 | 2 | 4 | 8 | 16),
        3 => matches!(png.depth, 1 | 2 | 4 | 8) && !png.palette.is_empty(),
        2 | 4 | 6 => matches!(png.depth, 8 | 16),
        _ => false,
    };
    let pixels = u64::from(png.w) * u64::from(png.h);
    (ok_depth && pixels > 0 && pixels <= MAX_PIXELS && !png.data.is_empty()).then_some(png)
}

fn png(b: &[u8]) -> Option<ExternalXObject> {
    let png = parse_png(b)?;
    let channels: u32 = match png.color {
        0 | 3 => 1,
        2 => 3,
        4 => 2,
        _ => 4,
    };
    let transparent = png.color == 4 || png.color == 6 || !png.trns.is_empty();
    if !transparent {
        // The zlib stream with PNG predictors, as PDF reads it.
        let space = match png.color {
            0 => name("DeviceGray"),
            2 => name("DeviceRGB"),
            _ => DictItem::Array(vec![
                name("Indexed"),
                name("DeviceRGB"),
                int((png.palette.len() / 3).clamp(1, 256) as u32 - 1),
                DictItem::String {
                    data: png.palette.to_vec(),
                    literal: false,
                },
            ]),
        };
        let mut dict = base(png.w, png.h, png.depth, space);
        dict.insert("Filter".into(), name("FlateDecode"));
        let parms = BTreeMap::from([
            ("Predictor".to_string(), DictItem::Int(15)),
            ("Colors".to_string(), int(channels)),
            ("BitsPerComponent".to_string(), int(u32::from(png.depth))),
            ("Columns".to_string(), int(png.w)),
        ]);
        dict.insert("DecodeParms".into(), DictItem::Dict { map: parms });
        return Some(xobject(dict, png.data));
    }
    let (color, alpha, gray) = decode(&png, channels)?;
    let pack = |v: &[u8]| miniz_oxide::deflate::compress_to_vec_zlib(v, 6);
    let mut mask = base(png.w, png.h, 8, name("DeviceGray"));
    mask.insert("Filter".into(), name("FlateDecode"));
    let space = if gray { "DeviceGray" } else { "DeviceRGB" };
    let mut dict = base(png.w, png.h, 8, name(space));
    dict.insert("Filter".into(), name("FlateDecode"));
    dict.insert(
        "SMask".into(),
        DictItem::Stream {
            stream: ExternalStream {
                dict: mask,
                content: pack(&alpha),
                compress: false,
            },
        },
    );
    Some(xobject(dict, pack(&color)))
}

/// Undo the PNG row filters.
fn unfilter(data: &[u8], stride: usize, bpp: usize, rows: usize) -> Option<Vec<u8>> {
    let mut out = vec![0u8; stride * rows];
    let mut at = 0;
    for r in 0..rows {
        let kind = *data.get(at)?;
        let line = data.get(at + 1..at + 1 + stride)?;
        at += 1 + stride;
        let (done, rest) = out.split_at_mut(r * stride);
        let prev = if r > 0 {
            &done[(r - 1) * stride..]
        } else {
            &[][..]
        };
        let cur = &mut rest[..stride];
        for i in 0..stride {
            let a = if i >= bpp { cur[i - bpp] } else { 0 };
            let b = prev.get(i).copied().unwrap_or(0);
            let c = if i >= bpp {
                prev.get(i - bpp).copied().unwrap_or(0)
            } else {
                0
            };
            let pred = match kind {
                0 => 0,
                1 => a,
                2 => b,
                3 => ((u16::from(a) + u16::from(b)) / 2) as u8,
                4 => {
                    let p = i16::from(a) + i16::from(b) - i16::from(c);
                    let (pa, pb, pc) = (
                        (p - i16::from(a)).abs(),
                        (p - i16::from(b)).abs(),
                        (p - i16::from(c)).abs(),
                    );
                    if pa <= pb && pa <= pc {
                        a
                    } else if pb <= pc {
                        b
                    } else {
                        c
                    }
                }
                _ => return None,
            };
            cur[i] = line[i].wrapping_add(pred);
        }
    }
    Some(out)
}

/// Colour plane (8-bit RGB, or grey), alpha plane (8-bit), and whether it is grey.
fn decode(png: &Png<'_>, channels: u32) -> Option<(Vec<u8>, Vec<u8>, bool)> {
    let raw = miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(
        &png.data,
        (MAX_PIXELS * 8 + u64::from(png.h)) as usize,
    )
    .ok()?;
    let (w, h) = (png.w as usize, png.h as usize);
    let depth = usize::from(png.depth);
    let bits = w * channels as usize * depth;
    let stride = bits.div_ceil(8);
    let bpp = (channels as usize * depth).div_ceil(8);
    let px = unfilter(&raw, stride, bpp, h)?;
    // Sample n of row r, scaled to 8 bits.
    let sample = |r: usize, n: usize| -> u16 {
        let row = &px[r * stride..(r + 1) * stride];
        match depth {
            16 => u16::from_be_bytes([row[2 * n], row[2 * n + 1]]),
            8 => u16::from(row[n]),
            d => {
                let bit = n * d;
                let byte = row[bit / 8];
                u16::from((byte >> (8 - d - bit % 8)) & ((1u8 << d) - 1))
            }
        }
    };
    let to8 = |v: u16| -> u8 {
        match depth {
            16 => (v >> 8) as u8,
            8 => v as u8,
            d => (u32::from(v) * 255 / ((1u32 << d) - 1)) as u8,
        }
    };
    let key = |i: usize| -> Option<u16> {
        png.trns
            .get(2 * i..2 * i + 2)
            .map(|b| u16::from_be_bytes([b[0], b[1]]))
    };
    let gray = matches!(png.color, 0 | 4);
    let mut color = Vec::with_capacity(w * h * if gray { 1 } else { 3 });
    let mut alpha = Vec::with_capacity(w * h);
    for r in 0..h {
        for x in 0..w {
            let c = x * channels as usize;
            match png.color {
                0 => {
                    let v = sample(r, c);
                    color.push(to8(v));
                    alpha.push(if key(0) == Some(v) { 0 } else { 255 });
                }
                2 => {
                    let (vr, vg, vb) = (sample(r, c), sample(r, c + 1), sample(r, c + 2));
                    color.extend([to8(vr), to8(vg), to8(vb)]);
                    let t = (key(0), key(1), key(2)) == (Some(vr), Some(vg), Some(vb));
                    alpha.push(if t { 0 } else { 255 });
                }
                3 => {
                    let i = usize::from(sample(r, c));
                    let rgb = png.palette.get(3 * i..3 * i + 3).unwrap_or(&[0, 0, 0]);
                    color.extend_from_slice(rgb);
                    alpha.push(png.trns.get(i).copied().unwrap_or(255));
                }
                4 => {
                    color.push(to8(sample(r, c)));
                    alpha.push(to8(sample(r, c + 1)));
                }
                _ => {
                    color.extend([
                        to8(sample(r, c)),
                        to8(sample(r, c + 1)),
                        to8(sample(r, c + 2)),
                    ]);
                    alpha.push(to8(sample(r, c + 3)));
                }
            }
        }
    }
    Some((color, alpha, gray))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PNG file from raw scanlines (filter byte included).
    fn make_png(
        w: u32,
        h: u32,
        depth: u8,
        color: u8,
        rows: &[u8],
        extra: &[(&[u8; 4], &[u8])],
    ) -> Vec<u8> {
        fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], body: &[u8]) {
            out.extend_from_slice(&(body.len() as u32).to_be_bytes());
            out.extend_from_slice(kind);
            out.extend_from_slice(body);
            out.extend_from_slice(&[0; 4]); // CRC, not checked
        }
        let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&w.to_be_bytes());
        ihdr.extend_from_slice(&h.to_be_bytes());
        ihdr.extend_from_slice(&[depth, color, 0, 0, 0]);
        chunk(&mut out, b"IHDR", &ihdr);
        for (k, b) in extra {
            chunk(&mut out, k, b);
        }
        chunk(
            &mut out,
            b"IDAT",
            &miniz_oxide::deflate::compress_to_vec_zlib(rows, 6),
        );
        chunk(&mut out, b"IEND", &[]);
        out
    }

    #[test]
    fn rgba_png_is_split_into_colour_and_mask() {
        // 2×2 RGBA, the second row filtered with Up.
        let rows = [0, 255, 0, 0, 255, 0, 0, 0, 128, 2, 0, 255, 0, 0, 0, 0, 0, 0];
        let file = make_png(2, 2, 8, 6, &rows, &[]);
        let png = parse_png(&file).unwrap();
        let (color, alpha, gray) = decode(&png, 4).unwrap();
        assert!(!gray);
        assert_eq!(color, vec![255, 0, 0, 0, 0, 0, 255, 255, 0, 0, 0, 0]);
        assert_eq!(alpha, vec![255, 128, 255, 128]);
    }

    #[test]
    fn palette_png_with_transparency_and_bad_files() {
        let rows = [0, 0b0001_0000];
        let file = make_png(
            2,
            1,
            4,
            3,
            &rows,
            &[(b"PLTE", &[1, 2, 3, 4, 5, 6]), (b"tRNS", &[0])],
        );
        let png = parse_png(&file).unwrap();
        let (color, alpha, _) = decode(&png, 1).unwrap();
        assert_eq!(color, vec![4, 5, 6, 1, 2, 3]);
        assert_eq!(alpha, vec![255, 0]);
        assert!(png_ok(&file));
        assert!(!png_ok(b"\x89PNG\r\n\x1a\nrubbish"));
        assert!(jpeg(&[0xFF, 0xD8, 0xFF]).is_none());
    }

    #[test]
    fn jpeg_is_embedded_as_it_is() {
        // SOI, SOF0 (8 bits, 3×2, 3 components), EOI: enough for the header.
        let mut b = vec![0xFF, 0xD8, 0xFF, 0xC0, 0, 17, 8, 0, 2, 0, 3, 3];
        b.extend_from_slice(&[1, 0x11, 0, 2, 0x11, 1, 3, 0x11, 1, 0xFF, 0xD9]);
        let x = jpeg(&b).unwrap();
        assert_eq!(x.stream.content, b);
        assert_eq!(x.stream.dict.get("Filter"), Some(&name("DCTDecode")));
        assert_eq!(x.stream.dict.get("ColorSpace"), Some(&name("DeviceRGB")));
        assert_eq!(x.stream.dict.get("Width"), Some(&int(3)));
    }

    fn png_ok(b: &[u8]) -> bool {
        png(b).is_some()
    }
}
