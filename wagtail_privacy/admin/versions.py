"""Admin screens of policy versions: the history of one policy, the dashboard panel, and what
editors are told when they publish (messages, the warning before superseding, the log)."""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet
from wagtail.log_actions import LogFormatter
from wagtail.models import Page

from .. import formats as privacy_formats
from ..conf import privacy_settings
from ..i18n import active_language, default_language, language_name
from ..notices.fanout import translation_waits
from ..notices.stats import coverage, notice_figures
from ..policies import resolution
from ..policies.models import ChangeLevel, Policy, PolicyVersion, PolicyVersionText
from ..policies.pages import PolicyPage
from ..policies.services import VERSION_PUBLISHED

#: "Version 3 published (major change, ...)": the level as the editor's message names it.
CHANGE_PHRASES = {
    ChangeLevel.EDITORIAL: _("editorial change"),
    ChangeLevel.MINOR: _("minor change"),
    ChangeLevel.MAJOR: _("major change"),
}
#: "Published version 3 (major, ...)": the level as the page's history names it.
LEVEL_WORDS = {
    ChangeLevel.EDITORIAL: pgettext_lazy("change level", "editorial"),
    ChangeLevel.MINOR: pgettext_lazy("change level", "minor"),
    ChangeLevel.MAJOR: pgettext_lazy("change level", "major"),
}


def _date(value):
    return privacy_formats.date(value)


def _effective(effective_at, published_at):
    """The words "effective at once", or "effective <date>"."""
    if effective_at <= published_at:
        return _("effective at once")
    return _("effective %(date)s") % {"date": _date(effective_at)}


def history_url(page, user):
    """The version history of ``page``, when ``user`` may see it (it needs page editing)."""
    if page is None or not page.permissions_for_user(user).can_edit():
        return None
    return reverse("wagtail_privacy_versions:history", args=[page.pk])


def policy_pages(policies, language=None):
    """{policy id: its page in ``language``, else in the default language, else any}."""
    language = language or active_language()
    keys = {policy.translation_key: policy.pk for policy in policies}
    preference = [language, default_language()]
    chosen = {}
    # Their workflow states come with them: ``history_url`` asks each page whether the user
    # may edit it, which otherwise costs a query per page for users who are not superusers.
    pages = (
        PolicyPage.objects.filter(translation_key__in=keys)
        .select_related("locale")
        .prefetch_workflow_states()
    )
    for page in pages:
        code = page.locale.language_code
        rank = preference.index(code) if code in preference else len(preference)
        policy_id = keys[page.translation_key]
        if policy_id not in chosen or rank < chosen[policy_id][0]:
            chosen[policy_id] = (rank, page)
    return {policy_id: page for policy_id, (_rank, page) in chosen.items()}


def described_versions(versions, user, language=None):
    """Each version with its policy's title in ``language`` (the editor's by default), the
    policy's page and, where the user may edit that page, the link to its version history."""
    language = language or active_language()
    texts = resolution.load_texts([v.pk for v in versions], language, full=False)
    pages = policy_pages({v.policy for v in versions}, language)
    described = []
    for version in versions:
        page = pages.get(version.policy_id)
        text = texts.get(version.pk)
        described.append(
            {
                "version": version,
                "title": text.title if text else (page.title if page else version.policy.slug),
                "page": page,
                "history_url": history_url(page, user),
            }
        )
    return described


