"""Least-privilege identity policies generated from the calls a principal made, as the
audit trail recorded them (in the manner of iamlive and Access Analyzer's policy generation)."""
