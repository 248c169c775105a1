//! Story: an office exports its register to Excel and CSV (being written).
