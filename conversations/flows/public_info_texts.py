"""Catalogue texts of INFO <kelurahan>: the kelurahan's public figures in one SMS."""
from __future__ import annotations

from conversations.catalogue import Text, define

define({
    # Figures as the public page shows them (<3 and ranges: bot.areas.public_figures).
    "public.info.figures": Text(
        id="INFO {name} {month}: aduan masuk {received}, selesai {resolved} ({on_time} tepat "
           "waktu). KSM baru {ksm_total}, terverifikasi {ksm_verified}. Usulan didanai {funded}.",
        en="INFO {name} {month}: complaints in {received}, resolved {resolved} ({on_time} on "
           "time). New KSMs {ksm_total}, verified {ksm_verified}. Proposals funded {funded}.",
        example={"name": "Sukamaju Kidul", "month": "Des 2026", "received": "120-150",
                 "resolved": "100-130", "on_time": "90-120", "ksm_verified": "40-52",
                 "ksm_total": "90-110", "funded": "12"},
    ),
    "public.info.ask": Text(
        id="Ketik INFO <nama kelurahan> atau INFO <kode kelurahan>, mis. INFO Sukamaju, untuk "
           "angka aduan dan KSM bulan ini.",
        en="Reply INFO <kelurahan name> or INFO <kelurahan code>, e.g. INFO Sukamaju, for this "
           "month's complaint and KSM figures.",
    ),
    "public.info.unknown": Text(
        id="Kelurahan {name} tidak ditemukan. Ketik INFO <nama kelurahan> atau INFO <kode "
           "kelurahan>. MENU=layanan lain",
        en="Kelurahan {name} not found. Reply INFO <kelurahan name> or INFO <kelurahan code>. "
           "MENU=other services",
        example={"name": "Sukamaju Kidul Tengah Rw"},
    ),
    "public.info.near": Text(
        id="Kelurahan {name} tidak ditemukan. Maksud Anda: {near}? Ketik INFO <nama kelurahan>.",
        en="Kelurahan {name} not found. Did you mean: {near}? Reply INFO <kelurahan name>.",
        example={"name": "Sukamaju Kidul Tengah Rw", "near": "Sukamaju Kidul, Sukamaju Kaler"},
    ),
    # Up to three, each with its code and kota (trimmed to fit one SMS).
    "public.info.ambiguous": Text(
        id="Ada {count} kelurahan {name}: {items}. Ketik INFO <kode>.",
        en="There are {count} kelurahan named {name}: {items}. Reply INFO <code>.",
        example={"count": 12, "name": "Sukajadi",
                 "items": "32.73.14.1004 Kota Bandung; 32.04.14.1004 Kab. Bandung; "
                          "32.77.14.1004 Kota Cimahi"},
    ),
})