class VersionHistoryView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "wagtail_privacy/admin/version_history.html"
    header_icon = "history"

    def dispatch(self, request, page_id):
        page = get_object_or_404(Page, id=page_id).specific
        if not isinstance(page, PolicyPage):
            raise Http404
        if not page.permissions_for_user(request.user).can_edit():
            raise PermissionDenied
        self.page = page
        return super().dispatch(request, page_id)

    def get_page_title(self):
        return _("Versions of “%(title)s”") % {"title": self.page.get_admin_display_title()}

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {
                "url": reverse("wagtailadmin_pages:edit", args=[self.page.id]),
                "label": self.page.title,
            },
            {"url": "", "label": _("Versions")},
        ]

    def _subpage_url(self, base, name, *args):
        return base + self.page.reverse_subpage(name, args=args) if base else None

    @staticmethod
    def _waiting(version, status):
        """Customers whose notice waits for a translation of an upcoming major version:
        [(language name, customers)] and until when, or None."""
        if status != "upcoming" or version.change_level != ChangeLevel.MAJOR:
            return None
        waits = translation_waits(version)
        if not waits["customers"]:
            return None
        counts = sorted((str(language_name(c)), n) for c, n in waits["customers"].items())
        return {"counts": counts, "deadline": waits["deadline"]}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        state = resolution.policy_state_for_key(
            self.page.translation_key, self.page.locale.language_code, with_history=True
        )
        rows = []
        if state is not None:
            base = self.page.get_url(self.request)
            figures = notice_figures([v.pk for v in state.history])
            live = {v.pk for v in (state.current, state.upcoming) if v}
            acceptance = coverage(
                [v for v in state.history if v.pk in live and v.requires_acceptance]
            )
            languages = {}
            for version_id, code in PolicyVersionText.objects.filter(
                version__policy=state.policy
            ).values_list("version_id", "locale__language_code"):
                languages.setdefault(version_id, []).append(code)
            for version in state.history:
                previous = state.previous_of(version)
                rows.append(
                    {
                        "version": version,
                        "level": ChangeLevel.short_label(version.change_level),
                        "status": state.status(version),
                        "text": state.text(version),
                        "languages": sorted(languages.get(version.pk, [])),
                        "url": self._subpage_url(base, "version", version.number),
                        "pdf_url": self._subpage_url(base, "version_pdf", version.number),
                        "previous": previous,
                        "diff_url": (
                            self._subpage_url(base, "diff", previous.number, version.number)
                            if previous
                            else None
                        ),
                        "figures": figures[version.pk],
                        "waiting": self._waiting(version, state.status(version)),
                        "still_required": (
                            acceptance[version.pk]["missing"] if version.pk in acceptance else None
                        ),
                    }
                )
        context.update(page=self.page, state=state, rows=rows)
        return context


class PolicyVersionViewSet(ViewSet):
    """Editors' screens, not the privacy centre's.

    The version history belongs to the policy page (it is linked from the page's header menu)
    and shows figures, not customers: it needs permission to edit that page, not the centre
    permission. It therefore lives outside ``/admin/privacy/``, where every URL needs the
    centre permission (see ``mixins.PrivacyCentreViewSet``).
    """

    name = "wagtail_privacy_versions"
    url_prefix = "policy-versions"
    icon = "history"

    def get_urlpatterns(self):
        return [path("<int:page_id>/", VersionHistoryView.as_view(), name="history")]


class VersionsButton(PageMenuItem):
    label = _("Policy versions")
    icon_name = "history"
    url_name = "wagtail_privacy_versions:history"
    priority = 66

    def is_shown(self, user):
        return self.page.permissions_for_user(user).can_edit()


def page_header_buttons(page, user, view_name, next_url=None):
    if isinstance(page.specific_deferred, PolicyPage):
        yield VersionsButton(page=page)


def upcoming_versions(now=None):
    """Every upcoming version of every policy, soonest first."""
    return list(
        PolicyVersion.objects.filter(
            withdrawn_at__isnull=True, effective_at__gt=now or timezone.now()
        )
        .select_related("policy")
        .order_by("effective_at")
    )


class UpcomingChangesPanel(Component):
    """Dashboard panel: every upcoming policy version, soonest first, with its notices."""

    name = "privacy_upcoming_changes"
    order = 150
    template_name = "wagtail_privacy/admin/upcoming_panel.html"

    def get_context_data(self, parent_context=None):
        now = timezone.now()
        user = parent_context["request"].user
        upcoming = upcoming_versions(now)
        figures = notice_figures([v.pk for v in upcoming])
        rows = described_versions(upcoming, user)
        for row in rows:
            version = row["version"]
            row.update(
                level=ChangeLevel.short_label(version.change_level),
                days=(version.effective_at - now).days,
                figures=figures[version.pk],
                emails=version.change_level == ChangeLevel.MAJOR,
            )
        return {"rows": rows}


# --- what the editor is told --------------------------------------------------------------


def would_supersede(page, now=None):
    """The upcoming version that publishing ``page`` now would withdraw, if any.

    Publishing a language the latest version lacks joins that version instead (see
    ``services.plan_publication``): nothing is withdrawn then.
    """
    policy = Policy.objects.filter(translation_key=page.translation_key).first()
    if policy is None:
        return None
    latest = policy.versions.filter(withdrawn_at__isnull=True).order_by("-number").first()
    if latest is None or latest.effective_at <= (now or timezone.now()):
        return None
    if not latest.texts.filter(locale_id=page.locale_id).exists():
        return None
    return latest


def supersede_warning(page):
    """What the editor reads on opening a policy whose upcoming version publishing withdraws."""
    upcoming = would_supersede(page)
    if upcoming is None:
        return None
    emailed = notice_figures([upcoming.pk])[upcoming.pk]["emailed"]
    values = {
        "number": upcoming.number,
        "date": _date(upcoming.effective_at),
        "count": emailed,
    }
    if emailed:
        return (
            ngettext(
                "Version %(number)s, which takes effect on %(date)s, was announced to "
                "%(count)s customer by email. Publishing this page withdraws it: version "
                "%(number)s will not take effect, and the new version replaces it.",
                "Version %(number)s, which takes effect on %(date)s, was announced to "
                "%(count)s customers by email. Publishing this page withdraws it: version "
                "%(number)s will not take effect, and the new version replaces it.",
                emailed,
            )
            % values
        )
    return (
        _(
            "Version %(number)s is upcoming: it takes effect on %(date)s. Publishing this page "
            "withdraws it: version %(number)s will not take effect, and the new version "
            "replaces it."
        )
        % values
    )


