"""Typeset PDFs of policy versions: content, metadata, caching and render-once storage."""

import io
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from pypdf import PdfReader

from tests.concurrency import at_once
from tests.factories import body
from wagtail_privacy.policies import pdf as pdf_module
from wagtail_privacy.policies.models import PolicyVersionPdf, PolicyVersionText
from wagtail_privacy.policies.pages import PolicyPage

API = "/api/privacy/v1/policies/privacy-policy"
SECTIONS = ["Kdo smo", "Katere podatke zbiramo", "Koliko časa hranimo podatke", "Vaše pravice"]


@pytest.fixture
def policy(db, policies, storage, settings):
    settings.WAGTAIL_PRIVACY = {"CONTROLLER_NAME": "Lipa d.o.o.", "SHOP_NAME": "Lipa & Co."}
    page = policies.create(title="Privacy policy", text="English text.")
    page = policies.publish(page, level="editorial")
    sl = policies.translate(page, "sl", title="Politika zasebnosti", text="")
    blocks = []
    for section in SECTIONS:
        blocks.append({"type": "heading", "value": section})
        blocks.append(
            {"type": "paragraph", "value": "<p>Čuvamo vaše podatke: šiška, žaba, ćevap, đak.</p>"}
        )
    sl.body = blocks
    sl.save_revision().publish()
    return page


def pdf_text(data):
    reader = PdfReader(io.BytesIO(data))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


@pytest.mark.django_db
def test_pdf_has_the_text_metadata_and_headers(client, policy):
    response = client.get(f"{API}/versions/1/pdf/?locale=sl")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert 'filename="privacy-policy-v1-sl.pdf"' in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    assert data.startswith(b"%PDF-")
    reader, text = pdf_text(data)
    assert "Politika zasebnosti" in text
    assert "Čuvamo vaše podatke: šiška, žaba, ćevap, đak." in text
    assert "Lipa & Co." in text  # running header
    assert "Različica 1" in text  # footer, translated
    assert "Stran 1 od" in text
    assert "Vsebina" in text  # table of contents with four headings
    assert reader.metadata.title == "Politika zasebnosti"
    assert reader.metadata.author == "Lipa d.o.o."
    assert str(reader.trailer["/Root"].get("/Lang")) == "sl"


@pytest.mark.django_db
def test_albanian_and_croatian_letters_survive(policies, storage):
    page = policies.create(title="Politika e privatësisë", text="Çdo përdorues; Hrvatska: đ ć č.")
    page = policies.publish(page, level="editorial")
    text = PolicyVersionText.objects.get()
    data = pdf_module.render_pdf(pdf_module.PdfDocument.of_text(text))
    _reader, extracted = pdf_text(data)
    assert "Politika e privatësisë" in extracted
    assert "Çdo përdorues; Hrvatska: đ ć č." in extracted


