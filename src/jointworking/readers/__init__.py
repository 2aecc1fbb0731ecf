"""The survey file readers behind :func:`jointworking.io.read_responses`, one module per job.

Each layout has a module of its own (:mod:`._wide`, :mod:`._long`, :mod:`._json`), as do
the jobs they share: where the file comes from (:mod:`._source`), how its bytes are
decoded (:mod:`._encodings`), the CSV dialect and header (:mod:`._csv`), the label and
answer cells (:mod:`._labels`, :mod:`._cells`) and reading in chunks (:mod:`._chunks`).
A new layout is a new module here. Nothing in this package is public: read files with
:func:`jointworking.io.read_responses`.
"""
