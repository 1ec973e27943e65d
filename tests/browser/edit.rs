//! The forms of `delib serve` in a real browser (issue 25): a clerk edits a
//! dossier and its séance, sees the preview follow, and the TOML changes by
//! exactly those keys; the refusals; axe-core on every kind of form page
//! (and the pages are kept in target/captures/formulaires/ for the Nu HTML
//! checker, run by .ci/run); the keyboard alone; without JavaScript; and a
//! séance from `delib init` to a procès-verbal ready to sign.

use super::server::{Server, eventually, examples};
use super::webdriver::Driver;
use super::{body_text, browser, captures, wait_text};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

const FORM: &str = "/_modifier?fichier=dijon/convention-pep21.toml";
const SEANCE_FORM: &str = "/_modifier?fichier=dijon/seances/2016-06-27.toml";

fn driver(name: &str, javascript: bool) -> Option<Driver> {
    let (chromium, chromedriver) = browser()?;
    let d = Driver::start_with(
        &chromedriver,
        &chromium,
        std::env::temp_dir().join(format!("delib-chromium-{name}-{}", std::process::id())),
        javascript,
    );
    d.window(1280, 1000);
    Some(d)
}

/// `[id="…"]`: ids have dots.
fn by_id(id: &str) -> String {
    format!("[id=\"{id}\"]")
}

/// The lines of `b` not in `a`, and of `a` not in `b`.
fn line_diff(a: &str, b: &str) -> (Vec<String>, Vec<String>) {
    let la: Vec<&str> = a.lines().collect();
    let lb: Vec<&str> = b.lines().collect();
    (
        la.iter()
            .filter(|l| !lb.contains(l))
            .map(|l| l.to_string())
            .collect(),
        lb.iter()
            .filter(|l| !la.contains(l))
            .map(|l| l.to_string())
            .collect(),
    )
}

/// Every comment line of `a` is in `b`.
fn comments_kept(a: &str, b: &str) {
    for l in a.lines().filter(|l| l.trim_start().starts_with('#')) {
        assert!(b.contains(l), "comment lost: {l}");
    }
}

/// Keeps the page the browser shows, for the Nu HTML checker (.ci/run).
fn keep_page(d: &Driver, name: &str) {
    let dir = captures().join("formulaires");
    std::fs::create_dir_all(&dir).unwrap();
    let html = d
        .run("return '<!DOCTYPE html>\\n' + document.documentElement.outerHTML;")
        .as_str()
        .unwrap()
        .to_owned();
    std::fs::write(dir.join(format!("{name}.html")), html).unwrap();
}

/// axe-core (npm, installed by .ci/run in tests/browser/node_modules).
fn axe_source() -> Option<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/browser/node_modules/axe-core/axe.min.js");
    match std::fs::read_to_string(&path) {
        Ok(s) => Some(s),
        Err(_) if std::env::var_os("CI").is_some() => panic!(
            "CI is set but axe-core is missing: .ci/run must run npm ci --prefix tests/browser"
        ),
        Err(_) => {
            eprintln!("SKIPPED: axe-core (npm ci --prefix tests/browser) is not installed");
            None
        }
    }
}

