//! The pages of the live preview (`delib serve`) made from the documents
//! the engine keeps in memory: the index (`index`), and the frame of every
//! page the server writes itself, its error pages and a document as served
//! (`pages`), with their style and scripts. Pure: HTML in, HTML out; no
//! HTTP, no socket, no file read or written.

pub mod index;
pub mod pages;
