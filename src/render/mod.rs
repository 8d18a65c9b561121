//! Renderers: write a resolved catalogue for people (tables) and programs (CSV, JSON).
//! Renderers never validate; they write what they are given.

pub mod csv;
pub mod json;
