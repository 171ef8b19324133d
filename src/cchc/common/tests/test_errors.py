"""One error base: every refusal is a ``DomainError`` whose class declares the HTTP status of each of its
codes; no other module keeps a code -> status table, and the two handlers (pages, API) answer with it."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from enum import Enum, StrEnum
from pathlib import Path
from types import ModuleType

import pytest
from django.test import RequestFactory
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

import cchc
from cchc.common.api import exception_handler
from cchc.common.errors import DomainError, DomainErrorMiddleware
from cchc.common.params import ParamError

ROOT = Path(cchc.__file__).parent
# Modules not imported by the walk: the entry points run things when imported (the WSGI/ASGI apps call
# ``startup.process_ready``: ``gc.freeze``), the production settings refuse a development environment.
NOT_IMPORTED = ("cchc.__main__", "cchc.config.wsgi", "cchc.config.asgi", "cchc.config.production")
# the development identity provider: a separate Django project with its own settings (docs/identity.md)
NOT_IMPORTED_PACKAGES = ("cchc.identity.provider",)

# Exceptions that are not refusals of a request, each with why (their docstrings say the same).
NOT_REFUSALS = {
    "AppendOnlyError": "an attempt by code to rewrite the audit trail: an integrity error, a defect",
    "UnknownAuditKey": "the deployment's audit key ring lacks a key: configuration",
    "OrgDataError": "the registry files shipped with the release are inconsistent: a defect of the release",
    "SimulationSetupError": "the simulate command's database is not set up: an operator's set-up step",
    "FileRejected": "the upload check's internal answer, turned by each caller into its own app's refusal",
    "HandlerTimeout": "the outbox dispatcher's time limit interrupting a subscriber: a fault, retried",
    "_BatchBroken": "the outbox dispatcher's internal signal to roll a batch back and retry it",
    "_Retryable": "the SMS/Zalo gateway's internal signal to try the provider again",
    "RequestTooLarge": "DRF's parser protocol (an APIException raised while reading the body)",
    "Rejected": "the national simulator's answer in the portal's error shape (a separate process, no Django)",
    "_ItemRejected": "the national simulator's refusal of one sync item, answered in its acknowledgements",
    "ItemSkipped": "the national feedback import's signal that one item is skipped and recorded with its reason",
    # issue 15 part 4 (cchc.payments): the gateway adapter's internal answers, each turned into the
    # payment protocol's code (97, 99) or retried (the gateway down: a fault, like HandlerTimeout)
    "SignatureInvalid": "a payment callback whose signature does not verify: answered 97 by the IPN view",
    "MalformedCallback": "a payment callback lacking what the protocol requires: answered 99 by the IPN view",
    "GatewayError": "the payment gateway down or answering garbage: a fault, retried (outbox, next expiry run)",
    # issue 16-17: a simulation's internal signal, and an operator's command failing
    "_NotSigned": "the simulation's internal signal that a result could not be signed (it is left unsigned)",
    "BackupError": "cchc backup / restore cannot go on: an operator's command (a CommandError), not a request",
    "ClusterError": "a throwaway test or benchmark PostgreSQL cluster could not be made (cchc.common.pgcluster)",
}
# 4xx: the request was refused; 502/503: a national system failed or is not configured (cchc.integrations),
# still a Vietnamese message and never a 500; 507: the file store is full (storage.full, RFC 4918 §11.5)
VALID_STATUSES = [*range(400, 500), 502, 503, 507]
# The same refusal answers the same status in every app (by the code's last part).
SAME_EVERYWHERE = {"NOT_PERMITTED": 403, "UPLOAD_TOO_LARGE": 413, "UPLOAD_TYPE_NOT_ALLOWED": 415, "INVALID_INPUT": 400}


class SampleCode(StrEnum):
    UPLOAD_TOO_LARGE = "sample.upload_too_large"
    WRONG_STATE = "sample.wrong_state"
    NOT_PERMITTED = "sample.not_permitted"


class SampleError(DomainError[SampleCode]):
    codes = SampleCode
    statuses = {SampleCode.UPLOAD_TOO_LARGE: 413, SampleCode.WRONG_STATE: 409, SampleCode.NOT_PERMITTED: 403}


def _source_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages([str(ROOT)], prefix="cchc."):
        parts = info.name.split(".")
        if "tests" in parts or "migrations" in parts or info.name in NOT_IMPORTED:
            continue
        if any(info.name == p or info.name.startswith(p + ".") for p in NOT_IMPORTED_PACKAGES):
            continue
        names.append(info.name)
    return names


def _modules() -> list[ModuleType]:
    return [importlib.import_module(name) for name in _source_modules()]


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_subclasses(sub)}
    return found


def _domain_errors() -> list[type[DomainError]]:
    _modules()  # every class is defined once its module is imported
    return sorted(
        (c for c in _subclasses(DomainError) if c.__module__.startswith("cchc.") and ".tests" not in c.__module__),
        key=lambda c: c.__qualname__,
    )


def test_every_app_error_derives_from_the_one_base():
    names = {c.__name__ for c in _domain_errors()}

    assert {
        "DossierError",
        "DocumentError",
        "PlanError",
        "ReportError",
        "IndicatorError",
        "RegisterError",
        "FeedbackError",
        "ParError",
        "TargetValueError",
        "ProgramImportError",
        "SurveyError",
        "CatalogueError",
        "AccountsError",
        "ParamError",
    } <= names


@pytest.mark.parametrize("error_class", _domain_errors(), ids=lambda c: c.__name__)
def test_every_code_a_class_declares_has_its_status(error_class):
    codes: type[Enum] | None = error_class.codes
    assert error_class.default_status in VALID_STATUSES
    assert all(status in VALID_STATUSES for status in error_class.statuses.values())
    if codes is None:  # a class without an enum of codes (ParamError): its statuses name its codes
        assert error_class.statuses, f"{error_class.__name__} declares neither codes nor statuses"
        return
    members = {m.value for m in codes}
    missing = sorted(members - {str(k) for k in error_class.statuses})
    unknown = sorted({str(k) for k in error_class.statuses} - members)
    assert not missing, f"{error_class.__name__}: no HTTP status declared for {missing}"
    assert not unknown, f"{error_class.__name__}: statuses of codes it does not declare: {unknown}"
    for member in codes:
        assert error_class.status_for(member.value) == error_class.statuses[member]


@pytest.mark.parametrize("error_class", _domain_errors(), ids=lambda c: c.__name__)
def test_the_same_refusal_answers_the_same_status_in_every_app(error_class):
    codes = list(error_class.codes or [])
    differing = {
        m.value: (error_class.status_for(m.value), SAME_EVERYWHERE[m.name])
        for m in codes
        if m.name in SAME_EVERYWHERE and error_class.status_for(m.value) != SAME_EVERYWHERE[m.name]
    }

    assert not differing, f"{error_class.__name__}: (declared, expected) {differing}"


def test_the_status_travels_with_the_error_and_a_raise_may_override_it():
    too_large = SampleError(SampleCode.UPLOAD_TOO_LARGE, "Tệp quá lớn.")
    wrong_state = SampleError(SampleCode.WRONG_STATE, "Không thực hiện được.")
    overridden = SampleError(SampleCode.WRONG_STATE, "Không có.", 404)
    unknown = DomainError("sample.other", "Khác.")

    assert (too_large.http_status, wrong_state.http_status, overridden.http_status) == (413, 409, 404)
    assert unknown.http_status == 400  # the base's default_status
    assert (str(too_large), too_large.message, too_large.code) == (
        "Tệp quá lớn.",
        "Tệp quá lớn.",
        "sample.upload_too_large",
    )
    bad = ParamError("Số trang phải là số nguyên.")
    assert isinstance(bad, ValueError)  # callers that catch ValueError still do
    assert (bad.code, bad.http_status) == ("param.invalid", 400)


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _source_files() -> list[Path]:
    return [
        path
        for path in sorted(ROOT.rglob("*.py"))
        if "tests" not in path.relative_to(ROOT).parts and "migrations" not in path.relative_to(ROOT).parts
    ]


def test_no_exception_class_outside_the_base_unless_it_is_not_a_refusal():
    offenders = []
    for module in _modules():
        for name, obj in vars(module).items():
            if not (inspect.isclass(obj) and obj.__module__ == module.__name__ and issubclass(obj, BaseException)):
                continue
            if issubclass(obj, DomainError) or name in NOT_REFUSALS:
                continue
            offenders.append(f"{module.__name__}.{name}")

    assert not offenders, f"refusals must derive from cchc.common.errors.DomainError: {offenders}"


def _is_http_error_status(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return 400 <= node.value <= 599
    return isinstance(node, ast.Attribute) and node.attr.startswith(("HTTP_4", "HTTP_5"))


def _statuses_declarations(tree: ast.Module) -> set[int]:
    """ids of the dicts assigned to ``statuses`` in a class body: the one place a code's status is declared."""
    allowed = set()
    for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
        for stmt in cls.body:
            targets = (
                stmt.targets
                if isinstance(stmt, ast.Assign)
                else [stmt.target]
                if isinstance(stmt, ast.AnnAssign)
                else []
            )
            if any(isinstance(t, ast.Name) and t.id == "statuses" for t in targets) and stmt.value is not None:
                allowed.add(id(stmt.value))
    return allowed


