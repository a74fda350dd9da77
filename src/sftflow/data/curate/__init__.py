"""Data curation: each step reads dataset files and writes a new one plus a json report.

dedup.dedup_file                       exact + near (MinHash LSH) duplicates, first occurrence kept
contamination.check_contamination      train/eval overlap; optionally a train file without it
filters.filter_file                    rule-based filters (lengths, empty fields, regex, SQL that runs)
stats.dataset_stats                    length histogram (PNG), field sizes, duplicates, truncation
"""
