//! Integration tests: one binary, a module per concern.

mod common;
mod errors;
mod render;
mod robust;
