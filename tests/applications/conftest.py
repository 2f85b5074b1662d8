import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def scan():
    def make(name="户口簿.pdf", content=PDF):
        return SimpleUploadedFile(name, content, content_type="application/pdf")

    return make
