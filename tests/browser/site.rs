//! The site of `delib publish` in headless Chromium, opened from disk: every
//! link and stylesheet resolves, no console error, the page is in French with
//! one h1, headings in order, and text contrast of at least 4.5:1. The checker
//! is first shown a planted bad page, which it must reject.

use super::webdriver::Driver;
use super::{browser, captures};
use std::path::{Path, PathBuf};

/// Every `.html` file under `dir`.
fn pages(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "html") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// What is wrong with one page, as read by the browser.
fn problems(d: &Driver, page: &Path) -> Vec<String> {
    let url = format!("file://{}", page.display());
    // What earlier navigations logged is not this page's.
    let _ = d.console();
    d.goto(&url);
    let mut out = Vec::new();
    // Links and stylesheets: each must name an existing file (and anchor).
    let links =
        d.run("return [...document.querySelectorAll('a[href], link[href]')].map(e => e.href);");
    for link in links.as_array().unwrap() {
        let link = link.as_str().unwrap();
        let Some(rest) = link.strip_prefix("file://") else {
            out.push(format!("{}: link out of the site: {link}", page.display()));
            continue;
        };
        let (path, anchor) = rest.split_once('#').unwrap_or((rest, ""));
        let target = PathBuf::from(percent_decode(path));
        if !target.is_file() {
            out.push(format!("{}: broken link {link}", page.display()));
        } else if !anchor.is_empty() && target == page {
            let found = d.run(&format!(
                "return document.getElementById({}) !== null;",
                serde_json::to_string(anchor).unwrap()
            ));
            if found != true {
                out.push(format!("{}: no anchor #{anchor}", page.display()));
            }
        }
    }
    // Console entries arrive asynchronously: give them a moment.
    std::thread::sleep(std::time::Duration::from_millis(300));
    for (level, message) in d.console() {
        if level == "SEVERE" || level == "WARNING" {
            out.push(format!("{}: console {level}: {message}", page.display()));
        }
    }
    out
}

/// Accessibility basics of a page of the site (not of the rendered documents).
fn accessibility(d: &Driver, page: &Path) -> Vec<String> {
    d.goto(&format!("file://{}", page.display()));
    let report = d.run(
        r#"
        const out = [];
        if (document.documentElement.lang !== 'fr') out.push('lang is not fr');
        if (document.querySelectorAll('h1').length !== 1) out.push('not exactly one h1');
        let last = 0;
        for (const h of document.querySelectorAll('h1,h2,h3,h4,h5,h6')) {
          const n = Number(h.tagName[1]);
          if (n > last + 1) out.push('heading level skipped before: ' + h.textContent);
          last = n;
        }
        if (!document.title) out.push('no title');
        const rgb = s => s.match(/[\d.]+/g).slice(0, 3).map(Number);
        const lum = c => {
          const [r, g, b] = c.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
          return 0.2126 * r + 0.7152 * g + 0.0722 * b;
        };
        const bg = rgb(getComputedStyle(document.body).backgroundColor);
        for (const e of document.querySelectorAll('main *, footer *, header *')) {
          if (!e.childNodes.length || ![...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
          const st = getComputedStyle(e);
          if (st.display === 'none' || st.position === 'absolute') continue;
          const a = lum(rgb(st.color)), b = lum(bg);
          const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
          if (ratio < 4.5) out.push('contrast ' + ratio.toFixed(2) + ' on ' + e.tagName + ': ' + e.textContent.slice(0, 40));
        }
        // The skip link is the first thing the keyboard reaches, and shows.
        const skip = document.querySelector('a.evitement');
        if (!skip || skip !== document.querySelector('a')) out.push('no skip link first');
        else { skip.focus(); if (skip.getBoundingClientRect().left < 0) out.push('skip link hidden when focused'); }
        return out;
        "#,
    );
    report
        .as_array()
        .unwrap()
        .iter()
        .map(|v| format!("{}: {}", page.display(), v.as_str().unwrap()))
        .collect()
}

#[test]
fn the_published_site_works_from_disk_in_a_browser() {
    let Some((chromium, chromedriver)) = browser() else {
        return;
    };
    let dir = super::server::examples("site");
    let site = dir.join("site-publie");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_delib"))
        .args(["publish", ".", "-o"])
        .arg(&site)
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let d = Driver::start(&chromedriver, &chromium, dir.join("profil"));
    d.window(1000, 1400);

    // The checker first sees a bad page: a broken link, a missing stylesheet,
    // a console error, no lang, two h1, a skipped level, pale text.
    let bad = dir.join("mauvaise.html");
    std::fs::write(
        &bad,
        "<!DOCTYPE html><html><head><title>x</title><link rel=\"stylesheet\" href=\"absent.css\"></head>\
         <body><main><h1>a</h1><h1>b</h1><h4>c</h4><p style=\"color:#bbb\">pâle</p>\
         <a href=\"nulle-part.html\">lien</a><a href=\"#absente\">ancre</a></main>\
         <script>console.error('erreur plantée')</script></body></html>",
    )
    .unwrap();
    let found = problems(&d, &bad).join("\n") + "\n" + &accessibility(&d, &bad).join("\n");
    for needle in [
        "broken link",
        "absent.css",
        "no anchor #absente",
        "console SEVERE",
        "lang is not fr",
        "not exactly one h1",
        "heading level skipped",
        "contrast",
        "no skip link",
    ] {
        assert!(
            found.contains(needle),
            "the checker missed {needle}:\n{found}"
        );
    }

    let all = pages(&site);
    // The index; Ivry's page and délibération; the PEP 21 act's page and its
    // three documents; each of the four other acts of the Dijon séance, its
    // page and its délibération.
    assert_eq!(all.len(), 1 + 2 + 4 + 4 * 2 + 2, "{all:?}");
    let mut issues = Vec::new();
    for page in &all {
        issues.extend(problems(&d, page));
    }
    for page in [
        site.join("index.html"),
        site.join("actes/dijon/convention-pep21/index.html"),
        site.join("actes/ivry-sur-seine/cmpp-college-moliere/index.html"),
    ] {
        issues.extend(accessibility(&d, &page));
    }
    assert!(issues.is_empty(), "{}", issues.join("\n"));

    d.goto(&format!("file://{}", site.join("index.html").display()));
    d.screenshot(&captures().join("site-index.png"));
    d.goto(&format!(
        "file://{}",
        site.join("actes/dijon/convention-pep21/index.html")
            .display()
    ));
    d.screenshot(&captures().join("site-acte.png"));
}