def _status_tables(tree: ast.Module) -> list[int]:
    """Lines that map error codes to HTTP statuses: a dict whose values are 4xx/5xx statuses (keys not
    statuses themselves, as in OpenAPI ``responses``), ``TABLE.get(code, 409)``, and
    ``404 if error.code == X else 409``."""
    allowed = _statuses_declarations(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict) and id(node) not in allowed and node.values:
            keyed_by_status = all(_is_http_error_status(k) for k in node.keys if k is not None)
            if not keyed_by_status and sum(_is_http_error_status(v) for v in node.values) >= 2:
                found.append(node.lineno)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and len(node.args) == 2
            and _is_http_error_status(node.args[1])
        ) or (
            isinstance(node, ast.IfExp)
            and (_is_http_error_status(node.body) or _is_http_error_status(node.orelse))
            and any(isinstance(n, ast.Attribute) and n.attr == "code" for n in ast.walk(node.test))
        ):
            found.append(node.lineno)
    return sorted(found)


def test_no_module_keeps_its_own_code_to_status_table():
    base = ROOT / "common" / "errors.py"
    found = [
        f"{path.relative_to(ROOT.parent)}:{line}"
        for path in _source_files()
        if path != base
        for line in _status_tables(_tree(path))
    ]

    assert not found, "declare the status in the error class's `statuses` instead:\n" + "\n".join(found)


