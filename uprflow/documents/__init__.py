"""Documents built from the ledger: the implementation matrix (XLSX, CSV) and the mid-term
report (DOCX, HTML).

:mod:`~uprflow.documents.matrix_rows` folds a cycle's events into matrix rows (pure);
:mod:`~uprflow.documents.matrix` reads the ledger and renders the matrix;
:mod:`~uprflow.documents.midterm` gathers the mid-term report (``content``), draws its chart
and renders it (``render_docx``, ``render_html``); :mod:`~uprflow.documents.dates` says what
"as of a day" means.
"""
