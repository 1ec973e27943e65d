//! `delib serve` in a real browser: headless Chromium driven by chromedriver
//! (Debian packages `chromium` and `chromium-driver`, installed by .ci/run).
//!
//! Without Chromium the tests are skipped with a message, except under CI
//! (the `CI` environment variable set), where they must run.
//! Screenshots and print PDFs are left in target/captures/ to be looked at.

mod edit;
mod server;
mod site;
mod webdriver;

use server::{Server, eventually, examples, save};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use webdriver::Driver;

const DELIB: &str = "/dijon/convention-pep21/deliberation.html";

/// The first of `names` found on PATH (or as an absolute path).
fn find(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    names.iter().find_map(|n| {
        let direct = Path::new(n);
        if direct.is_absolute() {
            return direct.is_file().then(|| direct.to_path_buf());
        }
        std::env::split_paths(&path)
            .map(|d| d.join(n))
            .find(|p| p.is_file())
    })
}

/// Chromium and chromedriver, or None when the test must be skipped.
fn browser() -> Option<(PathBuf, PathBuf)> {
    let chromium = find(&["chromium", "chromium-browser", "google-chrome"]);
    let driver = find(&["chromedriver", "/usr/lib/chromium/chromedriver"]);
    match (chromium, driver) {
        (Some(c), Some(d)) => Some((c, d)),
        _ if std::env::var_os("CI").is_some() => panic!(
            "CI is set but chromium or chromedriver is missing: .ci/run must install the Debian packages chromium and chromium-driver"
        ),
        _ => {
            eprintln!(
                "SKIPPED: browser test needs chromium and chromedriver (apt-get install chromium chromium-driver); it is mandatory when CI is set"
            );
            None
        }
    }
}

fn captures() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/captures");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn body_text(d: &Driver) -> String {
    d.run("return document.body ? document.body.innerText : '';")
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Waits until the page's text contains `needle`; returns how long it took.
fn wait_text(d: &Driver, needle: &str) -> Duration {
    let start = Instant::now();
    eventually(|| body_text(d).contains(needle).then_some(()))
        .unwrap_or_else(|| panic!("the page never showed {needle:?}:\n{}", body_text(d)));
    start.elapsed()
}

