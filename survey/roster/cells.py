"""Reading mobile numbers from cells as spreadsheets deliver them.

Excel hands over numbers as floats (13800138000.0), people type full-width digits, spaces,
dashes and country codes: every mobile passes through here before it is checked.
"""

from __future__ import annotations

import re
import unicodedata

from survey.intake.cells import cell_text

_SCIENTIFIC = re.compile(r"^([0-9])(?:\.([0-9]+))?[eE]\+?([0-9]+)$")
_THOUSANDS = re.compile(r"^[0-9]{1,3}(?:,[0-9]{3})+$")
_TRAILING_ZEROS = re.compile(r"^([0-9]+)\.0+$")
# Separators people put inside a number: spaces, hyphens and dashes, brackets, dots.
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―()\[\].·]")
_COUNTRY_CODE = re.compile(r"^(?:\+86|0086|86)(1[0-9]{10})$")
_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
_DIGITS = re.compile(r"^[0-9]+$")
_MOBILE_RUN = re.compile(r"1[3-9][0-9]{9}")


def parse_mobile(value: object) -> tuple[str | None, str | None]:
    """Read a mainland mobile number from a cell: ``(number, None)`` or ``(None, problem)``.

    Accepts 13800138000, 13800138000.0, "138 0013 8000", "138-0013-8000", "+86 13800138000",
    "86-13800138000", "0086…" and full-width digits. A problem is a Chinese phrase that says
    what is wrong and how to fix it; it never repeats the number.
    """
    if type(value) is str and _MOBILE.fullmatch(value):
        return value, None  # already clean, as in most rows
    if isinstance(value, float):
        if not value.is_integer():
            return None, "不是完整的号码：请填写 11 位手机号"
        value = int(value)
    text = unicodedata.normalize("NFKC", cell_text(value))
    if not text:
        return None, "未填写：请填写学员本人的 11 位手机号"
    if match := _SCIENTIFIC.match(text):
        # Excel shows long numbers as 1.38001E+10 and saves that text to CSV. Only when every
        # digit is still there (as many mantissa digits as the number has) can it be read back.
        digits = match.group(1) + (match.group(2) or "")
        if len(digits) != int(match.group(3)) + 1:
            return None, (
                "被 Excel 显示成了科学计数法（如 1.38E+10），后几位已丢失："
                "请把该列设为“文本”格式后重新填写"
            )
        text = digits
    if _THOUSANDS.match(text):
        # A number format with thousands separators, saved to CSV as "13,800,138,000".
        text = text.replace(",", "")
    if match := _TRAILING_ZEROS.match(text):
        text = match.group(1)
    if len(_MOBILE_RUN.findall(_SEPARATORS.sub("", text))) > 1 or re.search(r"[/,，;；、]", text):
        return None, "填写了多个号码：每行只填一个手机号"
    compact = _SEPARATORS.sub("", text)
    if match := _COUNTRY_CODE.match(compact):
        compact = match.group(1)
    if not _DIGITS.match(compact):
        return None, "含有数字以外的字符：只填 11 位手机号"
    if _MOBILE.match(compact):
        return compact, None
    if compact.startswith("0") or len(compact) in (7, 8):
        return None, "像是固定电话：请填写学员本人的手机号"
    if len(compact) != 11:
        return None, f"位数不对（{len(compact)} 位）：中国大陆手机号为 11 位"
    return None, "不是中国大陆手机号（应以 13 至 19 开头）：请核对"
