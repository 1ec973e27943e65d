//! `delib serve`: a live preview of a folder's dossiers on the local machine.
//!
//! Everything is rendered in memory (nothing is ever written to disk), served
//! over a small HTTP/1.1 server on std::net, and rebuilt when a file the
//! dossiers read changes; open pages reload themselves through server-sent
//! events. A broken dossier shows its findings in place of its documents.

mod edit;
mod http;
mod server;
mod site;
mod watch;

use crate::cli::ServeArgs;
use crate::preview::pages::plural;
use server::Shared;
use site::Site;
use std::io::ErrorKind;
use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

/// Runs the command; returns the exit status (it only returns on an error).
pub fn run(args: &ServeArgs, quiet: bool) -> anyhow::Result<u8> {
    let folder = args.folder.clone();
    if !folder.exists() {
        anyhow::bail!("{} : répertoire introuvable", folder.display());
    }
    let addr = SocketAddr::new(args.bind, args.port);
    let listener = match TcpListener::bind(addr) {
        Ok(l) => l,
        Err(e) if e.kind() == ErrorKind::AddrInUse => {
            eprintln!(
                "erreur : le port {} est déjà utilisé sur {} (un autre delib serve ?)\n   = aide : choisissez un autre port, par exemple --port {}, ou --port 0 pour un port libre",
                args.port,
                args.bind,
                args.port.saturating_add(1)
            );
            return Ok(2);
        }
        Err(e) => {
            return Err(anyhow::Error::new(e).context(format!("impossible d'écouter sur {addr}")));
        }
    };
    let local = listener.local_addr()?;
    let loopback_only = args.bind.is_loopback();
    if !loopback_only {
        eprintln!(
            "attention : l'aperçu écoute sur {} : toute machine qui peut joindre ce poste pourra lire \
les dossiers servis, sans mot de passe ni chiffrement. N'utilisez --bind que sur un réseau de confiance.",
            args.bind
        );
    }
    let editing = if args.lecture_seule {
        edit::Editing {
            editor: None,
            port: local.port(),
            off: "La modification depuis le navigateur est désactivée (delib serve --lecture-seule).",
        }
    } else if !loopback_only && !args.modification_distante {
        edit::Editing {
            editor: None,
            port: local.port(),
            off: "La modification depuis le navigateur n'est offerte que sur ce poste (127.0.0.1) ; pour l'ouvrir aux autres postes, relancez delib serve avec --modification-distante.",
        }
    } else {
        edit::Editing {
            editor: Some(crate::edit::Editor::new(&folder)?),
            port: local.port(),
            off: "",
        }
    };
    if editing.editor.is_some() && !loopback_only {
        eprintln!(
            "attention : --modification-distante : toute machine qui peut joindre ce poste pourra aussi modifier les dossiers servis."
        );
    }
    let start = Instant::now();
    // Snapshot before the first build, as each rebuild does: a save made
    // while the site is being built (or before the watcher starts) is then
    // seen as a change, never folded into the snapshot unread.
    let snap = watch::Snapshot::take(&folder, &std::collections::BTreeSet::new());
    let site = Site::build_with(&folder, None, editing.editor.is_some());
    if !quiet {
        eprintln!(
            "{} prêt{} en {} ms",
            plural(site.len(), "dossier", "dossiers"),
            if site.len() > 1 { "s" } else { "" },
            start.elapsed().as_millis()
        );
        for line in site.failures() {
            eprintln!("  {}", crate::diag::for_terminal(&line));
        }
    }
    let url = format!("http://{local}/");
    eprintln!("Aperçu en direct : {url}  (Ctrl+C pour arrêter)");
    let shared = Arc::new(Shared::new(site, loopback_only, editing));
    {
        let shared = Arc::clone(&shared);
        std::thread::Builder::new()
            .name("surveillance".into())
            .spawn(move || watch_loop(&folder, &shared, snap, quiet))?;
    }
    if args.open {
        open_browser(&url);
    }
    server::accept(&listener, &shared);
    Ok(0)
}

/// Polls the files, rebuilds after a change, and wakes the event streams.
/// `snap` was taken before the site now served was built.
fn watch_loop(folder: &Path, shared: &Shared, mut snap: watch::Snapshot, quiet: bool) {
    let mut extra = shared.site().kept.extra_files.clone();
    snap.track(&extra);
    let mut waker = watch::Waker::new(folder);
    waker.track(&extra);
    if !quiet {
        eprintln!(
            "surveille {} ({})",
            plural(snap.len(), "fichier", "fichiers"),
            if waker.notified() {
                "prévenu par le système".to_owned()
            } else {
                format!("toutes les {} ms", watch::POLL.as_millis())
            }
        );
    }
    if snap.truncated {
        eprintln!(
            "attention : plus de {} fichiers sous {} ; seuls les premiers sont surveillés",
            watch::MAX_FILES,
            folder.display()
        );
    }
    loop {
        waker.wait();
        let now = watch::Snapshot::take(folder, &extra);
        if now == snap {
            continue;
        }
        let detected = Instant::now();
        let settled = watch::settle(folder, &extra, now);
        let changed = snap.changes(&settled);
        let previous = shared.site();
        let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            Site::build(folder, Some(&previous))
        }));
        drop(previous);
        let site = match built {
            Ok(site) => site,
            Err(_) => {
                eprintln!(
                    "erreur interne pendant la reconstruction ; l'aperçu précédent reste servi"
                );
                snap = settled;
                continue;
            }
        };
        if !quiet {
            let (fresh, reused, failed) = site.kept.counts;
            let first = changed.first().map_or_else(String::new, |p| {
                crate::diag::for_terminal(&p.display().to_string()).into_owned()
            });
            let more = if changed.len() > 1 {
                format!(
                    " (et {} autre{})",
                    changed.len() - 1,
                    if changed.len() > 2 { "s" } else { "" }
                )
            } else {
                String::new()
            };
            eprintln!(
                "modifié : {first}{more} → {} rendu{}, {} inchangé{}{} en {} ms",
                plural(fresh, "document", "documents"),
                if fresh > 1 { "s" } else { "" },
                reused,
                if reused > 1 { "s" } else { "" },
                if failed > 0 {
                    format!(", {} en erreur", plural(failed, "dossier", "dossiers"))
                } else {
                    String::new()
                },
                detected.elapsed().as_millis()
            );
            for line in site.failures() {
                eprintln!("  {}", crate::diag::for_terminal(&line));
            }
        }
        snap = settled;
        if site.kept.extra_files != extra {
            extra = site.kept.extra_files.clone();
            snap.track(&extra);
            waker.track(&extra);
        }
        shared.publish(site);
    }
}

/// Opens the URL in the default browser; a failure is only reported.
fn open_browser(url: &str) {
    let mut cmd = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    let spawned = cmd
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if spawned.is_err() {
        eprintln!("impossible d'ouvrir le navigateur ; ouvrez {url} vous-même");
    }
}
