//! Slices → pages: page breaks that honour the keeps, table headers repeated,
//! frames closed on each page, then the footer with "page N/M".

use std::collections::VecDeque;

use super::fonts::{Face, face};
use super::layout::{Frame, Keep, Laid, Origin, Slice, Split, frame_items};
use super::{ARTIFACT, Item, MARGIN_BOTTOM, MARGIN_TOP, MARGIN_X, MM, PAGE_H, PAGE_W};
use crate::doc::Meta;

/// One laid-out page; `y` of its items grows downwards from the page top.
#[derive(Debug, Clone, Default)]
pub(crate) struct Page {
    pub items: Vec<Item>,
    /// The PROJET mark on this page even when the document is not a draft
    /// (a draft act inside a collection).
    pub draft: bool,
    /// Where the page's text starts in the document, unless the page starts
    /// inside a split table row or after a forced page break.
    pub start: Option<Origin>,
}

const TOP: f32 = MARGIN_TOP;
const BOTTOM: f32 = PAGE_H - MARGIN_BOTTOM;
const BODY_H: f32 = BOTTOM - TOP;
/// Slack for float comparisons.
const EPS: f32 = 0.01;
const FOOTER_SIZE: f32 = 8.0;
/// Footer baseline, inside the bottom margin.
const FOOTER_Y: f32 = PAGE_H - 12.0 * MM;

struct Paginator<'a> {
    frames: &'a [Frame],
    headers: &'a [Slice],
    pages: Vec<Page>,
    items: Vec<Item>,
    placed: Vec<(f32, f32, Vec<usize>)>,
    y: f32,
    at_top: bool,
    /// The origin of the first slice of the page being filled.
    start: Option<Origin>,
}

/// A last page filled less than this (fraction of the text height) is avoided
/// when the document fits on one page fewer with the spaces between blocks
/// tightened — never the text itself.
const NEAR_EMPTY: f32 = 0.3;
/// How far the spaces between blocks may be tightened, tried in order.
const TIGHTEN: [f32; 2] = [0.8, 0.6];

/// Break the flow into pages and draw the footer on each.
pub(crate) fn paginate(laid: Laid, meta: &Meta) -> Vec<Page> {
    let mut pages = paginate_bare(&laid);
    let total = pages.len();
    number(&mut pages, meta, 1, total);
    pages
}

/// Draw the footers, numbering the pages from `first` out of `total`
/// (a collection numbers its pages through all its documents).
pub(crate) fn number(pages: &mut [Page], meta: &Meta, first: usize, total: usize) {
    for (n, page) in pages.iter_mut().enumerate() {
        footer(page, &meta.footer, first + n, total);
    }
}

/// Break the flow into pages, without footers; a near-empty last page is
/// avoided by tightening the spaces between blocks.
pub(crate) fn paginate_bare(laid: &Laid) -> Vec<Page> {
    let (mut pages, last_fill) = pages_of(laid, 1.0);
    if pages.len() >= 2 && last_fill < NEAR_EMPTY * BODY_H {
        for f in TIGHTEN {
            let (tight, _) = pages_of(laid, f);
            if tight.len() < pages.len() {
                pages = tight;
                break;
            }
        }
    }
    pages
}

/// The pages of the flow with the spaces between blocks scaled by `space`,
/// and the height the last page uses.
fn pages_of(laid: &Laid, space: f32) -> (Vec<Page>, f32) {
    let mut p = Paginator {
        frames: &laid.frames,
        headers: &laid.headers,
        pages: Vec::new(),
        items: Vec::new(),
        placed: Vec::new(),
        y: TOP,
        at_top: true,
        start: None,
    };
    let slices: VecDeque<Slice> = laid
        .slices
        .iter()
        .cloned()
        .map(|mut s| {
            s.space_before *= space;
            s
        })
        .collect();
    p.run(slices);
    let fill = p.y - TOP;
    p.finish_page();
    (p.pages, fill)
}

