"""Render and publish: papermill runs a report's notebook in a watched kernel, nbconvert writes the HTML,
the spreadsheets and manifest.json are written beside it in a staging folder, and the folder is swapped in
under the period's lock only when complete (files.py). run-all (batch.py) does many; runlog.py logs them."""
