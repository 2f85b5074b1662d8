"""The registers as PDF, through the registry's one renderer (xueji.forms.pdf: A4, embedded subset CJK fonts)."""

from xueji.forms import pdf


def pdf_bytes(doc) -> bytes:
    return pdf.render("registers/print.html", {"doc": doc, "school": doc.school, "title": doc.title})
