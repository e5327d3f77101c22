//! Integration tests of the procedure search on a catalog of real Vietnamese procedures.

mod build;
mod filters;
mod fixture;
mod queries;
mod suggest;
