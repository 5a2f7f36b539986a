"""Block-aware, word-level comparison of versions, through the API and the public page."""

import re

import pytest

from wagtail_privacy.policies.diff import compare, safe_href, word_diff
from wagtail_privacy.policies.pages import PolicyPage

API = "/api/privacy/v1/policies/privacy-policy/diff/"


def ops(comparison):
    return [(c.op, c.tag) for c in comparison.changes if c.op != "equal"]


def test_changed_word_is_marked_inside_its_paragraph():
    result = compare(
        "<p>We keep invoices for 5 years.</p>", "<p>We keep invoices for 10 years.</p>"
    )
    [change] = result.changes
    assert change.op == "change"
    assert "<del" in change.html and ">5</del>" in change.html
    assert ">10</ins>" in change.html
    assert "We keep invoices for" in change.html
    assert result.stats == {"added": 0, "removed": 0, "changed": 1, "moved": 0}


def test_moved_paragraph_is_a_move_not_a_rewrite():
    old = "<p>Alpha paragraph one.</p><p>Beta paragraph two.</p><p>Gamma paragraph three.</p>"
    new = "<p>Beta paragraph two.</p><p>Gamma paragraph three.</p><p>Alpha paragraph one.</p>"
    result = compare(old, new)
    assert ops(result) == [("moved_from", "p"), ("moved_to", "p")]
    assert result.stats["moved"] == 1


TABLE = (
    '<table><thead><tr><th scope="col">Data</th><th scope="col">Kept</th></tr></thead>'
    "<tbody>{}</tbody></table>"
)


def rows(*pairs):
    return "".join(f"<tr><td>{data}</td><td>{kept}</td></tr>" for data, kept in pairs)


def test_changed_cell_is_marked_inside_one_table():
    old = TABLE.format(
        rows(("Invoices", "10 years"), ("Orders", "5 years"), ("Reviews", "2 years"))
    )
    new = TABLE.format(
        rows(("Invoices", "10 years"), ("Orders", "6 years"), ("Reviews", "2 years"))
    )
    result = compare(old, new)
    assert ops(result) == [("change", "table")]
    [change] = result.changes
    html = change.html
    assert html.count("<table") == 1 and html.count("<tr") == 4
    assert '<th scope="col">Data</th>' in html  # the header row stays a header row
    assert "<tr><td>Invoices</td><td>10 years</td></tr>" in html  # unchanged rows as they were
    assert (
        '<tr class="privacy-diff-row privacy-diff-row-change"><td>Orders</td>'
        '<td><del data-label="removed">5</del><ins data-label="added">6</ins> years</td></tr>'
    ) in html
    assert (
        change.old_text == "Data | Kept\nInvoices | 10 years\nOrders | 5 years\nReviews | 2 years"
    )
    assert result.stats == {"added": 0, "removed": 0, "changed": 1, "moved": 0}


def test_added_table_row():
    old = TABLE.format(rows(("Invoices", "10 years")))
    new = TABLE.format(rows(("Invoices", "10 years"), ("Reviews", "2 years")))
    result = compare(old, new)
    assert ops(result) == [("change", "table")]
    [change] = result.changes
    assert change.html.count("<table") == 1
    assert change.new_text.endswith("\nReviews | 2 years")
    assert (
        '<tr class="privacy-diff-row privacy-diff-row-insert">'
        '<td><ins data-label="added">Reviews</ins></td>'
        '<td><ins data-label="added">2 years</ins></td>'
        "</tr></tbody></table>"
    ) in change.html


def test_removed_and_moved_table_rows():
    old = TABLE.format(rows(("Invoices", "10 years"), ("Orders", "5 years"), ("Cookies", "1 day")))
    new = TABLE.format(rows(("Orders", "5 years"), ("Invoices", "10 years")))
    [change] = compare(old, new).changes
    html = change.html
    assert html.count("<table") == 1
    assert (
        '<tr class="privacy-diff-row privacy-diff-row-delete">'
        '<td><del data-label="removed">Cookies</del></td><td><del data-label="removed">1 day</del>'
    ) in html
    assert '<td><del data-label="moved from here">Orders</del></td>' in html
    assert '<td><ins data-label="moved here">Orders</ins></td>' in html
    assert "<tr><td>Invoices</td><td>10 years</td></tr>" in html


