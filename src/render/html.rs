//! HTML back end.
