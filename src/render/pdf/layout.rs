//! Blocks → a vertical list of slices, each with its page-breaking rules.
//!
//! A slice is the smallest thing the paginator moves: a line of a paragraph,
//! a table row, a whole signature block, the two columns of a header. Slices
//! carry absolute x positions and y relative to their own top; what may not
//! be separated is said with `keep` on the slice before the break.

use std::collections::BTreeMap;

use super::fonts::{Face, face};
use super::text::{self, HAlign, LineBox, TextStyle};
use super::{BODY_W, Item, MARGIN_X, MM, Node, Role};
use crate::doc::{Align, Block, Container, Inline, Style};

/// Whether a page break may follow a slice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Keep {
    /// A break may follow.
    None,
    /// Keep with the next slice if the group fits on a page (`Keep`, `Boxed`).
    Weak,
    /// Keep with the next slice unless the group is taller than a page
    /// (heading with what follows, orphans and widows, table header).
    Strong,
}

/// Whether a slice may be cut across two pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Split {
    /// Only if it is taller than a page.
    Never,
    /// Between any two of its lines.
    Lines,
}

/// An unbreakable (or breakable-between-lines) part of the flow.
#[derive(Debug, Clone)]
pub(crate) struct Slice {
    pub h: f32,
    pub items: Vec<Item>,
    /// Text lines as (top, bottom): the slice may only be cut between them.
    pub lines: Vec<(f32, f32)>,
    /// Baseline of the first line, if the slice starts with text.
    pub baseline: Option<f32>,
    /// Space above the slice, dropped at the top of a page.
    pub space_before: f32,
    pub keep: Keep,
    pub split: Split,
    /// Frames (boxes, quote bars) around the slice, outermost first.
    pub frames: Vec<usize>,
    /// A data row of the table whose header row is `headers[n]`.
    pub table: Option<usize>,
    /// A forced page break before whatever follows.
    pub page_break: bool,
    /// A signature block (or a row of them).
    pub signature: bool,
    /// For a fiche row: its key cell worded « … (suite) », drawn at the top
    /// of the part of the row carried over to the next page.
    pub continued: Option<Box<[Item]>>,
    /// Where in the document the slice starts (see [`Origin`]).
    pub origin: Option<Origin>,
    /// Where the lines of a slice made of several blocks (a fiche row)
    /// start: (top of the line in the slice, origin), for a cut slice.
    pub marks: Vec<(f32, Origin)>,
}

/// Where a slice starts in the document: the address of its [`Block`] in
/// the document being laid out, and the part of it — 0 for its start, the
/// index of the first word of a paragraph's line (as `text` counts words),
/// `n + 1` for row `n` of a table. The HTML back end marks the page starts
/// of the PDF with it, so that a printed page breaks where the PDF does.
pub(crate) type Origin = (usize, u32);

/// The address of a block, as an [`Origin`] names it.
pub(crate) fn addr(b: &Block) -> usize {
    std::ptr::from_ref(b) as usize
}

impl Slice {
    fn new(h: f32) -> Slice {
        Slice {
            h,
            items: Vec::new(),
            lines: Vec::new(),
            baseline: None,
            space_before: 0.0,
            keep: Keep::None,
            split: Split::Never,
            frames: Vec::new(),
            table: None,
            page_break: false,
            signature: false,
            continued: None,
            origin: None,
            marks: Vec::new(),
        }
    }

    fn from_line(line: LineBox, x: f32) -> Slice {
        let mut s = Slice::new(line.height);
        s.items = line.items;
        for it in &mut s.items {
            shift_x(it, x);
        }
        s.lines.push((0.0, line.height));
        s.baseline = Some(line.baseline);
        s
    }
}

fn shift_x(it: &mut Item, dx: f32) {
    match it {
        Item::Text { x, .. }
        | Item::Fill { x, .. }
        | Item::Image { x, .. }
        | Item::Area { x, .. } => *x += dx,
        Item::Line { x1, x2, .. } => {
            *x1 += dx;
            *x2 += dx;
        }
    }
}

/// How a frame is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FrameKind {
    /// A thin rectangle (`encadre`).
    Box,
    /// A grey bar on the left (block quote).
    Bar,
}

/// A frame drawn around consecutive slices, on each page they reach.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Frame {
    pub x0: f32,
    pub x1: f32,
    /// Space between the frame and its content, above and below.
    pub pad: f32,
    pub kind: FrameKind,
}

/// The laid-out document: the flow and what the paginator draws around it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Laid {
    pub slices: Vec<Slice>,
    pub frames: Vec<Frame>,
    /// Header rows of tables, repeated on each page a table continues on.
    pub headers: Vec<Slice>,
    /// The structure elements of the tagged PDF, in reading order; 0 is the
    /// `Document`. Items name theirs with `node`.
    pub tree: Vec<Node>,
}

