//! Writes sample PDFs to /tmp/delib-pdf/ (or the folder given as argument),
//! to look at with a viewer or `pdftoppm -png -r 60`.

mod docs;

fn main() -> std::io::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "/tmp/delib-pdf".into());
    std::fs::create_dir_all(&dir)?;
    let samples = [
        ("deliberation", docs::deliberation(false)),
        ("deliberation-projet", docs::deliberation(true)),
        ("convention", docs::convention()),
        ("annexe", docs::annexe()),
        ("rapport-long", docs::long_document(12)),
        ("tous-les-blocs", docs::all_kinds()),
    ];
    for (name, doc) in samples {
        let bytes = delib::render::pdf::render(&doc);
        let path = format!("{dir}/{name}.pdf");
        std::fs::write(&path, &bytes)?;
        println!("{path}: {} bytes", bytes.len());
    }
    Ok(())
}
