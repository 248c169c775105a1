//! The hours ledger (志愿服务记录): entries, review, corrections, reports.
