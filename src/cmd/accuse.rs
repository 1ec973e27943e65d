//! `delib accuse-reception`: the préfecture's acknowledgments recorded into
//! the dossiers they name. Parses its arguments, asks `publish::reception`
//! to record them, and prints what it did.

use crate::cli::AccuseArgs;
use crate::publish::reception::{self, ReceptionOptions};

/// Runs the command; returns the exit status.
pub fn run(args: &AccuseArgs, quiet: bool) -> anyhow::Result<u8> {
    let options = ReceptionOptions {
        files: args.fichiers.clone(),
        folder: args.dossiers.clone(),
    };
    let r = reception::record_all(&options, quiet, &mut |t: &str| eprint!("{t}"))?;
    let (recorded, already, refused) = (r.recorded, r.already, r.refused);
    if !quiet {
        let s = |n: usize| if n > 1 { "s" } else { "" };
        eprintln!(
            "{recorded} accusé{} de réception inscrit{}, {already} déjà inscrit{}, {refused} refusé{}",
            s(recorded),
            s(recorded),
            s(already),
            s(refused)
        );
        if recorded > 0 {
            eprintln!(
                "ensuite : delib render imprime la mention exécutoire des actes publiés ; \
                 delib export actes ne refait plus leur paquet"
            );
        }
    }
    Ok(u8::from(refused > 0))
}