/// Items drawing the frames of slices placed at (top, height, frames).
pub(crate) fn frame_items(placed: &[(f32, f32, &[usize])], frames: &[Frame]) -> Vec<Item> {
    let mut ext: BTreeMap<usize, (f32, f32)> = BTreeMap::new();
    for &(top, h, fs) in placed {
        for (p, &f) in fs.iter().enumerate() {
            let pad: f32 = fs[p..]
                .iter()
                .filter_map(|&g| frames.get(g))
                .map(|g| g.pad)
                .sum();
            let e = ext.entry(f).or_insert((f32::MAX, f32::MIN));
            e.0 = e.0.min(top - pad);
            e.1 = e.1.max(top + h + pad);
        }
    }
    let mut out = Vec::new();
    for (f, (t, b)) in ext {
        let Some(fr) = frames.get(f) else { continue };
        match fr.kind {
            FrameKind::Box => {
                let (x0, x1) = (fr.x0, fr.x1);
                let w = RULE;
                out.push(Item::Line {
                    x1: x0,
                    y1: t,
                    x2: x1,
                    y2: t,
                    width: w,
                    grey: 0.0,
                });
                out.push(Item::Line {
                    x1: x0,
                    y1: b,
                    x2: x1,
                    y2: b,
                    width: w,
                    grey: 0.0,
                });
                out.push(Item::Line {
                    x1: x0,
                    y1: t,
                    x2: x0,
                    y2: b,
                    width: w,
                    grey: 0.0,
                });
                out.push(Item::Line {
                    x1,
                    y1: t,
                    x2: x1,
                    y2: b,
                    width: w,
                    grey: 0.0,
                });
            }
            FrameKind::Bar => {
                out.push(Item::Line {
                    x1: fr.x0,
                    y1: t,
                    x2: fr.x0,
                    y2: b,
                    width: 1.5,
                    grey: 0.7,
                });
            }
        }
    }
    out
}

/// Thickness of rules, borders and frames.
pub(crate) const RULE: f32 = 0.5;
/// Body text size and line height factor.
const BODY_SIZE: f32 = 11.0;
const LEADING: f32 = 1.35;
const SMALL_SIZE: f32 = 9.0;
/// Padding inside a frame.
const BOX_PAD: f32 = 6.0;
/// Blank space left in a signature block for the handwritten signature,
/// between the qualité and the name (under the block when it has one line).
const SIGN_SPACE: f32 = 25.0 * MM;
/// Slices kept with a signature block: the closing sentence and two lines before it.
const SIGN_HOLD: usize = 3;
/// Largest size of the logo.
const LOGO_W: f32 = 45.0 * MM;
const LOGO_H: f32 = 20.0 * MM;
/// Gap between side-by-side columns.
const COL_GAP: f32 = 8.0 * MM;
/// Nesting deeper than this is flattened into plain paragraphs.
const MAX_DEPTH: usize = 40;
/// Narrowest column anything is indented or framed into.
const MIN_W: f32 = 100.0;

/// The inherited style of the blocks being laid out.
#[derive(Debug, Clone, Copy)]
struct Ctx {
    x: f32,
    w: f32,
    size: f32,
    bold: bool,
    italic: bool,
    align: Option<HAlign>,
    depth: usize,
}

impl Ctx {
    fn style(&self) -> TextStyle {
        TextStyle {
            size: self.size,
            bold: self.bold,
            italic: self.italic,
            leading: self.size * LEADING,
        }
    }

    fn inner(&self) -> Ctx {
        Ctx {
            depth: self.depth + 1,
            ..*self
        }
    }

    fn column(&self, x: f32, w: f32) -> Ctx {
        Ctx {
            x,
            w: w.max(1.0),
            depth: self.depth + 1,
            ..*self
        }
    }
}

/// Slices being collected, with the collapsing space between blocks.
#[derive(Default)]
struct Flow {
    slices: Vec<Slice>,
    /// Space the next slice gets above it (the max of the margins that meet).
    gap: f32,
    /// Space added to `gap` without collapsing (the padding below a frame).
    extra: f32,
    /// The origin of the block that starts: the next slice pushed takes it.
    origin: Option<Origin>,
}

impl Flow {
    /// A block wanting `before` above it starts.
    fn open(&mut self, before: f32) {
        self.gap = self.gap.max(before);
    }

    /// A block wanting `after` below it ends.
    fn close(&mut self, after: f32) {
        self.gap = self.gap.max(after);
    }

    /// A signature block is never alone on a page: the closing sentence
    /// before it and two lines of the text before that go along with it.
    fn hold_before_signature(&mut self) {
        let n = self.slices.len();
        for s in &mut self.slices[n.saturating_sub(SIGN_HOLD)..] {
            if !s.page_break {
                s.keep = s.keep.max(Keep::Strong);
            }
        }
    }

    fn push(&mut self, mut s: Slice) {
        if s.signature {
            self.hold_before_signature();
        }
        s.space_before += self.gap + self.extra;
        self.gap = 0.0;
        self.extra = 0.0;
        if let Some(o) = self.origin.take() {
            s.origin = Some(o);
        }
        self.slices.push(s);
    }
}

struct Layouter {
    frames: Vec<Frame>,
    headers: Vec<Slice>,
    tree: Vec<Node>,
    /// The structure element being filled.
    node: u32,
    /// Level of the last heading (headings never skip a level in the tags).
    heading: u8,
    /// Size in pixels of the logo not placed yet.
    logo: Option<(u32, u32)>,
}

