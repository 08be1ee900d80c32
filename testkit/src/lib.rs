//! Support for Fyr's tests and benchmarks, kept out of the hub's library so
//! that production code carries none of it: [`netem`], a TCP proxy on
//! 127.0.0.1 that emulates a poor network, and [`benchkit`], the building
//! blocks of `fyr-bench sync`.

pub mod benchkit;
pub mod netem;
