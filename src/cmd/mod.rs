//! One module per subcommand; what they share is in `crate::engine`.

pub mod accuse;
pub mod check;
pub mod export;
pub mod help;
pub mod init;
pub mod publish;
pub mod render;
pub mod schema;
pub mod serve;
pub mod templates;

/// "3 dossiers vérifiés : 1 erreur, 2 avertissements".
pub fn summary_check(dossiers: usize, errors: usize, warnings: usize) -> String {
    let s = |n: usize| if n > 1 { "s" } else { "" };
    format!(
        "{dossiers} dossier{} vérifié{} : {errors} erreur{}, {warnings} avertissement{}",
        s(dossiers),
        s(dossiers),
        s(errors),
        s(warnings)
    )
}