/// Lay out the body of a document in the text column; the logo (its size in
/// pixels) goes at the top of the left column of the first header.
pub(crate) fn layout(blocks: &[Block], logo: Option<(u32, u32)>) -> Laid {
    let mut l = Layouter {
        frames: Vec::new(),
        headers: Vec::new(),
        tree: vec![Node {
            role: Role::Document,
            parent: 0,
        }],
        node: 0,
        heading: 0,
        logo,
    };
    let mut flow = Flow::default();
    let ctx = Ctx {
        x: MARGIN_X,
        w: BODY_W,
        size: BODY_SIZE,
        bold: false,
        italic: false,
        align: None,
        depth: 0,
    };
    l.blocks(&mut flow, blocks, ctx);
    Laid {
        slices: flow.slices,
        frames: l.frames,
        headers: l.headers,
        tree: l.tree,
    }
}

impl Layouter {
    /// A new structure element inside the current one.
    fn child(&mut self, role: Role) -> u32 {
        self.tree.push(Node {
            role,
            parent: self.node,
        });
        (self.tree.len() - 1) as u32
    }

    /// Open a structure element: what is laid out until `close` goes in it.
    fn open(&mut self, role: Role) -> u32 {
        let outer = self.node;
        self.node = self.child(role);
        outer
    }

    fn close(&mut self, outer: u32) {
        self.node = outer;
    }

    fn blocks(&mut self, flow: &mut Flow, blocks: &[Block], ctx: Ctx) {
        for b in blocks {
            self.block(flow, b, ctx);
        }
    }

    fn block(&mut self, flow: &mut Flow, b: &Block, ctx: Ctx) {
        // The outermost block starting here names the next slice.
        flow.origin.get_or_insert((addr(b), 0));
        if ctx.depth > MAX_DEPTH {
            let inlines = flatten(std::slice::from_ref(b));
            return self.paragraph(flow, &inlines, ctx, addr(b));
        }
        match b {
            Block::Heading { level, content } => self.heading(flow, *level, content, ctx),
            Block::Paragraph(inlines) => self.paragraph(flow, inlines, ctx, addr(b)),
            Block::List { start, items } => self.list(flow, *start, items, ctx),
            Block::Table {
                header,
                rows,
                align,
            } => self.table(flow, header, rows, align, ctx, addr(b)),
            Block::Quote(blocks) => self.quote(flow, blocks, ctx),
            Block::Rule => {
                flow.open(6.0);
                let mut s = Slice::new(RULE);
                s.items.push(Item::Line {
                    x1: ctx.x,
                    y1: RULE / 2.0,
                    x2: ctx.x + ctx.w,
                    y2: RULE / 2.0,
                    width: RULE,
                    grey: 0.4,
                });
                flow.push(s);
                flow.close(6.0);
            }
            Block::Container { kind, blocks } => self.container(flow, *kind, blocks, ctx),
        }
    }

    fn paragraph(&mut self, flow: &mut Flow, inlines: &[Inline], ctx: Ctx, block: usize) {
        let lines = text::layout(
            inlines,
            ctx.style(),
            ctx.align.unwrap_or(HAlign::Justify),
            ctx.w,
        );
        let n = lines.len();
        if n == 0 {
            return;
        }
        let outer = self.open(Role::P);
        flow.open(0.0);
        for (i, line) in lines.into_iter().enumerate() {
            let first_word = line.first_word;
            let mut s = Slice::from_line(line, ctx.x);
            s.items.iter_mut().for_each(|it| it.tag(self.node));
            s.origin = Some((block, first_word));
            // No orphan (first line alone) and no widow (last line alone),
            // and no word cut across two pages.
            let hyphen = s
                .items
                .iter()
                .any(|it| matches!(it, Item::Text { text, .. } if text.ends_with('\u{AD}')));
            if i + 1 < n && (i == 0 || i + 2 >= n || hyphen) {
                s.keep = Keep::Strong;
            }
            flow.push(s);
        }
        flow.close(ctx.size * 0.5);
        self.close(outer);
    }

    fn heading(&mut self, flow: &mut Flow, level: u8, content: &[Inline], ctx: Ctx) {
        let (size, before, after) = match level {
            0 | 1 => (15.0, 16.0, 10.0),
            2 => (12.5, 14.0, 6.0),
            3 => (11.0, 10.0, 4.0),
            _ => (11.0, 8.0, 3.0),
        };
        let size = if ctx.size < BODY_SIZE {
            size * ctx.size / BODY_SIZE
        } else {
            size
        };
        let default = if level <= 1 {
            HAlign::Center
        } else {
            HAlign::Left
        };
        let align = match ctx.align {
            None | Some(HAlign::Justify) => default,
            Some(a) => a,
        };
        let style = TextStyle {
            size,
            bold: true,
            italic: level >= 4 || ctx.italic,
            leading: size * 1.25,
        };
        let (lines, inset) = balanced(content, style, align, ctx.w);
        if lines.is_empty() {
            return;
        }
        // H1 first, then at most one level deeper than the last heading.
        let tag = level.clamp(1, 6).min(self.heading + 1);
        self.heading = tag;
        let outer = self.open(Role::H(tag));
        flow.open(before);
        for line in lines {
            let mut s = Slice::from_line(line, ctx.x + inset);
            s.items.iter_mut().for_each(|it| it.tag(self.node));
            s.keep = Keep::Strong;
            flow.push(s);
        }
        flow.close(after);
        self.close(outer);
    }

