//! Times the PDF renderer: `cargo run --release --example pdf_speed [runs]`.

#[path = "pdf_sample/docs.rs"]
mod docs;

use std::time::Instant;

use delib::doc::{Block, Document, Meta};
use delib::render::pdf::render;

fn time(name: &str, doc: &Document, runs: u32) {
    let first = Instant::now();
    let bytes = render(doc);
    let once = first.elapsed();
    let start = Instant::now();
    for _ in 0..runs {
        std::hint::black_box(render(doc));
    }
    let each = start.elapsed() / runs.max(1);
    let pages = lopdf::Document::load_mem(&bytes).map_or(0, |d| d.get_pages().len());
    println!(
        "{name:<24} {pages:>4} pages {:>8} bytes   first {once:>9.2?}   then {each:>9.2?} per render",
        bytes.len(),
    );
}

fn main() {
    let runs = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20);
    time("deliberation with logo", &docs::deliberation(false), runs);
    time("long_document(8)", &docs::long_document(8), runs);
    time("long_document(40)", &docs::long_document(40), runs);
    time("all_kinds (draft)", &docs::all_kinds(), runs);
    let doc = |blocks: Vec<Block>| Document {
        meta: Meta::default(),
        blocks,
    };
    let word = "anticonstitutionnellement".repeat(200);
    time("5000-char word", &doc(vec![docs::pt(&word)]), 3);
    let cell = vec![vec![vec![docs::t(&"mot ".repeat(6000))]]];
    let table = Block::Table {
        header: vec![vec![docs::t("a")]],
        rows: cell,
        align: vec![],
    };
    time("6000 words in a cell", &doc(vec![table]), 3);
    let wide = Block::Table {
        header: (0..80)
            .map(|n| vec![docs::t(&format!("colonne {n}"))])
            .collect(),
        rows: vec![(0..80).map(|_| vec![docs::t(&word)]).collect()],
        align: vec![],
    };
    time("80 columns of 5000 chars", &doc(vec![wide]), 1);
    time(
        "300 headings",
        &doc((0..300).map(|n| docs::h((n % 8) as u8, "titre")).collect()),
        3,
    );
}
