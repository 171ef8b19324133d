"""Benchmark of signed electronic results (issue 16, "Figures"): results signed per second in one process,
and the verification of a signed result.

Run with ``python benchmarks/signing.py [--results N] [--no-write]``. No database: a temporary
CCHC_SIGNING_DIR with the development root and one agency certificate (ECDSA P-256, as ``cchc signing
setup`` makes), a two-page result PDF rendered by WeasyPrint (Vietnamese text, the project's fonts).
Timed: ``N`` signatures through the local signer exactly as the outbox subscriber calls it (the document
check, PAdES B-B with pyHanko, the NĐ 30/2020 block with its QR code and embedded font), one process,
with the CPU per signature (what a busy shared machine inflates least); then the verification of each
signed PDF (SHA-256 and pyHanko's validator against the root: what the verification page does besides
rendering). Target ≥ 20 results/s per process; verification page p95 ≤ 150 ms.

Figures go to docs/benchmarks.json under "signing" with the date, the machine and /proc/loadavg before
and after (unless ``--no-write``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_PER_S = 20
TARGET_VERIFY_P95_MS = 150

HTML = """<html><head><meta charset="utf-8"><style>body {{ font-family: serif; font-size: 13pt; }}</style></head>
<body><p style="text-align:center"><b>ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA<br>SỞ XÂY DỰNG</b></p>
<p style="text-align:center"><b>GIẤY PHÉP XÂY DỰNG</b><br>Số: {n}/GPXD</p>
{body}</body></html>"""
PARAGRAPH = (
    "<p>Cấp cho ông Nguyễn Văn An, địa chỉ số 12 đường Trần Phú, phường Nha Trang, tỉnh Khánh Hòa, được phép "
    "xây dựng công trình nhà ở riêng lẻ theo hồ sơ thiết kế đã được thẩm định; chủ đầu tư phải thực hiện "
    "đúng giấy phép và các quy định của pháp luật về xây dựng.</p>"
)


def _loadavg() -> list[float]:
    try:
        return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
    except OSError:
        return [round(x, 2) for x in os.getloadavg()]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * (len(ordered) - 1) + 0.5))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--results", type=int, default=200, help="signatures to time (default 200)")
    parser.add_argument("--no-write", action="store_true", help="print only; do not update docs/benchmarks.json")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT / "src"))
    directory = Path(tempfile.mkdtemp(prefix="cchc-signing-bench-"))
    os.environ["CCHC_SIGNING_DIR"] = str(directory)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.config.settings")
    import django

    django.setup()
    logging.disable(logging.INFO)  # fontTools logs every subset at INFO

    from weasyprint import HTML as Page

    from cchc.signing import pki
    from cchc.signing.signers import LocalCertificateSigner, SignRequest
    from cchc.signing.verify import verify

    agency = pki.AgencyIdentity(code="so-xay-dung", name="Sở Xây dựng tỉnh Khánh Hòa")
    pki.pki_setup(directory, [agency])
    pdf = Page(string=HTML.format(n=12, body=PARAGRAPH * 40)).write_pdf()
    signer = LocalCertificateSigner(directory)

    def request(i: int) -> SignRequest:
        return SignRequest(
            pdf=pdf,
            agency_code=agency.code,
            agency_name=agency.name,
            verify_url=f"https://dichvucong.khanhhoa.gov.vn/xac-minh/{i:032d}/",
            reason="Giấy phép xây dựng",
        )

    signer.sign(request(0))  # warm-up: the certificate and the font are loaded once per process
    meta = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "loadavg_start": _loadavg(),
        "pdf_bytes": len(pdf),
    }
    print(f"CCHC signing benchmark ({meta['machine']}, {meta['date']}; load {meta['loadavg_start']})")

    before = _loadavg()
    wall, cpu, signed = [], [], []
    start = time.perf_counter()
    cpu_start = time.process_time()
    for i in range(args.results):
        t0, c0 = time.perf_counter(), time.process_time()
        signed.append(signer.sign(request(i + 1)))
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    elapsed = time.perf_counter() - start
    cpu_total = time.process_time() - cpu_start
    sign = {
        "results": args.results,
        "per_s": round(args.results / elapsed, 1),
        "per_cpu_s": round(args.results / cpu_total, 1),
        "p50_ms": round(_percentile(wall, 0.5) * 1000, 1),
        "p95_ms": round(_percentile(wall, 0.95) * 1000, 1),
        "cpu_ms_per_result": round(cpu_total / args.results * 1000, 1),
        "loadavg_before": before,
        "loadavg_after": _loadavg(),
        "target_per_s": TARGET_PER_S,
    }
    print(
        f"  signing: {sign['per_s']} results/s (wall), {sign['per_cpu_s']} results/CPU-s; p50 {sign['p50_ms']} ms, "
        f"p95 {sign['p95_ms']} ms; {sign['cpu_ms_per_result']} ms CPU each (target ≥ {TARGET_PER_S}/s); "
        f"load {sign['loadavg_before']} → {sign['loadavg_after']}"
    )

    before = _loadavg()
    times = []
    for data in signed:
        t0 = time.perf_counter()
        hashlib.sha256(data).hexdigest()
        assert verify(data).valid
        times.append(time.perf_counter() - t0)
    check = {
        "verifications": len(times),
        "p50_ms": round(_percentile(times, 0.5) * 1000, 1),
        "p95_ms": round(_percentile(times, 0.95) * 1000, 1),
        "loadavg_before": before,
        "loadavg_after": _loadavg(),
        "target_p95_ms": TARGET_VERIFY_P95_MS,
    }
    print(
        f"  verification (hash + pyHanko validator): p50 {check['p50_ms']} ms, p95 {check['p95_ms']} ms "
        f"(page target p95 ≤ {TARGET_VERIFY_P95_MS} ms); load {check['loadavg_before']} → {check['loadavg_after']}"
    )
    if not args.no_write:
        out = ROOT / "docs" / "benchmarks.json"
        data = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
        data["signing"] = {**meta, "sign": sign, "verify": check, "loadavg_end": _loadavg()}
        out.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
