"""How personal numbers appear on screens and in API lists unless someone asked, with a reason, to see them."""

import re


def mask_id(number: str | None) -> str:
    # 1401**********1234: the first four digits tell the region, the last four let a registrar confirm by ear.
    if not number:
        return ""
    if len(number) <= 8:
        return number[:1] + "*" * (len(number) - 1)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_phone(phone: str | None) -> str:
    if not phone:
        return ""
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


# A G student number is "G" + the holder's ID number (第十一条), so it is personal data exactly like the ID:
# masked wherever the ID is, revealed only with it (第四十四条). J and L numbers carry no ID and stay whole.
_G_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])([Gg])(\d{17}[\dXx])(?![0-9A-Za-z])")


def mask_student_number(number: str | None) -> str | None:
    """G1401**********1234 for a G number (the ID's own mask shape); any other number unchanged."""
    if not number or not isinstance(number, str):
        return number
    if len(number) == 19 and number[0] in "Gg":
        return number[0] + mask_id(number[1:])
    return number


def mask_numbers_in_text(text):
    """Free text (an event note, a timeline title) with every G number in it masked."""
    if not text or not isinstance(text, str):
        return text
    return _G_IN_TEXT.sub(lambda m: m.group(1) + mask_id(m.group(2)), text)


# A bare ID number (18 characters, the last may be X) inside free text, not part of a longer run.
_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx])(?![0-9A-Za-z])")


def mask_ids_in_text(text):
    """Free text someone typed (a search, a reason) with its G numbers and its bare ID numbers masked."""
    if not text or not isinstance(text, str):
        return text
    return _ID_IN_TEXT.sub(lambda m: mask_id(m.group(1)), mask_numbers_in_text(text))


def mask_ids_in(value):
    """A JSON-like value (an audit row's details) with every string in it passed through mask_ids_in_text."""
    if isinstance(value, dict):
        return {k: mask_ids_in(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_ids_in(v) for v in value]
    return mask_ids_in_text(value)


# What the OpenAPI says of every student_number an answer carries.
STUDENT_NUMBER_DOC = ("学籍号;G字头学籍号由G和身份证件号组成,与身份证件号一样以掩码显示(如 G1401**********1234),"
                      "完整号码须填写事由查看(第四十四条);J、L 字头完整显示")
