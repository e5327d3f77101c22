//! The motcua application: configuration, start-up (migrate, first-start data) and the
//! servers, shared by the binary and its integration tests.

pub mod calendar;
pub mod cli;
pub mod config;
pub mod logging;
pub mod startup;