@pytest.mark.django_db
def test_etag_and_not_modified(client, policy):
    first = client.get(f"{API}/versions/1/pdf/?locale=sl")
    etag = first["ETag"]
    record = PolicyVersionPdf.objects.get()
    assert etag == f'"{record.sha256}"'
    again = client.get(f"{API}/versions/1/pdf/?locale=sl", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again["ETag"] == etag
    assert client.get(f"{API}/versions/1/pdf/?locale=sl").status_code == 200
    assert PolicyVersionPdf.objects.count() == 1


@pytest.mark.django_db
def test_stored_once_and_served_from_storage(client, policy, monkeypatch, storage):
    client.get(f"{API}/versions/1/pdf/?locale=sl")
    record = PolicyVersionPdf.objects.get()
    assert (storage / record.file).exists()
    assert record.file.endswith(f"{record.sha256}.pdf")

    def no_render(*args, **kwargs):
        raise AssertionError("rendered twice")

    monkeypatch.setattr(pdf_module, "render_pdf", no_render)
    response = client.get(f"{API}/versions/1/pdf/?locale=sl")
    assert b"".join(response.streaming_content) == (storage / record.file).read_bytes()


@pytest.mark.django_db
def test_the_page_links_and_serves_the_pdf(client, policy):
    html = client.get(policy.url).content.decode()
    assert policy.url + "versions/1/pdf/" in html
    response = client.get(policy.url + "versions/1/pdf/")
    assert response.status_code == 200
    assert 'filename="privacy-policy-v1-en.pdf"' in response["Content-Disposition"]


@pytest.mark.django_db
def test_api_links_to_the_pdf(client, policy):
    data = client.get(f"{API}/?locale=sl").json()
    assert data["current"]["pdf_url"] == f"{API}/versions/1/pdf/?locale=sl"


@pytest.mark.django_db
def test_unknown_version_pdf_is_a_json_404(client, policy):
    response = client.get(f"{API}/versions/9/pdf/")
    assert response.status_code == 404
    assert response.json()["code"] == "unknown_version"


@pytest.mark.django_db
def test_publishing_renders_the_pdf_in_the_background(
    policies, storage, django_capture_on_commit_callbacks
):
    page = policies.create()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        policies.publish(page, level="editorial")
    assert callbacks
    record = PolicyVersionPdf.objects.get()
    assert record.rendered_at is not None and record.size > 1000


@pytest.mark.django_db
def test_a_failed_render_releases_its_claim(policies, storage, monkeypatch):
    page = policies.create()
    policies.publish(page, level="editorial")
    text = PolicyVersionText.objects.get()
    monkeypatch.setattr(pdf_module, "render_pdf", lambda *a, **k: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        pdf_module.stored_pdf(text)
    assert not PolicyVersionPdf.objects.exists()


@pytest.mark.django_db
def test_an_abandoned_claim_is_taken_over(policies, storage, settings):
    page = policies.create()
    policies.publish(page, level="editorial")
    text = PolicyVersionText.objects.get()
    PolicyVersionPdf.objects.create(text=text, claimed_at=timezone.now() - timedelta(hours=1))
    record = pdf_module.stored_pdf(text, wait=1)
    assert record.rendered_at is not None


@pytest.mark.django_db
def test_a_fresh_claim_makes_others_wait(policies, storage):
    page = policies.create()
    policies.publish(page, level="editorial")
    text = PolicyVersionText.objects.get()
    PolicyVersionPdf.objects.create(text=text, claimed_at=timezone.now())
    with pytest.raises(pdf_module.PdfNotReady):
        pdf_module.stored_pdf(text, wait=0.3, poll=0.1)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_first_requests_render_once(policies, storage, monkeypatch, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    page = policies.create()
    policies.publish(page, level="editorial")
    text = PolicyVersionText.objects.get()
    renders = []
    real_render = pdf_module.render_pdf

    def counting_render(*args, **kwargs):
        renders.append(1)
        return real_render(*args, **kwargs)

    monkeypatch.setattr(pdf_module, "render_pdf", counting_render)
    results, errors = at_once(lambda: pdf_module.stored_pdf(text, wait=60, poll=0.05).sha256, 4)
    if connection.vendor == "sqlite" and errors:
        pytest.skip(f"SQLite locked under concurrent writers: {errors[0]}")
    assert not errors
    assert len(renders) == 1
    assert len(set(results)) == 1 and len(results) == 4
    assert PolicyVersionPdf.objects.count() == 1


@pytest.mark.django_db
def test_editor_previews_the_pdf_of_a_draft(client, editor, policies):
    page = policies.create(title="Privacy policy")
    page = PolicyPage.objects.get(pk=page.pk)
    page.body = body("Draft wording with č and ž.")
    page.save_revision()
    client.force_login(editor)
    from django.urls import reverse

    response = client.get(reverse("wagtailadmin_pages:view_draft", args=[page.pk]) + "?mode=pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    _reader, text = pdf_text(response.content)
    assert "Draft wording with č and ž." in text
    assert "Draft — not published" in text
