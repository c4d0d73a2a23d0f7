"""Data shipped with the package, with its provenance (see PROVENANCE.md)."""
