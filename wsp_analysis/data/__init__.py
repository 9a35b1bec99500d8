"""Read and check the tables: a partnership folder (partnership.yaml and one CSV per table) becomes a
validated Dataset, or a DataValidationError listing every problem (file, row as a spreadsheet counts, column,
value, rule). Nothing here computes a figure."""
