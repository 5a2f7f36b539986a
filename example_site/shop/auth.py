"""Sign-in with an email address or a username (Django's ModelBackend knows only usernames)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class EmailOrUsernameBackend(ModelBackend):
    """``ModelBackend`` that also accepts the account's email address as the login.

    The username wins when both match. An email address shared by several accounts signs in
    none of them, so that nobody ends up in someone else's account.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        User = get_user_model()
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if not username or password is None:
            return None
        user = self.find_user(User, username.strip())
        if user is None:
            # Hash anyway, so that unknown logins take as long as wrong passwords.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    @staticmethod
    def find_user(User, login):
        manager = User._default_manager
        try:
            return manager.get_by_natural_key(login)
        except User.DoesNotExist:
            pass
        if "@" not in login:
            return None
        email_field = User.get_email_field_name()
        matches = list(manager.filter(**{f"{email_field}__iexact": login})[:2])
        return matches[0] if len(matches) == 1 else None
