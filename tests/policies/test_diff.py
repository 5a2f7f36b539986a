"""Block-aware, word-level comparison of versions, through the API and the public page."""

import pytest

from wagtail_privacy.policies.diff import compare

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


def test_added_table_row():
    table = (
        "<table><tr><th>Data</th><th>Kept</th></tr>"
        "<tr><td>Invoices</td><td>10 years</td></tr>{}</table>"
    )
    old = table.format("")
    new = table.format("<tr><td>Reviews</td><td>2 years</td></tr>")
    result = compare(old, new)
    assert ops(result) == [("insert", "tr")]
    [added] = [c for c in result.changes if c.op == "insert"]
    assert added.new_text == "Reviews | 2 years"


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
