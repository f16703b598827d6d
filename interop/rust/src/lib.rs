//! midnight-interop: an independent implementation of the midnight protocol's wire
//! encoding, hashing, signatures, membership and quorum, block building, ECVRF, selection
//! and reconciliation estimates, written from spec/ alone.
pub mod block;
pub mod codec;
pub mod hash;
pub mod json;
pub mod membership;
pub mod node;
pub mod mutant;
pub mod reconcile;
pub mod selection;
pub mod sig;
pub mod sketch;
pub mod vrf;