impl Paginator<'_> {
    fn pads(&self, s: &Slice) -> f32 {
        s.frames
            .iter()
            .filter_map(|&f| self.frames.get(f))
            .map(|f| f.pad)
            .sum()
    }

    /// The header row repeated above `s` at the top of a page, if any.
    fn header(&self, s: &Slice) -> Option<&Slice> {
        // A header taller than a third of a page is not worth repeating.
        s.table
            .and_then(|t| self.headers.get(t))
            .filter(|h| h.h < BODY_H / 3.0)
    }

    /// Space above `s` where it would be placed now.
    fn gap(&self, s: &Slice) -> f32 {
        if self.at_top {
            self.pads(s) + self.header(s).map_or(0.0, |h| h.h)
        } else {
            s.space_before
        }
    }

    /// Height of `s` and the slices kept with it at `level`, and how many follow it.
    fn group(&self, s: &Slice, q: &VecDeque<Slice>, level: Keep) -> (f32, usize) {
        let mut h = s.h;
        let mut last = s;
        let mut n = 0;
        while last.keep >= level {
            let Some(next) = q.get(n) else { break };
            h += next.space_before + next.h;
            last = next;
            n += 1;
        }
        (h + self.pads(last), n)
    }

    fn run(&mut self, mut q: VecDeque<Slice>) {
        /// Where a keep group goes when it is kept whole.
        enum Group {
            FitsHere,
            NextPage,
        }
        let mut force_break = false;
        while let Some(mut s) = q.pop_front() {
            if s.page_break {
                force_break |= !self.at_top;
                continue;
            }
            if force_break {
                self.finish_page();
                force_break = false;
                // The document's own page break: the HTML has it already.
                s.origin = None;
            }
            let avail = BOTTOM - self.y - self.gap(&s);
            let fresh = BODY_H - self.pads(&s) - self.header(&s).map_or(0.0, |h| h.h);

            // Keep groups: move them whole to the next page when they fit there.
            let mut decided = None;
            for level in [Keep::Weak, Keep::Strong] {
                if s.keep < level {
                    continue;
                }
                let (h, n) = self.group(&s, &q, level);
                if h <= avail + EPS {
                    decided = Some(Group::FitsHere);
                    break;
                }
                if h <= fresh + EPS && !self.at_top {
                    decided = Some(Group::NextPage);
                    break;
                }
                // Taller than a page: this group may break after all.
                let relax = |k: &mut Keep| {
                    if *k == level {
                        *k = Keep::None;
                    }
                };
                relax(&mut s.keep);
                for next in q.iter_mut().take(n.saturating_sub(1)) {
                    relax(&mut next.keep);
                }
            }
            match decided {
                Some(Group::FitsHere) => {
                    self.place(s);
                    continue;
                }
                Some(Group::NextPage) => {
                    self.finish_page();
                    q.push_front(s);
                    continue;
                }
                None => {}
            }

            let need = s.h + self.pads(&s);
            if need <= avail + EPS {
                self.place(s);
            } else if s.split == Split::Lines && !self.at_top {
                let room = avail - self.pads(&s);
                match cut(s, room, false) {
                    Ok((head, tail)) => {
                        self.place(head);
                        self.finish_page();
                        q.push_front(tail);
                    }
                    Err(s) => {
                        self.finish_page();
                        q.push_front(s);
                    }
                }
            } else if !self.at_top {
                self.finish_page();
                q.push_front(s);
            } else {
                // Taller than a whole page: cut it where it hurts least.
                let room = (avail - self.pads(&s)).max(BODY_H / 4.0);
                match cut(s, room, true) {
                    Ok((head, tail)) => {
                        self.place(head);
                        self.finish_page();
                        q.push_front(tail);
                    }
                    Err(s) => self.place(s),
                }
            }
        }
    }

    fn place(&mut self, s: Slice) {
        let at_top = self.at_top;
        if at_top {
            self.start = s.origin;
        }
        self.y += if at_top {
            self.pads(&s)
        } else {
            s.space_before
        };
        if at_top && let Some(mut h) = self.header(&s).cloned() {
            // A repeated header row is not read twice: an artifact.
            h.items.iter_mut().for_each(Item::untag);
            self.put(h, &s.frames);
        }
        let frames = s.frames.clone();
        self.put(s, &frames);
    }

    fn put(&mut self, s: Slice, frames: &[usize]) {
        for mut it in s.items {
            it.shift(self.y);
            self.items.push(it);
        }
        self.placed.push((self.y, s.h, frames.to_vec()));
        self.y += s.h;
        self.at_top = false;
    }

    fn finish_page(&mut self) {
        let refs: Vec<(f32, f32, &[usize])> = self
            .placed
            .iter()
            .map(|(t, h, f)| (*t, *h, f.as_slice()))
            .collect();
        let mut items = frame_items(&refs, self.frames);
        items.append(&mut self.items);
        self.pages.push(Page {
            items,
            draft: false,
            start: self.start.take(),
        });
        self.placed.clear();
        self.y = TOP;
        self.at_top = true;
    }
}

