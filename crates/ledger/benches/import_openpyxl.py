"""Anchor for the import benchmark: what a quick Python script does with the same workbook.

Reads the .xlsx with openpyxl (read-only mode, the fast path) and inserts every row into a
sqlite3 table in one transaction, with no validation at all. Prints the seconds it took.
Usage: python3 import_openpyxl.py FILE.xlsx OUT.db
"""
import sqlite3
import sys
import time

import openpyxl

start = time.perf_counter()
workbook = openpyxl.load_workbook(sys.argv[1], read_only=True)
sheet = workbook.worksheets[0]
rows = sheet.iter_rows(values_only=True)
header = next(rows)
db = sqlite3.connect(sys.argv[2])
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA synchronous=FULL")
columns = ", ".join(f"c{i}" for i in range(len(header)))
db.execute(f"CREATE TABLE residents ({columns})")
marks = ", ".join("?" for _ in header)
with db:
    db.executemany(f"INSERT INTO residents VALUES ({marks})", ([None if v is None else str(v) for v in row] for row in rows))
db.close()
print(f"{time.perf_counter() - start:.3f}")