def test_a_replaced_row_shows_what_went_before_what_came():
    old = TABLE.format(rows(("Invoices", "10 years"), ("Cookies", "1 day")))
    new = TABLE.format(rows(("Invoices", "10 years"), ("Addresses", "3 years")))
    [change] = compare(old, new).changes
    assert change.html.index("privacy-diff-row-delete") < change.html.index(
        "privacy-diff-row-insert"
    )


def test_a_whole_table_added_or_removed_is_one_block():
    table = TABLE.format(rows(("Invoices", "10 years"), ("Orders", "5 years")))
    assert ops(compare("<p>Intro.</p>", "<p>Intro.</p>" + table)) == [("insert", "table")]
    [_, removed] = compare("<p>Intro.</p>" + table, "<p>Intro.</p>").changes
    assert removed.op == "delete" and removed.html.count("<table") == 1


def test_inline_markup_is_kept_in_a_changed_paragraph():
    result = compare(
        "<p>We keep <strong>orders</strong> for 10 years.</p>",
        "<p>We keep <strong>orders</strong> for 11 years.</p>",
    )
    [change] = result.changes
    assert change.html == (
        "<p>We keep <strong>orders</strong> for "
        '<del data-label="removed">10</del><ins data-label="added">11</ins> years.</p>'
    )
    assert change.new_text == "We keep orders for 11 years."


def test_marks_nest_inside_the_formatting_they_share():
    result = compare(
        '<p>Write to <a href="mailto:dpo@example.com">our <em>officer</em></a>.<br>Thanks</p>',
        '<p>Write to <a href="mailto:dpo@example.com">our data <em>officer</em></a>.<br>'
        "Thanks <strong>very much</strong></p>",
    )
    [change] = result.changes
    assert change.html == (
        '<p>Write to <a href="mailto:dpo@example.com">our <ins data-label="added">data </ins>'
        "<em>officer</em></a>.<br>Thanks"
        '<ins data-label="added"> <strong>very much</strong></ins></p>'
    )


def test_a_link_that_points_elsewhere_is_a_change():
    result = compare(
        '<p>Object on <a href="/object/">this page</a>.</p>',
        '<p>Object on <a href="https://example.com/object/">this page</a>.</p>',
    )
    [change] = result.changes
    assert change.op == "change"
    assert change.html == (
        '<p>Object on <a href="/object/"><del data-label="removed">this page</del></a>'
        '<a href="https://example.com/object/"><ins data-label="added">this page</ins></a>.</p>'
    )


def test_changed_list_item_keeps_its_markup():
    old = "<ul><li>Your <strong>name</strong></li><li>Your email</li></ul>"
    new = "<ul><li>Your <strong>full name</strong></li><li>Your email</li></ul>"
    [change, same] = compare(old, new).changes
    assert (change.op, change.tag, same.op) == ("change", "li", "equal")
    assert change.html == '<li>Your <strong><ins data-label="added">full </ins>name</strong></li>'


HOSTILE = (
    '<p onclick="steal()">Hi <a href="javascript:alert(1)">there</a> '
    '<a href=" JaVa\tScRiPt:alert(2)">you</a> <a href="data:text/html,x">all</a>'
    '<img src="x" onerror="alert(3)"><script>alert(4)</script><style>p{}</style>'
    '<!-- <script>alert(5)</script> --><span style="color:red">&lt;b&gt;!</span>'
    '<strong class="x" title="y">bold</strong> <a href="/ok/" target="_blank" '
    'onmouseover="alert(6)">ok</a> <iframe src="https://evil.example/"></iframe></p>'
    '<table onclick="alert(7)"><tr><td style="x">&lt;script&gt;alert(8)&lt;/script&gt;</td>'
    '<th scope="javascript:alert(9)">h</th></tr></table>'
)


