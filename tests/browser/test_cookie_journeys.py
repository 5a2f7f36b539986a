"""Cookie consent in a real Chromium on the demo shop (see conftest.py for the live server).

The demo marks two third-party-style scripts: ``shop/stats.js`` (category "statistics": cookie
``_demo_stats``, ``window.demoStats``) and ``shop/ads.js`` ("marketing": ``_demo_ads``,
``window.demoAds``), on the server-rendered pages and in the static storefront.

(a) before any choice no optional cookie is set and no marked script runs; the banner's
    "Accept all" and "Reject all" look the same; the settings dialog opens, takes the focus
    and closes with Esc; "Reject all" holds across the shop's pages and the storefront;
(b) allowing statistics only (in the storefront's settings dialog) runs stats.js and not
    ads.js, on the next pages too; withdrawing it stops it from the next load;
(c) choices made before signing in join the account and follow the customer to a second
    browser;
(d) Global Privacy Control (``Sec-GPC: 1``) refuses marketing and the banner says so;
(e) a category the editor changed in the admin is asked again, and only that one.

Every page is checked with axe-core, banner and dialog open included. (e) changes the demo's
"statistics" category for everyone: it runs last.
"""

import re

from .test_journeys import PASSWORD, POLICY, admin_sign_in, expect

#: Cookies a visitor may have before any choice: none of them optional.
ESSENTIAL = {"csrftoken", "sessionid"}
VISITOR_COOKIE = "privacy_visitor"
OPTIONAL = {"_demo_stats", "_demo_ads"}
API = "/api/privacy/v1/cookies/"


def cookie_names(journey):
    return {cookie["name"] for cookie in journey.context.cookies()}


def consent_ready(page):
    """Wait until cookies.js has the visitor's choices (and activated what they allow)."""
    page.locator("[data-privacy-cookies][data-cookie-ready]").wait_for(state="attached")


def scripts_run(page):
    """How often stats.js and ads.js ran in this document."""
    consent_ready(page)
    page.wait_for_load_state("load")
    return page.evaluate("() => ({stats: window.demoStats || 0, ads: window.demoAds || 0})")


def expect_nothing_optional(journey, page):
    assert scripts_run(page) == {"stats": 0, "ads": 0}
    expect(page.locator("script[data-cookie-category][data-cookie-activated]")).to_have_count(0)
    assert not cookie_names(journey) & OPTIONAL, cookie_names(journey)


def api_state(journey):
    response = journey.context.request.get(API)
    assert response.ok, response.status
    return response.json()


def banner(page):
    return page.locator("[data-cookie-banner]")


def dialog(page):
    return page.locator("dialog[data-cookie-dialog]")


def choice(page, key):
    return dialog(page).locator(f"input[data-cookie-choice={key}]")


def open_settings(journey, page, step):
    """Open the settings dialog from the footer's "Cookie settings" button."""
    page.locator("[data-cookie-settings]").first.click()
    expect(dialog(page)).to_be_visible()
    journey.shot(step, page=page)


def save_settings(page, texts):
    dialog(page).locator("[data-cookie-action=save]").click()
    expect(dialog(page)).to_be_hidden()
    expect(page.locator(".privacy-cookies-status")).to_have_text(texts["saved"])


def visit(journey, path, step, page=None):
    page = page or journey.page
    page.goto(path)
    consent_ready(page)
    journey.shot(step, page=page)
    return page


