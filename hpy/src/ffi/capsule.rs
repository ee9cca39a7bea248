//! Capsules (filled below).
