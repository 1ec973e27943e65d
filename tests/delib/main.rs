//! Integration tests: one binary, a module per concern.

mod batch;
mod check;
mod common;
mod conformance;
mod errors;
mod export;
mod hostile;
mod legal;
mod messages;
mod outside;
mod paths;
mod pdf;
mod pierrefonds;
mod points;
mod prefecture;
mod publish;
mod readme;
mod render;
mod robust;
mod schema;
mod seance;
mod serve;
mod votes;
mod windows;
mod wording;
