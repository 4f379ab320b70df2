"""What tells one incident from another in a complaint's text: the RT and RW, the road or
gang and the house number, the person and the KSM named, the object (MCK, sumur, jalan,
hidran...), the material, amounts of money and percentages, months and stages, and the
state of what is complained of (``belum dibayar`` against ``sudah dibayar``).

The text is read through the residents' lexicon (``conversations.lexicon.spelt_out``),
so ``pk agus``, ``Bpk Agus`` and ``Pak Agus`` name one person, ``kran`` and ``hidran``
one object, ``500rb`` and ``lima ratus ribu`` one amount. Pure: no database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from conversations import lexicon

from bot.complaints import incident_vocabulary

# "BLM" is the program's grant (Bantuan Langsung Masyarakat); lowercase "blm" in SMS is
# usually "belum" (not yet), except right after these words ("dana blm" is the grant).
_GRANT_BEFORE = frozenset({"dana", "bantuan", "uang", "program", "dr", "dari"})
_RAW = re.compile(r"[A-Za-z]+|\d+(?:[.,]\d+)*|%")
_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")

_UNITS = {"satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7,
          "delapan": 8, "sembilan": 9, "sepuluh": 10, "sebelas": 11, "seratus": 100,
          "seribu": 1000, "sejuta": 1_000_000, "setengah": 0.5}
_SCALES = {"belas": 10, "puluh": 10, "ratus": 100, "ribu": 1000, "juta": 1_000_000}
_MONEY = {"ribu": 1000, "juta": 1_000_000}

NEGATORS = frozenset({"tidak", "belum", "bukan", "tanpa"})
# A state counts as affirmed when said to be so: "sudah dibayar", not "yg dapat rehab".
AFFIRMERS = frozenset({"sudah", "telah", "pernah"})
# ... or, for these, said at all: "nama sy ada di daftar", "faskel datang ke pertemuan".
SELF_ASSERTING = frozenset({"datang"})
# Roots of what a complaint says was or was not done, each with the state it reads as:
# ``ditolak`` is ``setuju`` denied.
PREDICATES = {
    "bayar": ("dibayar", True), "pasang": ("dipasang", True), "bangun": ("dibangun", True),
    "cair": ("cair", True), "setor": ("disetor", True), "lunas": ("lunas", True),
    "umum": ("diumumkan", True), "dapat": ("dapat", True), "terima": ("diterima", True),
    "datang": ("datang", True), "hadir": ("datang", True), "laksana": ("dilaksanakan", True),
    "kerja": ("dikerjakan", True), "selesai": ("selesai", True), "perbaik": ("diperbaiki", True),
    "setuju": ("disetujui", True), "tolak": ("disetujui", False), "ada": ("ada", True),
    "masuk": ("masuk", True), "nyala": ("menyala", True), "bagi": ("dibagikan", True),
    "kembali": ("dikembalikan", True),
}
OBJECTS = {
    "mck": "MCK", "sumur": "sumur", "jalan": "jalan", "paving": "jalan",
    "jembatan": "jembatan", "talud": "talud", "drainase": "drainase", "hidran": "hidran",
    "lampu": "lampu jalan", "jamban": "jamban", "rehab": "rehab rumah", "menjahit": "menjahit",
    "jahit": "menjahit", "pembukuan": "pembukuan", "bunga": "bunga pinjaman",
    "denda": "denda", "keuangan": "laporan keuangan", "sertifikat": "sertifikat",
}
MATERIALS = frozenset({"semen", "pasir", "besi", "kayu", "batu", "genteng", "keramik", "bambu",
                       "batako", "bata"})
MONTHS = {m: m for m in ("januari februari maret april mei juni juli agustus september "
                         "oktober november desember").split()}
MONTHS |= {"jan": "januari", "feb": "februari", "agt": "agustus", "okt": "oktober",
           "sept": "september", "nop": "november"}
STAGES = {"tahap": "tahap", "thp": "tahap", "triwulan": "triwulan", "termin": "termin",
          "semester": "semester", "angkatan": "angkatan", "putaran": "putaran"}
# The stage's number however written: "tahap II", "putaran kedua", "tahap awal".
ORDINALS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "pertama": 1, "kesatu": 1,
            "awal": 1, "kedua": 2, "ketiga": 3, "keempat": 4, "kelima": 5}
# A kelurahan or village named after these; a mosque's name after "masjid".
AREA_WORDS = frozenset({"kelurahan", "desa", "kampung", "kp"})
FIRST_PERSON = frozenset({"saya", "abdi", "aku"})
TITLES = frozenset({"bapak", "ibu", "mbah", "almarhum", "almarhumah", "alm", "haji", "h",
                    "mas", "mbak", "saudara", "kakek", "nenek", "ustad", "ustadz", "sdri"})
ROLES = frozenset({"rt", "rw", "ketua", "lurah", "camat", "kades", "mandor", "kepala",
                   "sekretaris", "bendahara", "anggota", "bkm", "ksm", "upk", "faskel",
                   "bidan", "guru", "kadus", "kadus", "kader", "relawan", "pengurus", "pejabat", "petugas"})
_SHOWN_TITLE = {"ibu": "Bu", "almarhumah": "Almh.", "mbak": "Mbak", "nenek": "Nenek",
                "mbah": "Mbah", "almarhum": "Alm.", "alm": "Alm.", "sdri": "Sdri."}
PLACE_WORDS = frozenset({"gang", "jalan"})
LANDMARK_BEFORE = frozenset({"dekat", "depan", "samping", "belakang", "sebelah"})
LANDMARKS = frozenset({"masjid", "sd", "sekolah", "pasar", "pos", "balai", "kantor",
                       "lapangan", "makam", "mushola", "musholla", "puskesmas", "sungai"})
# Words that follow a title, "ksm", "gang" or "jalan" without being a name.
COMMON = frozenset("""
yang di ke dari dan atau ini itu ada dengan untuk pada dalam sudah belum juga saja aja
tidak bisa akan karena kalau tapi padahal masih sama oleh jadi kok ya kan pun lagi
saya kami kita warga mohon tolong dong sih nya para apa bagaimana kenapa persen lapor
kalian mereka beliau dia ini anak istri suami keluarga ibu bapak orang semua sendiri
perempuan pengelola penerima bilang kelompok baru lama rusak setapak cor raya utama
kampung desa kelurahan umum besar kecil rumah tengah ujung pinggir sini situ sana
minta upah uang dana pinjaman yg tukang kerja mau punya selalu sering jarang tiap
mengatakan katanya bahwa usaha bersama tersebut lain sebelah depan belakang dekat
berapa boleh cuma dapat hari kemarin lewat lolos malam sekaligus selisih supaya tahun
air gang sampai hujan kapan saat ayah sebaiknya siang pagi sore minggu bulan info
rabat beton lingkungan proyek ikut liat lihat tau tahu tinggal masuk sekarang skrg tetangga
kami tanya tiap dadakan itu baru sdh udah sejak lagi mabuk suka selalu malah
""".split()) | ROLES | TITLES | NEGATORS | frozenset(OBJECTS) | MATERIALS | frozenset(MONTHS)


@dataclass
class Slots:
    """The discriminating facts of one complaint text, each a set of values."""

    rt: set[int] = field(default_factory=set)
    rw: set[int] = field(default_factory=set)
    place: set[str] = field(default_factory=set)
    house: set[int] = field(default_factory=set)
    person: dict[str, str] = field(default_factory=dict)  # name -> as shown (Pak Amir)
    ksm: set[str] = field(default_factory=set)
    objects: set[str] = field(default_factory=set)
    material: set[str] = field(default_factory=set)
    money: set[int] = field(default_factory=set)
    percent: set[float] = field(default_factory=set)
    month: set[str] = field(default_factory=set)
    stage: set[str] = field(default_factory=set)
    state: dict[str, set[bool]] = field(default_factory=dict)
    # role, part, problem, program, unit, goods, daytime, meeting, quantity, speech
    # (bot.complaints.incident_vocabulary)
    kinds: dict[str, set[str]] = field(default_factory=dict)
    words: list[str] = field(default_factory=list)


def words(text: str) -> list[str]:
    """The words of ``text`` as the program writes them, lowercase: the lexicon's
    spellings and program words, ``blm`` as the grant or as ``belum``, numbers in words
    as digits, amounts of money as one word (``500rb`` and ``lima ratus ribu`` ->
    ``rp500000``), percentages as one (``10%``, ``sepuluh persen`` -> ``10persen``)."""
    text = re.sub(r"(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])", " ", text or "")
    shouting = text.isupper()
    prepared: list[str] = []
    for raw in _RAW.findall(text):
        low = raw.lower()
        if raw == "%":
            low = "persen"
        elif raw[0].isdigit():
            if _THOUSANDS.fullmatch(raw):
                low = raw.replace(".", "")
            elif not raw.isdigit():
                whole, _, part = re.split(r"([.,])", raw, maxsplit=1)
                low = f"{int(whole)} koma {part}"
            else:
                low = str(int(raw))
        elif low == "blm":
            grant = (raw.isupper() and not shouting) or (prepared and prepared[-1] in _GRANT_BEFORE)
            low = "blm" if grant else "belum"
        prepared.append(low)
    spelt = [w.lower() for w in lexicon.spelt_out(" ".join(prepared))]
    return _amounts(_numbers(spelt))


def _numbers(tokens: list[str]) -> list[str]:
    """Numbers in words as digits (``lima ratus`` -> ``500``, ``2 koma 5`` -> ``2.5``);
    ``ribu`` and ``juta`` stay words, for :func:`_amounts`."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        word = tokens[i]
        if word in _UNITS or (word.isdigit() and i + 1 < len(tokens) and tokens[i + 1] in ("koma", "belas", "puluh", "ratus")):
            value: float = _UNITS[word] if word in _UNITS else int(word)
            i += 1
            while i < len(tokens) and tokens[i] in ("belas", "puluh", "ratus", "koma") or (
                    i < len(tokens) and tokens[i] in _UNITS and tokens[i - 1] in ("puluh", "ratus", "belas", "koma")):
                if tokens[i] == "koma" and i + 1 < len(tokens) and tokens[i + 1].isdigit():
                    value += float("0." + tokens[i + 1])
                    i += 2
                elif tokens[i] == "koma":
                    break
                elif tokens[i] == "belas":
                    value += 10
                    i += 1
                elif tokens[i] in ("puluh", "ratus"):
                    value *= _SCALES[tokens[i]]
                    i += 1
                else:
                    value += _UNITS[tokens[i]]
                    i += 1
            out.append(f"{value:g}")
        else:
            out.append(word)
            i += 1
    return out


