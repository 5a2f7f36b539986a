"""A data export across processes: asked in web worker A, built by a task worker, kept in the
private S3 bucket, downloaded through web worker B by its owner and nobody else."""

import io
import json
import time
import zipfile

import pytest

from .client import API, Customer

pytestmark = pytest.mark.topology


def test_an_export_asked_in_a_is_built_by_a_task_worker_and_served_by_b_to_its_owner_only(
    topology,
):
    topology.wait_until_idle()
    ana = Customer(topology, "ana@example.com").sign_in("A")
    bor = Customer(topology, "bor@example.com").sign_in("B")
    anonymous = Customer(topology)

    # Step-up: a one-time code emailed through the SMTP server, checked by the other worker.
    seen = len(topology.emails())
    response = ana.send("POST", "A", f"{API}/me/verification/", {"method": "email"})
    assert response.status_code == 202, response.text
    code = topology.wait_for_email("ana@example.com", r"\b(\d{6})\b", after=seen).group(1)
    response = ana.send("POST", "B", f"{API}/me/verification/", {"token": code})
    assert response.status_code == 200 and response.json()["verified"], response.text

    response = ana.send("POST", "A", f"{API}/me/exports/")
    assert response.status_code == 202, response.text
    export_id = response.json()["id"]

    deadline = time.monotonic() + 90
    while True:
        state = ana.get("B", f"{API}/me/exports/{export_id}/").json()
        if state["status"] == "ready":
            break
        assert state["status"] in ("pending", "running"), state
        assert time.monotonic() < deadline, f"export still {state['status']}\n{topology.logs()}"
        time.sleep(0.5)
    link = state["download_url"]
    assert link.startswith(f"{API}/me/exports/{export_id}/download/?token=")

    download = ana.get("B", link)
    assert download.status_code == 200, download.text
    assert download.headers["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
        assert {"data.json", "index.html", "orders.csv"} <= set(archive.namelist())
        data = json.loads(archive.read("data.json"))
    orders = next(source for source in data["sources"] if source["name"] == "orders")
    assert {record["number"] for record in orders["records"]} >= {"LC-1007", "LC-1038"}

    # Another customer with the link, and nobody signed in, get nothing.
    refused = bor.get("B", link)
    assert refused.status_code == 403 and refused.json()["code"] == "invalid_link"
    assert "PK" not in refused.text[:2]
    refused = anonymous.get("B", link)
    assert refused.status_code == 401 and refused.json()["code"] == "not_authenticated"
    assert bor.get("A", f"{API}/me/exports/{export_id}/").status_code == 404

    # The archive is an object of the private bucket, under exports/, and only there.
    private = {key for key in topology.keys(topology.private_bucket) if export_id in key}
    assert private == {f"exports/wagtail_privacy/exports/{export_id}.zip"}
    assert not any(export_id in key for key in topology.keys(topology.media_bucket))
    stored = topology.s3.get_object(Bucket=topology.private_bucket, Key=private.pop())
    assert stored["Body"].read() == download.content