    fn list(&mut self, flow: &mut Flow, start: Option<u64>, items: &[Vec<Block>], ctx: Ctx) {
        let fc = Face::serif(ctx.bold, ctx.italic);
        let marker = |n: usize| match start {
            Some(s) => format!("{}.", s.saturating_add(n as u64)),
            None => "\u{2022}".to_string(),
        };
        let widest = marker(items.len().saturating_sub(1));
        let marker_w = face(fc).width(&widest, ctx.size);
        let mut indent = (marker_w + 0.6 * ctx.size).max(18.0);
        if ctx.w - indent < MIN_W {
            indent = (ctx.w - MIN_W).clamp(0.0, indent);
        }
        let ictx = Ctx {
            x: ctx.x + indent,
            w: ctx.w - indent,
            ..ctx.inner()
        };
        let list = self.open(Role::L);
        flow.open(ctx.size * 0.3);
        for (n, item) in items.iter().enumerate() {
            let first = flow.slices.len();
            flow.open(2.0);
            let li = self.open(Role::LI);
            let label = self.child(Role::Lbl);
            let body = self.open(Role::LBody);
            self.blocks(flow, item, ictx);
            self.close(body);
            self.close(li);
            if flow.slices.len() == first {
                let mut s = Slice::new(ctx.size * LEADING);
                s.lines.push((0.0, s.h));
                flow.push(s);
            }
            let m = marker(n);
            let w = face(fc).width(&m, ctx.size);
            let s = &mut flow.slices[first];
            let base = s.baseline.unwrap_or(ctx.size * (LEADING + 0.6) / 2.0);
            let x = match start {
                Some(_) => ctx.x + indent - 0.4 * ctx.size - w,
                None => ctx.x + (indent - w) * 0.35,
            };
            s.items.insert(
                0,
                Item::Text {
                    x,
                    y: base,
                    face: fc,
                    size: ctx.size,
                    text: m,
                    node: label,
                },
            );
            flow.close(2.0);
        }
        flow.close(ctx.size * 0.5);
        self.close(list);
    }

    fn quote(&mut self, flow: &mut Flow, blocks: &[Block], ctx: Ctx) {
        if ctx.w < MIN_W + 20.0 {
            return self.blocks(flow, blocks, ctx.inner());
        }
        let frame = self.frames.len();
        self.frames.push(Frame {
            x0: ctx.x + 5.0,
            x1: ctx.x + 5.0,
            pad: 0.0,
            kind: FrameKind::Bar,
        });
        let inner = Ctx {
            x: ctx.x + 16.0,
            w: ctx.w - 16.0,
            italic: true,
            ..ctx.inner()
        };
        let mut sub = Flow::default();
        let outer = self.open(Role::BlockQuote);
        self.blocks(&mut sub, blocks, inner);
        self.close(outer);
        self.splice(flow, sub.slices, Some(frame), 6.0, 6.0, 0.0, Keep::None);
    }

    /// Move the slices of a sub-flow into `flow` as one block.
    #[allow(clippy::too_many_arguments)]
    fn splice(
        &mut self,
        flow: &mut Flow,
        mut slices: Vec<Slice>,
        frame: Option<usize>,
        before: f32,
        after: f32,
        pad: f32,
        keep: Keep,
    ) {
        if slices.is_empty() {
            return;
        }
        let n = slices.len();
        if slices.iter().any(|s| s.signature) {
            flow.hold_before_signature();
        }
        flow.open(before);
        for (i, mut s) in slices.drain(..).enumerate() {
            if let Some(f) = frame {
                s.frames.insert(0, f);
            }
            if i == 0 {
                s.space_before = pad;
            }
            if i + 1 < n {
                s.keep = s.keep.max(keep);
            }
            flow.push(s);
        }
        flow.close(after);
        flow.extra += pad;
    }

    fn container(&mut self, flow: &mut Flow, kind: Container, blocks: &[Block], ctx: Ctx) {
        let inner = ctx.inner();
        match kind {
            Container::Header => self.header(flow, blocks, ctx),
            Container::Left => self.blocks(
                flow,
                blocks,
                Ctx {
                    align: Some(HAlign::Left),
                    ..inner
                },
            ),
            Container::Right => self.blocks(
                flow,
                blocks,
                Ctx {
                    align: Some(HAlign::Right),
                    ..inner
                },
            ),
            Container::Center => self.blocks(
                flow,
                blocks,
                Ctx {
                    align: Some(HAlign::Center),
                    ..inner
                },
            ),
            Container::Small => self.blocks(
                flow,
                blocks,
                Ctx {
                    size: SMALL_SIZE,
                    ..inner
                },
            ),
            Container::Key => self.blocks(
                flow,
                blocks,
                Ctx {
                    bold: true,
                    ..inner
                },
            ),
            Container::Value | Container::Row => self.blocks(flow, blocks, inner),
            Container::Boxed => self.boxed(flow, blocks, ctx),
            Container::Signature => {
                let half = (ctx.w - COL_GAP) / 2.0;
                let (x, w) = if half >= MIN_W {
                    (ctx.x + ctx.w - half, half)
                } else {
                    (ctx.x, ctx.w)
                };
                let outer = self.open(Role::Signature);
                let s = self.signature(blocks, ctx.column(x, w));
                self.close(outer);
                flow.open(12.0);
                flow.push(s);
                flow.close(6.0);
            }
            Container::Signatures => self.signatures(flow, blocks, ctx),
            Container::Sheet => self.sheet(flow, blocks, ctx),
            Container::PageBreak => {
                let mut s = Slice::new(0.0);
                s.page_break = true;
                flow.gap = 0.0;
                flow.push(s);
                self.blocks(flow, blocks, inner);
            }
            Container::Keep => {
                let mut sub = Flow::default();
                self.blocks(&mut sub, blocks, inner);
                let first_gap = sub.slices.first().map_or(0.0, |s| s.space_before);
                if let Some(s) = sub.slices.first_mut() {
                    s.space_before = 0.0;
                }
                self.splice(flow, sub.slices, None, first_gap, sub.gap, 0.0, Keep::Weak);
            }
        }
    }

