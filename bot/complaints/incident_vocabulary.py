"""The words that tell what happened, beyond where and to whom: who acted (``ketua``,
``bendahara``, ``faskel``...), which part of the object (``atap``, ``lantai``, ``pipa``),
what went wrong (``bocor``, ``tidak ada air``, ``dikunci``, ``dipotong``, ``dipinjam``),
which program (``BLM``, ``pinjaman bergulir``, ``pelatihan``, ``sosial``), which unit,
which goods, the time of day, the kind of meeting, counted quantities (``10 sak``) and
whether the text is a complaint, a question or praise.

Each kind is a table of the words (as :func:`bot.complaints.incident_slots.words` writes
them, or their root) and the value an officer reads. Two texts that both name a kind and
share no value tell two incidents (``peran berbeda: bendahara / ketua``). Pure: data and
one reader, no database.
"""

from __future__ import annotations

# kind -> (label shown to the officer, {word or phrase: value}). A phrase is matched on
# the words or on their roots (``dipotong`` -> ``potong``).
KINDS: dict[str, tuple[str, dict[str, str]]] = {
    "part": ("bagian", {
        "atap": "atap", "genteng": "atap", "seng": "atap", "asbes": "atap",
        "lantai": "lantai", "dinding": "dinding", "tembok": "dinding", "pintu": "pintu",
        "kloset": "kloset", "plafon": "plafon", "tutup": "tutup", "pegangan": "pegangan",
        "pondasi": "pondasi", "panel": "panel surya", "tiang": "tiang", "pipa": "pipa",
        "bak": "bak", "meteran": "meteran", "roda": "roda", "septic tank": "septic tank",
        "septik": "septic tank", "pompa": "pompa", "pagar": "pagar", "kunci": "kunci",
    }),
    "problem": ("masalah", {
        "retak": "rusak", "pecah": "rusak", "jebol": "rusak", "ambruk": "rusak",
        "longsor": "rusak", "roboh": "rusak", "ambles": "rusak", "patah": "rusak",
        "goyang": "rusak", "miring": "rusak", "bolong": "rusak", "kelupas": "rusak",
        "ngelupas": "rusak", "gerus": "rusak", "tergerus": "rusak",
        "bocor": "bocor", "rembes": "bocor", "mampet": "mampet", "luap": "mampet",
        "meluap": "mampet", "luber": "mampet", "meluber": "mampet", "sumbat": "mampet",
        "tidak ada air": "tidak ada air", "tidak keluar air": "tidak ada air",
        "tidak ngalir": "tidak ada air", "tidak mengalir": "tidak ada air", "kering": "tidak ada air",
        "bau": "kotor", "kotor": "kotor", "keruh": "kotor", "karat": "kotor",
        "dikunci": "dikunci", "terkunci": "dikunci", "mati": "mati", "padam": "mati",
        "nyala terus": "menyala terus", "hilang": "hilang", "ngilang": "hilang",
        "curi": "hilang", "dicuri": "hilang", "dicopot": "hilang", "bawa pulang": "hilang",
        "dipakai pribadi": "dipakai pribadi", "pakai pribadi": "dipakai pribadi",
        "keperluan pribadi": "dipakai pribadi", "usaha pribadi": "dipakai pribadi",
        "fotokopi pribadi": "dipakai pribadi", "rekening pribadi": "dipakai pribadi",
        "sewa": "disewakan",
        "potong": "dipotong/dipungut", "potongan": "dipotong/dipungut", "pungli": "dipotong/dipungut",
        "pungut": "dipotong/dipungut", "iuran": "dipotong/dipungut", "palak": "dipotong/dipungut",
        "tarik": "dipotong/dipungut", "narik": "dipotong/dipungut", "suruh bayar": "dipotong/dipungut",
        "paksa bayar": "dipotong/dipungut", "wajib": "dipotong/dipungut", "jatah": "dipotong/dipungut",
        "fee": "dipotong/dipungut", "dipinjam": "dipinjam", "dipinjem": "dipinjam",
        "minjem": "dipinjam", "minjam": "dipinjam",
        "meminjam": "dipinjam", "minjemin": "dipinjamkan", "dipinjamkan": "dipinjamkan",
        "meminjamkan": "dipinjamkan", "talang": "ditalangi", "nalangin": "ditalangi",
        "tidak disetor": "tidak disetor",
        "tidak disetorkan": "tidak disetor", "tidak diterusin": "tidak diteruskan",
        "tidak diteruskan": "tidak diteruskan",
        "palsu": "dipalsukan", "malsuin": "dipalsukan", "fiktif": "fiktif",
        "kasar": "kasar/mengancam", "ancam": "kasar/mengancam", "pukul": "dipukul",
        "mukul": "dipukul", "mukulin": "dipukul", "mabuk": "mabuk",
    }),
    "program": ("program", {
        "pinjaman": "pinjaman bergulir", "bergulir": "pinjaman bergulir",
        "angsuran": "pinjaman bergulir", "modal": "pinjaman bergulir", "blm": "BLM",
        "pelatihan": "pelatihan", "santunan": "sosial", "beasiswa": "sosial",
        "lansia": "sosial", "dana sosial": "sosial", "hibah": "hibah", "swadaya": "swadaya",
    }),
    "unit": ("unit", {"upk": "UPK", "upl": "UPL", "ups": "UPS"}),
    "goods": ("barang", {
        "tenda": "tenda", "sound system": "sound system", "genset": "genset",
        "sablon": "alat sablon", "etalase": "etalase", "mesin jahit": "mesin jahit",
        "gerobak": "gerobak", "tong sampah": "tong sampah", "molen": "molen", "motor": "motor",
        "kursi": "tenda",
    }),
    "daytime": ("waktu", {"pagi": "pagi", "siang": "siang", "sore": "sore", "malam": "malam",
                          "mlm": "malam"}),
    "meeting": ("rapat", {
        "sosialisasi": "sosialisasi", "pleno": "pleno", "pemilihan": "pemilihan",
        "pembentukan": "pembentukan", "pertanggungjawaban": "pertanggungjawaban",
        "lpj": "pertanggungjawaban", "prioritas": "prioritas usulan",
        "pemeringkatan": "prioritas usulan", "rutin": "rutin", "antar": "antar KSM",
    }),
}
# The text's first words that make it a question, not a complaint.
QUESTION_STARTS = frozenset({"apa", "apakah", "bagaimana", "gimana", "berapa", "brp",
                             "bolehkah", "bisakah", "tanya"})
