//! Integration tests for the file-system boundary: scanning, loading and checking real
//! folders built in a temporary directory.

mod check;
mod crash;
mod notes;
mod search;
