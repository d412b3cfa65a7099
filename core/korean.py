"""Korean particles chosen by the word they follow (issue 14): 은/는, 이/가, 을/를, 과/와, 으로/로 depend on whether
the last syllable, as it is read aloud, ends in a consonant (batchim). Digits and Latin letters are read the
Korean way: "-0001" is read 일, so "-0001을"; "KIAT" ends in 티, so "KIAT는"; "10" is 십, so "10을".

Translations write a particle after a value they cannot know as a marker, "%(name)s은(는)"; `resolve` turns
each marker into the right particle once the value is in the text. Where the last sound cannot be told (a
symbol, an empty value), the marker stays as written, which a Korean reader still understands.
"""

from __future__ import annotations

import re

# (after a final consonant, after a vowel): the marker forms translations use, both orders
_PAIRS = {
    "은(는)": ("은", "는"),
    "는(은)": ("은", "는"),
    "이(가)": ("이", "가"),
    "가(이)": ("이", "가"),
    "을(를)": ("을", "를"),
    "를(을)": ("을", "를"),
    "과(와)": ("과", "와"),
    "와(과)": ("과", "와"),
    "(으)로": ("으로", "로"),
    "(이)라는": ("이라는", "라는"),
    "(이)나": ("이나", "나"),
}
_MARKER = re.compile("|".join(re.escape(marker) for marker in sorted(_PAIRS, key=len, reverse=True)))
# closing quotes and brackets are not read: “계획”이 reads as 계획이
_SILENT = set("”’\"')]」』》〉")

# The final consonant index (0 = none, 8 = ㄹ) of each digit and letter as Korean reads it.
_RIEUL = 8
_DIGITS = {
    "0": 21,
    "1": 8,
    "2": 0,
    "3": 16,
    "4": 0,
    "5": 0,
    "6": 1,
    "7": 8,
    "8": 8,
    "9": 0,
}  # 영 일 이 삼 사 오 육 칠 팔 구
_POWERS = {1: 17, 2: 1, 3: 4, 4: 4}  # 십 백 천 만: the place a number ending in zeros is read by
_LETTERS = {"l": _RIEUL, "m": 16, "n": 4, "r": _RIEUL}  # 엘 엠 엔 알; every other letter's name ends in a vowel


def final_consonant(word: str) -> int | None:
    """The final consonant (jongseong index, 0 for none) of `word` as it is read; None if it cannot be told."""
    text = word.rstrip()
    while text and text[-1] in _SILENT:
        text = text[:-1].rstrip()
    if not text:
        return None
    last = text[-1]
    if "가" <= last <= "힣":
        return (ord(last) - ord("가")) % 28
    if last.isdigit() and last.isascii():
        digits = re.search(r"[0-9][0-9,]*$", text).group().replace(",", "")  # 1,000 is one number
        number = digits.lstrip("0")
        if not number:
            return _DIGITS["0"]
        zeros = len(number) - len(number.rstrip("0"))
        if zeros:
            return _POWERS.get(zeros if zeros < 4 else 4, 4)
        return _DIGITS[last]
    if last.isascii() and last.isalpha():
        return _LETTERS.get(last.lower(), 0)
    return None


def particle(word: str, marker: str) -> str:
    """The particle `marker` (e.g. "은(는)", "(으)로") takes after `word`; the marker itself if unknown."""
    with_consonant, without = _PAIRS[marker]
    final = final_consonant(word)
    if final is None:
        return marker
    if marker == "(으)로" and final == _RIEUL:
        return without  # 서울로, 7차 회의로 … but 칠(7)로 as well
    return with_consonant if final else without


def resolve(text: str) -> str:
    """`text` with every particle marker replaced by the particle its preceding word takes."""
    if "(" not in text:
        return text
    return _MARKER.sub(lambda match: particle(text[: match.start()], match.group()), text)
