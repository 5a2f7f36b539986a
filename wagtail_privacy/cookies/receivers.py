"""Signal wiring for cookie consent, connected from ``AppConfig.ready``."""


def on_sign_in(sender, request, user, **kwargs):
    """The choices made on this browser before signing in join the account."""
    from . import visitor
    from .service import join_visitor

    if request is None or not hasattr(request, "COOKIES"):
        return
    join_visitor(user, visitor.from_request(request))


def on_category_changed(sender, **kwargs):
    from .service import forget_rules

    forget_rules()


def connect():
    from django.contrib.auth.signals import user_logged_in
    from django.db.models.signals import post_delete, post_save

    from .models import CookieCategory, CookieItem

    user_logged_in.connect(on_sign_in, dispatch_uid="privacy_cookies_sign_in")
    # A new wording or other cookies count at once for has_cookie_consent, which caches the
    # categories' rules.
    for model in (CookieCategory, CookieItem):
        for signal in (post_save, post_delete):
            signal.connect(
                on_category_changed,
                sender=model,
                dispatch_uid=f"privacy_cookies_rules_{signal is post_save}_{model.__name__}",
            )
