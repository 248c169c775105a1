//! The data of the printed activity sheets, read from the register; `activity_sheets` draws it.