@pytest.mark.parametrize(
    "old,new",
    [
        ("<p>Before.</p>", HOSTILE),  # inserted blocks
        (HOSTILE, "<p>Before.</p>"),  # deleted blocks
        (HOSTILE, HOSTILE),  # equal blocks
        (HOSTILE, HOSTILE.replace("Hi", "Hello").replace("<th", "<td>new</td><th")),  # changed
    ],
)
def test_hostile_html_stays_escaped_in_every_kind_of_block(old, new):
    html = "".join(change.html for change in compare(old, new).changes)
    assert "<script" not in html and "<style" not in html and "<img" not in html
    assert "<iframe" not in html and "alert(" not in html.replace("&lt;script&gt;alert(8", "")
    assert not re.search(r"\son\w+=|style=|class=\"x|title=|target=|javascript:|data:", html)
    assert "&lt;b&gt;!" in html and "&lt;script&gt;alert(8" in html
    assert '<a href="/ok/">' in html and "<strong>bold</strong>" in html
    assert "<th>" in html and "scope" not in html  # not one of the four keywords: dropped
    # Every element left is one of the known ones.
    assert set(re.findall(r"<(\w+)", html)) <= {
        "p", "a", "strong", "del", "ins", "table", "tbody", "tr", "td", "th",
    }  # fmt: skip


@pytest.mark.parametrize(
    "href,kept",
    [
        ("https://example.com/a?b=1&c=2", "https://example.com/a?b=1&c=2"),
        ("HTTP://example.com/", "HTTP://example.com/"),
        ("mailto:dpo@example.com", "mailto:dpo@example.com"),
        ("/privacy/#cookies", "/privacy/#cookies"),
        ("../terms/", "../terms/"),
        ("#section-2", "#section-2"),
        ("/a:b", "/a:b"),
        ("  /spaced/ ", "/spaced/"),
        ("javascript:alert(1)", None),
        (" \x01JAVASCRIPT:alert(1)", None),
        ("java\nscript:alert(1)", None),
        ("vbscript:x", None),
        ("data:text/html;base64,PHNjcmlwdD4=", None),
        ("file:///etc/passwd", None),
        ("", None),
    ],
)
def test_safe_href(href, kept):
    assert safe_href(href) == kept


def test_a_quote_in_a_link_cannot_leave_its_attribute():
    [change] = compare("", '<p><a href="/a/&quot; onclick=&quot;x">link</a></p>').changes
    assert change.html == '<p><a href="/a/&quot; onclick=&quot;x">link</a></p>'


def test_title_marks_escape_markup():
    assert word_diff("Privacy <policy>", "Privacy <notice>") == (
        'Privacy &lt;<del data-label="removed">policy</del><ins data-label="added">notice</ins>&gt;'
    )


def test_added_heading_and_list_item():
    old = "<p>Intro.</p><ul><li>Name</li><li>Email</li></ul>"
    new = "<p>Intro.</p><h2>What we collect</h2><ul><li>Name</li><li>Email</li><li>Phone</li></ul>"
    result = compare(old, new)
    assert ops(result) == [("insert", "h2"), ("insert", "li")]


def test_removed_paragraph():
    result = compare("<p>Keep.</p><p>Drop this sentence entirely.</p>", "<p>Keep.</p>")
    assert ops(result) == [("delete", "p")]


def test_identical_texts_have_no_changes():
    assert not compare("<p>Same.</p>", "<p>Same.</p>").has_changes


def test_markup_in_text_is_escaped():
    result = compare("<p>a &lt;b&gt; c</p>", "<p>a &lt;script&gt; c</p>")
    assert "<script>" not in result.changes[0].html


@pytest.fixture
def versions(db, policies):
    page = policies.create(title="Privacy policy", text="We keep invoices for 5 years.")
    page = policies.publish(page, level="editorial")
    sl = policies.translate(page, "sl", title="Politika zasebnosti", text="Račune hranimo 5 let.")
    sl.save_revision().publish()
    page = policies.publish(page, level="minor", text="We keep invoices for 10 years.")
    sl.body = [{"type": "paragraph", "value": "<p>Račune hranimo 10 let.</p>"}]
    sl.save_revision().publish()
    return page, sl


