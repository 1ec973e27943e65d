//! Back ends: pure functions from the document model to bytes.

pub mod html;
pub mod pdf;
