"""Catalogue texts of USUL (a KSM's activity proposal) and of its review notices."""
from __future__ import annotations

from conversations.catalogue import Text, define

_TITLE = "Perbaikan saluran air dan jalan setapak RW 03 dan RW 04 Kelurahan Sukamaju Kid"  # 80: the most allowed

define({
    "usul.not_leader": Text(
        id="Hanya ketua KSM yang sudah diverifikasi BKM dapat mengirim usulan. Ketik KSM untuk info.",
        en="Only the leader of a BKM-verified KSM can send a proposal. Reply KSM for info.",
    ),
    "usul.no_programs": Text(
        id="Daftar program PJM Pronangkis kelurahan Anda belum ada di sistem. Hubungi BKM.",
        en="Your kelurahan's PJM Pronangkis programs are not in the system yet. Contact the BKM.",
    ),
    "usul.ask.title": Text(
        id="Usulan KSM {ksm}. Judul kegiatan? (maks {max} huruf)",
        en="Proposal of KSM {ksm}. Title of the activity? (max {max} characters)",
        example={"ksm": "Kelompok Usaha Bersama Maju", "max": 80},
    ),
    # Two segments: up to 6 program names must be listed to be chosen by number.
    "usul.ask.program": Text(
        id="Program PJM Pronangkis yang didukung? Ketik nomor:\n{options}",
        en="Which PJM Pronangkis program does it serve? Reply a number:\n{options}",
        segments=2,
        example={"options": "1 Perbaikan rumah tidak layak huni\n2 Pinjaman bergulir usaha mikro\n"
                            "3 Sanitasi dan air bersih\n4 Beasiswa anak keluarga miskin"},
    ),
    "usul.ask.amount": Text(
        id="Jumlah dana yang diusulkan (Rupiah)? Contoh: 5000000 atau 5jt",
        en="Amount requested (Rupiah)? Example: 5000000 or 5jt",
    ),
    "usul.error.amount": Text(
        id="Jumlah tidak jelas. Tulis Rupiah, contoh 5000000, 5.000.000 atau 5jt, atau BATAL.",
        en="Unclear amount. Write Rupiah, e.g. 5000000, 5.000.000 or 5jt, or BATAL.",
    ),
    "usul.ask.beneficiaries": Text(
        id="Berapa orang penerima manfaat?", en="How many people benefit?",
    ),
    "usul.ask.poor": Text(
        id="Dari {n} penerima manfaat, berapa orang ada di daftar warga miskin?",
        en="Of the {n} beneficiaries, how many are on the poor-residents list?",
        example={"n": 12000},
    ),
    "usul.error.number": Text(
        id="Tulis satu angka, contoh 25, atau BATAL.", en="Write one number, e.g. 25, or BATAL.",
    ),
    "usul.error.poor_more": Text(
        id="Tidak boleh lebih dari {n}. Coba lagi, atau BATAL.",
        en="It cannot be more than {n}. Try again, or BATAL.",
        example={"n": 12000},
    ),
    # Two segments: the leader keeps this SMS as the receipt (number, unit, amount).
    "usul.submitted": Text(
        id="Usulan no. {number} '{title}' Rp {amount} diterima, diperiksa {unit} BKM. "
           "Hasilnya akan dikirim lewat SMS.",
        en="Proposal no. {number} '{title}' Rp {amount} received; the BKM's {unit} reviews it. "
           "You will get the result by SMS.",
        segments=2,
        example={"number": 12345, "title": _TITLE, "amount": "150.000.000", "unit": "UPL"},
    ),
    "usul.rule.UPS": Text(
        id="Catatan: kegiatan sosial (UPS) harus 100% untuk warga miskin di daftar.",
        en="Note: social activities (UPS) must benefit 100% listed poor residents.",
    ),
    "usul.rule.UPL": Text(
        id="Catatan: kegiatan lingkungan (UPL) harus sebagian besar untuk warga miskin.",
        en="Note: environment activities (UPL) must mostly benefit poor residents.",
    ),
    # Two segments: the title and the reviewer's reason must reach the leader whole.
    "usul.notice.eligible": Text(
        id="Usulan no. {number} '{title}' dinyatakan LAYAK oleh {unit} BKM dan masuk rapat prioritas. {notes}",
        en="Proposal no. {number} '{title}' was found ELIGIBLE by the BKM's {unit} and goes to the "
           "priority meeting. {notes}",
        segments=2,
        example={"number": 12345, "title": _TITLE, "unit": "UPL", "notes": "x" * 100},
    ),
    # Two segments: as above; the reason is what the program requires to be told.
    "usul.notice.not_eligible": Text(
        id="Usulan no. {number} '{title}' TIDAK LAYAK menurut {unit} BKM. Alasan: {notes}",
        en="Proposal no. {number} '{title}' was found NOT ELIGIBLE by the BKM's {unit}. Reason: {notes}",
        segments=2,
        example={"number": 12345, "title": _TITLE, "unit": "UPL", "notes": "x" * 150},
    ),
})
