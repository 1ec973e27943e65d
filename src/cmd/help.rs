//! `delib help`, `delib man` and `delib completions`: the command line
//! described to a person, to `man` and to a shell, all from the parser
//! (`cli::command`), so they never disagree with it.

use crate::cli::{CompletionsArgs, HelpArgs, ManArgs, Shell};
use std::io::Write as _;

/// `delib help [COMMANDE]…`: the help `delib COMMANDE --help` prints.
pub fn help(args: &HelpArgs) -> anyhow::Result<u8> {
    match crate::cli::find(&args.command) {
        Ok(mut cmd) => {
            let text = cmd.render_help().to_string();
            print!("{}", crate::diag::for_terminal(&text));
            Ok(0)
        }
        Err((name, names)) => {
            let msg = crate::cli::unknown_command(&name, &names, "delib help");
            eprint!("{}", crate::diag::for_terminal(&msg));
            Ok(2)
        }
    }
}

/// `delib man [COMMANDE]…`: the manual page, in roff, in French.
pub fn man(args: &ManArgs) -> anyhow::Result<u8> {
    let cmd = match crate::cli::find(&args.command) {
        Ok(cmd) => cmd,
        Err((name, names)) => {
            let msg = crate::cli::unknown_command(&name, &names, "delib man --help");
            eprint!("{}", crate::diag::for_terminal(&msg));
            return Ok(2);
        }
    };
    let page = manual_page(cmd, &args.command)?;
    std::io::stdout().write_all(&page)?;
    Ok(0)
}

/// The page of `cmd`, found at `path` under delib (`delib-export-scdl(1)`).
/// clap_mangen writes its section headings in English: they are put in
/// French here, and the page's other words come from our French help texts.
pub fn manual_page(cmd: clap::Command, path: &[String]) -> anyhow::Result<Vec<u8>> {
    let title = std::iter::once("delib")
        .chain(path.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join("-");
    let cmd = cmd.name(title.clone()).bin_name(title.replace('-', " "));
    let man = clap_mangen::Man::new(cmd)
        .title(title.to_uppercase())
        .section("1")
        .manual("Manuel de delib")
        .source(format!("delib {}", env!("CARGO_PKG_VERSION")));
    let mut page = Vec::new();
    man.render(&mut page)?;
    let page = String::from_utf8(page)?;
    let mut out = String::with_capacity(page.len());
    for line in page.lines() {
        let line = if line.starts_with(".TH ") {
            // The date left empty, as an argument of its own.
            format!(
                ".TH {} 1 \"\" \"delib {}\" \"Manuel de delib\"",
                title.to_uppercase(),
                env!("CARGO_PKG_VERSION")
            )
        } else if let Some(heading) = line.strip_prefix(".SH ") {
            let heading = match heading {
                "NAME" => "NOM",
                "EXTRA" => "COMPLÉMENTS",
                "Commandes" | "Exports" => "COMMANDES",
                other => other,
            };
            format!(".SH {heading}")
        } else {
            // « delib \- delib : rédige… »: the name once.
            line.replacen("delib \\- delib : ", "delib \\- ", 1)
        };
        out.push_str(&line);
        out.push('\n');
    }
    Ok(out.into_bytes())
}

/// `delib completions SHELL`: the completion script on standard output.
pub fn completions(args: &CompletionsArgs) -> anyhow::Result<u8> {
    std::io::stdout().write_all(&completion_script(args.shell))?;
    Ok(0)
}

/// The completion script of `delib` for `shell`.
pub fn completion_script(shell: Shell) -> Vec<u8> {
    use clap_complete::Shell as S;
    let shell = match shell {
        Shell::Bash => S::Bash,
        Shell::Zsh => S::Zsh,
        Shell::Fish => S::Fish,
        Shell::Powershell => S::PowerShell,
    };
    let mut cmd = crate::cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "delib", &mut out);
    out
}