/// The lowest place at most `room` down `s` where no text line is cut.
fn clean_cut(s: &mut Slice, room: f32) -> Option<f32> {
    // Lines sorted by top, with the lowest bottom reached so far: a cut at c
    // is clean if every line starting above c also ends above it.
    if !s.lines.is_sorted_by(|a, b| a.0 <= b.0) {
        s.lines.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    let mut reach = Vec::with_capacity(s.lines.len());
    let mut low = f32::MIN;
    for &(_, b) in &s.lines {
        low = low.max(b);
        reach.push(low);
    }
    let mut cands: Vec<f32> = s
        .lines
        .iter()
        .map(|&(_, b)| b)
        .filter(|&c| c > EPS && c <= room + EPS && c < s.h - EPS)
        .collect();
    cands.sort_by(|a, b| b.total_cmp(a));
    // A fiche row keeps at least two lines on each side of the break, and
    // never breaks after a hyphenated line (a word cut across two pages).
    let row = s.continued.is_some();
    let hyphen_ends: Vec<f32> = s
        .items
        .iter()
        .filter_map(|it| match it {
            Item::Text { y, text, .. } if text.ends_with('\u{AD}') => Some(*y),
            _ => None,
        })
        .collect();
    cands.into_iter().find(|&c| {
        let k = s.lines.partition_point(|l| l.0 < c - EPS);
        if !(k == 0 || reach[k - 1] <= c + EPS) {
            return false;
        }
        if !row {
            return true;
        }
        let below = s.lines.len() - k;
        let hyphen = s
            .lines
            .iter()
            .filter(|l| (l.1 - c).abs() <= EPS)
            .any(|l| hyphen_ends.iter().any(|&y| y > l.0 && y < l.1));
        k > ROW_MIN_LINES && below >= ROW_MIN_LINES && !hyphen
    })
}

/// Lines a fiche row keeps on each side of a page break (the key cell's
/// line counts above, hence one more there).
const ROW_MIN_LINES: usize = 2;

/// Cut `s` so that its first part is at most `room` tall, between two text lines.
///
/// With `forced`, a cut is made even through a line if no clean one exists.
/// Borders crossing the cut are split and the two parts closed by a rule.
/// Gives the slice back if it cannot be cut.
// The slice is handed back whole when it cannot be cut; rare, not worth a box.
#[allow(clippy::result_large_err)]
fn cut(mut s: Slice, room: f32, forced: bool) -> Result<(Slice, Slice), Slice> {
    let room = room.min(s.h);
    let c = match clean_cut(&mut s, room) {
        Some(c) => c,
        None if forced && room > EPS && room < s.h => room,
        None => return Err(s),
    };
    let items = std::mem::take(&mut s.items);
    let lines = std::mem::take(&mut s.lines);
    let continued = s.continued.take();
    // The tail starts where its first line does in the document, if known.
    let marks = std::mem::take(&mut s.marks);
    let (head_marks, tail_marks): (Vec<_>, Vec<_>) =
        marks.into_iter().partition(|&(t, _)| t < c - EPS);
    let mut tail = Slice {
        h: s.h - c,
        space_before: 0.0,
        baseline: None,
        origin: tail_marks
            .iter()
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .map(|m| m.1),
        marks: tail_marks.iter().map(|&(t, o)| (t - c, o)).collect(),
        ..s.clone()
    };
    s.marks = head_marks;
    let mut head = Slice {
        h: c,
        keep: Keep::None,
        ..s
    };
    let (mut lo, mut hi) = (f32::MAX, f32::MIN);
    for mut it in items {
        match it {
            Item::Text { y, .. } => {
                if y <= c + EPS {
                    head.items.push(it);
                } else {
                    it.shift(-c);
                    tail.items.push(it);
                }
            }
            Item::Image { y, h, .. } | Item::Area { y, h, .. } => {
                if y + h <= c + EPS {
                    head.items.push(it);
                } else {
                    it.shift(-c);
                    tail.items.push(it);
                }
            }
            Item::Fill { x, y, w, h, grey } => {
                if y < c {
                    head.items.push(Item::Fill {
                        x,
                        y,
                        w,
                        h: h.min(c - y),
                        grey,
                    });
                }
                if y + h > c {
                    let top = y.max(c);
                    tail.items.push(Item::Fill {
                        x,
                        y: top - c,
                        w,
                        h: y + h - top,
                        grey,
                    });
                }
            }
            Item::Line {
                x1,
                y1,
                x2,
                y2,
                width,
                grey,
            } => {
                let (t, b) = (y1.min(y2), y1.max(y2));
                if t < c - EPS && b > c + EPS {
                    // A vertical border crossing the cut: one piece on each side.
                    lo = lo.min(x1);
                    hi = hi.max(x1);
                    head.items.push(Item::Line {
                        x1,
                        y1: t,
                        x2,
                        y2: c,
                        width,
                        grey,
                    });
                    tail.items.push(Item::Line {
                        x1,
                        y1: 0.0,
                        x2,
                        y2: b - c,
                        width,
                        grey,
                    });
                } else if b <= c + EPS {
                    head.items.push(it);
                } else {
                    it.shift(-c);
                    tail.items.push(it);
                }
            }
        }
    }
    if hi > lo {
        let rule = |y| Item::Line {
            x1: lo,
            y1: y,
            x2: hi,
            y2: y,
            width: super::layout::RULE,
            grey: 0.0,
        };
        head.items.push(rule(c));
        tail.items.push(rule(0.0));
    }
    for (t, b) in lines {
        if b <= c + EPS {
            head.lines.push((t, b));
        } else {
            tail.lines.push(((t - c).max(0.0), b - c));
        }
    }
    // The key cell again, « Projet (suite) », level with the first line carried over.
    if let Some(key) = continued {
        let top = tail.lines.iter().map(|l| l.0).fold(f32::MAX, f32::min);
        let top = if top == f32::MAX { 0.0 } else { top };
        for mut it in key.iter().cloned() {
            it.shift(top);
            tail.items.push(it);
        }
        tail.continued = Some(key);
    }
    Ok((head, tail))
}

/// The footer: `meta.footer` at the left, "page N/M" at the right.
fn footer(page: &mut Page, text: &str, n: usize, total: usize) {
    let fd = face(Face::Sans);
    let num = format!("page {n}/{total}");
    let num_w = fd.width(&num, FOOTER_SIZE);
    let right = PAGE_W - MARGIN_X;
    let room = right - MARGIN_X - num_w - 6.0 * MM;
    // Two items more, not twice the room: a collection keeps every page.
    page.items.reserve_exact(2);
    let text: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let text = text.trim();
    if !text.is_empty() && room > 0.0 {
        let text = if fd.width(text, FOOTER_SIZE) <= room {
            text.to_string()
        } else {
            let ell = fd.width("\u{2026}", FOOTER_SIZE);
            let mut w = 0.0;
            let mut out: String = text
                .chars()
                .take_while(|&c| {
                    w += fd.adv(c) as f32 * FOOTER_SIZE / 1000.0;
                    w + ell <= room
                })
                .collect();
            out.truncate(out.trim_end().len());
            out.push('\u{2026}');
            out
        };
        page.items.push(Item::Text {
            x: MARGIN_X,
            y: FOOTER_Y,
            face: Face::Sans,
            size: FOOTER_SIZE,
            text,
            node: ARTIFACT,
        });
    }
    page.items.push(Item::Text {
        x: right - num_w,
        y: FOOTER_Y,
        face: Face::Sans,
        size: FOOTER_SIZE,
        text: num,
        node: ARTIFACT,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::{Block, Inline};
    use crate::render::pdf::layout::layout;

    /// Text lines of each page as (baseline × 10, text), items joined in x order
    /// (kerning cuts words into several items).
    fn page_lines(p: &Page) -> Vec<(i64, String)> {
        let mut items: Vec<(i64, f32, &str)> = p
            .items
            .iter()
            .filter_map(|it| match it {
                Item::Text { x, y, text, .. } => Some(((*y * 10.0) as i64, *x, text.as_str())),
                _ => None,
            })
            .collect();
        items.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
        let mut out: Vec<(i64, String)> = Vec::new();
        for (y, _, t) in items {
            match out.last_mut() {
                Some((ly, s)) if *ly == y => s.push_str(t),
                _ => out.push((y, t.to_string())),
            }
        }
        out
    }

    /// Lines holding a word starting with `prefix`, per page.
    fn lines_per_page(pages: &[Page], prefix: &str) -> Vec<usize> {
        pages
            .iter()
            .map(|p| {
                page_lines(p)
                    .iter()
                    .filter(|(_, t)| t.split_whitespace().any(|w| w.starts_with(prefix)))
                    .count()
            })
            .collect()
    }

    #[test]
    fn paragraphs_leave_no_orphan_or_widow() {
        let long: String = (0..70).map(|i| format!("mot{i} ")).collect();
        let mut split = 0;
        for filler in 20..80 {
            let mut blocks: Vec<Block> = (0..filler)
                .map(|n| Block::Paragraph(vec![Inline::text(format!("f{n}"))]))
                .collect();
            blocks.push(Block::Paragraph(vec![Inline::text(long.clone())]));
            let (pages, _) = pages_of(&layout(&blocks, None), 1.0);
            let counts = lines_per_page(&pages, "mot");
            assert!(counts.iter().sum::<usize>() >= 5);
            let on: Vec<usize> = counts.into_iter().filter(|&c| c > 0).collect();
            if on.len() > 1 {
                split += 1;
                assert!(on.iter().all(|&c| c >= 2), "filler {filler}: {on:?}");
            }
        }
        assert!(split > 0, "the paragraph was never split across pages");
    }

    #[test]
    fn headings_stay_with_what_follows() {
        let mut moved = 0;
        for filler in 20..80 {
            let mut blocks: Vec<Block> = (0..filler)
                .map(|n| Block::Paragraph(vec![Inline::text(format!("f{n}"))]))
                .collect();
            blocks.push(Block::Heading {
                level: 2,
                content: vec![Inline::text("titre")],
            });
            blocks.push(Block::Paragraph(vec![Inline::text("suite ".repeat(40))]));
            let (pages, _) = pages_of(&layout(&blocks, None), 1.0);
            let t = lines_per_page(&pages, "titre");
            let s = lines_per_page(&pages, "suite");
            let page = t.iter().position(|&c| c > 0).unwrap();
            assert!(
                s[page] >= 2,
                "filler {filler}: heading without two lines after it"
            );
            if page > 0 && lines_per_page(&pages, "f")[page] == 0 {
                moved += 1;
            }
        }
        assert!(moved > 0, "the heading never had to move");
    }

    fn sig(qualite: &str, nom: &str) -> Block {
        Block::Container {
            kind: crate::doc::Container::Signature,
            blocks: vec![Block::Paragraph(vec![
                Inline::text(qualite),
                Inline::Break,
                Inline::text(nom),
            ])],
        }
    }

    /// Issue 9, point 1: wherever the page breaks, the signature block has the
    /// closing sentence and two lines before it on its page.
    #[test]
    fn signature_is_never_alone() {
        let mut moved = 0;
        for filler in 30..60 {
            let mut blocks: Vec<Block> = (0..filler)
                .map(|n| Block::Paragraph(vec![Inline::text(format!("f{n}"))]))
                .collect();
            blocks.push(Block::Paragraph(vec![Inline::text("avant1")]));
            blocks.push(Block::Paragraph(vec![Inline::text("avant2")]));
            blocks.push(Block::Paragraph(vec![Inline::text("clore ici.")]));
            blocks.push(sig("Le Maire,", "Nom PRENOM"));
            let pages = paginate(layout(&blocks, None), &Meta::default());
            let page = lines_per_page(&pages, "Nom")
                .iter()
                .position(|&c| c > 0)
                .unwrap();
            for with in ["clore", "avant1", "avant2"] {
                assert_eq!(
                    lines_per_page(&pages, with)[page],
                    1,
                    "filler {filler}: the signature lacks {with}"
                );
            }
            if page > 0 && lines_per_page(&pages, "avant1")[page] == 1 {
                moved += 1;
            }
        }
        assert!(moved > 0, "the signature never had to move");
    }

    /// The room to sign sits between the qualité and the name.
    #[test]
    fn room_to_sign_is_above_the_name() {
        let pages = paginate(layout(&[sig("Le Maire,", "Nom")], None), &Meta::default());
        let lines = page_lines(&pages[0]);
        let y = |prefix: &str| {
            lines
                .iter()
                .find(|(_, t)| t.starts_with(prefix))
                .map(|(y, _)| *y as f32 / 10.0)
                .unwrap()
        };
        assert!(y("Nom") - y("Le") > 20.0 * MM, "{} {}", y("Le"), y("Nom"));
    }

    fn fiche(lines: usize) -> Block {
        use crate::doc::Container;
        let text: String = (0..lines).map(|i| format!("ligne{i} ")).collect::<String>();
        let value: Vec<Inline> = text
            .split_whitespace()
            .flat_map(|w| [Inline::text(w), Inline::Break])
            .collect();
        Block::Container {
            kind: Container::Sheet,
            blocks: vec![Block::Container {
                kind: Container::Row,
                blocks: vec![
                    Block::Container {
                        kind: Container::Key,
                        blocks: vec![Block::Paragraph(vec![Inline::text("Projet")])],
                    },
                    Block::Container {
                        kind: Container::Value,
                        blocks: vec![Block::Paragraph(value)],
                    },
                ],
            }],
        }
    }

    /// Issue 9, point 2: a fiche row split across pages keeps two lines on
    /// each side and repeats its key, « Projet (suite) ».
    #[test]
    fn split_row_keeps_two_lines_and_repeats_its_key() {
        let mut split = 0;
        for filler in 20..70 {
            let mut blocks: Vec<Block> = (0..filler)
                .map(|n| Block::Paragraph(vec![Inline::text(format!("f{n}"))]))
                .collect();
            blocks.push(fiche(8));
            let (pages, _) = pages_of(&layout(&blocks, None), 1.0);
            let on: Vec<usize> = pages
                .iter()
                .map(|p| {
                    page_lines(p)
                        .iter()
                        .filter(|(_, t)| t.contains("ligne"))
                        .count()
                })
                .filter(|&c| c > 0)
                .collect();
            assert_eq!(on.iter().sum::<usize>(), 8);
            if on.len() > 1 {
                split += 1;
                assert!(on.iter().all(|&c| c >= 2), "filler {filler}: {on:?}");
                let last = pages.len() - 1;
                assert!(
                    page_lines(&pages[last])
                        .iter()
                        .any(|(_, t)| t.contains("Projet (suite)")),
                    "filler {filler}: no « Projet (suite) »"
                );
            }
        }
        assert!(split > 0, "the row was never split");
    }

    /// Issue 9, point 3: a last page holding a few lines disappears when
    /// tightening the spaces between blocks is enough; the text keeps its size.
    #[test]
    fn near_empty_last_page_is_avoided_by_tightening() {
        let mut saved = 0;
        for filler in 25..45 {
            let blocks: Vec<Block> = (0..filler)
                .map(|n| Block::Heading {
                    level: 2,
                    content: vec![Inline::text(format!("h{n}"))],
                })
                .collect();
            let laid = layout(&blocks, None);
            let (loose, _) = pages_of(&laid, 1.0);
            let pages = paginate(laid, &Meta::default());
            assert!(pages.len() <= loose.len());
            if pages.len() < loose.len() {
                saved += 1;
            }
            for p in &pages {
                for it in &p.items {
                    if let Item::Text { size, text, .. } = it
                        && text.starts_with('h')
                    {
                        assert_eq!(*size, 12.5);
                    }
                }
            }
        }
        assert!(saved > 0, "tightening never saved a page");
    }
}
