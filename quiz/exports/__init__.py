"""Writers for exports: plain tables (`tables.Sheet`) to .xlsx or CSV bytes.

Pure Python and openpyxl: no Flask, no SQLAlchemy. Services build the sheets; views and
commands send or save what these write.
"""