def _history_buttons(page, user):
    url = history_url(page, user)
    return [messages.button(url, _("Policy versions"))] if url else []


def warn_before_superseding(request, page):
    """``before_edit_page``: on opening the editor, warn when publishing withdraws a version."""
    if request.method != "GET" or not isinstance(page.specific_deferred, PolicyPage):
        return
    warning = supersede_warning(page)
    if warning:
        messages.warning(request, warning, buttons=_history_buttons(page, request.user))


def publication_message(text):
    """The message "Version 3 published (major change, effective ...)." and what it withdrew."""
    version = text.version
    values = {
        "number": version.number,
        "change": CHANGE_PHRASES[version.change_level],
        "effective": _effective(version.effective_at, version.published_at),
    }
    if version.texts.filter(pk__lt=text.pk).exists():
        return _("The %(language)s text joins version %(number)s (%(change)s, %(effective)s).") % {
            **values,
            "language": language_name(text.locale.language_code),
        }
    message = _("Version %(number)s published (%(change)s, %(effective)s).") % values
    withdrawn = PolicyVersion.objects.filter(superseded_by=version).first()
    if withdrawn is not None:
        message += " " + _(
            "Version %(number)s, which was to take effect on %(date)s, will not take effect."
        ) % {"number": withdrawn.number, "date": _date(withdrawn.effective_at)}
    if version.change_level == ChangeLevel.MAJOR:
        message += _translation_wait(version)
    return message


def _translation_wait(version):
    """What the editor must know when customers' emails wait for a translation."""
    waits = translation_waits(version)
    if not waits["languages"]:
        return ""
    counts = waits["customers"]
    languages = ", ".join(
        ngettext(
            "%(language)s (%(count)s customer)", "%(language)s (%(count)s customers)", counts[code]
        )
        % {"language": language_name(code), "count": counts[code]}
        if code in counts
        else str(language_name(code))
        for code in waits["languages"]
    )
    deadline = waits["deadline"]
    return " " + _(
        "Emails to customers reading %(languages)s wait for the translation until %(deadline)s. "
        "Publish it before then; otherwise they are emailed the %(default)s text, and the "
        "version binds them %(days)s days after that, from %(bound)s on."
    ) % {
        "languages": languages,
        "deadline": _date(deadline),
        "default": language_name(default_language()),
        "days": privacy_settings.notice_days("major"),
        "bound": _date(max(version.effective_at, deadline + privacy_settings.notice_period)),
    }


def announce_publication(request, page):
    """``after_publish_page``: name the version the editor has just published."""
    if not isinstance(page.specific_deferred, PolicyPage) or not page.live_revision_id:
        return
    text = (
        PolicyVersionText.objects.filter(revision_id=page.live_revision_id)
        .select_related("version", "locale")
        .first()
    )
    if text is None:
        return
    messages.success(
        request, publication_message(text), buttons=_history_buttons(page, request.user)
    )


class VersionPublishedFormatter(LogFormatter):
    """The page's history: "Published version 3 (major, effective 28 Nov 2026)"."""

    label = _("Publish policy version")

    def format_message(self, log_entry):
        data = log_entry.data or {}
        version = data.get("version") or {}
        try:
            number = version["number"]
            published_at = datetime.fromisoformat(version["published_at"])
            effective_at = datetime.fromisoformat(version["effective_at"])
            level = LEVEL_WORDS[version["change_level"]]
        except (KeyError, TypeError, ValueError):
            return _("Published a policy version")
        if version.get("joined"):
            return _("Added the %(language)s text to version %(number)s") % {
                "language": language_name(version.get("language", "")),
                "number": number,
            }
        values = {
            "number": number,
            "level": level,
            "effective": _effective(effective_at, published_at),
        }
        withdrawn = data.get("withdrawn")
        if withdrawn:
            return _(
                "Published version %(number)s (%(level)s, %(effective)s), withdrawing version "
                "%(withdrawn)s"
            ) % {**values, "withdrawn": withdrawn.get("number")}
        return _("Published version %(number)s (%(level)s, %(effective)s)") % values


def register_log_actions(actions):
    actions.register_action(VERSION_PUBLISHED)(VersionPublishedFormatter)
