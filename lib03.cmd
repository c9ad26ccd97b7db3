@echo off
rem lib03 (Windows): bấm đúp để làm sạch số liệu trong data\raw và viết báo cáo.
rem Lần đầu: tạo môi trường Python trong .venv và cài lib03 (cần Python 3.11 và mạng).
chcp 65001 >nul
setlocal
cd /d "%~dp0"
if not exist ".venv\Scripts\python.exe" (
  echo Lần chạy đầu: đang tạo môi trường Python trong .venv ...
  py -3 -m venv .venv 2>nul || python -m venv .venv
  if not exist ".venv\Scripts\python.exe" (
    echo Không tìm thấy Python 3.11. Hãy cài Python từ python.org, đánh dấu "Add python.exe to PATH", rồi bấm đúp lại.
    pause
    exit /b 1
  )
  ".venv\Scripts\python.exe" -m pip install --upgrade pip
  ".venv\Scripts\python.exe" -m pip install -e ".[dev]"
  if errorlevel 1 (
    echo Cài đặt không xong. Kiểm tra kết nối mạng rồi xoá thư mục .venv và bấm đúp lại.
    pause
    exit /b 1
  )
)
".venv\Scripts\python.exe" -m lib03 report --open %*
if errorlevel 1 (
  echo.
  echo Chương trình dừng vì lỗi ở trên. Sửa theo hướng dẫn rồi bấm đúp lại.
)
pause
