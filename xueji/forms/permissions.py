"""Who sees what on a printed form. Which records a user may print at all is StudentPolicy's and ClassPolicy's
question; this only decides how much of the identity numbers the paper shows."""


class FormPolicy:
    @staticmethod
    def prints_full_id(user, school) -> bool:
        """The school prints its own families' forms, and the guardian must check every digit of the ID
        (第十一条). Bureau officers may print forms too, but their copies show masked numbers: seeing a whole
        number needs a recorded reason (第四十四条), which a batch print does not give."""
        return user.role in ("registrar", "leader") and user.school_id == school.pk
