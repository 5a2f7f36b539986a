"""A policy PDF is rendered once per version and language, whichever web workers ask at once."""

import threading

import pytest

from .client import API, Customer

pytestmark = pytest.mark.topology

PREFIX = "wagtail_privacy/policies/"

# Forget the rendered PDF of one version text (row and stored file), as for a version whose
# render no task worker has picked up yet.
FORGET = """
from wagtail_privacy.policies.models import PolicyVersionPdf, PolicyVersionText
from wagtail_privacy.storage import pdf_storage

text = PolicyVersionText.objects.get(
    version__policy__slug="terms-of-sale", version__number=1, locale__language_code="sq"
)
for pdf in PolicyVersionPdf.objects.filter(text=text):
    if pdf.file:
        pdf_storage().delete(pdf.file)
    pdf.delete()
print("TEXT", text.pk)
"""

RECORDS = """
from wagtail_privacy.policies.models import PolicyVersionPdf

for pdf in PolicyVersionPdf.objects.filter(text_id={text}):
    print("PDF", pdf.file, pdf.sha256, pdf.rendered_at is not None)
"""


def test_two_first_downloads_through_a_and_b_at_once_render_one_pdf(topology):
    topology.wait_until_idle()
    text = topology.shell(FORGET).split("TEXT")[-1].split()[0]
    before = topology.keys(topology.media_bucket, PREFIX)

    path = f"{API}/policies/terms-of-sale/versions/1/pdf/?locale=sq"
    clients = {"A": Customer(topology), "B": Customer(topology)}
    barrier = threading.Barrier(2)
    responses, errors = {}, []

    def download(worker):
        try:
            barrier.wait()
            responses[worker] = clients[worker].get(worker, path)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=download, args=(worker,)) for worker in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors
    for worker, response in responses.items():
        assert response.status_code == 200, f"worker {worker}: {response.text[:300]}"
        assert response.headers["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
    assert responses["A"].headers["ETag"] == responses["B"].headers["ETag"]
    assert responses["A"].content == responses["B"].content

    # One render: one new object in the media bucket, the one the PDF's record names.
    new = topology.keys(topology.media_bucket, PREFIX) - before
    assert len(new) == 1, new
    [record] = topology.shell(RECORDS.format(text=text)).split("PDF")[1:]
    name, sha256, rendered = record.split()
    assert new == {name} and rendered == "True"
    assert responses["A"].headers["ETag"] == f'"{sha256}"'
    assert not any(key.startswith("exports/") for key in topology.keys(topology.media_bucket))

    # Later downloads, in either worker, are served from S3 without another render.
    again = clients["B"].get("A", path)
    assert again.status_code == 200 and again.content == responses["A"].content
    assert topology.keys(topology.media_bucket, PREFIX) - before == new
