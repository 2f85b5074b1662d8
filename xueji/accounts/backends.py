"""Password log-in, and the signed-in user read once per request together with his school or division.

Nearly every page asks the user's node (the navigation, the jurisdiction policies, the breadcrumbs): read with the
user, it costs no query of its own (issue #15, a record page in a handful of queries). It is the one backend in
AUTHENTICATION_BACKENDS, so login() takes it without being told.
"""

from django.contrib.auth.backends import ModelBackend


class AccountBackend(ModelBackend):
    def get_user(self, user_id):
        from .models import User

        user = User._default_manager.select_related("division", "school").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
