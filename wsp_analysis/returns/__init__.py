"""Agency returns: the spreadsheet template each agency fills in (template.py), reading a filled return
(reader.py, records.py), importing it into a partnership folder under the lock with the old files kept in
.history/ (importer.py), and new-partnership's folder (scaffold.py)."""