def test_the_scan_finds_a_table_a_lookup_and_a_choice():
    sample = ast.parse(
        "ERROR_STATUS = {Code.NOT_PERMITTED: 403, Code.INVALID_INPUT: 400}\n"
        "status = ERROR_STATUS.get(exc.code, 409)\n"
        "other = 404 if error.code == Code.UNKNOWN else 409\n"
        "responses = {400: 'bad', 404: 'missing'}\n"
        "class E:\n    statuses = {Code.A: 409, Code.B: 400}\n"
    )

    assert _status_tables(sample) == [1, 2, 3]


# --- the two handlers ------------------------------------------------------------------------------


def test_the_api_handler_answers_the_envelope_with_the_declared_status():
    request = APIRequestFactory().post("/api/x")
    refusal = SampleError(SampleCode.UPLOAD_TOO_LARGE, "Tệp «a.pdf» vượt quá dung lượng cho phép.")

    response = exception_handler(refusal, {"view": APIView(), "request": request})

    assert response is not None
    assert response.status_code == 413
    assert response.data == {"code": "sample.upload_too_large", "message": "Tệp «a.pdf» vượt quá dung lượng cho phép."}


def test_the_page_handler_renders_a_refusal_no_view_caught():
    request = RequestFactory().get("/")
    middleware = DomainErrorMiddleware(lambda r: None)  # type: ignore[arg-type,return-value]

    response = middleware.process_exception(request, SampleError(SampleCode.NOT_PERMITTED, "Không có quyền."))
    other = middleware.process_exception(request, KeyError("x"))

    assert response is not None
    assert response.status_code == 403
    text = response.content.decode()
    assert "Không có quyền." in text
    assert "sample.not_permitted" in text
    assert other is None  # anything else is not a refusal: Django's own handling
