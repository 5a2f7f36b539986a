"""Sign-in with an email address or a username (Django's ModelBackend knows only usernames).

A switched-off account (deactivated, or its deletion pending) never signs in. When the right
password is given for one, the backend says so on the request (``INACTIVE_ATTRIBUTE``), so
that the sign-in page can tell its owner how to reactivate it; nobody without the password
learns anything, and every attempt checks one password hash, whatever the outcome.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

#: Set on the request to the user whose account is switched off, when its password was right.
INACTIVE_ATTRIBUTE = "shop_inactive_user"


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
        if not user.check_password(password):
            return None
        if self.user_can_authenticate(user):
            return user
        if request is not None:
            setattr(request, INACTIVE_ATTRIBUTE, user)
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
