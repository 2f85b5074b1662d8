"""Who may open and follow a school year's promotion: the province (第三条 省级统筹); an auditor may verify it."""


class RolloverPolicy:
    @staticmethod
    def user_can(user, action: str) -> bool:
        role = getattr(user, "role", "") if getattr(user, "is_authenticated", False) else ""
        if action in ("start", "view"):
            return role == "province"
        if action == "verify":
            return role in ("province", "auditor")
        return False
