//! Fuzz and replay harnesses (filled in by the fuzz work).
