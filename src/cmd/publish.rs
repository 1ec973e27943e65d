//! `delib publish`: the static website of the published acts. Parses its
//! arguments, asks `publish::sink` to publish, and prints what it did.

use crate::cli::PublishArgs;
use crate::publish::sink::{self, Outcome, PublishOptions};

/// Runs the command; returns the exit status.
pub fn run(args: &PublishArgs, quiet: bool) -> anyhow::Result<u8> {
    let options = PublishOptions {
        folder: args.folder.clone(),
        output: args.output.clone(),
        url: args.url.clone(),
        today: crate::publish::today(args.date.as_deref())?,
        force: args.force,
    };
    let mut say = |text: &str| eprint!("{text}");
    let r = match sink::publish(&options, quiet, &mut say)? {
        Outcome::Refused => return Ok(1),
        Outcome::Published(r) => r,
    };
    if !quiet {
        let s = |n: usize| if n > 1 { "s" } else { "" };
        eprintln!(
            "{} : {} acte{} en ligne ({} fichier{} écrit{}, {} inchangé{}, {} retiré{}) ; \
             non publiés : {} projet{}, {} sans date de publication, {} à venir",
            args.output.display(),
            r.online,
            s(r.online),
            r.written,
            s(r.written),
            s(r.written),
            r.unchanged,
            s(r.unchanged),
            r.removed,
            s(r.removed),
            r.drafts,
            s(r.drafts),
            r.unpublished,
            r.future,
        );
    }
    Ok(0)
}
