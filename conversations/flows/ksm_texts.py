"""Catalogue texts of the KSM flows: registration, members, status and proposals."""
from __future__ import annotations

from conversations.catalogue import Text, define

_NAME = "Kelompok Usaha Bersama Maju Sejahtera 03"  # 40 characters: the longest allowed
_PERSON = "Siti Nurhaliza Rahmawati binti Abdullah"  # 39 of 40

define({
    "ksm.menu.daftar": Text(id="DAFTAR daftar KSM baru", en="DAFTAR register a KSM"),
    "ksm.menu.gabung": Text(id="GABUNG gabung KSM", en="GABUNG join a KSM"),
    "ksm.menu.status": Text(id="KSM info KSM Anda", en="KSM your KSM's status"),
    "ksm.menu.usul": Text(id="USUL usulan kegiatan KSM", en="USUL KSM activity proposal"),
    # Registration (DAFTAR).
    # Two segments: up to 6 kelurahan names must be listed to be chosen by number.
    "ksm.ask.kelurahan_list": Text(
        id="Daftar KSM. Kelurahan Anda? Ketik nomor atau nama kelurahan.\n{options}",
        en="Register a KSM. Your kelurahan? Reply a number or its name.\n{options}",
        segments=2,
        example={"options": "1 Sukamaju Kidul\n2 Cibeunying Kaler\n3 Margahayu Utara\n"
                            "4 Sekeloa Selatan\n5 Cihapit Tengah\n6 Tamansari Barat"},
    ),
    "ksm.error.kelurahan": Text(
        id="Kelurahan tidak ditemukan. Ketik nomor dari daftar atau nama kelurahan, atau BATAL.",
        en="Kelurahan not found. Reply a number from the list or its name, or BATAL.",
    ),
    "ksm.ask.name": Text(
        id="Nama KSM? (maks {max} huruf)", en="Name of the KSM? (max {max} characters)",
        example={"max": 40},
    ),
    "ksm.ask.leader_name": Text(
        id="Nama Anda sebagai ketua KSM?", en="Your name, as the KSM's leader?",
    ),
    "ksm.ask.gender": Text(
        id="Anda L (laki-laki) atau P (perempuan)?", en="Are you L (male) or P (female)?",
    ),
    "ksm.ask.field": Text(
        id="Bidang kegiatan? Ketik nomor:\n1 Ekonomi\n2 Sosial\n3 Lingkungan/prasarana\n"
           "4 Kesehatan\n5 Pendidikan\n6 Sampah",
        en="Field of activity? Reply a number:\n1 Economy\n2 Social\n3 Environment/infrastructure\n"
           "4 Health\n5 Education\n6 Waste",
    ),
    "ksm.ask.women": Text(
        id="Apakah ini KSM perempuan? Balas YA atau TIDAK.",
        en="Is this a women's KSM? Reply YA (yes) or TIDAK (no).",
    ),
    "ksm.ask.goal": Text(
        id="Tujuan KSM dalam satu kalimat? (maks {max} huruf)",
        en="The KSM's goal in one sentence? (max {max} characters)",
        example={"max": 160},
    ),
    "ksm.ask.values": Text(
        id="Aturan main KSM berdasar 4 nilai: keterbukaan, keadilan, kesetaraan, kepedulian. "
           "Setuju? Balas YA atau TIDAK.",
        en="The KSM's rules rest on 4 values: openness, fairness, equality, care. "
           "Agree? Reply YA (yes) or TIDAK (no).",
    ),
    "ksm.error.values": Text(
        id="KSM harus berdasar 4 nilai itu. Balas YA untuk setuju, atau BATAL.",
        en="A KSM must rest on these 4 values. Reply YA to agree, or BATAL.",
    ),
    # Two segments: the code and how to add members must come together with the name.
    "ksm.registered": Text(
        id="KSM {name} terdaftar, kode {code}. Butuh {missing} anggota lagi. "
           "Tambah: ANGGOTA nama, L/P, no HP. Atau anggota ketik GABUNG {code}.",
        en="KSM {name} is registered, code {code}. It needs {missing} more members. "
           "Add: ANGGOTA name, L/P, phone. Or members reply GABUNG {code}.",
        segments=2,
        example={"name": _NAME, "code": "48213", "missing": 2},
    ),
    # Errors shared by the KSM flows.
    "ksm.error.plain": Text(
        id="Gunakan huruf dan angka biasa saja (tanpa emoji). Coba lagi, atau BATAL.",
        en="Please use plain letters and digits (no emoji). Try again, or BATAL.",
    ),
    "ksm.error.name": Text(
        id="Itu bukan nama. Tulis namanya dengan huruf, atau BATAL.",
        en="That is not a name. Write the name in letters, or BATAL.",
    ),
    "ksm.error.goal": Text(
        id="Tulis tujuan KSM dalam beberapa kata. Contoh: Modal usaha warung. Atau BATAL.",
        en="Write the KSM's goal in a few words. Example: Modal usaha warung. Or BATAL.",
    ),
    "ksm.error.yes_no": Text(
        id="Balas YA atau TIDAK, atau BATAL.", en="Reply YA (yes) or TIDAK (no), or BATAL.",
    ),
    "ksm.error.gender": Text(
        id="Balas L (laki-laki) atau P (perempuan), atau BATAL.",
        en="Reply L (male) or P (female), or BATAL.",
    ),
    "ksm.error.phone": Text(
        id="Nomor HP tidak valid. Contoh: 081234567890. Coba lagi, atau BATAL.",
        en="Not a valid phone number. Example: 081234567890. Try again, or BATAL.",
    ),
    "ksm.error.code": Text(
        id="Kode KSM hanya angka, contoh 48213. Coba lagi, atau BATAL.",
        en="A KSM code is digits only, e.g. 48213. Try again, or BATAL.",
    ),
    "ksm.error.code_missing": Text(
        id="Ketik kode KSM (angka), contoh 48213.", en="Type the KSM code (digits), e.g. 48213.",
    ),
    "ksm.error.unknown_code": Text(
        id="Tidak ada KSM dengan kode itu. Periksa kodenya, atau BATAL.",
        en="No KSM has that code. Check the code, or BATAL.",
    ),
    "ksm.error.self": Text(
        id="Itu nomor Anda sendiri. Ketik nomor HP anggota, atau BATAL.",
        en="That is your own number. Type the member's phone number, or BATAL.",
    ),
    "ksm.ask.which": Text(
        id="KSM yang mana? Ketik nomor:\n{options}", en="Which KSM? Reply a number:\n{options}",
        example={"options": "1 48213 Kelompok Usaha Bersama\n2 51734 Bank Sampah Melati"},
    ),
    # Members (ANGGOTA, GABUNG, TOLAK).
    "ksm.not_leader": Text(
        id="Anda belum menjadi ketua KSM. Ketik DAFTAR untuk mendaftarkan KSM.",
        en="You do not lead a KSM. Reply DAFTAR to register one.",
    ),
    "ksm.ask.member_name": Text(
        id="Tambah anggota KSM {ksm}. Nama anggota?", en="Add a member to KSM {ksm}. Member's name?",
        example={"ksm": _NAME},
    ),
    "ksm.ask.member_gender": Text(
        id="{member} L (laki-laki) atau P (perempuan)?", en="Is {member} L (male) or P (female)?",
        example={"member": _PERSON},
    ),
    "ksm.ask.member_phone": Text(
        id="Nomor HP {member}?", en="Phone number of {member}?", example={"member": _PERSON},
    ),
    "ksm.member.invited": Text(
        id="{member} diundang. Dihitung setelah membalas GABUNG {code}. {progress}",
        en="{member} is invited and counts after replying GABUNG {code}. {progress}",
        example={"member": _PERSON, "code": "48213", "progress": "Anggota setuju: 2/3, butuh 1 lagi."},
    ),
    "ksm.member.too_many": Text(
        id="Sudah {max} ajakan belum dijawab. Minta mereka membalas dulu, lalu tambah lagi.",
        en="{max} invitations are still unanswered. Ask them to reply first, then add more.",
        example={"max": 20},
    ),
    "ksm.too_many_forming": Text(
        id="Anda sudah memimpin {max} KSM yang belum lengkap. Lengkapi anggotanya dulu (ketik KSM).",
        en="You already lead {max} KSMs that are not complete. Complete their members first (reply KSM).",
        example={"max": 3},
    ),
    "ksm.member.already": Text(
        id="Nomor itu sudah ada di KSM {ksm}.", en="That number is already in KSM {ksm}.",
        example={"ksm": _NAME},
    ),
    "ksm.closed": Text(
        id="KSM {ksm} ditolak BKM; anggota tidak bisa ditambah.",
        en="KSM {ksm} was rejected by the BKM; no members can be added.",
        example={"ksm": _NAME},
    ),
    # Two segments: the invitee must learn who invites them, to what, and both answers.
    "ksm.invite": Text(
        id="{leader} mengajak Anda menjadi anggota KSM {ksm} (Kel. {kelurahan}). "
           "Balas GABUNG {code} untuk setuju atau TOLAK {code} untuk menolak.",
        en="{leader} invites you to join KSM {ksm} (Kel. {kelurahan}). "
           "Reply GABUNG {code} to accept or TOLAK {code} to decline.",
        segments=2,
        example={"leader": _PERSON, "ksm": _NAME, "kelurahan": "Cibeunying Kaler", "code": "48213"},
    ),
    "ksm.ask.join_code": Text(
        id="Gabung KSM. Ketik kode KSM (angka) dari ketuanya.",
        en="Join a KSM. Type the KSM code (digits) from its leader.",
    ),
    "ksm.ask.join_name": Text(
        id="Gabung KSM {ksm}. Nama Anda?", en="Joining KSM {ksm}. Your name?",
        example={"ksm": _NAME},
    ),
    "ksm.joined": Text(
        id="Terima kasih, Anda anggota KSM {ksm} (kode {code}). Ketik KSM untuk info.",
        en="Thank you, you are a member of KSM {ksm} (code {code}). Reply KSM for info.",
        example={"ksm": _NAME, "code": "48213"},
    ),
    "ksm.join.already": Text(
        id="Anda sudah anggota KSM {ksm}. Ketik KSM untuk info.",
        en="You are already a member of KSM {ksm}. Reply KSM for info.",
        example={"ksm": _NAME},
    ),
    "ksm.join.closed": Text(
        id="KSM {ksm} tidak menerima anggota baru.", en="KSM {ksm} takes no new members.",
        example={"ksm": _NAME},
    ),
    "ksm.declined": Text(
        id="Anda menolak ajakan KSM {ksm}. Terima kasih.",
        en="You declined to join KSM {ksm}. Thank you.", example={"ksm": _NAME},
    ),
    "ksm.decline.none": Text(
        id="Tidak ada ajakan KSM dengan kode itu untuk nomor Anda.",
        en="There is no KSM invitation with that code for your number.",
    ),
    "ksm.notice.joined": Text(
        id="{member} bergabung ke KSM {ksm}. {progress}",
        en="{member} joined KSM {ksm}. {progress}",
        example={"member": _PERSON, "ksm": _NAME, "progress": "Anggota setuju: 2/3, butuh 1 lagi."},
    ),
    "ksm.notice.declined": Text(
        id="{member} menolak ajakan KSM {ksm}. {progress}",
        en="{member} declined to join KSM {ksm}. {progress}",
        example={"member": _PERSON, "ksm": _NAME, "progress": "Anggota setuju: 2/3, butuh 1 lagi."},
    ),
    # Requests to join (GABUNG without an invitation): the leader decides.
    "ksm.join.waiting": Text(
        id="Permintaan gabung KSM {ksm} dikirim ke ketuanya. Anda dihitung anggota "
           "setelah ketua menerima.",
        en="Your request to join KSM {ksm} went to its leader. You count as a member "
           "once the leader accepts.",
        example={"ksm": _NAME},
    ),
    # The leader opted out (BERHENTI): the request is kept, but no SMS tells them.
    "ksm.join.waiting_unreachable": Text(
        id="Permintaan gabung KSM {ksm} dicatat, tapi ketuanya tak menerima SMS kami: "
           "sampaikan langsung. Anda anggota setelah diterima.",
        en="Request to join KSM {ksm} recorded, but its leader gets no SMS from us: tell "
           "them directly. You are a member once accepted.",
        example={"ksm": _NAME},
    ),
    "ksm.join.still_waiting": Text(
        id="Permintaan Anda masih menunggu jawaban ketua KSM {ksm}.",
        en="Your request still waits for the answer of KSM {ksm}'s leader.",
        example={"ksm": _NAME},
    ),
    "ksm.join.refused": Text(
        id="Maaf, ketua KSM {ksm} belum menerima Anda. Silakan bicara langsung dengan ketuanya.",
        en="Sorry, the leader of KSM {ksm} has not taken you in. Please talk to the leader directly.",
        example={"ksm": _NAME},
    ),
    "ksm.join.busy": Text(
        id="Ketua KSM {ksm} masih punya banyak permintaan belum dijawab. Coba lagi nanti.",
        en="The leader of KSM {ksm} has many requests still unanswered. Please try later.",
        example={"ksm": _NAME},
    ),
    # To the leader: who asks, and the two answers.
    "ksm.notice.request": Text(
        id="{member} ({phone}) minta gabung KSM {ksm}. Balas TERIMA {n} atau TOLAK {n}.",
        en="{member} ({phone}) asks to join KSM {ksm}. Reply TERIMA {n} (accept) or TOLAK {n}.",
        example={"member": _PERSON, "phone": "0813-1111-0001", "ksm": _NAME, "n": 1234},
    ),
    "ksm.notice.accepted": Text(
        id="Ketua menerima Anda. Anda anggota KSM {ksm} (kode {code}). Ketik KSM untuk info.",
        en="The leader accepted you. You are a member of KSM {ksm} (code {code}). Reply KSM for info.",
        example={"ksm": _NAME, "code": "48213"},
    ),
    "ksm.notice.refused": Text(
        id="Maaf, ketua KSM {ksm} belum dapat menerima Anda. Terima kasih atas minat Anda.",
        en="Sorry, the leader of KSM {ksm} cannot take you in for now. Thank you for your interest.",
        example={"ksm": _NAME},
    ),
    "ksm.request.accepted": Text(
        id="{member} kini anggota KSM {ksm}. {progress}",
        en="{member} is now a member of KSM {ksm}. {progress}",
        example={"member": _PERSON, "ksm": _NAME, "progress": "Anggota setuju: 2/3, butuh 1 lagi."},
    ),
    "ksm.request.refused": Text(
        id="Permintaan {member} ditolak. Ia sudah diberi tahu.",
        en="The request of {member} is refused. They have been told.",
        example={"member": _PERSON},
    ),
    "ksm.request.already_member": Text(
        id="{member} sudah anggota KSM {ksm}.", en="{member} is already a member of KSM {ksm}.",
        example={"member": _PERSON, "ksm": _NAME},
    ),
    "ksm.request.already_refused": Text(
        id="Permintaan {member} sudah ditolak. Ketik TERIMA {n} jika ingin menerimanya.",
        en="The request of {member} was already refused. Reply TERIMA {n} to accept it after all.",
        example={"member": _PERSON, "n": 1234},
    ),
    "ksm.request.none": Text(
        id="Tidak ada permintaan gabung dengan nomor itu untuk KSM Anda.",
        en="There is no request to join your KSM with that number.",
    ),
    # TERIMA/TOLAK <n> from someone who leads no KSM.
    "ksm.request.not_leader": Text(
        id="TERIMA/TOLAK <nomor> dipakai ketua KSM untuk menjawab permintaan gabung. "
           "Anda bukan ketua KSM. Ketik MENU untuk layanan lain.",
        en="TERIMA/TOLAK <number> is how a KSM leader answers requests to join. You do not "
           "lead a KSM. Reply MENU for other services.",
    ),
    "ksm.request.empty": Text(
        id="Tidak ada permintaan gabung yang menunggu jawaban Anda.",
        en="No request to join is waiting for your answer.",
    ),
    # Two segments: up to four requests, each to be answered by its number.
    "ksm.request.list": Text(
        id="Permintaan gabung:\n{items}\nBalas TERIMA nomor atau TOLAK nomor, contoh TERIMA {n}.",
        en="Requests to join:\n{items}\nReply TERIMA number or TOLAK number, e.g. TERIMA {n}.",
        segments=2,
        example={"items": "\n".join(f"{n} Siti Nurhaliza Rahma(P) Kelompok Usaha Bersam"
                                    for n in (1231, 1232, 1233, 1234)), "n": 1234},
    ),
    "ksm.progress.missing": Text(
        id="Anggota setuju: {confirmed}/3, butuh {missing} lagi.",
        en="Confirmed members: {confirmed}/3, {missing} more needed.",
        example={"confirmed": 2, "missing": 1},
    ),
    "ksm.progress.waiting": Text(
        id="Anggota cukup; KSM menunggu verifikasi BKM.",
        en="Enough members; the KSM waits for BKM verification.",
    ),
    "ksm.progress.done": Text(id="Anggota setuju: {confirmed}.", en="Confirmed members: {confirmed}.",
                              example={"confirmed": 12}),
    "ksm.women.low": Text(
        id="Catatan: perempuan baru {share}% anggota (target min. 30%).",
        en="Note: women are only {share}% of members (target at least 30%).",
        example={"share": 25},
    ),
    # Status (KSM, INFO KSM, STATUS KSM).
    "ksm.status.none": Text(
        id="Anda belum ada di KSM. Ketik DAFTAR untuk mendaftarkan KSM atau GABUNG kode untuk bergabung.",
        en="You are in no KSM. Reply DAFTAR to register one or GABUNG code to join one.",
    ),
    # Two segments: the member list is what the leader asked for.
    "ksm.status.one": Text(
        id="KSM {ksm} ({code}), Kel. {kelurahan}: {status}. Anggota: {members}. {progress}",
        en="KSM {ksm} ({code}), Kel. {kelurahan}: {status}. Members: {members}. {progress}",
        segments=2,
        example={"ksm": _NAME, "code": "48213", "kelurahan": "Cibeunying Kaler",
                 "status": "menunggu verifikasi BKM",
                 "members": "Siti Nurhali(P) ok, Budi Santos(L) ok, Ani Rahmawa(P) diundang, Dedi Kurniaw(L) ok, "
                            "Eka Putri(P) ok, +3 lagi",
                 "progress": "Anggota cukup; KSM menunggu verifikasi BKM."},
    ),
    # Two segments: one line per KSM the contact is in.
    "ksm.status.many": Text(
        id="KSM Anda:\n{items}\nKetik KSM kode untuk rincian.",
        en="Your KSMs:\n{items}\nReply KSM code for details.",
        segments=2,
        example={"items": "48213 Kelompok Usaha Bersama: menunggu verifikasi\n"
                          "51734 Bank Sampah Melati: terverifikasi\n60211 Posyandu Mawar: dibentuk"},
    ),
    # The same for a KSM that exists and one that does not (codes cannot be listed).
    "ksm.status.not_found": Text(
        id="Tidak ada KSM Anda dengan kode itu. Periksa kodenya, atau ketik KSM saja.",
        en="None of your KSMs has that code. Check the code, or send KSM alone.",
    ),
    "ksm.label.forming": Text(id="sedang dibentuk", en="forming"),
    "ksm.label.waiting_verification": Text(id="menunggu verifikasi BKM", en="waiting for BKM verification"),
    "ksm.label.verified": Text(id="terverifikasi BKM", en="verified by the BKM"),
    "ksm.label.rejected": Text(id="ditolak BKM", en="rejected by the BKM"),
    "ksm.mlabel.confirmed": Text(id="ok", en="ok"),
    "ksm.mlabel.invited": Text(id="diundang", en="invited"),
    "ksm.mlabel.declined": Text(id="menolak", en="declined"),
    "ksm.mlabel.requested": Text(id="minta gabung", en="asks to join"),
    "ksm.mlabel.refused": Text(id="tidak diterima", en="not accepted"),
    "ksm.more": Text(id="+{n} lagi", en="+{n} more", example={"n": 12}),
    # BKM decisions, sent to the leader.
    "ksm.notice.verified": Text(
        id="KSM {ksm} ({code}) sudah diverifikasi BKM. Ketua dapat mengirim usulan: ketik USUL.",
        en="KSM {ksm} ({code}) is verified by the BKM. The leader can send proposals: reply USUL.",
        example={"ksm": _NAME, "code": "48213"},
    ),
    # Two segments: the BKM's reason (up to 200 characters) must reach the leader whole.
    "ksm.notice.rejected": Text(
        id="KSM {ksm} ({code}) ditolak BKM. Alasan: {reason}",
        en="KSM {ksm} ({code}) was rejected by the BKM. Reason: {reason}",
        segments=2,
        example={"ksm": _NAME, "code": "48213", "reason": "x" * 200},
    ),
})
