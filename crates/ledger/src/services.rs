//! Services and visits to vulnerable households, and the hours volunteers earn from them.