    fn boxed(&mut self, flow: &mut Flow, blocks: &[Block], ctx: Ctx) {
        if ctx.w < MIN_W + 2.0 * BOX_PAD {
            return self.blocks(flow, blocks, ctx.inner());
        }
        let frame = self.frames.len();
        self.frames.push(Frame {
            x0: ctx.x,
            x1: ctx.x + ctx.w,
            pad: BOX_PAD,
            kind: FrameKind::Box,
        });
        let inner = Ctx {
            x: ctx.x + BOX_PAD,
            w: ctx.w - 2.0 * BOX_PAD,
            ..ctx.inner()
        };
        let mut sub = Flow::default();
        let outer = self.open(Role::Encadre);
        self.blocks(&mut sub, blocks, inner);
        self.close(outer);
        self.splice(
            flow,
            sub.slices,
            Some(frame),
            10.0,
            10.0,
            BOX_PAD,
            Keep::Weak,
        );
    }

    /// Lay out blocks in a column and stack them into one slice.
    fn column(&mut self, blocks: &[&Block], ctx: Ctx) -> Slice {
        let mut sub = Flow::default();
        for b in blocks {
            self.block(&mut sub, b, ctx);
        }
        self.stack(sub.slices)
    }

    /// Stack slices into one, drawing the frames inside.
    fn stack(&self, slices: Vec<Slice>) -> Slice {
        let mut out = Slice::new(0.0);
        let mut y = 0.0f32;
        let mut placed: Vec<(f32, f32, Vec<usize>)> = Vec::new();
        let mut last_pad = 0.0;
        for (i, s) in slices.into_iter().enumerate() {
            if i > 0 {
                y += s.space_before;
            } else {
                y += s
                    .frames
                    .iter()
                    .filter_map(|&f| self.frames.get(f))
                    .map(|f| f.pad)
                    .sum::<f32>();
            }
            if out.baseline.is_none() {
                out.baseline = s.baseline.map(|b| b + y);
            }
            for mut it in s.items {
                it.shift(y);
                out.items.push(it);
            }
            out.lines
                .extend(s.lines.iter().map(|&(t, b)| (t + y, b + y)));
            out.marks.extend(s.origin.map(|o| (y, o)));
            out.marks.extend(s.marks.iter().map(|&(t, o)| (t + y, o)));
            last_pad = s
                .frames
                .iter()
                .filter_map(|&f| self.frames.get(f))
                .map(|f| f.pad)
                .sum();
            placed.push((y, s.h, s.frames));
            y += s.h;
        }
        let refs: Vec<(f32, f32, &[usize])> = placed
            .iter()
            .map(|(t, h, f)| (*t, *h, f.as_slice()))
            .collect();
        out.items.extend(frame_items(&refs, &self.frames));
        out.h = y + last_pad;
        out
    }

    fn signature(&mut self, blocks: &[Block], ctx: Ctx) -> Slice {
        let ctx = Ctx {
            align: Some(ctx.align.unwrap_or(HAlign::Center)),
            ..ctx
        };
        let blocks: Vec<&Block> = blocks.iter().collect();
        let mut s = self.column(&blocks, ctx);
        // The room to sign goes above the last line (the name) when the
        // block has several lines, else below it.
        let last_top = s.lines.iter().map(|l| l.0).fold(f32::MIN, f32::max);
        if s.lines.len() >= 2 {
            for it in &mut s.items {
                let top = match it {
                    Item::Text { y, size, .. } => *y - *size,
                    Item::Fill { y, .. } | Item::Image { y, .. } | Item::Area { y, .. } => *y,
                    Item::Line { y1, y2, .. } => y1.min(*y2),
                };
                if top >= last_top - 0.01 {
                    it.shift(SIGN_SPACE);
                }
            }
            for l in &mut s.lines {
                if l.0 >= last_top - 0.01 {
                    l.0 += SIGN_SPACE;
                    l.1 += SIGN_SPACE;
                }
            }
        }
        s.h += SIGN_SPACE;
        s.signature = true;
        // The block's rectangle, for a signature field.
        s.items.push(Item::Area {
            x: ctx.x,
            y: 0.0,
            w: ctx.w,
            h: s.h,
            node: self.node,
        });
        s
    }