# Words of a complaint put as a question ("kenapa ... ?", "duitnya kemana??").
RHETORICAL = frozenset({"kenapa", "knp", "kok", "kemana", "masa", "padahal", "pdhl"})
# Praise that goes on to complain ("bagus tapi kurang panjang") is a complaint.
BUT = frozenset({"tapi", "tetapi", "tp", "padahal", "pdhl", "malah", "kurang", "cuma", "cm"})
ASKING = frozenset({"mau", "numpang", "ingin", "mo"})
PRAISE = frozenset({"bagus", "baik", "jujur", "salut", "mantap", "membantu", "senang",
                    "terimakasih", "puas", "amanah", "transparan"})
ROLES = {
    "ketua": "ketua", "bendahara": "bendahara", "sekretaris": "sekretaris",
    "koordinator": "koordinator", "faskel": "faskel", "mandor": "mandor",
    "relawan": "relawan", "staf": "staf", "pegawai": "staf", "lurah": "lurah",
    "kades": "lurah", "penjaga": "penjaga", "panitia": "panitia",
}
ORGS = frozenset({"ksm", "bkm", "upk", "ups", "upl", "kelurahan", "rt", "rw"})
QUANTITY_UNITS = {"sak": "sak", "biji": "biji", "karung": "karung", "truk": "truk",
                  "rit": "rit", "m": "m", "meter": "m", "cm": "cm", "org": "orang",
                  "orang": "orang", "kk": "KK", "unit": "unit", "buah": "buah",
                  "btg": "batang", "batang": "batang", "lembar": "lembar"}
# Every phrase by its first word, longest first: (words, kind, value).
_BY_FIRST: dict[str, list[tuple[tuple[str, ...], str, str]]] = {}
for _kind, (_, _table) in KINDS.items():
    for _phrase, _value in _table.items():
        _BY_FIRST.setdefault(_phrase.split()[0], []).append((tuple(_phrase.split()), _kind, _value))
for _found in _BY_FIRST.values():
    _found.sort(key=lambda entry: -len(entry[0]))


