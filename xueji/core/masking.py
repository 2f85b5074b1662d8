"""How personal numbers appear on screens and in API lists unless someone asked, with a reason, to see them."""


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