    fn header(&mut self, flow: &mut Flow, blocks: &[Block], ctx: Ctx) {
        let is = |b: &Block, k: Container| matches!(b, Block::Container { kind, .. } if *kind == k);
        if !blocks
            .iter()
            .any(|b| is(b, Container::Left) || is(b, Container::Right))
        {
            return self.blocks(flow, blocks, ctx.inner());
        }
        let w = if ctx.w >= 2.0 * MIN_W + COL_GAP {
            (ctx.w - COL_GAP) / 2.0
        } else {
            ctx.w / 2.0
        };
        let entete = self.open(Role::Entete);
        let has_left = blocks.iter().any(|b| is(b, Container::Left));
        // The logo comes first in reading order, as on the page.
        let figure = (has_left && self.logo.is_some()).then(|| self.child(Role::Figure));
        let mut left = Vec::new();
        let mut right = Vec::new();
        let mut rest = Vec::new();
        for b in blocks {
            match b {
                Block::Container {
                    kind: Container::Left,
                    blocks,
                } => left.extend(blocks.iter()),
                Block::Container {
                    kind: Container::Right,
                    blocks,
                } => right.extend(blocks.iter()),
                other => rest.push(other),
            }
        }
        let l = self.column(
            &left,
            Ctx {
                align: Some(HAlign::Left),
                ..ctx.column(ctx.x, w)
            },
        );
        let mut l = l;
        if let Some(figure) = figure
            && let Some((pw, ph)) = self.logo.take()
        {
            // At most 45 mm wide and 20 mm high, in proportion.
            let scale = (w.min(LOGO_W) / pw.max(1) as f32).min(LOGO_H / ph.max(1) as f32);
            let (iw, ih) = (pw as f32 * scale, ph as f32 * scale);
            let dy = if l.items.is_empty() { ih } else { ih + 6.0 };
            for it in &mut l.items {
                it.shift(dy);
            }
            for line in &mut l.lines {
                line.0 += dy;
                line.1 += dy;
            }
            l.lines.insert(0, (0.0, ih));
            l.baseline = l.baseline.map(|b| b + dy);
            l.items.push(Item::Image {
                x: ctx.x,
                y: 0.0,
                w: iw,
                h: ih,
                node: figure,
            });
            l.h += dy;
        }
        let r = self.column(
            &right,
            Ctx {
                align: Some(HAlign::Right),
                ..ctx.column(ctx.x + ctx.w - w, w)
            },
        );
        self.close(entete);
        let s = side_by_side(vec![l, r]);
        flow.open(0.0);
        flow.push(s);
        flow.close(18.0);
        for b in rest {
            self.block(flow, b, ctx.inner());
        }
    }

    fn signatures(&mut self, flow: &mut Flow, blocks: &[Block], ctx: Ctx) {
        let sigs = blocks
            .iter()
            .filter(|b| {
                matches!(
                    b,
                    Block::Container {
                        kind: Container::Signature,
                        ..
                    }
                )
            })
            .count();
        let w = if ctx.w >= 2.0 * MIN_W + COL_GAP {
            (ctx.w - COL_GAP) / 2.0
        } else {
            ctx.w / 2.0
        };
        let xs = [ctx.x, ctx.x + ctx.w - w];
        let mut row: Vec<Slice> = Vec::new();
        let flush = |flow: &mut Flow, row: &mut Vec<Slice>| {
            if !row.is_empty() {
                flow.open(12.0);
                let mut s = side_by_side(std::mem::take(row));
                s.signature = true;
                flow.push(s);
                flow.close(6.0);
            }
        };
        for b in blocks {
            match b {
                Block::Container {
                    kind: Container::Signature,
                    blocks,
                } => {
                    // A lone signature goes on the right, where acts are signed.
                    let col = if sigs == 1 { 1 } else { row.len() };
                    let outer = self.open(Role::Signature);
                    row.push(self.signature(blocks, ctx.column(xs[col], w)));
                    self.close(outer);
                    if row.len() == 2 {
                        flush(flow, &mut row);
                    }
                }
                other => {
                    flush(flow, &mut row);
                    self.block(flow, other, ctx.inner());
                }
            }
        }
        flush(flow, &mut row);
    }

