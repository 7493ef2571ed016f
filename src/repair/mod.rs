//! Repair (under construction)
pub mod bidi;
pub mod nfc;
