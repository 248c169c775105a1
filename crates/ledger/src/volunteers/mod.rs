//! Volunteers (residents or members of partner organisations) and the organisations.
