"""A worker process for ``test_throttle_across_processes.py``: a web worker's view of the API.

Run as ``python -m tests.verification.throttle_worker`` with the settings
``tests.verification.shared_throttle_settings``. It reads one JSON command per line on stdin
and answers each with one JSON line on stdout:

- ``{"login": pk}``: sign the customer in (a session of this worker's own test client);
- ``{"codes": [...], "at": epoch}``: from ``at`` on (if given), send each code to
  ``POST /me/verification/``; answers the statuses, error codes and ``retry_after`` values.
"""

import json
import sys
import time


def main():
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        command = json.loads(line)
        if "login" in command:
            client.force_login(get_user_model().objects.get(pk=command["login"]))
            print(json.dumps({"signed_in": command["login"]}), flush=True)
            continue
        if command.get("at"):
            time.sleep(max(0.0, command["at"] - time.time()))
        answers = []
        for code in command["codes"]:
            response = client.post(
                "/api/privacy/v1/me/verification/", {"token": code}, content_type="application/json"
            )
            body = response.json()
            answers.append(
                {
                    "status": response.status_code,
                    "code": body.get("code"),
                    "retry_after": body.get("retry_after"),
                }
            )
        print(json.dumps({"answers": answers}), flush=True)


if __name__ == "__main__":
    main()
