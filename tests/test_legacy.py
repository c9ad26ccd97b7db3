"""Tests for lib03.legacy: TCVN3 / VNI mojibake to Unicode."""

import unicodedata

import pytest

from lib03 import legacy

TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
LOWER = [unicodedata.normalize("NFC", v + t) for v in "aăâeêioôơuưy" for t in TONES] + ["đ"]
LETTERS = LOWER + [c.upper() for c in LOWER]
ENCODINGS = ("tcvn3", "vni")

PHRASES = [
    "Tổng số đảng viên",
    "Số đảng viên đã đăng ký nêu gương, gương mẫu thực hiện",
    "Số gương người tốt, việc tốt được phát hiện",
    "Kiểm tra, giám sát",
    "Chi bộ ấp Phước Lợi",
    "Đảng bộ xã Tân Phú",
    "Nội dung thực hành tiết kiệm, chống lãng phí, phòng chống tham nhũng",
    "Học tập và làm theo tấm gương đạo đức Hồ Chí Minh",
    "Tháng 6 năm 2014",
    "Ngày thực hiện",
    "Ghi chú",
    "Chỉ thị 03-CT/TW",
    "Ban Thường vụ Huyện ủy, Ban chỉ đạo",
    "BÁO CÁO KẾT QUẢ THỰC HIỆN",
]
# TCVN3 "Ghi chó" is itself correct Unicode ("Ghi chó"), so detection rightly leaves it.
AMBIGUOUS = {("tcvn3", "Ghi chú")}

KNOWN = [
    ("tcvn3", "§¶ng viªn", "Đảng viên"),
    ("tcvn3", "Tæng sè", "Tổng số"),
    ("tcvn3", "Hå ChÝ Minh", "Hồ Chí Minh"),
    ("tcvn3", "®¶ng bé", "đảng bộ"),
    ("tcvn3", "kiÓm tra", "kiểm tra"),
    ("tcvn3", "gi¸m s¸t", "giám sát"),
    ("tcvn3", "häc tËp", "học tập"),
    ("tcvn3", "ChØ thÞ", "Chỉ thị"),
    ("vni", "Ñaûng vieân", "Đảng viên"),
    ("vni", "Toång soá", "Tổng số"),
    ("vni", "Hoà Chí Minh", "Hồ Chí Minh"),
    ("vni", "kieåm tra", "kiểm tra"),
    ("vni", "giaùm saùt", "giám sát"),
    ("vni", "hoïc taäp", "học tập"),
    ("vni", "Chæ thò", "Chỉ thị"),
    ("vni", "ñaûng boä", "đảng bộ"),
]

UNCHANGED = [
    "Đảng bộ xã Tân Phú",
    "Số đảng viên",
    unicodedata.normalize("NFD", "Số đảng viên"),
    unicodedata.normalize("NFD", "Tân Phú"),
    "Tân Phú",
    "Ghi chú",
    "Hoà Chí Minh",  # valid Unicode (old-style tone) even though it is also VNI for "Hồ"
    "Kiểm tra, giám sát",
    "Total party members",
    "café",
    "Hôtel",
    "Crème brûlée",
    "naïve façade",
    "München",
    "Straße",
    "« Tên »",
    "© 2014",
    "12",
    "01/06/2014",
    "1.234,5",
    "x",
    "✓",
    "×",  # a tick mark, though byte 0xD7 is TCVN3 "ì"
    "Có ×",
    "85%",
    "25 đ/c",
    "",
]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_tables_cover_every_letter(encoding):
    assert len(LETTERS) == 146 and len(set(LETTERS)) == 146
    legacy_forms = {legacy.from_unicode(ch, encoding) for ch in LOWER}
    assert len(legacy_forms) == len(LOWER)  # no two letters share a code


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("letter", LETTERS)
def test_letter_round_trip(letter, encoding):
    encoded = legacy.from_unicode(letter, encoding)
    decoded = legacy.to_unicode(encoded, encoding)
    if encoding == "tcvn3" and letter.isupper():
        # Toned capitals share the lower-case code in TCVN3; an H font makes them capital.
        assert decoded.casefold() == letter.casefold()
        assert legacy.to_unicode(encoded, encoding, upper=True) == letter
    else:
        assert decoded == letter


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_legacy_bytes_in_cp1252_range(encoding):
    # Every legacy form is made of single bytes: cp1252 encodes it back without loss.
    for letter in LETTERS:
        legacy.from_unicode(letter, encoding).encode("cp1252")


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("phrase", PHRASES)
def test_phrase_round_trip_with_detection(phrase, encoding):
    encoded = legacy.from_unicode(phrase, encoding)
    assert encoded != phrase
    assert legacy.to_unicode(encoded, encoding) == phrase
    if (encoding, phrase) in AMBIGUOUS:
        assert legacy.to_unicode(encoded) == encoded
        return
    assert legacy.detect_encoding(encoded) == encoding
    assert legacy.to_unicode(encoded) == phrase


@pytest.mark.parametrize(("encoding", "mojibake", "expected"), KNOWN)
def test_known_samples(encoding, mojibake, expected):
    assert legacy.to_unicode(mojibake, encoding) == expected
    assert legacy.from_unicode(expected, encoding) == mojibake


# VNI "Hoà Chí Minh" is also valid Unicode (old-style tone), so it is in UNCHANGED instead.
@pytest.mark.parametrize(
    ("encoding", "mojibake", "expected"), [k for k in KNOWN if k[1] != "Hoà Chí Minh"]
)
def test_known_samples_detected(encoding, mojibake, expected):
    assert legacy.detect_encoding(mojibake) == encoding
    assert legacy.to_unicode(mojibake) == expected


def test_upper_font_text():
    # Typed in lower case with .VnTimeH, shown in capitals.
    assert legacy.to_unicode("tæng sè ®¶ng viªn", upper=True) == "TỔNG SỐ ĐẢNG VIÊN"
    # Typed with caps lock: toned letters still use lower-case codes.
    assert legacy.to_unicode("B¸O C¸O KÕT QU¶") == "BÁO CÁO KẾT QUẢ"
    assert legacy.to_unicode("TØnh QU¶NG NAM") == "Tỉnh QUẢNG NAM"


def test_result_is_nfc():
    text = legacy.to_unicode("Toång soá ñaûng vieân")
    assert text == unicodedata.normalize("NFC", text) == "Tổng số đảng viên"


@pytest.mark.parametrize("text", UNCHANGED)
def test_unchanged(text):
    assert legacy.detect_encoding(text) is None
    assert legacy.to_unicode(text) is text


def test_unknown_encoding():
    with pytest.raises(ValueError):
        legacy.to_unicode("abc", "utf-7")
    with pytest.raises(ValueError):
        legacy.from_unicode("abc", "cp1258")


@pytest.mark.parametrize(
    ("font", "expected"),
    [
        (".VnTimeH", True),
        (".VnArialH", True),
        (".VnCentury SchoolbookH", True),
        (".VnAvantH", True),
        (".VnBodoniH", True),
        (".VnHelvetInsH", True),
        (" .VnTimeH ", True),
        (".VnTime", False),
        (".VnArial", False),
        ("VNI-Times", False),
        ("Times New Roman", False),
        ("Arial", False),
        ("", False),
        (None, False),
    ],
)
def test_is_upper_font(font, expected):
    assert legacy.is_upper_font(font) is expected