    fn sheet(&mut self, flow: &mut Flow, blocks: &[Block], ctx: Ctx) {
        let kw = (ctx.w * 0.3).round();
        let pad = 4.0;
        let fiche = self.open(Role::Fiche);
        flow.open(8.0);
        for b in blocks {
            let Block::Container {
                kind: Container::Row,
                blocks: cells,
            } = b
            else {
                self.block(flow, b, ctx.inner());
                continue;
            };
            let mut key = Vec::new();
            let mut value = Vec::new();
            for c in cells {
                match c {
                    Block::Container {
                        kind: Container::Key,
                        blocks,
                    } => key.extend(blocks.iter()),
                    Block::Container {
                        kind: Container::Value,
                        blocks,
                    } => value.extend(blocks.iter()),
                    other => value.push(other),
                }
            }
            let kctx = Ctx {
                bold: true,
                align: Some(HAlign::Left),
                ..ctx.column(ctx.x + pad, kw - 2.0 * pad)
            };
            let vctx = ctx.column(ctx.x + kw + pad, ctx.w - kw - 2.0 * pad);
            // The key cell as it reads on the next page when the row is split.
            let mut suite = flatten(&key.iter().map(|b| (*b).clone()).collect::<Vec<_>>());
            suite.push(Inline::text(" (suite)"));
            let continued: Vec<Item> = text::layout(&suite, kctx.style(), HAlign::Left, kctx.w)
                .into_iter()
                .enumerate()
                .flat_map(|(i, line)| {
                    let dy = i as f32 * line.height;
                    line.items.into_iter().map(move |mut it| {
                        shift_x(&mut it, kctx.x);
                        it.shift(dy);
                        // A repeated label, not read twice: an artifact.
                        it.untag();
                        it
                    })
                })
                .collect();
            let tr = self.open(Role::TR);
            let th = self.open(Role::TH { row: true });
            let k = self.column(&key, kctx);
            self.close(th);
            let td = self.open(Role::TD);
            let v = self.column(&value, vctx);
            self.close(td);
            self.close(tr);
            let mut s = side_by_side(vec![k, v]);
            let h = s.h.max(ctx.size * LEADING) + 2.0 * pad;
            for it in &mut s.items {
                it.shift(pad);
            }
            for l in &mut s.lines {
                l.0 += pad;
                l.1 += pad;
            }
            for m in &mut s.marks {
                m.0 += pad;
            }
            s.baseline = s.baseline.map(|b| b + pad);
            s.h = h;
            let mut items = vec![Item::Fill {
                x: ctx.x,
                y: 0.0,
                w: kw,
                h,
                grey: 0.94,
            }];
            items.extend(grid(&[ctx.x, ctx.x + kw, ctx.x + ctx.w], h));
            items.append(&mut s.items);
            s.items = items;
            s.split = Split::Lines;
            s.continued = Some(continued.into_boxed_slice());
            s.origin = Some((addr(b), 0));
            flow.push(s);
        }
        flow.close(10.0);
        self.close(fiche);
    }

    fn table(
        &mut self,
        flow: &mut Flow,
        header: &[Vec<Inline>],
        rows: &[Vec<Vec<Inline>>],
        align: &[Align],
        ctx: Ctx,
        block: usize,
    ) {
        let ncols = rows
            .iter()
            .map(Vec::len)
            .chain([header.len()])
            .max()
            .unwrap_or(0);
        if ncols == 0 {
            return;
        }
        let size = (ctx.size - 1.0).max(6.0);
        let body = TextStyle {
            size,
            bold: ctx.bold,
            italic: ctx.italic,
            leading: size * 1.3,
        };
        let head = TextStyle { bold: true, ..body };
        let pad = (ctx.w / ncols as f32 / 6.0).clamp(0.5, 4.0);
        fn cell(r: &[Vec<Inline>], c: usize) -> &[Inline] {
            r.get(c).map_or(&[], Vec::as_slice)
        }

        // Column widths from content: at least the widest word, ideally one line.
        let mut min = vec![0.0f32; ncols];
        let mut max = vec![0.0f32; ncols];
        let all = std::iter::once((header, head)).chain(rows.iter().map(|r| (r.as_slice(), body)));
        for (r, st) in all {
            for c in 0..ncols {
                let cl = cell(r, c);
                if cl.is_empty() {
                    continue;
                }
                min[c] = min[c].max(text::min_width(cl, st));
                max[c] = max[c].max(text::max_width(cl, st));
            }
        }
        let widths = column_widths(&min, &max, ctx.w, 2.0 * pad);
        let mut xs = vec![ctx.x];
        for w in &widths {
            xs.push(xs.last().copied().unwrap_or(ctx.x) + w);
        }
        let halign = |c: usize| match align.get(c) {
            Some(Align::Center) => HAlign::Center,
            Some(Align::Right) => HAlign::Right,
            _ => HAlign::Left,
        };
        // `cells`: the structure element of each cell.
        let row_slice =
            |r: &[Vec<Inline>], st: TextStyle, fill: Option<f32>, cells: &[u32]| -> Slice {
                let mut s = Slice::new(0.0);
                let mut h = st.leading;
                for c in 0..ncols {
                    let w = widths[c] - 2.0 * pad;
                    let mut y = pad;
                    for line in text::layout(cell(r, c), st, halign(c), w) {
                        for mut it in line.items {
                            shift_x(&mut it, xs[c] + pad);
                            it.shift(y);
                            it.tag(cells[c]);
                            s.items.push(it);
                        }
                        if c == 0 || s.baseline.is_none() {
                            s.baseline = s.baseline.or(Some(y + line.baseline));
                        }
                        s.lines.push((y, y + line.height));
                        y += line.height;
                    }
                    h = h.max(y - pad);
                }
                s.h = h + 2.0 * pad;
                let mut items = Vec::new();
                if let Some(g) = fill {
                    items.push(Item::Fill {
                        x: ctx.x,
                        y: 0.0,
                        w: ctx.w,
                        h: s.h,
                        grey: g,
                    });
                }
                items.extend(grid(&xs, s.h));
                items.append(&mut s.items);
                s.items = items;
                s
            };

        let outer = self.open(Role::Table);
        flow.open(6.0);
        let mut table = None;
        if !header.is_empty() {
            let cells = self.row(ncols, Role::TH { row: false });
            let mut h = row_slice(header, head, Some(0.9), &cells);
            h.keep = Keep::Strong;
            table = Some(self.headers.len());
            self.headers.push(h.clone());
            flow.push(h);
        }
        for (n, r) in rows.iter().enumerate() {
            let cells = self.row(ncols, Role::TD);
            let mut s = row_slice(r, body, None, &cells);
            s.table = table;
            s.origin = Some((block, n as u32 + 1));
            flow.push(s);
        }
        flow.close(10.0);
        self.close(outer);
    }

