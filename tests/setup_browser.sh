#!/bin/sh
# Puts Chromium on the machine for the browser tests (tests/browser.py), when it can: as root
# with apt-get (Debian's package; nothing downloads a browser of its own). It never fails the
# build: without Chromium those tests are skipped with a message saying how to install it.
# `make test` runs it before pytest; once Chromium is there it returns at once.

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

has_chromium && exit 0

note="Ghi chú: chưa có chromium, các kiểm thử trình duyệt sẽ được bỏ qua (cài bằng: apt-get install chromium) — note: no chromium, browser tests will be skipped"

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "$note"
    exit 0
fi

echo "Đang cài chromium cho các kiểm thử trình duyệt — installing chromium for the browser tests"
log=$(mktemp)
limit=""
command -v timeout >/dev/null 2>&1 && limit="timeout 900"
if $limit apt-get update -qq >"$log" 2>&1 &&
    DEBIAN_FRONTEND=noninteractive $limit apt-get install -y -qq chromium >>"$log" 2>&1 &&
    has_chromium; then
    rm -f "$log"
    exit 0
fi
echo "$note ($(grep -v '^\s*$' "$log" | tail -n 1))"
rm -f "$log"
exit 0
