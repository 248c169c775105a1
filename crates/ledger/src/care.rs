//! Care list: households with care needs and the days since their last visit.