#[test]
fn an_open_document_follows_the_saves_without_manual_reload() {
    let Some((chromium, chromedriver)) = browser() else {
        return;
    };
    let dir = examples("browser");
    let s = Server::start(&dir, &[]);
    let d = Driver::start(
        &chromedriver,
        &chromium,
        std::env::temp_dir().join(format!("delib-chromium-{}", std::process::id())),
    );
    let shots = captures();

    // The index, tall enough to show the three dossiers.
    d.window(1280, 1700);
    d.goto(&format!("{}/", s.url()));
    let text = body_text(&d);
    assert!(text.contains("Aperçu des actes"), "{text}");
    assert!(text.contains("PROJET") || text.contains("Projet"));
    d.screenshot(&shots.join("index.png"));

    // A document.
    d.window(1280, 1000);
    d.goto(&format!("{}{DELIB}", s.url()));
    assert!(body_text(&d).contains("EXTRAIT DU REGISTRE DES DÉLIBÉRATIONS"));
    d.screenshot(&shots.join("deliberation.png"));
    // The reload script ran (the CSP lets only the server's own script run).
    let loaded = d.run(
        "return performance.getEntriesByType('resource').some(e => e.name.endsWith('/_rechargement.js'));",
    );
    assert_eq!(loaded, true, "the reload script loaded");

    // Edit the dossier on disk; the page must change by itself.
    let dossier = dir.join("dijon/convention-pep21.toml");
    let original = std::fs::read_to_string(&dossier).unwrap();
    let mut times = Vec::new();
    for i in 0..5 {
        d.run("window.__avant_rechargement = true;");
        let marker = format!("MODIFICATION-{i}");
        let start = Instant::now();
        save(
            &dossier,
            &original.replacen("objet = \"", &format!("objet = \"{marker} "), 1),
        );
        wait_text(&d, &marker);
        times.push(start.elapsed());
        assert_eq!(
            d.run("return window.__avant_rechargement === undefined;"),
            true,
            "the page reloaded itself"
        );
        // Let the new page open its stream before the next save.
        std::thread::sleep(Duration::from_millis(300));
    }
    times.sort();
    eprintln!(
        "Chromium, save → new text on screen: {:?} (median {} ms)",
        times.iter().map(Duration::as_millis).collect::<Vec<_>>(),
        times[times.len() / 2].as_millis()
    );
    d.run(
        "const p = [...document.querySelectorAll('main p')].find(p => p.textContent.includes('MODIFICATION-4'));\
         if (p) { p.scrollIntoView({block: 'center'}); }",
    );
    d.screenshot(&shots.join("deliberation-modifiee.png"));

    // The reading position survives the reload.
    d.run("window.scrollTo(0, 900); window.__avant_rechargement = true;");
    save(
        &dossier,
        &original.replacen("objet = \"", "objet = \"DEFILEMENT ", 1),
    );
    wait_text(&d, "DEFILEMENT");
    let y = eventually(|| {
        d.run("return window.scrollY;")
            .as_f64()
            .filter(|y| (*y - 900.0).abs() < 50.0)
    });
    assert!(
        y.is_some(),
        "scroll kept: {}",
        d.run("return window.scrollY;")
    );
    std::thread::sleep(Duration::from_millis(300));

    // A broken save shows the findings in the page; the next good save the document.
    save(
        &dossier,
        &original.replacen("objet = \"", "objet = <b>oups</b> \"", 1),
    );
    wait_text(&d, "syntaxe-toml");
    let text = body_text(&d);
    assert!(text.contains("convention-pep21.toml:7:"), "{text}");
    assert!(text.contains("<b>oups</b>"), "markup shown as text: {text}");
    d.screenshot(&shots.join("erreur.png"));
    std::thread::sleep(Duration::from_millis(300));
    save(&dossier, &original);
    wait_text(&d, "EXTRAIT DU REGISTRE DES DÉLIBÉRATIONS");
    assert!(!body_text(&d).contains("syntaxe-toml"));
}

/// Page count and size of a PDF.
fn pdf_pages(bytes: &[u8]) -> (usize, Vec<(f32, f32)>) {
    let doc = lopdf::Document::load_mem(bytes).expect("a PDF");
    let sizes = doc
        .get_pages()
        .values()
        .map(|id| {
            let page = doc.get_dictionary(*id).unwrap();
            let mb = page.get(b"MediaBox").and_then(|m| m.as_array()).unwrap();
            let n = |i: usize| mb[i].as_float().unwrap_or(0.0);
            (n(2) - n(0), n(3) - n(1))
        })
        .collect::<Vec<_>>();
    (sizes.len(), sizes)
}

/// Words of a page's text, without list bullets and the PROJET mark.
fn words_of(text: &str) -> Vec<String> {
    text.split_whitespace()
        .filter(|w| *w != "\u{2022}" && *w != "PROJET")
        .map(str::to_string)
        .collect()
}

/// The words of a printed page after its margin boxes, which Chromium draws
/// first: the footer text of the HTML (`footer`) and « page N/M ».
fn print_body(mut words: &[String], footer: &[String]) -> Vec<String> {
    loop {
        if !footer.is_empty() && words.starts_with(footer) {
            words = &words[footer.len()..];
        } else if words.first().is_some_and(|w| w == "page") {
            words = &words[1..];
            while words
                .first()
                .is_some_and(|w| w.chars().all(|c| c.is_ascii_digit() || c == '/'))
            {
                words = &words[1..];
            }
        } else {
            return words.to_vec();
        }
    }
}

