"""NHS ODS files -> a dataset document: reading the releases, organisations, parent links and
successions, and the YAML document."""