def sign_in(journey, login, next_path="/"):
    page = journey.page
    page.goto(f"/accounts/login/?lang=en&next={next_path}")
    journey.shot("login form")
    page.get_by_test_id("login-username").fill(login)
    page.get_by_test_id("login-password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(journey.shop.url(next_path))
    consent_ready(page)
    journey.shot("signed in")
    return page


def style_of(locator):
    return locator.evaluate(
        """(node) => {
            const style = getComputedStyle(node);
            const box = node.getBoundingClientRect();
            return {tag: node.tagName, className: node.className, color: style.color,
                    background: style.backgroundColor, border: style.border,
                    font: style.font, padding: style.padding, height: box.height};
        }"""
    )


# ----------------------------------------------------------------------------------------------


def test_cookies_a_nothing_before_a_choice_and_reject_all_holds(journey):
    visitor = journey("cookies-a-reject-all")
    page = visit(visitor, "/", "home with the banner")
    texts = api_state(visitor)["texts"]

    expect(banner(page)).to_be_visible()
    expect_nothing_optional(visitor, page)
    assert not cookie_names(visitor) - ESSENTIAL, cookie_names(visitor)

    # "Reject all" exactly as prominent as "Accept all": same element, class, colours, font,
    # height (the width follows the words).
    accept = banner(page).locator("[data-cookie-action=accept-all]")
    reject = banner(page).locator("[data-cookie-action=reject-all]")
    expect(accept).to_have_text(texts["accept_all"])
    expect(reject).to_have_text(texts["reject_all"])
    assert style_of(accept) == style_of(reject)

    # The settings dialog: labelled, takes the focus, lists the cookies, Esc closes it and the
    # focus goes back to the button that opened it.
    opener = banner(page).locator("[data-cookie-action=settings]")
    opener.click()
    expect(dialog(page)).to_be_visible()
    expect(dialog(page)).to_have_accessible_name(texts["dialog_title"])
    assert page.evaluate("() => !!document.activeElement.closest('dialog[data-cookie-dialog]')")
    expect(choice(page, "necessary")).to_be_checked()
    expect(choice(page, "necessary")).to_be_disabled()
    expect(choice(page, "statistics")).not_to_be_checked()
    expect(choice(page, "marketing")).not_to_be_checked()
    visitor.shot("settings dialog")
    page.keyboard.press("Escape")
    expect(dialog(page)).to_be_hidden()
    expect(opener).to_be_focused()
    expect_nothing_optional(visitor, page)

    reject.click()
    expect(banner(page)).to_have_count(0)
    expect(page.locator(".privacy-cookies-status")).to_have_text(texts["saved"])
    visitor.shot("rejected all")
    expect_nothing_optional(visitor, page)
    # The choice is kept under the visitor cookie: strictly necessary, HttpOnly.
    [visitor_cookie] = [c for c in visitor.context.cookies() if c["name"] == VISITOR_COOKIE]
    assert visitor_cookie["httpOnly"] and visitor_cookie["sameSite"] == "Lax"
    assert api_state(visitor)["choices"] == {"statistics": False, "marketing": False}

    # Across pages: the shop's home again, a policy page (the package's page in the shop's
    # layout) and the static storefront: no banner, nothing optional.
    for path, step in [
        ("/", "home after rejecting"),
        (f"/{POLICY}/", "policy page after rejecting"),
        ("/storefront/", "storefront after rejecting"),
    ]:
        page = visit(visitor, path, step)
        expect(banner(page)).to_have_count(0)
        expect_nothing_optional(visitor, page)


def test_cookies_b_statistics_only_then_withdrawn(journey):
    visitor = journey("cookies-b-statistics-only")
    page = visit(visitor, "/storefront/", "storefront with the banner")
    texts = api_state(visitor)["texts"]
    expect(banner(page)).to_be_visible()
    expect_nothing_optional(visitor, page)

    # The storefront's footer button opens the dialog; statistics only.
    open_settings(visitor, page, "storefront settings dialog")
    choice(page, "statistics").check()
    expect(choice(page, "marketing")).not_to_be_checked()
    save_settings(page, texts)
    page.wait_for_function("() => window.demoStats === 1")
    assert scripts_run(page) == {"stats": 1, "ads": 0}
    expect(banner(page)).to_have_count(0)
    visitor.shot("statistics allowed")
    assert "_demo_stats" in cookie_names(visitor)
    assert "_demo_ads" not in cookie_names(visitor)
    assert api_state(visitor)["choices"] == {"statistics": True, "marketing": False}

    # The next pages: the storefront (activated by cookies.js) and the shop's server-rendered
    # page (rendered as a real script, the server knowing the choice).
    page = visit(visitor, "/storefront/", "storefront, statistics allowed")
    page.wait_for_function("() => window.demoStats === 1")
    assert scripts_run(page) == {"stats": 1, "ads": 0}
    page = visit(visitor, "/", "home, statistics allowed")
    assert scripts_run(page) == {"stats": 1, "ads": 0}
    expect(page.locator("script[src$='shop/stats.js']:not([type='text/plain'])")).to_have_count(1)
    expect(page.locator("script[type='text/plain'][data-src$='shop/ads.js']")).to_have_count(1)

    # Withdrawn from the footer's "Cookie settings": from the next load, stats.js stays off.
    open_settings(visitor, page, "settings to withdraw statistics")
    expect(choice(page, "statistics")).to_be_checked()
    choice(page, "statistics").uncheck()
    save_settings(page, texts)
    visitor.shot("statistics withdrawn")
    assert api_state(visitor)["choices"] == {"statistics": False, "marketing": False}
    # The cookie stats.js set is the third party's own: gone with its expiry (cookies.js
    # expires those the category lists); gone here either way, to see that nothing sets it.
    visitor.context.clear_cookies(name="_demo_stats")
    for path, step in [("/", "home after withdrawal"), ("/storefront/", "storefront after")]:
        page = visit(visitor, path, step)
        expect(banner(page)).to_have_count(0)
        expect_nothing_optional(visitor, page)


def test_cookies_c_choices_follow_the_customer_to_another_browser(journey):
    laptop = journey("cookies-c-laptop")
    page = visit(laptop, "/", "laptop home with the banner")
    texts = api_state(laptop)["texts"]
    open_settings(laptop, page, "laptop settings dialog")
    choice(page, "statistics").check()
    choice(page, "marketing").uncheck()
    save_settings(page, texts)
    page.wait_for_function("() => window.demoStats === 1")
    laptop.shot("laptop: statistics allowed")

    # Signing in joins the visitor's choices to the account.
    sign_in(laptop, "eva@example.com")
    expect(banner(laptop.page)).to_have_count(0)
    assert scripts_run(laptop.page) == {"stats": 1, "ads": 0}

    # Another browser: a new visitor is asked, until the customer signs in.
    phone = journey("cookies-c-phone")
    page = visit(phone, "/", "phone home with the banner")
    expect(banner(page)).to_be_visible()
    expect_nothing_optional(phone, page)
    page = sign_in(phone, "eva@example.com")
    expect(banner(page)).to_have_count(0)
    assert scripts_run(page) == {"stats": 1, "ads": 0}
    assert api_state(phone)["choices"] == {"statistics": True, "marketing": False}
    open_settings(phone, page, "phone: the same choices")
    expect(choice(page, "statistics")).to_be_checked()
    expect(choice(page, "marketing")).not_to_be_checked()
    # Saving while signed in (the CSRF token goes along): the choice stays the same.
    save_settings(page, texts)
    phone.shot("phone: saved while signed in")
    assert api_state(phone)["choices"] == {"statistics": True, "marketing": False}


def test_cookies_d_global_privacy_control_refuses_marketing(journey):
    visitor = journey("cookies-d-global-privacy-control")
    visitor.context.set_extra_http_headers({"Sec-GPC": "1"})
    page = visit(visitor, "/", "home with GPC")
    state = api_state(visitor)
    assert state["gpc"] is True
    assert state["choices"]["marketing"] is False
    expect(banner(page)).to_be_visible()
    expect(banner(page).locator("[data-cookie-gpc]")).to_be_visible()
    expect(banner(page).locator("[data-cookie-gpc]")).not_to_be_empty()
    visitor.shot("banner says GPC refused marketing")
    expect_nothing_optional(visitor, page)

    # "Accept all" in the banner: what is still to decide (statistics); marketing stays refused.
    banner(page).locator("[data-cookie-action=accept-all]").click()
    expect(banner(page)).to_have_count(0)
    page.wait_for_function("() => window.demoStats === 1")
    assert scripts_run(page) == {"stats": 1, "ads": 0}
    visitor.shot("statistics accepted, marketing refused")
    assert api_state(visitor)["choices"] == {"statistics": True, "marketing": False}

    # In the dialog, marketing cannot be ticked under GPC, and says why.
    open_settings(visitor, page, "settings under GPC")
    marketing = choice(page, "marketing")
    expect(marketing).not_to_be_checked()
    expect(marketing).to_be_disabled()
    texts = api_state(visitor)["texts"]
    expect(marketing).to_have_accessible_description(re.compile(re.escape(texts["gpc"])))
    save_settings(page, texts)
    assert api_state(visitor)["choices"]["marketing"] is False
    page = visit(visitor, "/", "home under GPC after asking for marketing")
    assert scripts_run(page)["ads"] == 0
    assert "_demo_ads" not in cookie_names(visitor)


def test_cookies_e_changed_category_is_asked_again_alone(journey, live_shop):
    visitor = journey("cookies-e-changed-category")
    page = visit(visitor, "/", "home with the banner")
    banner(page).locator("[data-cookie-action=accept-all]").click()
    expect(banner(page)).to_have_count(0)
    page.wait_for_function("() => window.demoStats === 1 && window.demoAds === 1")
    visitor.shot("accepted all")
    assert api_state(visitor)["choices"] == {"statistics": True, "marketing": True}

    # The editor raises the wording version of the statistics category (its English text,
    # the default language's, which choices are recorded under) in Wagtail's snippet editor.
    # In the admin, not through ``manage.py shell``: the categories' rules are cached in the
    # server's process, and the admin's save is what makes it forget them.
    [pk] = live_shop.shell(
        "from wagtail_privacy.cookies.models import CookieCategory\n"
        "print(CookieCategory.objects.get(key='statistics', locale__language_code='en').pk)\n"
    ).split()
    staff = journey("cookies-e-staff")
    admin_sign_in(staff)
    editor = staff.page
    editor.goto(f"/admin/snippets/wagtail_privacy/cookiecategory/edit/{pk}/")
    version = editor.locator("#id_wording_version")
    version.fill(str(int(version.input_value()) + 1))
    staff.shot("editor raises the wording version")
    editor.locator("form button[type=submit]", has_text=re.compile(r"^\s*Save")).first.click()
    editor.wait_for_load_state()
    expect(editor.locator(".messages .success, [role=status] .success").first).to_be_visible()
    staff.shot("category saved")

    page = visit(visitor, "/", "home after statistics changed")
    expect(banner(page)).to_be_visible()
    expect(banner(page).locator("[data-cookie-changed]")).to_have_attribute(
        "data-cookie-changed", "statistics"
    )
    # Marketing still counts (ads.js runs); statistics no longer does until asked again.
    assert scripts_run(page) == {"stats": 0, "ads": 1}
    state = api_state(visitor)
    categories = {category["key"]: category for category in state["categories"]}
    assert categories["statistics"]["changed"] is True
    assert categories["statistics"]["choice"] is None
    assert categories["marketing"]["changed"] is False
    assert categories["marketing"]["choice"] is True

    banner(page).locator("[data-cookie-action=settings]").click()
    expect(dialog(page)).to_be_visible()
    expect(dialog(page).locator("[data-cookie-changed]")).to_have_count(1)
    expect(dialog(page).locator("[data-cookie-changed=statistics]")).to_be_visible()
    expect(choice(page, "statistics")).not_to_be_checked()
    expect(choice(page, "marketing")).to_be_checked()
    visitor.shot("dialog flags the changed category")
    page.keyboard.press("Escape")

    # "Reject all" in the banner answers what was asked: statistics; marketing keeps its yes.
    banner(page).locator("[data-cookie-action=reject-all]").click()
    expect(banner(page)).to_have_count(0)
    visitor.shot("statistics refused after the change")
    assert api_state(visitor)["choices"] == {"statistics": False, "marketing": True}
    page = visit(visitor, "/", "home after answering again")
    expect(banner(page)).to_have_count(0)
    assert scripts_run(page) == {"stats": 0, "ads": 1}
