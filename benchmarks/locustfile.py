"""The load test's users (issue 17 item 4), run by ``benchmarks/load.py`` (locust, headless, 127.0.0.1 only).

The mix, weighted like a public-service portal's day (mostly anonymous reads):

- ``Citizen`` (weight 16): procedure search, procedure pages, status look-ups (code + phone number, then
  the status page), and now and then an online submission with a PDF (the apply page, then the
  multipart POST; the answer's 302 to ``/dich-vu-cong/da-nop/<id>/`` is the acknowledgement, recorded
  with the confirmation page's submission reference for the checks afterwards);
- ``Officer`` (weight 3): signed in through the login form (CSRF, password; a reception officer needs
  no second factor), the queues, dossier pages, and the reception (``tiep-nhan``) of the online dossiers
  filed during the run (a 409 when another officer took it first is the business answer, not an error);
- ``Manager`` (weight 1): signed in, the indicator dashboards (province, agency, drill-down) and their
  CSV export.

Parameters come from the JSON file named by ``CCHC_LOAD_PARAMS`` (written by load.py). The production
session and CSRF cookies are ``Secure`` (TLS ends at nginx in front of gunicorn); this client speaks plain
HTTP to 127.0.0.1, so its cookie policy sends them anyway.
"""

from __future__ import annotations

import json
import os
import random
import re
import threading
from pathlib import Path
from typing import Any

from locust import HttpUser, between, task

PARAMS: dict[str, Any] = json.loads(Path(os.environ["CCHC_LOAD_PARAMS"]).read_text(encoding="utf-8"))
ACKS = Path(os.environ.get("CCHC_LOAD_ACKS", "/dev/null"))
_acks_lock = threading.Lock()
# the online dossiers filed during the run, waiting for an officer's reception (the data set's own
# online dossiers have file names but no files: the bulk loader writes rows, not uploads)
SUBMITTED: list[int] = []
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
REFERENCE = re.compile(r'id="ma-nop">([^<]+)<')
PDF = Path(os.environ["CCHC_LOAD_PDF"]).read_bytes()  # a real PDF of a typical scanned form's size


def _csrf(text: str) -> str:
    found = CSRF.search(text)
    return found.group(1) if found else ""


class _Base(HttpUser):
    abstract = True
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        # Send the Secure cookies over plain HTTP (127.0.0.1 stands for the TLS proxy; see the module):
        # requests builds each request's Cookie header from a fresh jar with the default policy, so the
        # flag is dropped from the session's cookies before each request is prepared
        prepare = self.client.prepare_request

        def insecure(request: Any) -> Any:
            for cookie in self.client.cookies:
                cookie.secure = False
            return prepare(request)

        self.client.prepare_request = insecure  # type: ignore[method-assign]

    def staff_get(self, path: str, name: str, **kwargs: Any) -> Any:
        """A staff page; sent back to the login form (the session lost) is a failure, not a 200."""
        with self.client.get(path, name=name, catch_response=True, **kwargs) as answer:
            if "/dang-nhap/" in answer.url:
                answer.failure("redirected to the login form")
            elif answer.status_code != 200:
                answer.failure(f"{answer.status_code}")
            return answer

    def login(self, username: str, password: str) -> None:
        page = self.client.get("/mot-cua/dang-nhap/", name="staff: login page")
        with self.client.post(
            "/mot-cua/dang-nhap/",
            data={"username": username, "password": password, "csrfmiddlewaretoken": _csrf(page.text)},
            allow_redirects=False,
            name="staff: login",
            catch_response=True,
        ) as answer:
            if answer.status_code != 302:
                answer.failure(f"login of {username}: {answer.status_code}")


