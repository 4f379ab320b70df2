"""Catalogue texts of the complaint (ADUAN) and status check (CEK) flows, and of the
notices officers' actions send to the complainant."""
from __future__ import annotations

from conversations.catalogue import Text, define

_CODE = {"code": "123456789"}

define({
    "complaint.menu": Text(id="ADUAN pengaduan", en="ADUAN complaint"),
    "complaint.check.menu": Text(id="CEK status aduan", en="CEK complaint status"),
    "complaint.ask_text": Text(
        id="Tulis isi pengaduan Anda dalam satu pesan. Ketik BATAL untuk batal.",
        en="Write your complaint in one message. Reply BATAL to cancel.",
    ),
    "complaint.received": Text(
        id="Pengaduan diterima. Kode aduan: {code}. Simpan kode ini. Cek status: CEK {code}",
        en="Complaint received. Code: {code}. Keep this code. Check status: CEK {code}",
        example=_CODE,
    ),
    "complaint.offer": Text(
        id="Pesan Anda kami baca sebagai pengaduan. Balas YA untuk mencatatnya apa adanya "
           "(tidak perlu ketik ulang), atau TIDAK.",
        en="We read your message as a complaint. Reply YA to file it as it is (no need to "
           "type it again), or TIDAK.",
    ),
    "complaint.kept": Text(
        id="Aduan {code} tetap tercatat dan kami proses. Hanya pertanyaan lanjutannya yang "
           "dihentikan. Cek status: CEK {code}",
        en="Complaint {code} stays filed and will be handled. Only the follow-up questions "
           "stopped. Check status: CEK {code}",
        example=_CODE,
    ),
    "complaint.anonymous_on": Text(
        id="Baik, nama dan nomor Anda dirahasiakan dari petugas.",
        en="Done: your name and number are hidden from officers.",
    ),
    "complaint.anonymous_off": Text(
        id="Baik, nama Anda ditampilkan kepada petugas yang menangani aduan.",
        en="Done: officers handling the complaint will see your name.",
    ),
    "complaint.continued": Text(
        id="Lanjutan aduan Anda sudah digabung dengan pesan sebelumnya.",
        en="The rest of your complaint is joined to your previous message.",
    ),
    "complaint.ask_area": Text(
        id="Di kelurahan/desa mana dan RW berapa? Contoh: Sukamaju RW 05. "
           "Ketik LEWATI jika tidak mau menjawab.",
        en="Which kelurahan/village and RW? Example: Sukamaju RW 05. Reply LEWATI to skip.",
    ),
    "complaint.ask_kind": Text(
        id="Jenis aduan? Balas nomor:\n1 Pertanyaan/informasi\n2 Saran/kritik\n"
           "3 Penyalahgunaan dana\n"
           "4 Pelanggaran prosedur\n5 Lainnya\nLEWATI=lewati",
        en="Kind of complaint? Reply a number:\n1 Question/information\n2 Suggestion/criticism\n"
           "3 Misuse of funds\n4 Procedure violation\n5 Other\nLEWATI=skip",
    ),
    "complaint.ask_accused": Text(
        id="Siapa yang diadukan (nama atau jabatan)? Ketik LEWATI jika tidak tahu.",
        en="Who is the complaint about (name or position)? Reply LEWATI if unknown.",
    ),
    "complaint.ask_amount": Text(
        id="Berapa jumlah dana yang diduga disalahgunakan? Contoh: 5jt atau 5.000.000. "
           "LEWATI jika tidak tahu.",
        en="How much money is involved? Example: 5jt or 5.000.000. Reply LEWATI if unknown.",
    ),
    "complaint.ask_anonymous": Text(
        id="Rahasiakan nama dan nomor Anda dari petugas?\n1 YA, rahasiakan\n2 TIDAK\n"
           "Jika LEWATI, identitas Anda tetap dirahasiakan.",
        en="Keep your name and number hidden from officers?\n1 YES, hide them\n2 NO\n"
           "If you reply LEWATI they stay hidden.",
    ),
    "complaint.done": Text(
        id="Terima kasih. Aduan {code} kami proses. Anda akan dikabari setiap ada perkembangan. "
           "Cek status: CEK {code}",
        en="Thank you. Complaint {code} is being handled. We will tell you of every step. "
           "Check status: CEK {code}",
        example=_CODE,
    ),
    "complaint.media_saved": Text(
        id="Foto/dokumen disimpan untuk aduan {code}.",
        en="Photo/document saved for complaint {code}.",
        example=_CODE,
    ),
    "complaint.media_wait": Text(
        id="Foto/dokumen diterima. Sekarang tulis isi pengaduan Anda dalam satu pesan.",
        en="Photo/document received. Now write your complaint in one message.",
    ),
    "complaint.error.amount": Text(
        id="Jumlah tidak dikenali. Contoh: 5jt, 5.000.000 atau Rp 5 juta. Atau ketik LEWATI.",
        en="Amount not recognised. Example: 5jt, 5.000.000 or Rp 5 juta. Or reply LEWATI.",
    ),
    "complaint.error.yes_no": Text(
        id="Balas 1 (YA, rahasiakan) atau 2 (TIDAK), atau LEWATI.",
        en="Reply 1 (YES, hide) or 2 (NO), or LEWATI.",
    ),
    # CEK
    "complaint.check.ask_code": Text(
        id="Ketik kode aduan Anda (9 angka).",
        en="Type your complaint code (9 digits).",
    ),
    "complaint.cut": Text(
        id="Pesan Anda sangat panjang: yang tercatat {n} huruf pertama. Sisanya bisa dikirim "
           "ke petugas saat dihubungi.",
        en="Your message was very long: the first {n} characters are recorded. The rest can "
           "go to the officer who contacts you.",
        example={"n": 1600},
    ),
    "complaint.check.pick": Text(
        id="Aduan Anda: {items}. Balas nomornya untuk melihat statusnya.",
        en="Your complaints: {items}. Reply its number to see its status.",
        example={"items": "1) 306 334 264, 2) 899 912 441, 3) 029 967 408, 4) 552 448 726"},
    ),
    "complaint.check.no_code": Text(
        id="Kode aduan ada di SMS balasan saat Anda mengadu. Jika tidak ada, ketik ADUAN "
           "lalu isi aduan Anda lagi.",
        en="The code is in the SMS we sent when you complained. If you do not have it, "
           "reply ADUAN and send your complaint again.",
    ),
    "complaint.check.not_found": Text(
        id="Aduan dengan kode itu tidak ada untuk nomor ini. Periksa lagi kode Anda (9 angka).",
        en="No complaint with that code for this number. Please check your code (9 digits).",
    ),
    "complaint.check.throttled": Text(
        id="Terlalu banyak kode yang salah. Silakan coba lagi 1 jam lagi.",
        en="Too many wrong codes. Please try again in 1 hour.",
    ),
    "complaint.check.status": Text(
        id="Aduan {code}: {status} ({date}). {response}",
        en="Complaint {code}: {status} ({date}). {response}",
        example={**_CODE, "status": "sedang ditindaklanjuti", "date": "Minggu 27 Des 2026",
                 # The response is cut to fit one SMS (complaint_check.status_reply).
                 "response": "Tanggapan: " + "x" * 80},
    ),
    "complaint.check.no_response": Text(id="Belum ada tanggapan.", en="No response yet."),
    "complaint.check.response": Text(
        id="Tanggapan: {text}", en="Response: {text}", example={"text": "x" * 90},
    ),
    # Status names, as the resident reads them.
    "complaint.status.new": Text(id="baru diterima", en="received"),
    "complaint.status.verified": Text(id="sudah diverifikasi", en="verified"),
    "complaint.status.in_follow_up": Text(id="sedang ditindaklanjuti", en="in follow-up"),
    "complaint.status.resolved": Text(id="selesai", en="resolved"),
    "complaint.status.rejected": Text(id="ditolak", en="rejected"),
    "complaint.status.not_our_authority": Text(id="bukan wewenang PNPM", en="not our authority"),
    "complaint.status.merged": Text(id="digabung dengan aduan yang sama", en="merged"),
    # Notices sent when an officer acts.
    "complaint.notice.status": Text(
        id="Aduan {code} kini {status}. {detail}",
        en="Complaint {code} is now {status}. {detail}",
        example={**_CODE, "status": "bukan wewenang PNPM", "detail": "Alasan: " + "x" * 90},
    ),
    # A duplicate merged into another complaint: the complainant keeps their code.
    "complaint.notice.merged": Text(
        id="Aduan {code} digabung dengan aduan lain tentang hal yang sama. Kabar berikutnya"
        " tetap dikirim ke nomor ini. Cek: CEK {code}",
        en="Complaint {code} was merged with another about the same matter. News will still"
        " come to this number. Check: CEK {code}",
        example=_CODE,
    ),
    "complaint.notice.reason": Text(
        id="Alasan: {text}", en="Reason: {text}", example={"text": "x" * 80},
    ),
    "complaint.notice.escalated": Text(
        id="Aduan {code} diteruskan ke tingkat {level} untuk ditangani.",
        en="Complaint {code} was passed to the {level} level to be handled.",
        example={**_CODE, "level": "provinsi"},
    ),
    # Up to 3 segments: an officer's answer to a complaint may need a few sentences.
    "complaint.notice.reply": Text(
        id="Petugas PPM, aduan {code}: {text}",
        en="PPM officer, complaint {code}: {text}",
        segments=3,
        example={**_CODE, "text": "x" * 400},
    ),
})
