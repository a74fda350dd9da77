"""Verbs that are no single stage: `sftflow run` (what the file's mode says) and `sftflow config`."""
