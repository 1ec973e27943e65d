//! `delib check`: one fixture per rule under tests/fixtures/check/<code>/,
//! each pinned to its exact output (UPDATE_EXPECT=1 rewrites `expected.txt`).

use crate::common::{delib, root};

/// Fixtures that must report nothing.
const CLEAN: [&str; 3] = [
    "espace-avant-ponctuation",
    "valide",
    "quorum-deuxieme-convocation",
];

#[test]
fn each_rule_has_a_fixture_pinned_to_its_exact_diagnostic() {
    let base = root().join("tests/fixtures/check");
    let mut dirs: Vec<_> = std::fs::read_dir(&base)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 30, "one fixture per rule");
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    for dir in dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let rel = format!("tests/fixtures/check/{name}");
        let o = delib(&root(), &["check", &rel]);
        let got = String::from_utf8_lossy(&o.stderr).into_owned();
        let expected_path = dir.join("expected.txt");
        if update {
            std::fs::write(&expected_path, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&expected_path).unwrap_or_default();
        assert_eq!(
            got, want,
            "{rel}: output changed; if intended, UPDATE_EXPECT=1 cargo test and review"
        );
        if CLEAN.contains(&name.as_str()) {
            assert_eq!(o.status.code(), Some(0), "{rel}");
            assert!(
                got.ends_with(": 0 erreur, 0 avertissement\n"),
                "{rel} must report nothing: {got}"
            );
        } else if name != "plusieurs-fautes" {
            // The fixture really triggers the rule it is named after.
            assert!(
                got.contains(&format!("[{name}] : ")),
                "{rel} does not report {name}: {got}"
            );
            let is_error = got.contains(&format!("erreur[{name}]"));
            assert_eq!(
                o.status.code(),
                Some(u8::from(is_error).into()),
                "{rel}: exit status"
            );
        }
    }
}

