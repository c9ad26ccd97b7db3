"""lib03 — tổng hợp báo cáo thực hiện Chỉ thị 03-CT/TW.

Data flows one way: raw → read → clean → match → tables → metrics → charts → report.
"""

__version__ = "0.1.0"
