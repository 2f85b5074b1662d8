"""What a person reads on a page: its text without tags, attribute values, scripts or styles.

Pages keep codes in form values and data attributes (the browser and the API need them); the tests of
"everything a user reads is Chinese" look only at the text shown.
"""

import re
from html.parser import HTMLParser

# snake_case words such as to_grade or id_excel_float, and dotted codes such as forms.change_form.
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
DOTTED = re.compile(r"\b[a-z_]+\.[a-z_]+\b")


class _Text(HTMLParser):
    HIDDEN = {"script", "style", "title", "template"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(html) -> str:
    if not isinstance(html, str):
        html = html.content.decode()
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


FILE_TYPES = (".pdf", ".xlsx", ".csv", ".xls", ".json")


def internal_words(html, *, allow=()) -> list[str]:
    """snake_case and dotted code words in the shown text; `allow`: words shown on purpose (account names)."""
    shown = visible_text(html)
    found = set(SNAKE.findall(shown)) | {w for w in DOTTED.findall(shown) if not w.endswith(FILE_TYPES)}
    return sorted(found - set(allow))