class Citizen(_Base):
    weight = 16

    @task(30)
    def search(self) -> None:
        self.client.get("/dich-vu-cong/", params={"q": random.choice(PARAMS["words"])}, name="citizen: search")

    @task(30)
    def procedure(self) -> None:
        code = random.choice(PARAMS["procedures"])
        self.client.get(f"/dich-vu-cong/thu-tuc/{code}/", name="citizen: procedure page")

    @task(20)
    def lookup(self) -> None:
        reference, phone = random.choice(PARAMS["lookups"])
        page = self.client.get("/dich-vu-cong/tra-cuu/", name="citizen: lookup form")
        with self.client.post(
            "/dich-vu-cong/tra-cuu/",
            data={"reference": reference, "factor": phone, "csrfmiddlewaretoken": _csrf(page.text)},
            allow_redirects=False,
            name="citizen: lookup",
            catch_response=True,
        ) as answer:
            if answer.status_code != 302:
                answer.failure(f"lookup {reference}: {answer.status_code}")
                return
            location = answer.headers["Location"]
        self.client.get(location, name="citizen: status page")

    @task(3)
    def submit(self) -> None:
        offer = random.choice(PARAMS["apply"])
        url = f"/dich-vu-cong/thu-tuc/{offer['procedure']}/nop-truc-tuyen/"
        page = self.client.get(url, name="citizen: apply form")
        n = random.randrange(10**8)
        data = {
            "csrfmiddlewaretoken": _csrf(page.text),
            "applicant_kind": "citizen",
            "applicant_name": "Nguyễn Văn Tải",
            "applicant_id_number": f"0561{n:08d}",
            "applicant_phone": f"09{n:08d}",
            "applicant_email": f"tai{n}@example.vn",
            "applicant_address": "Phường Nha Trang",
            "receiving_agency": str(offer["agency"]),
        }
        files = {name: (f"{name}.pdf", PDF, "application/pdf") for name in offer["documents"]}
        with self.client.post(
            url, data=data, files=files, allow_redirects=False, name="citizen: submit online", catch_response=True
        ) as answer:
            if answer.status_code != 302 or "/da-nop/" not in answer.headers.get("Location", ""):
                answer.failure(f"submission: {answer.status_code}")
                return
            location = answer.headers["Location"]
        pk = int(location.rstrip("/").rsplit("/", 1)[1])
        confirmation = self.client.get(location, name="citizen: confirmation")
        found = REFERENCE.search(confirmation.text)
        with _acks_lock, ACKS.open("a", encoding="utf-8") as out:
            out.write(json.dumps({"pk": pk, "reference": found.group(1) if found else ""}) + "\n")
            SUBMITTED.append(pk)


class Officer(_Base):
    weight = 3

    def on_start(self) -> None:
        super().on_start()
        self.account = random.choice(PARAMS["officers"])
        self.login(self.account, PARAMS["password"])

    @task(10)
    def queue(self) -> None:
        tab = random.choice(["cua-toi", "co-quan", "qua-han", "den-han-hom-nay"])
        self.staff_get("/mot-cua/", params={"hang-doi": tab}, name="officer: queue")

    @task(10)
    def dossier(self) -> None:
        code = random.choice(PARAMS["agency_dossiers"])
        self.staff_get(f"/mot-cua/ho-so/{code}/", name="officer: dossier page")

    @task(3)
    def receive(self) -> None:
        self.staff_get("/mot-cua/", params={"hang-doi": "cho-tiep-nhan"}, name="officer: queue")
        with _acks_lock:
            if not SUBMITTED:
                return
            pk = SUBMITTED.pop(0)
        page = self.staff_get(f"/mot-cua/ho-so-truc-tuyen/{pk}/", name="officer: dossier page")
        with self.client.post(
            f"/mot-cua/ho-so-truc-tuyen/{pk}/tiep-nhan/",
            data={"csrfmiddlewaretoken": _csrf(page.text)},
            allow_redirects=False,
            name="officer: receive (transition)",
            catch_response=True,
        ) as answer:
            if answer.status_code == 409:  # another officer received it first: the business answer
                answer.success()
            elif answer.status_code != 302:
                answer.failure(f"receive {pk}: {answer.status_code}")


class Manager(_Base):
    weight = 1

    def on_start(self) -> None:
        super().on_start()
        self.login(PARAMS["manager"], PARAMS["password"])

    @task(5)
    def overview(self) -> None:
        self.staff_get("/chi-so/", name="manager: dashboard province")

    @task(3)
    def agency(self) -> None:
        code = random.choice(PARAMS["agencies"])
        self.staff_get(f"/chi-so/co-quan/{code}/", name="manager: dashboard agency")

    @task(2)
    def drill_down(self) -> None:
        code = random.choice(["ONLINE_SUBMISSION", "PROGRESS_ON_TIME", "ONLINE_PAYMENT"])
        params = {"chi-tieu": code, "phan": random.choice(["num", "den"])}
        self.staff_get("/chi-so/ho-so/", params=params, name="manager: drill-down")

    @task(1)
    def export(self) -> None:
        self.staff_get("/chi-so/", params={"dinh-dang": "csv", "bang": "chi-so"}, name="manager: export CSV")
