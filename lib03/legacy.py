"""Legacy Vietnamese 8-bit font encodings (TCVN3 and VNI-Windows) to Unicode.

Cells typed in `.VnTime` (TCVN3/ABC) or `VNI-Times` fonts reach us as mojibake once an
Excel reader decodes their bytes as cp1252: "Đảng viên" shows as ``§¶ng viªn`` (TCVN3) or
``Ñaûng vieân`` (VNI). `to_unicode` detects and repairs such cells and leaves everything
else untouched.

>>> to_unicode("§¶ng viªn")
'Đảng viên'
>>> to_unicode("Ñaûng vieân")
'Đảng viên'
>>> to_unicode("Đảng bộ xã Tân Phú")
'Đảng bộ xã Tân Phú'
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# --- Code tables -------------------------------------------------------------------------
# The 12 Vietnamese vowels, each with the tones none, huyền, sắc, hỏi, ngã, nặng; then đ.
_VOWELS = "aăâeêioôơuưy"
_TONE_MARKS = "\u0300\u0301\u0309\u0303\u0323"  # huyền, sắc, hỏi, ngã, nặng
_LOWER = [unicodedata.normalize("NFC", v + t) for v in _VOWELS for t in ("", *_TONE_MARKS)]
_LOWER.append("đ")

# TCVN 5712:1993 VN3, one byte per letter of _LOWER (row = vowel, columns = tones).
_TCVN3_LOWER = bytes.fromhex(
    "61 b5 b8 b6 b7 b9  a8 bb be bc bd c6  a9 c7 ca c8 c9 cb"  # a ă â
    "65 cc d0 ce cf d1  aa d2 d5 d3 d4 d6  69 d7 dd d8 dc de"  # e ê i
    "6f df e3 e1 e2 e4  ab e5 e8 e6 e7 e9  ac ea ed eb ec ee"  # o ô ơ
    "75 ef f3 f1 f2 f4  ad f5 f8 f6 f7 f9  79 fa fd fb fc fe"  # u ư y
    "ae"  # đ
)
# VN3 has capital codes only for the untoned Ă Â Ê Ô Ơ Ư Đ; toned capitals reuse the
# lower-case codes and only look capital in an upper-case font (.VnTimeH).
_TCVN3_CAPITALS = {"Ă": 0xA1, "Â": 0xA2, "Ê": 0xA3, "Ô": 0xA4, "Ơ": 0xA5, "Ư": 0xA6, "Đ": 0xA7}

# VNI-Windows: base letter + mark bytes, parallel to _LOWER. Every code here is >= 0xC0, so
# these Latin-1 characters are exactly what a cp1252 reader shows. Capitals are the same
# sequences upper-cased (VNI capital marks sit 0x20 below the lower-case ones).
_VNI_CODES = (
    "a aø aù aû aõ aï  aê aè aé aú aü aë  aâ aà aá aå aã aä  "
    "e eø eù eû eõ eï  eâ eà eá eå eã eä  i ì í æ ó ò  "
    "o oø où oû oõ oï  oâ oà oá oå oã oä  ô ôø ôù ôû ôõ ôï  "
    "u uø uù uû uõ uï  ö öø öù öû öõ öï  y yø yù yû yõ yî  ñ"
)
_VNI_LOWER = _VNI_CODES.split()


def _char(code: int) -> str:
    """The character a cp1252 reader shows for a legacy byte (latin-1 where cp1252 has none)."""
    try:
        return bytes([code]).decode("cp1252")
    except UnicodeDecodeError:
        return bytes([code]).decode("latin-1")


def _build() -> tuple[dict[str, str], dict[str, str], dict[str, str], dict[str, str]]:
    tcvn_enc, vni_enc = {}, {}
    for letter, code, vni in zip(_LOWER, _TCVN3_LOWER, _VNI_LOWER, strict=True):
        if letter.isascii():
            continue
        tcvn_enc[letter] = tcvn_enc[letter.upper()] = _char(code)
        vni_enc[letter], vni_enc[letter.upper()] = vni, vni.upper()
    tcvn_enc.update({cap: _char(code) for cap, code in _TCVN3_CAPITALS.items()})
    # Decoding: lower-case codes come back lower case; the seven capital codes as capitals.
    tcvn_dec = {v: k for k, v in tcvn_enc.items() if k.islower()}
    tcvn_dec.update({_char(code): cap for cap, code in _TCVN3_CAPITALS.items()})
    vni_dec = {v: k for k, v in vni_enc.items()}
    return tcvn_enc, tcvn_dec, vni_enc, vni_dec


_TCVN3_ENC, _TCVN3_DEC, _VNI_ENC, _VNI_DEC = _build()
_TCVN3_TRANS = str.maketrans(_TCVN3_DEC)
# Longest sequences first so "ôø" (ờ) wins over "ô" (ơ).
_VNI_SEQ = re.compile("|".join(sorted(map(re.escape, _VNI_DEC), key=len, reverse=True)))

# --- Cheap pre-checks --------------------------------------------------------------------
# Any character a legacy byte can show as (§ ¶ ª æ ø ñ ... and the Latin-1 vowels); a cell
# without one is returned before any scoring.
_HINT = re.compile(
    "["
    + re.escape("".join(sorted({c for s in (*_TCVN3_DEC, *_VNI_DEC) for c in s if c > "~"})))
    + "]"
)
# Characters only real Unicode Vietnamese has (ă đ ơ ư ạ ế ..., combining marks): such a
# cell is already Unicode and must not be touched.
_UNICODE_VIET = re.compile("[ăĂđĐĩĨũŨơƠưƯ\u1ea0-\u1ef9\u0300-\u036f]")

# --- Syllable scoring --------------------------------------------------------------------
# Lower-case letter -> (the letter without its tone, tone number 0-5 in _LOWER order).
_SPLIT = {c: (c, 0) for c in "bcdđghklmnpqrstvx"}
_SPLIT.update({c: (_VOWELS[i // 6], i % 6) for i, c in enumerate(_LOWER[:-1])})
_MODIFIED = "ăâêôơư"
# Onsets, with spelling rules that sharpen the test: ngh/gh/k only before i e ê (y), c/g/ng
# never there, qu never before o/u.
_ONSET = (
    "ngh(?=[ieê])|gh(?=[ieê])|k(?=[ieêy])|ng(?![ieê])|c(?![ieêy])|gi|g(?![eê])|qu(?![ou])"
    "|nh|ch|kh|ph|th|tr|[bdđhlmnprstvx]"
)
# Rhymes (vần) without tone: vowel cluster + coda.
_RHYMES = """a ai ao au ay ac ach am an ang anh ap at ăc ăm ăn ăng ăp ăt âc âm ân âng âp ât âu
ây e eo ec em en eng ep et ê êu êch êm ên ênh êp êt i ia iu ich im in inh ip it iêc iêm iên
iêng iêp iêt iêu yêm yên yêt yêu o oa oai oao oay oac oach oam oan oang oanh oap oat oăc oăm
oăn oăng oăt oe oeo oen oet oi oc om on ong op ot ô ôi ôc ôm ôn ông ôp ôt ơ ơi ơm ơn
ơp ơt u ua ui uc um un ung up ut uân uâng uât uây uê uêch uênh uy uya uych uyên uyêt uyn uynh
uyt uyu uôc uôi uôm uôn uông uôt uơ ư ưa ưi ưu ưc ưng ưm ưn ưt ươc ươi ươm ươn ương ươp ươt ươu y"""
_RHYME = "|".join(sorted(_RHYMES.split(), key=len, reverse=True))
_SYLLABLE = re.compile(
    f"(?:{_ONSET})?(?=(?:{_RHYME})\\Z)(?P<vowels>[{_VOWELS}]+)(?P<coda>[cghmnpt]*)"
)
# Frequent syllables of report text; they only break a TCVN3/VNI tie such as "Chæ thò",
# which reads "Chỉ thị" in VNI and "Chổ thũ" in TCVN3.
_COMMON_WORDS = """chỉ thị tịch đi thư tư vị chị chủ chưa ủy uỷ tổ tỉnh số tổng đảng viên
bộ chi xã ấp huyện phường người việc được thực hiện kiểm tra giám sát học tập làm theo gương
đạo đức hồ chí minh tháng năm ngày ghi chú nội dung tiết kiệm chống phí đã đăng ký nêu mẫu tốt
phát của và có không công cộng nông các cho những với trong đồng đơn cơ sở quả kết báo cáo ở"""
_COMMON = frozenset(_COMMON_WORDS.split())
# Word separators: whitespace, digits, ASCII and typographic punctuation (never letter codes).
_SEP = r"\s0-9!-/:-@\[-`{-~“”‘’–—…•"
_SEPARATORS, _WORD = re.compile(f"[{_SEP}]+"), re.compile(f"[^{_SEP}]+")


def _is_syllable(word: str) -> bool:
    """True when `word` is a well-formed Vietnamese syllable: onset + rhyme, one tone at
    most, only sắc/nặng on a stop coda (c ch p t), the tone on the vowel that carries it."""
    try:
        parts = [_SPLIT[c] for c in word.lower()]
    except KeyError:  # a character no Vietnamese word has (§, æ, ñ ...)
        return False
    toned = [(i, tone) for i, (_, tone) in enumerate(parts) if tone]
    m = _SYLLABLE.fullmatch("".join(base for base, _ in parts))
    if len(toned) > 1 or not m:
        return False
    where, tone = toned[0] if toned else (-1, 0)
    if m["coda"].endswith(("c", "ch", "p", "t")) and tone not in (2, 5):  # sắc, nặng
        return False
    if not toned:
        return True
    pos, vowels = where - m.start("vowels"), m["vowels"]
    modified = [i for i, v in enumerate(vowels) if v in _MODIFIED]
    if modified:  # người, tiền, tuổi: on the (last) modified vowel
        return pos == modified[-1]
    if m["coda"] or len(vowels) == 1:  # hoàng, tiếp: on the last vowel
        return pos == len(vowels) - 1
    if vowels in ("oa", "oe", "uy"):  # hoà/hòa, thuỷ/thủy: both styles are in use
        return pos in (0, 1)
    return pos == (1 if len(vowels) == 3 else 0)  # ngoài, khuỷu; của, mãi, nghĩa


def _score(text: str, picked: list[int]) -> tuple[int, int]:
    """(valid minus invalid syllables, common syllables) among the picked words of `text`."""
    words = _SEPARATORS.split(text)  # both decoders keep separators, so indexes line up
    score = common = 0
    for word in (words[i] for i in picked):
        cased = word.islower() or word.istitle() or word.isupper()  # not "tÊm"
        score += 1 if cased and _is_syllable(word) else -1
        common += word.lower() in _COMMON
    return score, common


def _caps(text: str) -> int:
    """How many ASCII letters `text` has if all are capitals, else 0."""
    letters = "".join(c for c in text if c.isascii() and c.isalpha())
    return len(letters) if letters.isupper() else 0


@lru_cache(maxsize=1 << 16)  # a pure function of its arguments; legacy labels recur
def _convert(text: str, encoding: str) -> str:
    if encoding == "tcvn3":
        # Toned capitals share the lower-case codes, so "B¸O" decodes as "BáO": a word whose
        # ASCII letters are capitals (two or more, or any in an all-capitals cell) is upper.
        least = 0 if _caps(text) > 1 else 1
        out = _WORD.sub(
            lambda m: m[0].upper() if _caps(m[0]) > least else m[0], text.translate(_TCVN3_TRANS)
        )
    elif encoding == "vni":
        out = _VNI_SEQ.sub(lambda m: _VNI_DEC[m.group()], text)
    else:
        raise ValueError(f"unknown legacy encoding {encoding!r} (use 'tcvn3' or 'vni')")
    return unicodedata.normalize("NFC", out)


# --- Public API --------------------------------------------------------------------------
# Labels and headers repeat across thousands of files: each distinct text is judged once.
@lru_cache(maxsize=1 << 16)
def detect_encoding(text: str) -> str | None:
    """'tcvn3', 'vni' or None (ordinary Unicode/ASCII text).

    A cell is converted only when decoding it makes its words better Vietnamese than they
    were: the syllable score must rise. Ties (e.g. "Hoà" vs VNI "Hồ") keep the text.

    >>> detect_encoding("Tæng sè"), detect_encoding("Toång soá"), detect_encoding("Tổng số")
    ('tcvn3', 'vni', None)
    """
    if text.isascii() or _UNICODE_VIET.search(text) or not _HINT.search(text):
        return None
    # Judge only the non-ASCII words (ASCII reads the same in every encoding), and not a lone
    # symbol such as "×" or "«": that is no word, whatever it decodes to.
    words = _SEPARATORS.split(text)
    picked = [i for i, w in enumerate(words) if not w.isascii() and (len(w) > 1 or w.isalpha())]
    base = max(_score(text, picked)[0], 0)
    scores = {enc: _score(_convert(text, enc), picked) for enc in ("tcvn3", "vni")}
    best = max(scores, key=scores.get)  # on a full tie TCVN3, the commoner one, wins
    return best if scores[best][0] > base else None


@lru_cache(maxsize=1 << 16)  # a pure function of the text, asked of every non-ASCII cell
def could_be_legacy(text: str) -> bool:
    """True when a cell holds characters a legacy byte shows as and nothing only Unicode
    Vietnamese has, so it may be legacy text that happens to read as valid Unicode
    (TCVN3 "Chi bé" for "Chi bộ"). The caller decides from the rest of the workbook.

    >>> could_be_legacy("Chi bé"), could_be_legacy("Chi bộ"), could_be_legacy("Chi bo")
    (True, False, False)
    """
    return not text.isascii() and not _UNICODE_VIET.search(text) and bool(_HINT.search(text))


def reads_better(text: str, encoding: str) -> bool:
    """For a cell that may be legacy text reading as valid Unicode by accident: does decoding
    give more common report words than it takes away? "Chi bé" → "Chi bộ" does; a real
    "Có" (→ "Cú") or "Lê Hà" does not, so typed Unicode beside legacy text is left alone.

    >>> reads_better("Chi bé", "tcvn3"), reads_better("Có", "tcvn3"), reads_better("Lê Hà", "tcvn3")
    (True, False, False)
    """
    def common(s: str) -> int:
        return sum(w in _COMMON for w in _SEPARATORS.split(s.lower()) if w)

    return common(_convert(text, encoding)) > common(text)


def to_unicode(text: str, encoding: str | None = None, *, upper: bool = False) -> str:
    """Convert legacy text to NFC Unicode. encoding None = detect; if nothing detected return
    text unchanged. upper=True (the cell's font is an upper-case TCVN3 font like .VnTimeH)
    returns the converted text upper-cased.

    >>> to_unicode("Êp 3", "tcvn3", upper=True)
    'ẤP 3'
    """
    if encoding is None:
        encoding = detect_encoding(text)
        if encoding is None:
            return text
    out = _convert(text, encoding)
    return out.upper() if upper else out


def from_unicode(text: str, encoding: str) -> str:
    """Unicode → the mojibake string a legacy-typed cell shows (inverse, used to build test
    data). For 'tcvn3', capitals with tones map to the lower-case codes (as typed with an H
    font).

    >>> from_unicode("Đảng viên", "tcvn3"), from_unicode("Đảng viên", "vni")
    ('§¶ng viªn', 'Ñaûng vieân')
    """
    table = {"tcvn3": _TCVN3_ENC, "vni": _VNI_ENC}.get(encoding)
    if table is None:
        raise ValueError(f"unknown legacy encoding {encoding!r} (use 'tcvn3' or 'vni')")
    return "".join(table.get(c, c) for c in unicodedata.normalize("NFC", text))


def is_upper_font(font_name: str | None) -> bool:
    """True for TCVN3 upper-case fonts: a name starting with '.Vn' and ending with 'H'.

    >>> is_upper_font(".VnTimeH"), is_upper_font(".VnTime"), is_upper_font(None)
    (True, False, False)
    """
    if not font_name:
        return False
    name = font_name.strip()
    return name[:3].lower() == ".vn" and len(name) > 4 and name.endswith("H")