/// The text of the HTML page's `<footer class="pied">`, as words.
fn footer_words(html: &str) -> Vec<String> {
    let Some(start) = html.find("<footer class=\"pied\">") else {
        return Vec::new();
    };
    let rest = &html[start + "<footer class=\"pied\">".len()..];
    let text = &rest[..rest.find("</footer>").unwrap_or(0)];
    let text = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    words_of(&text)
}

/// The words of each page of a PDF, in the order its text is drawn.
fn page_words(bytes: &[u8]) -> Vec<Vec<String>> {
    let doc = lopdf::Document::load_mem(bytes).expect("a PDF");
    doc.get_pages()
        .keys()
        .map(|&n| words_of(&doc.extract_text(&[n]).unwrap_or_default()))
        .collect()
}

/// Issue 9, point 20: every example document printed from its HTML by
/// Chromium has the pages of delib's PDF — as many, each starting with the
/// same words (the PDF's page starts are written into the HTML as print-only
/// breaks) — on A4.
#[test]
fn the_print_view_has_the_pages_of_the_pdf() {
    let Some((chromium, _)) = browser() else {
        return;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = std::env::temp_dir().join(format!("delib-print-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let status = Command::new(env!("CARGO_BIN_EXE_delib"))
        .current_dir(root)
        .args(["render", "inputs", "-q", "--format", "html,pdf", "-o"])
        .arg(&out)
        .status()
        .expect("delib runs");
    assert!(status.success());
    let mut pages = Vec::new();
    let mut stack = vec![out.clone()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "html") && p.with_extension("pdf").exists()
            {
                pages.push(p);
            }
        }
    }
    pages.sort();
    assert!(pages.len() >= 40, "{} example documents", pages.len());
    let shots = captures();
    let print = |html: &PathBuf, worker: usize| -> Vec<u8> {
        let name = html
            .strip_prefix(&out)
            .unwrap()
            .to_string_lossy()
            .replace('/', "_");
        let printed = shots.join(format!("impression-{name}.pdf"));
        let _ = std::fs::remove_file(&printed);
        let profile = out.join(format!(".profile-{worker}"));
        let status = Command::new(&chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-pdf-header-footer",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(format!("--print-to-pdf={}", printed.display()))
            .arg(format!("file://{}", html.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("chromium runs");
        assert!(status.success(), "chromium --print-to-pdf {name}");
        std::fs::read(&printed).unwrap()
    };
    // Two Chromiums at a time.
    let printed: Vec<(PathBuf, Vec<u8>)> = std::thread::scope(|sc| {
        let halves: Vec<_> = [0, 1]
            .into_iter()
            .map(|w| {
                let mine: Vec<PathBuf> = pages.iter().skip(w).step_by(2).cloned().collect();
                let print = &print;
                sc.spawn(move || {
                    mine.into_iter()
                        .map(|h| {
                            let b = print(&h, w);
                            (h, b)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        halves.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    let mut report = Vec::new();
    let mut wrong = Vec::new();
    for (html, bytes) in &printed {
        let name = html.strip_prefix(&out).unwrap().display().to_string();
        let (_, sizes) = pdf_pages(bytes);
        for (w, h) in &sizes {
            // A4 is 595.28 × 841.89 pt; Chromium rounds to whole CSS pixels.
            assert!(
                (w - 595.3).abs() < 1.5 && (h - 841.9).abs() < 1.5,
                "{name}: page of {w} × {h} pt is not A4"
            );
        }
        let footer = footer_words(&std::fs::read_to_string(html).unwrap());
        let print_pages: Vec<Vec<String>> = page_words(bytes)
            .iter()
            .map(|p| print_body(p, &footer))
            .collect();
        let pdf_pages = page_words(&std::fs::read(html.with_extension("pdf")).unwrap());
        report.push(format!(
            "{name}: print {} page(s), PDF {}",
            print_pages.len(),
            pdf_pages.len()
        ));
        if print_pages.len() != pdf_pages.len() {
            wrong.push(format!(
                "{name}: the print has {} pages, the PDF {}",
                print_pages.len(),
                pdf_pages.len()
            ));
            continue;
        }
        for (n, (p, d)) in print_pages.iter().zip(&pdf_pages).enumerate() {
            // The print's first three words, within the PDF page's first
            // eight (a split fiche row repeats its key, « Projet (suite) »),
            // letters and digits only: extraction glues a bullet to its
            // word and splits « No » where the o is raised.
            let letters = |w: &[String]| -> String {
                w.concat().chars().filter(|c| c.is_alphanumeric()).collect()
            };
            let first = letters(&p[..p.len().min(3)]);
            let head = letters(&d[..d.len().min(8)]);
            if first.is_empty() || !head.contains(&first) {
                wrong.push(format!(
                    "{name}, page {}: the print starts with {:?}, the PDF with {:?}",
                    n + 1,
                    &p[..p.len().min(3)],
                    &d[..d.len().min(8)]
                ));
            }
        }
    }
    let _ = std::fs::remove_dir_all(&out);
    eprintln!("{}", report.join("\n"));
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Issue 20, point 17: in the HTML, in any column width, a postcode and its
/// town, « Cedex 9 », a day and its month stay on one line, and so do a
/// name, a place and an act number with their hyphens — while a common
/// compound (« ci-après ») may still break at its hyphen, which shows that
/// the column is narrow enough for the browser to break there.
#[test]
fn the_html_keeps_addresses_dates_names_and_numbers_on_one_line() {
    let Some((chromium, chromedriver)) = browser() else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("delib-insecable-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("delib.toml"),
        "[collectivite]\nnom = \"Commune de Vals-les-Bains\"\ntype = \"commune\"\nville = \"Vals-les-Bains\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("dossier.toml"),
        r#"[seance]
date = 2016-06-27
membres_en_exercice = 3
presents = ["M. DUPONT", "Mme MARTIN", "M. PETIT"]
president = "M. DUPONT"

[deliberation]
numero = "2016-06-27/10"
objet = "Convention"
expose = """
La Médiathèque, 20 allée Nathan Katz, 68100 Mulhouse Cedex 9, au nom de la commune de Vals-les-Bains et de l'Île-de-France, vu la délibération 2016-06-27/10 du 27 juin 2016 et celle du 1er juillet, représentée par M. Jean-Claude MOREL, ci-après dénommée la Médiathèque, ci-après la Médiathèque, ci-après encore.
"""
articles = ["**APPROUVE** la convention."]

[deliberation.vote]
unanimite = true
"#,
    )
    .unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_delib"))
        .current_dir(&dir)
        .args([
            "render",
            "dossier.toml",
            "-q",
            "--format",
            "html",
            "-o",
            "out",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let page = dir.join("out/dossier/rapport.html");
    assert!(page.exists(), "no rapport.html");
    let d = Driver::start(&chromedriver, &chromium, dir.join("profil"));
    d.window(800, 1000);
    d.goto(&format!("file://{}", page.display()));
    let held = [
        "68100\u{a0}Mulhouse",
        "Cedex\u{a0}9",
        "Vals-les-Bains",
        "l’Île-de-France",
        "2016-06-27/10",
        "27\u{a0}juin",
        "1er\u{a0}juillet",
        "Jean-Claude",
    ];
    // For each column width, the phrases whose text runs over two lines
    // (rectangles that do not overlap vertically), and whether a
    // « ci-après » did.
    let script = format!(
        r#"const held = {};
const main = document.querySelector('main');
const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
const nodes = [];
let text = '';
for (let n = walker.nextNode(); n; n = walker.nextNode()) {{
  nodes.push([n, text.length]);
  text += n.data;
}}
const at = (i) => {{
  let k = nodes.length - 1;
  while (nodes[k][1] > i) k--;
  return [nodes[k][0], i - nodes[k][1]];
}};
const split = (start, end) => {{
  const r = document.createRange();
  r.setStart(...at(start));
  r.setEnd(...at(end - 1));
  r.setEnd(r.endContainer, r.endOffset + 1);
  const rects = [...r.getClientRects()].filter(b => b.width > 0);
  return rects.some(b => b.top >= rects[0].bottom || b.bottom <= rects[0].top);
}};
const found = [];
let compound = false;
for (let w = 120; w <= 420; w += 4) {{
  main.style.width = w + 'px';
  main.style.maxWidth = w + 'px';
  for (const h of held) {{
    let i = text.indexOf(h);
    if (i < 0) found.push('absent: ' + h);
    for (; i >= 0; i = text.indexOf(h, i + 1)) {{
      if (split(i, i + h.length)) found.push(w + 'px: ' + h);
    }}
  }}
  for (let i = text.indexOf('ci-après'); i >= 0; i = text.indexOf('ci-après', i + 1)) {{
    compound = compound || split(i, i + 8);
  }}
}}
return [found, compound];"#,
        serde_json::to_string(&held).unwrap()
    );
    let v = d.run(&script);
    let found: Vec<String> = v[0]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_owned())
        .collect();
    assert!(
        found.is_empty(),
        "split across lines:\n{}",
        found.join("\n")
    );
    assert_eq!(
        v[1].as_bool(),
        Some(true),
        "« ci-après » never broke: the columns were not narrow enough to test anything"
    );
    d.run("document.querySelector('main').style.width = '200px'; document.querySelector('main').style.maxWidth = '200px'; return 0;");
    d.screenshot(&captures().join("insecable-200px.png"));
}

/// On a phone, nothing of a document runs off the screen: the page never
/// scrolls sideways, and at the common phone widths the attendance tables
/// (the widest: the procès-verbal's four columns) fit inside their box. At
/// 320 px a table may scroll inside its box, never out of it.
#[test]
fn the_documents_fit_a_phone_screen() {
    let Some((chromium, chromedriver)) = browser() else {
        return;
    };
    let dir = examples("telephone");
    let o = Command::new(env!("CARGO_BIN_EXE_delib"))
        .current_dir(&dir)
        .args(["render", "dijon", "-q", "--format", "html", "-o", "out"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let pages = [
        "out/seances/2016-06-27/proces-verbal.html",
        "out/seances/2016-06-27/registre.html",
        "out/convention-pep21/deliberation.html",
        "out/convention-pep21/convention.html",
    ];
    let d = Driver::start(&chromedriver, &chromium, dir.join("profil"));
    let mut found = Vec::new();
    for width in [320, 360, 390] {
        d.window(width, 800);
        for page in pages {
            let path = dir.join(page);
            assert!(path.exists(), "no {page}");
            d.goto(&format!("file://{}", path.display()));
            let v = d.run(
                r#"const out = [];
const root = document.documentElement;
if (root.scrollWidth > root.clientWidth) out.push('the page scrolls sideways by ' + (root.scrollWidth - root.clientWidth) + ' px');
for (const t of document.querySelectorAll('main table')) {
  const box = t.closest('.encadre') || t.parentElement;
  if (t.getBoundingClientRect().width > box.clientWidth + 1) out.push('a table is wider than its box: ' + t.innerText.slice(0, 30).replace(/\s+/g, ' '));
}
return out;"#,
            );
            for p in v.as_array().unwrap() {
                let p = p.as_str().unwrap();
                // At 320 px a table may scroll inside its own box.
                if width == 320 && p.starts_with("a table") {
                    continue;
                }
                found.push(format!("{width} px, {page}: {p}"));
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
    d.window(390, 800);
    d.goto(&format!("file://{}", dir.join(pages[0]).display()));
    d.screenshot(&captures().join("telephone-390px.png"));
}
