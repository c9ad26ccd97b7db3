#!/bin/sh
# Puts on the machine the programs some tests drive, when it can: Chromium for the browser
# tests (tests/browser.py) and LibreOffice Writer for opening the Word draft (soffice), as
# root with apt-get (Debian's packages; nothing downloads a program of its own). It never
# fails the build: without a program its tests are skipped with a message saying how to
# install it. `make test` runs it before pytest; once the programs are there it returns at once.

has_chromium() {
    if [ -n "${LIB03_CHROMIUM:-}" ]; then
        command -v "$LIB03_CHROMIUM" >/dev/null 2>&1
        return
    fi
    for name in chromium chromium-browser google-chrome google-chrome-stable chrome; do
        command -v "$name" >/dev/null 2>&1 && return 0
    done
    [ -x /usr/lib/chromium/chromium ]
}

has_soffice() {
    command -v soffice >/dev/null 2>&1
}

has_pdftoppm() {
    command -v pdftoppm >/dev/null 2>&1
}

updated=""

# ensure CHECK PACKAGE WHAT: install PACKAGE with apt-get unless CHECK already succeeds.
ensure() {
    "$1" && return 0
    note="Ghi chú: chưa có $2, các kiểm thử $3 sẽ được bỏ qua (cài bằng: apt-get install $2) — note: no $2, those tests will be skipped"
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        echo "$note"
        return 0
    fi
    echo "Đang cài $2 cho các kiểm thử $3 — installing $2 for the tests"
    log=$(mktemp)
    limit=""
    command -v timeout >/dev/null 2>&1 && limit="timeout 900"
    if { [ -n "$updated" ] || $limit apt-get update -qq >"$log" 2>&1; } &&
        DEBIAN_FRONTEND=noninteractive $limit apt-get install -y -qq "$2" >>"$log" 2>&1 &&
        "$1"; then
        updated=1
        rm -f "$log"
        return 0
    fi
    echo "$note ($(grep -v '^\s*$' "$log" | tail -n 1))"
    rm -f "$log"
    return 0
}

ensure has_chromium chromium "trình duyệt"
ensure has_soffice libreoffice-writer-nogui "mở dự thảo báo cáo bằng LibreOffice"
ensure has_pdftoppm poppler-utils "xem trang đầu của dự thảo"
exit 0
