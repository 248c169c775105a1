//! Story: printing (in progress).