#[test]
fn several_faults_are_all_reported_in_one_run() {
    let o = delib(&root(), &["check", "tests/fixtures/check/plusieurs-fautes"]);
    let err = String::from_utf8_lossy(&o.stderr);
    for code in [
        "presence-double",
        "pouvoir-soi-meme",
        "vote-unanimite-et-decompte",
        "vote-total",
        "date-convocation",
    ] {
        assert!(
            err.contains(&format!("erreur[{code}]")),
            "missing {code} in {err}"
        );
    }
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn the_examples_have_no_error() {
    let o = delib(&root(), &["check", "inputs", "-q"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(!err.contains("erreur["), "{err}");
}

#[test]
fn json_findings_carry_code_severity_place_message_and_hint() {
    let o = delib(
        &root(),
        &["check", "tests/fixtures/check/quorum", "--format", "json"],
    );
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let list = v.as_array().unwrap();
    let q = list
        .iter()
        .find(|d| d["code"] == "quorum")
        .expect("a quorum finding");
    assert_eq!(q["severity"], "error");
    assert_eq!(q["file"], "tests/fixtures/check/quorum/dossier.toml");
    assert_eq!(q["line"], 7);
    assert_eq!(q["column"], 12);
    assert_eq!(
        q["message"],
        "quorum non atteint : 2 présents pour 5 membres en exercice, il en faut au moins 3"
    );
    assert!(q["hint"].as_str().unwrap().contains("L. 2121-17"));
}

#[test]
fn warnings_render_but_deny_warnings_fails() {
    let dir = crate::common::temp_dir("deny");
    let src = root().join("tests/fixtures/check");
    std::fs::copy(src.join("delib.toml"), dir.join("delib.toml")).unwrap();
    std::fs::copy(
        src.join("delai-convocation/dossier.toml"),
        dir.join("dossier.toml"),
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("seances")).unwrap();
    std::fs::copy(
        src.join("delai-convocation/seances/2024-03-14.toml"),
        dir.join("seances/2024-03-14.toml"),
    )
    .unwrap();
    let o = delib(
        &dir,
        &["render", "dossier.toml", "-o", "out", "--format", "md"],
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stderr).contains("avertissement[delai-convocation]"));
    assert!(dir.join("out/dossier/deliberation.md").is_file());
    let o = delib(
        &dir,
        &["render", "dossier.toml", "-o", "out2", "--deny-warnings"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(!dir.join("out2").exists());
    let o = delib(&dir, &["check", "dossier.toml", "--deny-warnings"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn an_error_stops_render_and_keeps_previous_outputs() {
    let dir = crate::common::temp_dir("check-stops");
    let src = root().join("tests/fixtures/check");
    std::fs::copy(src.join("delib.toml"), dir.join("delib.toml")).unwrap();
    std::fs::copy(src.join("valide/dossier.toml"), dir.join("dossier.toml")).unwrap();
    assert!(
        delib(
            &dir,
            &["render", "dossier.toml", "-o", "out", "--format", "md"]
        )
        .status
        .success()
    );
    let before = std::fs::read(dir.join("out/dossier/deliberation.md")).unwrap();
    std::fs::copy(src.join("quorum/dossier.toml"), dir.join("dossier.toml")).unwrap();
    let o = delib(
        &dir,
        &["render", "dossier.toml", "-o", "out", "--format", "md"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("erreur[quorum]"));
    assert_eq!(
        std::fs::read(dir.join("out/dossier/deliberation.md")).unwrap(),
        before
    );
}

#[test]
fn the_convocation_delay_is_reported_once_per_seance() {
    // Two dossiers name the séance file convened too late.
    let rel = "tests/fixtures/check/delai-convocation";
    let out = crate::common::temp_dir("delai-once");
    let out = out.to_str().unwrap();
    for args in [
        vec!["check", rel],
        vec!["render", rel, "-o", out, "--format", "md"],
    ] {
        let o = delib(&root(), &args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(
            err.matches("avertissement[delai-convocation]").count(),
            1,
            "{args:?}: {err}"
        );
    }
}

/// A project of three dossiers sharing a séance file with a fault (quorum)
/// and a `delib.toml` with one (a control character): each fault is one finding.
fn three_dossiers_one_faulty_seance(name: &str) -> std::path::PathBuf {
    let dir = crate::common::temp_dir(name);
    std::fs::write(
        dir.join("delib.toml"),
        "[collectivite]\nnom = \"Commune de Test\\u0007\"\ntype = \"commune\"\nville = \"Test\"\npopulation = 800\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("seances")).unwrap();
    std::fs::write(
        dir.join("seances/2024-03-14.toml"),
        "date = 2024-03-14\nconvocation = 2024-03-07\npresident = \"M. DUPONT\"\nsecretaire = \"Mme MARTIN\"\nmembres_en_exercice = 5\npresents = [\"M. DUPONT\", \"Mme MARTIN\"]\nabsents = [\"M. PETIT\", \"M. LEROY\", \"Mme DURAND\"]\n",
    )
    .unwrap();
    for n in 1..=3 {
        std::fs::write(
            dir.join(format!("acte-{n}.toml")),
            format!(
                "seance = \"seances/2024-03-14.toml\"\n\n[deliberation]\nnumero = \"2024-03-14/0{n}\"\nobjet = \"Acte {n}\"\narticles = [\"**APPROUVE** l'acte {n}.\"]\n\n[deliberation.vote]\nunanimite = true\n"
            ),
        )
        .unwrap();
    }
    dir
}

#[test]
fn a_fault_of_a_seance_file_or_delib_toml_is_reported_once_not_once_per_dossier() {
    let dir = three_dossiers_one_faulty_seance("once-per-file");
    let o = delib(&dir, &["check", "."]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.matches("erreur[quorum]").count(), 1, "{err}");
    assert_eq!(
        err.matches("avertissement[caractere-controle]").count(),
        1,
        "{err}"
    );
    assert!(
        err.ends_with("3 dossiers vérifiés : 1 erreur, 1 avertissement\n"),
        "{err}"
    );
    let o = delib(&dir, &["check", ".", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 2, "{v}");
    let o = delib(&dir, &["render", ".", "-o", "out", "--format", "md"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(err.matches("erreur[quorum]").count(), 1, "{err}");
    assert_eq!(
        err.matches("avertissement[caractere-controle]").count(),
        1,
        "{err}"
    );
}