/// The violations axe-core finds on the current page: "rule: target…".
fn axe(d: &Driver, source: &str) -> Vec<String> {
    d.run_with("eval(arguments[0]);", vec![Value::from(source)]);
    let result = d.run_async(
        "const done = arguments[arguments.length - 1];\
         axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations.map(v => \
           v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', ')))).catch(e => done(['axe: ' + e]));",
        Vec::new(),
    );
    result
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

fn value_of(d: &Driver, css: &str) -> String {
    d.run_with(
        "return document.querySelector(arguments[0]).value;",
        vec![json!(css)],
    )
    .as_str()
    .unwrap_or_default()
    .to_owned()
}

fn select(d: &Driver, id: &str, value: &str) {
    d.click(&d.find(&format!("{} option[value=\"{value}\"]", by_id(id))));
}

fn wait_file(path: &Path, f: impl Fn(&str) -> bool) -> String {
    eventually(|| {
        let t = std::fs::read_to_string(path).ok()?;
        f(&t).then_some(t)
    })
    .unwrap_or_else(|| panic!("{} never changed as expected", path.display()))
}

#[test]
fn a_clerk_edits_the_dossier_and_the_seance_and_the_preview_follows() {
    let Some(d) = driver("edition", true) else {
        return;
    };
    let dir = examples("browser-edit");
    let dossier = dir.join("dijon/convention-pep21.toml");
    let seance = dir.join("dijon/seances/2016-06-27.toml");
    let (dossier_before, seance_before) = (
        std::fs::read_to_string(&dossier).unwrap(),
        std::fs::read_to_string(&seance).unwrap(),
    );
    let s = Server::start(&dir, &[]);
    let shots = captures();

    // The preview in one tab, « Modifier » from it opens the form in another.
    d.goto(&format!(
        "{}/dijon/convention-pep21/deliberation.html",
        s.url()
    ));
    assert!(body_text(&d).contains("EXTRAIT DU REGISTRE"));
    let preview = d.tab();
    let form_tab = d.new_tab();
    d.switch_to(&form_tab);
    d.goto(&format!("{}{FORM}", s.url()));
    assert!(body_text(&d).contains("Modifier le dossier"));
    d.screenshot(&shots.join("formulaire.png"));

    // The objet.
    let objet = d.find(&by_id("c-deliberation.objet"));
    d.clear(&objet);
    d.type_in(
        &objet,
        "Convention avec les PEP 21, modifiée dans le navigateur",
    );
    // The vote: numbers, and a name beside the contre.
    select(&d, "c-deliberation.vote.unanimite", "");
    // 46 présents and 12 pouvoirs: 58 votants.
    d.type_in(&d.find(&by_id("c-deliberation.vote.pour")), "57");
    d.type_in(&d.find(&by_id("c-deliberation.vote.contre")), "1");
    d.click(&d.find("button[value=\"ajouter:deliberation.vote.contre_noms\"]"));
    // The new name's input gets the focus: type there.
    let name = eventually(|| {
        let id = d.run("return document.activeElement.id;");
        (id.as_str() == Some("c-deliberation.vote.contre_noms.n1")).then_some(())
    });
    assert!(
        name.is_some(),
        "the new element has the focus: {}",
        d.run("return document.activeElement.id;")
    );
    d.keys("M. BICHOT");
    // An article.
    d.click(&d.find("button[value=\"ajouter:deliberation.articles\"]"));
    let article = eventually(|| {
        let id = d.run("return document.activeElement.id;");
        id.as_str()
            .filter(|i| i.starts_with("c-deliberation.articles.n"))
            .map(str::to_owned)
    })
    .expect("the new article has the focus");
    d.keys("**DIT** que la dépense est inscrite au budget de l'exercice.");
    assert_eq!(
        value_of(&d, &by_id(&article)),
        "**DIT** que la dépense est inscrite au budget de l'exercice."
    );
    d.screenshot(&shots.join("formulaire-rempli.png"));
    d.click(&d.find("button.principal"));
    wait_text(&d, "Enregistré.");
    keep_page(&d, "formulaire-enregistre");

    let saved = wait_file(&dossier, |t| t.contains("modifiée dans le navigateur"));
    let (removed, added) = line_diff(&dossier_before, &saved);
    assert_eq!(removed.len(), 2, "{removed:#?}");
    assert!(removed[0].starts_with("objet = "));
    assert_eq!(removed[1], "unanimite = true");
    assert_eq!(
        added,
        [
            "objet = \"Convention avec les PEP 21, modifiée dans le navigateur\"",
            "  \"**DIT** que la dépense est inscrite au budget de l'exercice.\",",
            "pour = 57",
            "contre = 1",
            "contre_noms = [\"M. BICHOT\"]",
        ]
    );
    comments_kept(&dossier_before, &saved);

    // The preview, in its own tab, reloaded by itself.
    d.switch_to(&preview);
    wait_text(&d, "modifiée dans le navigateur");
    d.screenshot(&shots.join("apercu-apres-formulaire.png"));

    // The séance: Mme POPARD, who had given a pouvoir, came after all: a
    // présent added, her pouvoir removed (the votants stay 58).
    d.switch_to(&form_tab);
    d.goto(&format!("{}{SEANCE_FORM}", s.url()));
    d.click(&d.find("button[value=\"ajouter:presents\"]"));
    eventually(|| {
        d.run("return document.activeElement.id;")
            .as_str()
            .is_some_and(|i| i.starts_with("c-presents.n"))
            .then_some(())
    })
    .expect("the new présent has the focus");
    d.keys("Mme POPARD");
    d.click(&d.find("button[value=\"retirer:pouvoirs.0\"]"));
    d.click(&d.find("button.principal"));
    wait_text(&d, "Enregistré.");
    let saved = wait_file(&seance, |t| t.contains("\"Mme POPARD\","));
    let (removed, added) = line_diff(&seance_before, &saved);
    assert_eq!(
        removed,
        [
            "  \"M. BOURGUIGNAT\", \"M. AYACHE\", \"M. BONORON\", \"Mme DESAUBLIAUX\",",
            "  { mandant = \"Mme POPARD\", mandataire = \"M. PRIBETICH\" },"
        ]
    );
    assert_eq!(
        added,
        [
            "  \"M. BOURGUIGNAT\", \"M. AYACHE\", \"M. BONORON\", \"Mme DESAUBLIAUX\", \"Mme POPARD\","
        ]
    );
    comments_kept(&seance_before, &saved);
    // The procès-verbal, open in the other tab, lists her among the présents.
    d.switch_to(&preview);
    d.goto(&format!(
        "{}/dijon/seances/2016-06-27/proces-verbal.html",
        s.url()
    ));
    wait_text(&d, "DESAUBLIAUX, Mme\u{a0}POPARD.");
    assert!(
        !body_text(&d).contains("POPARD (représentée"),
        "{}",
        body_text(&d)
    );
    d.screenshot(&shots.join("proces-verbal-apres-formulaire.png"));
}

#[test]
fn the_refusals_in_the_browser() {
    let Some(d) = driver("refus", true) else {
        return;
    };
    let dir = examples("browser-refusals");
    let dossier = dir.join("dijon/convention-pep21.toml");
    let original = std::fs::read_to_string(&dossier).unwrap();
    let s = Server::start(&dir, &[]);

    // Checks while typing: a vote that does not add up is found beside the
    // vote, by the page's script, before anything is saved.
    d.goto(&format!("{}{FORM}", s.url()));
    let errors = "return document.querySelectorAll('ul.constats-champ li.erreur').length;";
    assert_eq!(d.run(errors), 0, "{}", body_text(&d));
    select(&d, "c-deliberation.vote.unanimite", "");
    d.type_in(&d.find(&by_id("c-deliberation.vote.pour")), "5");
    d.type_in(&d.find(&by_id("c-deliberation.vote.contre")), "100");
    let found = eventually(|| (d.run(errors).as_u64().unwrap_or(0) > 0).then_some(()));
    assert!(
        found.is_some(),
        "no finding shown while typing:\n{}",
        body_text(&d)
    );
    assert!(body_text(&d).contains("erreur"));
    assert_eq!(std::fs::read_to_string(&dossier).unwrap(), original);
    keep_page(&d, "formulaire-verification");

    // An invalid value on save: refused, the finding beside the field, nothing written.
    d.goto(&format!("{}{FORM}", s.url()));
    d.clear(&d.find(&by_id("c-deliberation.objet")));
    d.click(&d.find("button.principal"));
    wait_text(&d, "Rien n'a été enregistré");
    assert!(body_text(&d).contains("champ-manquant"));
    let invalid = d.run(
        "return document.getElementById('c-deliberation.objet').getAttribute('aria-invalid');",
    );
    assert_eq!(invalid, "true");
    keep_page(&d, "formulaire-refuse");
    d.screenshot(&captures().join("formulaire-refuse.png"));
    assert_eq!(std::fs::read_to_string(&dossier).unwrap(), original);

    // The file changed on disk since the form was opened.
    d.goto(&format!("{}{FORM}", s.url()));
    let objet = d.find(&by_id("c-deliberation.objet"));
    d.clear(&objet);
    d.type_in(&objet, "Mon objet");
    let elsewhere = original.replace("matiere = \"8.1\"", "matiere = \"8.2\"");
    std::fs::write(&dossier, &elsewhere).unwrap();
    d.click(&d.find("button.principal"));
    wait_text(&d, "modifié ailleurs");
    let text = body_text(&d);
    assert!(
        text.contains("Code matière @ctes") && text.contains("8.2"),
        "{text}"
    );
    assert_eq!(value_of(&d, &by_id("c-deliberation.objet")), "Mon objet");
    keep_page(&d, "formulaire-conflit");
    d.screenshot(&captures().join("formulaire-conflit.png"));
    assert_eq!(std::fs::read_to_string(&dossier).unwrap(), elsewhere);

    // A page of another origin posting into the clerk's files, even with the
    // secret: refused (403), nothing written.
    let token = {
        d.goto(&format!("{}{FORM}", s.url()));
        value_of(&d, "input[name=_jeton]")
    };
    let attack = std::env::temp_dir().join(format!("delib-attaque-{}.html", std::process::id()));
    std::fs::write(
        &attack,
        format!(
            "<!DOCTYPE html><html><body><form id=f method=post action=\"{}{FORM}\">\
             <input name=_jeton value=\"{token}\"><input name=_action value=enregistrer>\
             <input name=deliberation.objet value=PIRATE></form></body></html>",
            s.url()
        ),
    )
    .unwrap();
    d.goto(&format!("file://{}", attack.display()));
    d.run("document.getElementById('f').submit();");
    wait_text(&d, "Modification refusée");
    let _ = std::fs::remove_file(&attack);
    // Without the secret, from the server's own page: refused too.
    d.goto(&format!("{}{FORM}", s.url()));
    d.run("document.querySelector('input[name=_jeton]').value = 'faux';");
    d.click(&d.find("button.principal"));
    wait_text(&d, "Modification refusée");
    assert_eq!(std::fs::read_to_string(&dossier).unwrap(), elsewhere);
}

#[test]
fn the_form_pages_pass_axe_core_and_work_with_the_keyboard_alone() {
    let Some(d) = driver("axe", true) else {
        return;
    };
    let Some(source) = axe_source() else {
        return;
    };
    // The checker must find a planted fault before its silence means anything.
    let bad = std::env::temp_dir().join(format!("delib-axe-{}.html", std::process::id()));
    std::fs::write(
        &bad,
        "<!DOCTYPE html><html><body><input type=text><img src=x></body></html>",
    )
    .unwrap();
    d.goto(&format!("file://{}", bad.display()));
    let found = axe(&d, &source);
    assert!(found.iter().any(|v| v.starts_with("label")), "{found:?}");
    let _ = std::fs::remove_file(&bad);

    let dir = examples("browser-axe");
    let s = Server::start(&dir, &[]);
    let mut pages = vec![
        ("index", "/".to_owned()),
        ("formulaire-dossier", FORM.to_owned()),
        ("formulaire-seance", SEANCE_FORM.to_owned()),
        (
            "formulaire-delib-toml",
            "/_modifier?fichier=dijon/delib.toml".to_owned(),
        ),
        (
            "formulaire-partenaires",
            "/_modifier?fichier=alsace/soutien-parentalite.toml".to_owned(),
        ),
        (
            "nouveau-point",
            "/_nouveau?seance=dijon/seances/2016-06-27.toml".to_owned(),
        ),
    ];
    let mut problems = Vec::new();
    for (name, url) in pages.drain(..) {
        d.goto(&format!("{}{url}", s.url()));
        // Every section unfolded, so axe sees every field.
        d.run("document.querySelectorAll('details').forEach(x => x.open = true);");
        // What the server sent, and what the browser shows.
        let raw = s.get(&url);
        assert_eq!(raw.status, 200, "{url}");
        let dir = captures().join("formulaires");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{name}.html")), raw.text()).unwrap();
        keep_page(&d, &format!("{name}-navigateur"));
        for v in axe(&d, &source) {
            problems.push(format!("{name}: {v}"));
        }
    }
    // With findings shown (a refused save).
    d.goto(&format!("{}{FORM}", s.url()));
    d.clear(&d.find(&by_id("c-deliberation.objet")));
    d.click(&d.find("button.principal"));
    wait_text(&d, "Rien n'a été enregistré");
    for v in axe(&d, &source) {
        problems.push(format!("refus: {v}"));
    }
    assert!(problems.is_empty(), "axe-core:\n{}", problems.join("\n"));

    // The keyboard alone: from the top, Tab reaches « Enregistrer » after
    // the links; every control is reachable; the focus shows.
    d.goto(&format!("{}{FORM}", s.url()));
    let mut seen = Vec::new();
    for _ in 0..30 {
        d.keys("\u{E004}");
        let el = d.run(
            "const e = document.activeElement; const s = getComputedStyle(e);\
             return [e.tagName, e.textContent.trim().slice(0, 30), s.outlineStyle, s.outlineWidth];",
        );
        seen.push(el.clone());
        if el[1] == "Enregistrer" {
            assert_ne!(el[2], "none", "the focus shows: {el}");
            break;
        }
    }
    assert!(
        seen.iter().any(|e| e[1] == "Enregistrer"),
        "Tab reaches « Enregistrer » first: {seen:?}"
    );
    let unreachable = d.run(
        "return [...document.querySelectorAll('form.edition input:not([type=hidden]), form.edition select, \
         form.edition textarea, form.edition button, form.edition summary')].filter(e => e.tabIndex < 0).length;",
    );
    assert_eq!(unreachable, 0);
    // « Ajouter » with the keyboard: focus on the button, Entrée, then type.
    d.run("document.querySelector('button[value=\"ajouter:deliberation.visas\"]').focus();");
    d.keys("\u{E007}");
    eventually(|| {
        d.run("return document.activeElement.id;")
            .as_str()
            .is_some_and(|i| i.starts_with("c-deliberation.visas.n"))
            .then_some(())
    })
    .expect("Entrée on « Ajouter » gives a new visa the focus");
    d.keys("le code de l'éducation");
    // Entrée in a field saves the form (« Enregistrer » comes first).
    d.run("document.getElementById('c-deliberation.objet').focus();");
    d.keys("\u{E007}");
    wait_text(&d, "Enregistré.");
    let saved = std::fs::read_to_string(dir.join("dijon/convention-pep21.toml")).unwrap();
    assert!(
        saved.contains("visas = [\"le code de l'éducation\"]"),
        "{saved}"
    );
}

#[test]
fn without_javascript_the_form_still_adds_and_saves() {
    let Some(d) = driver("sans-js", false) else {
        return;
    };
    let dir = examples("browser-nojs");
    let s = Server::start(&dir, &[]);
    d.goto(&format!("{}{FORM}", s.url()));
    // « Ajouter » posts the form: the page comes back with the new visa, focused.
    d.click(&d.find("button[value=\"ajouter:deliberation.visas\"]"));
    let input = d.find(&by_id("c-deliberation.visas.n1"));
    assert_eq!(d.active(), input, "the new visa has the focus (autofocus)");
    d.type_in(&input, "le code de l'éducation");
    let objet = d.find(&by_id("c-deliberation.objet"));
    d.clear(&objet);
    d.type_in(&objet, "Sans JavaScript");
    d.click(&d.find("button.principal"));
    let path = dir.join("dijon/convention-pep21.toml");
    let saved = wait_file(&path, |t| t.contains("Sans JavaScript"));
    assert!(
        saved.contains("visas = [\"le code de l'éducation\"]"),
        "{saved}"
    );
}

/// The done-condition: a séance prepared from `delib init` to a
/// procès-verbal ready to sign, in the browser only.
#[test]
fn from_delib_init_to_a_proces_verbal_ready_to_sign_without_a_text_editor() {
    let Some(d) = driver("init", true) else {
        return;
    };
    let dir: PathBuf =
        std::env::temp_dir().join(format!("delib-init-navigateur-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let init = std::process::Command::new(env!("CARGO_BIN_EXE_delib"))
        .arg("init")
        .arg(&dir)
        .output()
        .unwrap();
    if !init.status.success() {
        // Before `delib init` (issue 23): the project it makes, by hand.
        std::fs::create_dir_all(dir.join("seances")).unwrap();
        std::fs::write(dir.join("delib.toml"), "[collectivite]\nnom = \"Commune de Saint-Martin\"\ntype = \"commune\"\nville = \"Saint-Martin\"\n").unwrap();
        std::fs::write(dir.join("seances/2026-11-19.toml"), "date = 2026-11-19\n").unwrap();
        std::fs::write(
            dir.join("subvention-association.toml"),
            "seance = \"seances/2026-11-19.toml\"\n\n[deliberation]\nnumero = \"2026-01\"\nobjet = \"Subvention\"\narticles = [\"**ACCORDE** une subvention.\"]\n",
        )
        .unwrap();
    }
    let s = Server::start(&dir, &[]);
    let seance_key = "seances/2026-11-19.toml";
    // The séance: members, présents, président and secrétaire.
    d.goto(&format!("{}/_modifier?fichier={seance_key}", s.url()));
    let set = |id: &str, text: &str| {
        let e = d.find(&by_id(id));
        d.clear(&e);
        d.type_in(&e, text);
    };
    set("c-heure", "19:00");
    set("c-lieu", "Salle du conseil");
    if d.run("return document.getElementById('c-membres_en_exercice').value;") == "" {
        set("c-membres_en_exercice", "3");
    }
    // The date picker's value (typing depends on the browser's locale).
    d.run(
        "const c = document.getElementById('c-convocation'); c.value = '2026-11-12';\
         c.dispatchEvent(new Event('input', {bubbles: true}));",
    );
    // Présents: what init wrote, else three typed in.
    let present = d.run("return document.querySelectorAll('[id^=\"c-presents.\"]').length;");
    if present.as_u64() == Some(0) {
        for name in ["M. Jean DUPONT", "Mme Anne MARTIN", "M. Paul PETIT"] {
            d.click(&d.find("button[value=\"ajouter:presents\"]"));
            eventually(|| {
                d.run("return document.activeElement.id;")
                    .as_str()
                    .is_some_and(|i| i.starts_with("c-presents.n"))
                    .then_some(())
            })
            .unwrap();
            d.keys(name);
        }
        set("c-president", "M. Jean DUPONT");
        set("c-secretaire", "Mme Anne MARTIN");
    }
    d.click(&d.find("button.principal"));
    wait_text(&d, "Enregistré.");

    // The point: its vote after the séance, by the numbers.
    d.goto(&format!(
        "{}/_modifier?fichier=subvention-association.toml",
        s.url()
    ));
    let seance = std::fs::read_to_string(dir.join(seance_key)).unwrap();
    let table: toml::Table = toml::from_str(&seance).unwrap();
    let presents = table["presents"].as_array().map_or(0, Vec::len);
    let pouvoirs = table
        .get("pouvoirs")
        .and_then(|p| p.as_array())
        .map_or(0, Vec::len);
    set(
        "c-deliberation.vote.pour",
        &(presents + pouvoirs).to_string(),
    );
    set("c-deliberation.vote.contre", "0");
    set("c-deliberation.vote.abstentions", "0");
    d.click(&d.find("button.principal"));
    wait_text(&d, "Enregistré.");
    // No finding left: the summary of findings is gone.
    let text = body_text(&d);
    assert!(!text.contains("erreur (les mêmes"), "{text}");

    // The procès-verbal: ready to sign (no PROJET), with the vote.
    let pv = "/seances/2026-11-19/proces-verbal.html";
    let page = eventually(|| {
        let r = s.get(pv);
        (r.status == 200 && r.text().contains("PROCÈS-VERBAL")).then(|| r.text())
    })
    .unwrap_or_else(|| {
        let index = s.get("/").text();
        let body = &index[index.find("<body>").unwrap_or(0)..];
        panic!("no procès-verbal at {pv}; the index:\n{body}")
    });
    assert!(page.contains("PROCÈS-VERBAL"));
    d.goto(&format!("{}{pv}", s.url()));
    let text = body_text(&d);
    assert!(
        !text.contains("PROJET"),
        "the procès-verbal is no longer a draft:\n{text}"
    );
    assert!(text.contains("ACCORDE"), "{text}");
    d.screenshot(&captures().join("proces-verbal-depuis-init.png"));
    let index = s.get("/").text();
    assert!(!index.contains(">En erreur<"), "no dossier in error");
    let _ = std::fs::remove_dir_all(&dir);
}