@pytest.mark.django_db
def test_api_diff_in_the_readers_language(client, versions):
    response = client.get(API + "?from=1&to=2&locale=sl")
    assert response.status_code == 200
    data = response.json()
    assert data["language"] == "sl"
    assert (data["old"]["number"], data["new"]["number"]) == (1, 2)
    assert data["stats"]["changed"] == 1
    [change] = [c for c in data["changes"] if c["op"] != "equal"]
    assert change["old_text"] == "Račune hranimo 5 let."
    assert change["new_text"] == "Račune hranimo 10 let."
    assert change["label"] == "Spremenjeno"
    assert "<ins" in data["html"] and "<del" in data["html"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query,status,code",
    [
        ("?from=2&to=2", 400, "same_version"),
        ("?from=1&to=7", 404, "unknown_version"),
        ("?from=1", 422, "invalid_input"),
        ("?from=one&to=2", 422, "invalid_input"),
        ("?from=1&to=2&locale=de", 400, "unknown_locale"),
    ],
)
def test_api_diff_refuses_bad_input(client, versions, query, status, code):
    response = client.get(API + query)
    assert response.status_code == status
    assert response.json()["code"] == code


@pytest.mark.django_db
def test_a_version_of_another_policy_is_unknown(client, versions, policies):
    terms = policies.create(title="Terms", slug="terms")
    terms = policies.publish(terms, level="editorial")
    policies.publish(terms, level="editorial", text="Terms v2")
    policies.publish(terms, level="editorial", text="Terms v3")
    response = client.get(API + "?from=1&to=3")
    assert response.status_code == 404
    assert response.json()["code"] == "unknown_version"


@pytest.mark.django_db
def test_diff_page_and_links(client, versions):
    page, sl = versions
    html = client.get(page.url).content.decode()
    assert page.url + "diff/1/2/" in html
    response = client.get(sl.url + "diff/1/2/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Račune hranimo" in text and "<ins" in text and 'data-label="' in text
    assert client.get(page.url + "diff/2/2/").status_code == 404


@pytest.mark.django_db
def test_api_links_upcoming_changes(client, policies):
    page = policies.create()
    page = policies.publish(page, level="editorial")
    policies.publish(page, level="major", effective_at=policies.days(11), text="We keep no data.")
    data = client.get("/api/privacy/v1/policies/privacy-policy/").json()
    assert data["changes_url"] == (
        "/api/privacy/v1/policies/privacy-policy/diff/?from=1&to=2&locale=en"
    )
    assert client.get(data["changes_url"]).json()["stats"]["changed"] == 1


@pytest.mark.django_db
def test_diff_page_shows_a_changed_table_as_one_table(client, policies):
    def publish(page, level, years, orders):
        page = PolicyPage.objects.get(pk=page.pk)
        page.change_level, page.change_summary, page.effective_at = level, "", None
        data = [["Data", "Kept"], ["Invoices", "10 years"], ["Orders", orders], ["Reviews", "2 y"]]
        page.body = [
            {"type": "paragraph", "value": f"<p>We keep <b>orders</b> for {years} years.</p>"},
            {
                "type": "table",
                "value": {
                    "data": data,
                    "first_row_is_table_header": True,
                    "first_col_is_header": False,
                },
            },
        ]
        page.save_revision().publish()
        return PolicyPage.objects.get(pk=page.pk)

    page = publish(policies.create(), "editorial", 10, "5 years")
    page = publish(page, "minor", 11, "6 years")
    response = client.get(page.url + "diff/1/2/")
    assert response.status_code == 200
    html = response.content.decode()
    diff = html[html.index('class="privacy-diff"') :]
    assert diff.count("<table") == 1 and diff.count("<tr") == 4
    assert '<td><del data-label="removed">5</del><ins data-label="added">6</ins> years</td>' in diff
    assert (
        "We keep <b>orders</b> for "
        '<del data-label="removed">10</del><ins data-label="added">11</ins> years.'
    ) in diff
    api = client.get(API + "?from=1&to=2").json()
    assert api["stats"]["changed"] == 2
    assert [c["tag"] for c in api["changes"] if c["op"] == "change"] == ["p", "table"]
