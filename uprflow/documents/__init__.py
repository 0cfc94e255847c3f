"""Documents built from the ledger: the implementation matrix (XLSX, CSV) and the mid-term
report (DOCX, HTML).

:mod:`~uprflow.documents.matrix_rows` folds a cycle's events into matrix rows (pure);
:mod:`~uprflow.documents.matrix` and :mod:`~uprflow.documents.midterm` read the ledger and
render the files.
"""
