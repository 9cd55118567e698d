//! Generated protocol types.

// Negative: generated code carries a group allow.
#[allow(clippy::all)]
pub mod proto {
    #[derive(Debug, Clone, PartialEq)]
    pub struct Ping {
        pub seq: u64,
    }
}
