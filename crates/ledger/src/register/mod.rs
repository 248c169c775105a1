//! The register itself: 网格 → 楼栋 → 单元 → 户 and the residents in them, their search, the
//! Excel import, exports and the printed roster.

pub mod export;
pub mod hierarchy;
pub mod households;
pub mod import;
pub mod model;
pub mod residents;
pub mod roster;
pub mod search;
