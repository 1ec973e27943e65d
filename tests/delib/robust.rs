//! No input, however malformed, makes `check` or `render` panic: the example
//! dossiers are mutated many times (deterministic LCG) and rendered in-process.

use crate::common::{root, temp_dir};
use delib::build::Format;

struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const SNIPPETS: [&str; 24] = [
    "\"",
    "[",
    "]",
    "=",
    "\n",
    "{",
    "}",
    "'''",
    "\"\"\"",
    "2016-02-30",
    "-1",
    "99999999999",
    "<div class=\"signature\">",
    "</div>",
    "{{ x }}",
    "{% if %}",
    "**",
    "# ",
    "| a | b |\n|---|\n",
    "[deliberation.vote]\npour = 3\ncontre = 4\n",
    "unanimite = true\n",
    "presents = 3\n",
    "é\u{202f}œ€",
    "\\",
];

fn mutate(text: &str, rng: &mut Lcg) -> String {
    let mut s = text.to_owned();
    for _ in 0..=rng.below(3) {
        let mut at = rng.below(s.len() + 1);
        while !s.is_char_boundary(at) {
            at -= 1;
        }
        match rng.below(4) {
            0 => s.insert_str(at, SNIPPETS[rng.below(SNIPPETS.len())]),
            1 => {
                let mut end = (at + rng.below(40)).min(s.len());
                while !s.is_char_boundary(end) {
                    end -= 1;
                }
                s.replace_range(at..end, "");
            }
            2 => {
                let line = s
                    .lines()
                    .nth(rng.below(s.lines().count()))
                    .unwrap_or("")
                    .to_owned();
                s.insert_str(at, &format!("\n{line}\n"));
            }
            _ => s.truncate(at),
        }
    }
    s
}

#[test]
fn mutated_dossiers_never_panic() {
    let examples = [
        "inputs/dijon/convention-pep21.toml",
        "inputs/alsace/soutien-parentalite.toml",
        "inputs/ivry-sur-seine/cmpp-college-moliere.toml",
    ];
    let dir = temp_dir("robust");
    std::fs::write(dir.join("delib.toml"), "[collectivite]\nnom = \"Test\"\n").unwrap();
    let mut rng = Lcg(0x5eed);
    let rounds = if cfg!(debug_assertions) { 60 } else { 300 };
    let (mut ok, mut refused) = (0, 0);
    for example in examples {
        let original = std::fs::read_to_string(root().join(example)).unwrap();
        for _ in 0..rounds {
            let text = mutate(&original, &mut rng);
            let path = dir.join("d.toml");
            std::fs::write(&path, &text).unwrap();
            let formats = [Format::Md, Format::Html, Format::Pdf];
            if let Ok(loaded) = delib::load::load(&path) {
                for d in delib::check::check(&loaded) {
                    let _ = (d.render(), d.to_json());
                }
            }
            let mut project = delib::engine::Project::load(std::slice::from_ref(&path)).unwrap();
            project.check_all();
            let result = match project.units.first() {
                Some(u) => project.render_unit(u, &formats, delib::manifest::Hash::default()),
                None => Err(project.findings.clone()),
            };
            match result {
                Ok(_) => ok += 1,
                Err(diags) => {
                    assert!(!diags.is_empty());
                    for d in &diags {
                        let _ = d.render();
                    }
                    refused += 1;
                }
            }
        }
    }
    // Both paths must have been exercised for the test to mean anything.
    assert!(ok > 0 && refused > 0, "ok={ok} refused={refused}");
}