def read(tokens: list[str], roots: list[str], asks: bool = False) -> dict[str, set[str]]:
    """The values of each kind named in ``tokens`` (with their ``roots``): ``{"part":
    {"atap"}, "role": {"bendahara KSM"}, "quantity": {"10 sak"}, "speech": {"aduan"}}``.
    ``asks``: the text ends with a question mark."""
    found: dict[str, set[str]] = {}
    bases = [t[:-3] if t.endswith("nya") and len(t) > 5 else t for t in tokens]
    for i in range(len(tokens)):
        for form in (tokens, bases, roots):
            for phrase, kind, value in _BY_FIRST.get(form[i], ()):
                if tuple(form[i:i + len(phrase)]) == phrase or tuple(tokens[i:i + len(phrase)]) == phrase:
                    found.setdefault(kind, set()).add(value)
    _roles(tokens, bases, found)
    for i, word in enumerate(tokens):  # "minta 50rb", "dimintai uang": a levy
        if word in ("minta", "meminta", "diminta", "dimintai", "dimintain", "mintain") and any(
                w.startswith("rp") or w in ("uang", "duit", "setoran") for w in tokens[i + 1:i + 4]):
            found.setdefault("problem", set()).add("dipotong/dipungut")
    for i, word in enumerate(bases[1:], 1):
        unit = QUANTITY_UNITS.get(word)
        if unit and _is_count(tokens[i - 1]):
            found.setdefault("quantity", set()).add(f"{tokens[i - 1]} {unit}")
    speech = _speech(tokens, found)
    if not (asks and speech == "aduan"):  # "...setahun gak?": a question or a complaint
        found["speech"] = {speech}
    return found


def _roles(tokens: list[str], bases: list[str], found: dict[str, set[str]]) -> None:
    for i, base in enumerate(bases):
        role = ROLES.get(base)
        before = tokens[i - 1] if i else ""
        if base in ("rt", "rw") and before in ("bapak", "ibu", "ketua"):
            role, org = f"pak {base.upper()}", ""
        elif role is None:
            continue
        else:
            after = tokens[i + 1] if i + 1 < len(tokens) else ""
            org = after if after in ORGS and not (after in ("rt", "rw") and i + 2 < len(tokens)
                                                  and tokens[i + 2].isdigit()) else ""
            if role == "ketua" and org in ("rt", "rw"):
                role, org = f"pak {org.upper()}", ""
        found.setdefault("role", set()).add(f"{role} {org.upper()}".strip())


def _is_count(word: str) -> bool:
    return word.replace(".", "", 1).isdigit()


def _speech(tokens: list[str], found: dict[str, set[str]]) -> str:
    """``pertanyaan`` for a question (``gmn cara lapor``, ``mau tanya`` with nothing
    complained of), ``pujian`` for praise with nothing complained of, else ``aduan``.
    A question mark alone says little: residents complain in questions (``duitnya
    kemana??``)."""
    plain = not RHETORICAL & set(tokens) and "problem" not in found
    if tokens and tokens[0] in QUESTION_STARTS and (len(tokens) < 2 or tokens[1] != "ini"):
        return "pertanyaan"
    if plain and any(w == "tanya" and i and tokens[i - 1] in ASKING for i, w in enumerate(tokens)):
        return "pertanyaan"
    praised = any(w in PRAISE for w in tokens) or any(
        w == "terima" and i + 1 < len(tokens) and tokens[i + 1] == "kasih"
        and (not i or tokens[i - 1] != "uang") for i, w in enumerate(tokens))
    negated = any(w in ("tidak", "belum", "bukan") for w in tokens)
    if praised and not negated and "problem" not in found and not BUT & set(tokens):
        return "pujian"
    return "aduan"


def roles_agree(mine: str, theirs: str) -> bool:
    """``bendahara`` and ``bendahara UPK`` are one role; ``bendahara UPK`` and
    ``bendahara BKM`` are not."""
    (head_a, _, org_a), (head_b, _, org_b) = mine.partition(" "), theirs.partition(" ")
    if mine.startswith("pak ") or theirs.startswith("pak "):
        return mine == theirs
    return head_a == head_b and (not org_a or not org_b or org_a == org_b)


def quantities_conflict(mine: set[str], theirs: set[str]) -> bool:
    """Both count the same unit (``10 sak`` / ``50 sak``) and share no count of it."""
    units_a = {q.split()[1] for q in mine}
    for unit in units_a & {q.split()[1] for q in theirs}:
        if not {q for q in mine if q.endswith(" " + unit)} & {q for q in theirs if q.endswith(" " + unit)}:
            return True
    return False
