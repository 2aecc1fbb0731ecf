"""The survey file readers behind :func:`jointworking.io.read_responses`, one module per job.

Each layout has a module of its own: wide CSV (:mod:`._wide`, the exact reader, row by
row), long CSV (:mod:`._long`), JSON (:mod:`._json`) and the exports of online form tools
(:mod:`._forms`, with one module per tool in :mod:`.forms`: adding a tool is adding a
file there). So do the jobs they share: where a file comes from (:mod:`._source`), how
its bytes are decoded (:mod:`._encodings`), the CSV dialect and header (:mod:`._csv`),
label and answer cells (:mod:`._labels`, :mod:`._cells`), spreadsheets
(:mod:`._spreadsheet`), mapping files (:mod:`._mapping`), question wordings
(:mod:`._questions`) and reading in chunks (:mod:`._chunks`).

Wide CSV files are read by the fastest reader that reads them exactly (:mod:`._route`):
pyarrow's (:mod:`._arrow`, with the ``fast`` extra), the standard library's column by
column (:mod:`._fast`), both through :mod:`._columns`, or else the exact reader. Nothing
here is public.
"""
