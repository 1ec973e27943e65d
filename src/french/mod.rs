//! French wording and typography.
