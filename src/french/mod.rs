//! French wording and typography: dates, times, numbers and amounts in figures
//! and in words, typographic spaces and apostrophes, and the typography lint.
//!
//! Pure functions only: no I/O, no dependency beyond `std`.

mod date;
mod geo;
mod number;
mod typo;

pub use date::{Date, MOIS, date_avec_jour, date_en_lettres, date_longue, heure};
pub use geo::{DEPARTEMENTS, code_departement, de, du_departement};
pub use number::{
    Orthographe, est_nombre_en_lettres, grouper, montant_en_chiffres, montant_en_lettres,
    nombre_en_lettres,
};
pub use typo::{Lint, keeps_hyphens, lint, ordinaux, typographie};
