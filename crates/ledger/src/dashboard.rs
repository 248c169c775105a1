//! The dashboard (start page): counts, this month, charts data, what is overdue.
