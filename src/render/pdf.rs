//! PDF back end.
