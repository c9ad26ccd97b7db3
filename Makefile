# lib03 — gõ `make` để xem danh sách lệnh.
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PERIOD ?=

.PHONY: help report clean test lint demo clean-data bench

help: ## Hiện danh sách lệnh
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

report: $(STAMP) ## Làm sạch dữ liệu trong data/raw và viết báo cáo vào reports/<kỳ>/
	$(BIN)/lib03 report $(if $(PERIOD),--period $(PERIOD),)

clean: $(STAMP) ## Chỉ làm sạch: data/raw → data/processed
	$(BIN)/lib03 clean

test: $(STAMP) ## Chạy toàn bộ bộ kiểm thử (cài chromium và LibreOffice Writer nếu thiếu, để thử báo cáo)
	@sh tests/setup_programs.sh
	$(BIN)/python -m pytest

lint: $(STAMP) ## Kiểm tra mã nguồn bằng ruff
	$(BIN)/ruff check lib03 tests

demo: $(STAMP) ## Viết lại dữ liệu mẫu (huyện giả định) vào data/raw
	$(BIN)/lib03 demo --out data/raw

bench: $(STAMP) ## Đo tốc độ (lâu, ~30 phút; BENCH_ARGS=--quick để đo nhanh), ghi vào BENCHMARKS.md
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

clean-data: ## Xoá dữ liệu đã xử lý và báo cáo (không đụng tới data/raw)
	find data/processed -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
	find reports -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
