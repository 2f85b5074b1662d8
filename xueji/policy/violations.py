"""The one shape every policy check returns."""

from __future__ import annotations

from dataclasses import asdict, dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Violation:
    """A broken rule: machine code, Chinese message, article and field when known."""

    code: str
    message: str
    article: str | None = None
    field: str | None = None
    severity: str = ERROR

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def as_dict(self) -> dict[str, str | None]:
        # The API's error item shape (design.md): code, article, field, message.
        data = asdict(self)
        return {key: data[key] for key in ("code", "article", "field", "message", "severity")}


def errors_only(violations: list[Violation]) -> list[Violation]:
    """Warnings inform; only errors block a save."""
    return [v for v in violations if v.is_error]
