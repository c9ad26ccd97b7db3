"""lib03 — tổng hợp báo cáo thực hiện Chỉ thị 03-CT/TW.

Data flows one way: raw → ingest → processed tables → report (docs/cau_truc.md).
"""

import os

__version__ = "0.1.0"

# Same inputs, same bytes: openpyxl writes an .xlsx differently when lxml is installed (which
# python-docx brings), so lib03's workbooks, templates and sample data would depend on what
# else is installed. Its own writer is used unless the caller asked otherwise; this must be
# set before openpyxl is first imported, hence here.
os.environ.setdefault("OPENPYXL_LXML", "False")