def _amounts(tokens: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(tokens):
        word, after = tokens[i], tokens[i + 1] if i + 1 < len(tokens) else ""
        if _is_number(word) and after in _MONEY:
            out.append(f"rp{round(float(word) * _MONEY[after])}")
            i += 2
        elif _is_number(word) and after == "persen":
            out.append(f"{float(word):g}persen")
            i += 2
        elif word == "rp" and _is_number(after) and i + 2 < len(tokens) and tokens[i + 2] in _MONEY:
            out.append(f"rp{round(float(after) * _MONEY[tokens[i + 2]])}")  # Rp10rb
            i += 3
        elif word == "rp" and _is_number(after):
            out.append(f"rp{round(float(after))}")
            i += 2
        else:
            out.append(word)
            i += 1
    return out


def _is_number(word: str) -> bool:
    return bool(word) and word.replace(".", "", 1).isdigit()


@lru_cache(maxsize=8192)
def root(word: str) -> str:
    """``word`` without the affixes that vary most between two tellings: dibayar,
    membayar, dibayarkan -> bayar; menyetor -> setor; melunasi -> lunas."""
    for prefix, put in (("meny", "s"), ("meng", ""), ("mem", ""), ("men", ""), ("me", ""),
                        ("di", ""), ("ter", ""), ("ber", "")):
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            word = put + word[len(prefix):]
            break
    for suffix in ("nya", "kan", "an", "i"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _name_after(tokens: list[str], i: int, verbs_too: bool = False) -> str | None:
    """The name at ``tokens[i]``, if it can be one: not a common word, and for a KSM or
    a road not a verb or a word with ``-nya`` (``ksm dijanjikan``, ``jalan atapnya``)."""
    word = tokens[i] if i < len(tokens) else ""
    if not word.isalpha() or len(word) < 3 or word in COMMON:
        return None
    if not verbs_too and (word.startswith("di") or word.endswith("nya") or root(word) in PREDICATES):
        return None
    return word


def read(text: str) -> Slots:
    """The :class:`Slots` of one complaint text."""
    tokens = words(text)
    slots = Slots(words=tokens)
    named: set[int] = set()
    capitalised = _capitalised(text)
    for i, word in enumerate(tokens):
        after = tokens[i + 1] if i + 1 < len(tokens) else ""
        if (who := _untitled_person(tokens, i, capitalised)) is not None:
            slots.person[tokens[who]] = tokens[who].capitalize()
            named.add(who)
        if word in ("rt", "rw") and after.isdigit():
            (slots.rt if word == "rt" else slots.rw).add(int(after))
            then = tokens[i + 2] if i + 2 < len(tokens) else ""
            if word == "rt" and then.isdigit():  # RT 03/12
                slots.rw.add(int(then))
        elif word in ("no", "nomor") and after.isdigit() and len(after) <= 4:
            slots.house.add(int(after))
        elif word in TITLES:
            j = i + 1
            while j < len(tokens) and tokens[j] in ("haji", "h", "almarhum", "bapak", "ibu"):
                j += 1
            if j < len(tokens) and tokens[j] not in ROLES and (name := _name_after(tokens, j, True)):
                slots.person[name] = f"{_SHOWN_TITLE.get(word, 'Pak')} {name.capitalize()}"
                named.add(j)
        elif word == "ksm":
            for j in (i + 1, i + 2):
                if (name := _name_after(tokens, j)) is not None:
                    slots.ksm.add(name)
                    named.add(j)
                    break
                if j < len(tokens) and tokens[j] not in ("perempuan", "kami"):
                    break
        elif word in PLACE_WORDS and (name := _name_after(tokens, i + 1)):
            suffix = tokens[i + 2] if i + 2 < len(tokens) else ""
            roman = suffix if suffix in ("i", "ii", "iii", "iv", "v") or suffix.isdigit() and word == "gang" else ""
            slots.place.add(f"{word} {name} {roman}".strip())
            named.add(i + 1)
        elif word in LANDMARK_BEFORE and after in LANDMARKS:
            name = _name_after(tokens, i + 3 if tokens[i + 2:i + 3] == ["al"] else i + 2)
            slots.place.add(f"masjid {name}" if after == "masjid" and name else after)
        elif word in AREA_WORDS and (name := _name_after(tokens, i + 1)):
            slots.place.add(f"kelurahan {name}")
            named.add(i + 1)
        elif word == "masjid" and (name := _name_after(tokens, i + 2 if after == "al" else i + 1)):
            slots.place.add(f"masjid {name}")
        elif (stage := _stage(tokens, i)) is not None:
            slots.stage.add(stage)
    for i, word in enumerate(tokens):
        if i in named:
            continue
        if word in OBJECTS:
            slots.objects.add(OBJECTS[word])
        elif word in MATERIALS:
            slots.material.add(word)
        elif word in MONTHS:
            slots.month.add(MONTHS[word])
        elif word.startswith("rp") and word[2:].isdigit():
            slots.money.add(int(word[2:]))
        elif word.endswith("persen") and _is_number(word[:-6]):
            slots.percent.add(float(word[:-6]))
        elif word in STAGES and i + 1 < len(tokens) and tokens[i + 1] in MONTHS:
            slots.stage.add(f"{STAGES[word]} {tokens[i + 1]}")
        predicate = PREDICATES.get(root(word)) or PREDICATES.get(word)
        if predicate is not None:
            state, affirmed = predicate
            before = tokens[max(0, i - 3):i]
            if any(w in NEGATORS for w in before):
                slots.state.setdefault(state, set()).add(not affirmed)
            elif not affirmed or state in SELF_ASSERTING or any(w in AFFIRMERS for w in before):
                slots.state.setdefault(state, set()).add(affirmed)
    # Names are not read for kinds: KSM "Sinar Pagi" says no time of day.
    unnamed = ["" if i in named else w for i, w in enumerate(tokens)]
    asks = (text or "").rstrip().endswith("?")
    slots.kinds = incident_vocabulary.read(unnamed, [root(w) for w in unnamed], asks)
    return slots


def _stage(tokens: list[str], i: int) -> str | None:
    """``tahap 2``, ``tahap II``, ``thp I``, ``putaran kedua``, ``tahap awal``, ``minggu ke
    3``: the stage named at ``tokens[i]``, by its number."""
    word = tokens[i]
    after = tokens[i + 1:i + 3]
    if after[:1] == ["ke"] and len(after) == 2 and after[1].isdigit():
        number: int | None = int(after[1])
    elif after and after[0].isdigit():
        number = int(after[0])
    else:
        number = ORDINALS.get(after[0]) if after else None
    if number is None or (word not in STAGES and word != "minggu") or (
            word == "minggu" and after[0].isdigit()):
        return None
    return f"{STAGES.get(word, word)} {number}"


def _capitalised(text: str) -> frozenset[str]:
    """The words written with a capital, lowercase (none when the text shouts)."""
    if (text or "").isupper():
        return frozenset()
    return frozenset(w.lower() for w in re.findall(r"\b[A-Z][a-z]+", text or ""))


def _untitled_person(tokens: list[str], i: int, capitalised: frozenset[str]) -> int | None:
    """Where a person is named without a title: ``sy Suharti`` at the start, ``namanya
    Jono``, ``mandor Jono``, ``Legiman anggota KSM``. The index of the name, or None."""
    word = tokens[i]
    after = i + 1
    if word in FIRST_PERSON and i <= 2 and (tokens[after:after + 1] and (
            tokens[after] in capitalised or after + 1 >= len(tokens) or tokens[after + 1] in ("rt", "warga"))):
        return after if _name_after(tokens, after) else None
    if word in ("namanya", "bernama") or (word in incident_vocabulary.ROLES and word not in ("anggota", "ketua")):
        if after < len(tokens) and tokens[after] in capitalised and _name_after(tokens, after):
            return after
    if i == 0 and word in capitalised and len(tokens) > 1 and tokens[1] in incident_vocabulary.ROLES:
        return 0 if _name_after(tokens, 0) else None
    return None