    /// A table row (`TR`) of `n` cells of kind `cell`; the cells' elements.
    fn row(&mut self, n: usize, cell: Role) -> Vec<u32> {
        let tr = self.open(Role::TR);
        let cells = (0..n).map(|_| self.child(cell)).collect();
        self.close(tr);
        cells
    }
}

/// Lines of a heading; centred headings on several lines get lines of even
/// length (narrowest width giving as many lines), returned with their inset.
fn balanced(content: &[Inline], style: TextStyle, align: HAlign, w: f32) -> (Vec<LineBox>, f32) {
    let lines = text::layout(content, style, align, w);
    let n = lines.len();
    if align != HAlign::Center || !(2..=6).contains(&n) {
        return (lines, 0.0);
    }
    let (mut lo, mut hi) = (w / n as f32, w);
    for _ in 0..8 {
        let mid = (lo + hi) / 2.0;
        if text::layout(content, style, align, mid).len() <= n {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    (text::layout(content, style, align, hi), (w - hi) / 2.0)
}

/// The borders of one table row of height `h` with column edges `xs`.
fn grid(xs: &[f32], h: f32) -> Vec<Item> {
    let (Some(&x0), Some(&x1)) = (xs.first(), xs.last()) else {
        return Vec::new();
    };
    let line = |x1, y1, x2, y2| Item::Line {
        x1,
        y1,
        x2,
        y2,
        width: RULE,
        grey: 0.0,
    };
    let mut out = vec![line(x0, 0.0, x1, 0.0), line(x0, h, x1, h)];
    out.extend(xs.iter().map(|&x| line(x, 0.0, x, h)));
    out
}

/// Share `total` between columns wanting `min` (widest word) and `max` (one line).
fn column_widths(min: &[f32], max: &[f32], total: f32, pad: f32) -> Vec<f32> {
    let n = min.len().max(1) as f32;
    let min: Vec<f32> = min.iter().map(|m| m + pad + 1.0).collect();
    let max: Vec<f32> = max
        .iter()
        .zip(&min)
        .map(|(m, lo)| (m + pad + 1.0).max(*lo))
        .collect();
    let smin: f32 = min.iter().sum();
    let smax: f32 = max.iter().sum();
    if smax <= total {
        // Everything fits on one line: share the rest in proportion to the content.
        let extra = total - smax;
        return max.iter().map(|m| m + extra * m / smax.max(1e-3)).collect();
    }
    if smin <= total {
        let room = total - smin;
        let want = (smax - smin).max(1e-3);
        return min
            .iter()
            .zip(&max)
            .map(|(lo, hi)| lo + room * (hi - lo) / want)
            .collect();
    }
    // Too many columns for the page: in proportion to the widest word, words get cut.
    if smin > 0.0 {
        min.iter().map(|m| total * m / smin).collect()
    } else {
        vec![total / n; min.len()]
    }
}

/// Put column slices side by side in one slice.
fn side_by_side(cols: Vec<Slice>) -> Slice {
    let mut out = Slice::new(0.0);
    for c in cols {
        out.h = out.h.max(c.h);
        out.baseline = match (out.baseline, c.baseline) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        out.items.extend(c.items);
        out.lines.extend(c.lines);
        out.marks.extend(c.marks);
    }
    out
}

/// The text of blocks as one run of inlines (for nesting too deep to lay out).
fn flatten(blocks: &[Block]) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut stack: Vec<&Block> = blocks.iter().rev().collect();
    let plain = Style::default();
    while let Some(b) = stack.pop() {
        let push_inlines = |out: &mut Vec<Inline>, inl: &[Inline]| {
            if !out.is_empty() {
                out.push(Inline::Text {
                    text: " ".into(),
                    style: plain,
                });
            }
            out.extend(inl.iter().cloned());
        };
        match b {
            Block::Heading { content, .. } => push_inlines(&mut out, content),
            Block::Paragraph(inl) => push_inlines(&mut out, inl),
            Block::List { items, .. } => {
                stack.extend(items.iter().rev().flat_map(|i| i.iter().rev()));
            }
            Block::Table { header, rows, .. } => {
                for c in header.iter().chain(rows.iter().flatten()) {
                    push_inlines(&mut out, c);
                }
            }
            Block::Quote(bs) | Block::Container { blocks: bs, .. } => stack.extend(bs.iter().rev()),
            Block::Rule => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_fill_the_table() {
        let w = column_widths(&[10.0, 20.0], &[30.0, 400.0], 300.0, 8.0);
        assert!((w.iter().sum::<f32>() - 300.0).abs() < 0.01);
        assert!(w[0] >= 19.0);
        let w = column_widths(&[10.0; 200], &[30.0; 200], 300.0, 8.0);
        assert!((w.iter().sum::<f32>() - 300.0).abs() < 0.1);
    }

    #[test]
    fn flatten_keeps_all_text() {
        let mut b = Block::Paragraph(vec![Inline::text("fond")]);
        for _ in 0..100 {
            b = Block::List {
                start: None,
                items: vec![vec![b]],
            };
        }
        assert_eq!(flatten(&[b]), vec![Inline::text("fond")]);
    }
}
