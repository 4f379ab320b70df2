"""Public figures pages under load: the real app under gunicorn, the database warm.

Run from the repository root with PostgreSQL and Redis up and ``wrk`` installed::

    python bench/public_page.py                    # seed, then two runs of 20 s
    python bench/public_page.py --seconds 10 --connections 16 --no-seed

What it does:

1. empties and migrates ``BENCH_DATABASE_URL`` (default ``test_h21``: a database of its
   own, it is EMPTIED) and seeds realistic volumes: 3 kota x 150 kelurahan with
   Kemendagri codes, 12 months of complaints (about 5 per kelurahan a month, 60% of
   them resolved with their audit trail, 2% from simulated contacts), 10 KSMs per
   kelurahan, one priority announcement per kelurahan;
2. starts the app with the Procfile's ``web:`` command (2 workers x 4 threads unless
   ``WEB_CONCURRENCY``/``WEB_THREADS`` say otherwise) with Redis (``BENCH_REDIS_URL``,
   default db 6, flushed) as the figures' cache;
3. ``warm``: requests every page once (database and cache warm), then wrk for
   ``--seconds`` over all the kelurahan pages, the kota pages and the index (random
   path per request: 90% kelurahan, 9% kota, 1% index);
4. ``cold``: flushes the cache and runs again: every page misses once (computes from
   PostgreSQL) and is then served from the cache, as after a deploy;
   (``--pages kota``: the kota pages only, each with its per-kelurahan table);
5. prints req/s and latency percentiles (wrk ``--latency``) and PASS/FAIL against
   200 req/s for the warm run.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.pgdb import fresh_database  # noqa: E402
from bench.wrk_load import wrk_path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test_h21")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/6")
APP_SPEC = "'bot:create_app()'"
TARGET_RPS = 200.0
KOTAS = (("32.73", "Kota Bandung"), ("32.77", "Kota Cimahi"), ("32.04", "Kabupaten Bandung"))
PER_KOTA = 150
KINDS = ("question", "suggestion", "misuse_of_funds", "procedure_violation", "other", None)

LUA = """
local paths = {}
init = function(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
end
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
"""


def seed(url: str) -> list[str]:
    """Fill the database; returns the page paths (kelurahan, kota, index)."""
    from sqlalchemy import create_engine, insert

    from bot.models import (
        Announcement,
        AnnouncementItem,
        Complaint,
        ComplaintEvent,
        Contact,
        Kelurahan,
        Ksm,
        Proposal,
    )

    rng = random.Random(17)
    now = datetime.now(timezone.utc)
    engine = create_engine(url)
    kel_rows, paths = [], []
    for kota_code, kota in KOTAS:
        for i in range(PER_KOTA):
            code = f"{kota_code}.{1 + i // 10:02d}.{1001 + i:04d}"
            kel_rows.append({"code": code, "name": f"Kelurahan {kota_code} {i}", "kota": kota,
                             "kecamatan": f"Kecamatan {1 + i // 10}", "provinsi": "Jawa Barat",
                             "time_zone": "Asia/Jakarta"})
            paths.append(f"/publik/{code}")
    with engine.begin() as conn:
        conn.execute(insert(Kelurahan), kel_rows)
        kel = [dict(r._mapping) for r in conn.execute(
            Kelurahan.__table__.select().order_by(Kelurahan.id))]
        contacts = [{"phone": f"+62812{n:08d}", "name": f"Warga {n}", "uses_sms": True,
                     "simulated": n % 50 == 0, "created_at": now} for n in range(20_000)]
        conn.execute(insert(Contact), contacts)
        complaints, n = [], 0
        for k in kel:
            for month in range(12):
                for _ in range(rng.randint(2, 8)):
                    n += 1
                    created = now - timedelta(days=30 * month + rng.random() * 28)
                    resolved = rng.random() < 0.6 and created < now - timedelta(days=2)
                    closed = created + timedelta(days=rng.uniform(1, 15)) if resolved else None
                    complaints.append({
                        "code": f"{n:09d}", "contact_id": 1 + rng.randrange(20_000),
                        "channel": "sms", "text": "dana BLM dipotong", "kelurahan_id": k["id"],
                        "kota": k["kota"], "provinsi": k["provinsi"], "kind": rng.choice(KINDS),
                        "level": "kelurahan", "status": "resolved" if resolved else "new",
                        "anonymous": True, "names_bkm_member": False, "created_at": created,
                        "updated_at": closed or created, "closed_at": closed,
                        "due_at": None if resolved else created + timedelta(days=5)})
        for start in range(0, len(complaints), 5000):
            conn.execute(insert(Complaint), complaints[start:start + 5000])
        events = [{
            "complaint_id": i + 1, "action": "status", "created_at": c["closed_at"],
            "before": {"status": "in_follow_up",
                       "due_at": (c["created_at"] + timedelta(days=9)).isoformat()},
            "after": {"status": "resolved", "due_at": None}}
            for i, c in enumerate(complaints) if c["closed_at"]]
        for start in range(0, len(events), 5000):
            conn.execute(insert(ComplaintEvent), events[start:start + 5000])
        ksms = [{"code": f"{10000 + j:05d}"[-5:] if j < 90000 else f"{j:08d}",
                 "name": f"KSM {j}", "kelurahan_id": k["id"], "field": "ekonomi", "unit": "UPK",
                 "goal": "usaha", "status": rng.choice(("forming", "waiting_verification",
                                                        "verified", "verified", "rejected")),
                 "leader_contact_id": 1 + rng.randrange(20_000), "created_at": now - timedelta(days=200)}
                for j, k in enumerate(kk for kk in kel for _ in range(10))]
        conn.execute(insert(Ksm), ksms)
        ksm_ids = [r[0] for r in conn.execute(Ksm.__table__.select().with_only_columns(
            Ksm.id, Ksm.kelurahan_id).order_by(Ksm.id))]
        proposals = [{"ksm_id": kid, "title": f"Usulan {kid}", "field": "ekonomi", "unit": "UPK",
                      "amount": 10_000_000 + kid * 1000, "beneficiaries": 20,
                      "poor_beneficiaries": 15, "status": "eligible", "created_at": now}
                     for kid in ksm_ids[::5]]
        conn.execute(insert(Proposal), proposals)
        conn.execute(insert(Announcement), [
            {"kelurahan_id": k["id"], "title": "Hasil rapat prioritas", "status": "published",
             "published_at": now - timedelta(days=1), "created_at": now} for k in kel])
        conn.execute(insert(AnnouncementItem), [
            {"announcement_id": 1 + i // 2, "proposal_id": i + 1, "chosen": True, "rank": 1 + i % 2,
             "reason": "mendesak"} for i in range(len(proposals))])
    engine.dispose()
    print(f"seeded: {len(kel)} kelurahan, {len(complaints)} complaints ({len(events)} resolved), "
          f"{len(contacts)} contacts, {len(ksms)} KSMs, {len(proposals)} proposals")
    return paths + [f"/publik/kota/{code}" for code, _ in KOTAS] + ["/publik/"]


def procfile_web_command() -> str:
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.startswith("web:"):
            return line[len("web:"):].strip()
    raise SystemExit("Procfile has no web: line")


def start_server(port: int, logdir: Path) -> subprocess.Popen[bytes]:
    command = procfile_web_command()
    if APP_SPEC not in command:
        raise SystemExit(f"Procfile web: line does not serve {APP_SPEC}")
    command = command.replace("0.0.0.0:", "127.0.0.1:").replace("--access-logfile -", "")
    env = {**os.environ, "PORT": str(port), "DATABASE_URL": DATABASE_URL, "REDIS_URL": REDIS_URL,
           "SECRET_KEY": "bench-secret-key-0123456789abcdef",
           # Required with a server database; nothing is sent by this bench.
           "TWILIO_ACCOUNT_SID": "AC" + "0" * 32, "TWILIO_AUTH_TOKEN": "bench-auth-token-0123456789",
           "TWILIO_SMS_FROM": "+6281100000000", "PUBLIC_BASE_URL": "https://bot.example.org"}
    env["PATH"] = f"{Path(sys.executable).parent}:{env.get('PATH', '')}"
    log = open(logdir / "gunicorn.log", "wb")  # noqa: SIM115 - lives as long as the server
    proc = subprocess.Popen(["sh", "-c", "exec " + command], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    until = time.monotonic() + 30
    while time.monotonic() < until:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited; see {logdir / 'gunicorn.log'}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            print(f"gunicorn: {command}")
            return proc
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not listen within 30 s")


def get(port: int, path: str) -> tuple[int, dict[str, str]]:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status, dict(response.getheaders())


def run_wrk(port: int, paths_file: Path, lua: Path, seconds: int, connections: int,
            threads: int) -> dict[str, float]:
    out = subprocess.run(
        [wrk_path(), f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency",
         "-s", str(lua), f"http://127.0.0.1:{port}", "--", str(paths_file)],
        capture_output=True, text=True, check=True).stdout

    def ms(label: str) -> float:
        found = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not found:
            return float("nan")
        value, unit = float(found.group(1)), found.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": rps, "p50": ms("50%"), "p90": ms("90%"), "p99": ms("99%"),
            "non2xx": float(errors.group(1)) if errors else 0.0,
            "socket_errors": socket_errors.group(1) if socket_errors else "none"}  # type: ignore[dict-item]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--port", type=int, default=5621)
    parser.add_argument("--no-seed", action="store_true", help="keep the database as it is")
    parser.add_argument("--pages", choices=("mix", "kota"), default="mix",
                        help="mix: kelurahan, kota and index pages; kota: the kota pages only")
    args = parser.parse_args()

    if args.no_seed:
        paths = [f"/publik/{KOTAS[0][0]}.{1 + i // 10:02d}.{1001 + i:04d}"
                 for i in range(PER_KOTA)] + ["/publik/kota/32.73", "/publik/"]
    else:
        fresh_database(DATABASE_URL)
        paths = seed(DATABASE_URL)
    from redis import Redis

    Redis.from_url(REDIS_URL).flushdb()
    kel = [p for p in paths if p.count(".") == 3]
    kota = [p for p in paths if "/kota/" in p]
    mix = kel * 10 + kota * (len(kel) // len(kota) // 10 * 10 or 1) + ["/publik/"] * (len(kel) // 9)
    if args.pages == "kota":
        mix = kota
    workdir = Path(tempfile.mkdtemp(prefix="bench-public-"))
    paths_file = workdir / "paths.txt"
    paths_file.write_text("\n".join(mix) + "\n")
    lua = workdir / "paths.lua"
    lua.write_text(LUA)
    server = start_server(args.port, workdir)
    try:
        status, headers = get(args.port, kel[0])
        assert status == 200 and "Set-Cookie" not in headers, (status, headers)
        print(f"Cache-Control: {headers.get('Cache-Control')}")
        started = time.monotonic()
        for path in paths:  # the database and the cache warm
            took = time.monotonic()
            assert get(args.port, path)[0] == 200, path
            if "/kota/" in path:
                print(f"  {path}: {1000 * (time.monotonic() - took):.0f} ms (a miss)")
        print(f"warm-up: {len(paths)} pages in {time.monotonic() - started:.1f} s "
              f"(cache misses, computed from PostgreSQL)")
        results = {}
        print(f"load: {open('/proc/loadavg').read().split()[:3]} (1/5/15 min) before the runs")
        results["warm"] = run_wrk(args.port, paths_file, lua, args.seconds, args.connections,
                                  args.threads)
        Redis.from_url(REDIS_URL).flushdb()
        results["cold"] = run_wrk(args.port, paths_file, lua, args.seconds, args.connections,
                                  args.threads)
        print(f"load: {open('/proc/loadavg').read().split()[:3]} (1/5/15 min) after the runs")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    for name, r in results.items():
        print(f"{name}: {r['rps']:.0f} req/s, p50 {r['p50']:.1f} ms, p90 {r['p90']:.1f} ms, "
              f"p99 {r['p99']:.1f} ms, non-2xx {int(r['non2xx'])}, socket errors {r['socket_errors']}")
    ok = results["warm"]["rps"] >= TARGET_RPS and results["warm"]["non2xx"] == 0
    print(("PASS" if ok else "FAIL") + f": warm run {results['warm']['rps']:.0f} req/s "
          f"(target {TARGET_RPS:.0f})")
    print(json.dumps(results))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
