"""What residents write without a keyword: greetings, thanks, and complaints told in
their own words (``Pak, saya mau lapor dana BLM dipotong``).

Pure word lists and functions; the engine decides what to answer.
"""
from __future__ import annotations

import re

from conversations import lexicon
from conversations.keywords import normalise, words

SALAM, HELLO, THANKS = "salam", "hello", "thanks"

# Whole greetings (normalised), by what they call for. Regional ones included: Sundanese
# (punten, sampurasun, hatur nuhun), Javanese (sugeng ..., kulo nuwun, matur nuwun),
# Batak (horas, mauliate), Balinese (om swastiastu), Bugis/Makassar (tabe), Karo.
GREETINGS = {
    **dict.fromkeys([
        "ASSALAMUALAIKUM", "ASSALAMU ALAIKUM", "ASALAMUALAIKUM", "ASSALAMUALAIKUM WR WB",
        "ASSALAMMUALAIKUM", "ASSALAMUALAIKUM WARAHMATULLAHI WABARAKATUH", "ASS WR WB",
        "ASSWRWB", "ASS", "SAMLEKOM", "MIKUM", "SALAM",
    ], SALAM),
    **dict.fromkeys([
        "HALO", "HALLO", "HELO", "HAI", "HI", "HELLO", "HEY", "PAGI", "SIANG", "SORE", "MALAM",
        "SELAMAT PAGI", "SELAMAT SIANG", "SELAMAT SORE", "SELAMAT MALAM", "SLMT PAGI",
        "SLMT SIANG", "SLMT SORE", "SLMT MALAM", "MET PAGI", "MET SIANG", "MET SORE",
        "MET MALAM", "PERMISI", "PUNTEN", "SAMPURASUN", "SUGENG ENJING", "SUGENG SIANG",
        "SUGENG SONTEN", "SUGENG DALU", "KULO NUWUN", "KULONUWUN", "NUWUN SEWU", "HORAS",
        "OM SWASTIASTU", "SALAM SEJAHTERA", "SHALOM", "TABE", "MEJUAH JUAH", "SELAMAT DATANG",
        # Keypad spellings: vowels dropped, "slamat".
        "SLMT PG", "SLMT SNG", "SLMT SR", "SLMT MLM", "MET MLM", "MLM", "SLM", "SLAMAT PAGI",
        "SLAMAT SIANG", "SLAMAT SORE", "SLAMAT MALAM", "SELAMAT PG", "SELAMAT MLM",
    ], HELLO),
    **dict.fromkeys([
        "TERIMA KASIH", "TERIMAKASIH", "TRIMA KASIH", "TRIMAKASIH", "TERIMA KSH", "TRM KSH", "TRIMA KSH",
        "TRMKSH", "MAKASIH", "MAKASI", "MKSH", "MAKASEH", "TRIMS", "TQ", "TKS", "THX",
        "THANKS", "THANK YOU", "TENGKYU", "MATUR NUWUN", "MATURNUWUN", "SUWUN", "HATUR NUHUN",
        "NUHUN", "MAULIATE", "OK TERIMA KASIH", "SIP", "OKE", "OK", "BAIK",
    ], THANKS),
}
# Words around a greeting that do not change it: "Selamat pagi Pak", "makasih ya bu".
FILLERS = {
    "PAK", "BAPAK", "BPK", "BU", "IBU", "MIN", "ADMIN", "KAK", "KAKAK", "MAS", "MBAK", "BANG",
    "DIK", "GAN", "BOS", "SEMUA", "SEMUANYA", "YA", "YAA", "YAH", "BANYAK", "BNYK", "JUGA",
    "WR", "WB", "WARAHMATULLAHI", "WABARAKATUH", "SAUDARA", "SDR", "NGGIH", "SAYA", "SY",
    "BAH", "AMANG", "INANG", "LAE", "AKANG", "TETEH", "MBOK",
    "DONG", "DEH", "NIH", "SIH", "AJA", "SAJA", "PLS", "PLEASE",
}
# Stems that make a message read like a complaint: reporting, and what goes wrong with
# program money (dipotong, pungli, dikorupsi, diselewengkan, digelapkan, ...).
COMPLAINT_STEMS = (
    "LAPOR", "ADUAN", "MENGADU", "ADUKAN", "KELUH", "POTONG", "PUNGLI", "PUNGUT", "KORUP",
    "SELEWENG", "GELAP", "TIPU", "CURANG", "SOGOK", "SUAP", "CATUT", "MARKUP", "PALSU",
    "NYELEWENG", "SUNAT",
    # Spoken forms: motong (memotong), nyatut (mencatut), memalsukan; ngadu (mengadu);
    # a name struck off a list (dicoret); "tolong diperiksa".
    "MOTONG", "NYATUT", "MALSU", "NGADU", "CORET", "PERIKSA",
)
# Something that should have happened and did not: "dana tdk sampai", "blm diperbaiki".
NOT_WORDS = {"TIDAK", "TDK", "GAK", "GK", "GA", "NGGAK", "ENGGAK", "BELUM", "BLM", "BLUM",
             "KAGAK", "KAGA", "TRA", "NDAK", "ORA", "TEU", "INDAK"}
NOT_DONE_STEMS = ("SAMPAI", "NYAMPE", "DITERIMA", "TERIMA", "CAIR", "DIBAYAR", "DIKERJAKAN",
                  "DIPERBAIKI", "ADIL", "TRANSPARAN", "JELAS", "DIBAGI", "DISALURKAN",
                  "KELUAR", "GUNA", "BERFUNGSI", "NYALA", "MENGALIR")
# Damage or loss residents report in a few words: "Tolong pak jalan rusak".
DAMAGE_STEMS = ("RUSAK", "HILANG", "MANGKRAK", "AMBRUK", "JEBOL", "KECEWA", "DIPERAS", "RETAK",
                "BOCOR", "SETENGAH", "NGUTANG")
MIN_COMPLAINT_WORDS = 4


def greeting(text: str) -> str | None:
    """SALAM, HELLO or THANKS when ``text`` is only a greeting (with Pak/Bu and the
    like), else None."""
    typed = words(text)
    if not typed:
        return None
    norm = " ".join(typed)
    if norm in GREETINGS:
        return GREETINGS[norm]
    core = " ".join(w for w in typed if w not in FILLERS) or norm
    if core in GREETINGS:
        return GREETINGS[core]
    return _greetings_in_a_row(core.split())


def _greetings_in_a_row(typed: list[str]) -> str | None:
    """``Assalamualaikum pak/bu, selamat pagi``: greetings one after another, and
    nothing else; the kind of the first."""
    kinds: list[str] = []
    i = 0
    while i < len(typed):
        for n in range(min(len(typed) - i, 5), 0, -1):
            phrase = " ".join(typed[i:i + n])
            if phrase in GREETINGS:
                kinds.append(GREETINGS[phrase])
                i += n
                break
        else:
            return None
    return kinds[0] if kinds else None


def reads_like_complaint(text: str) -> bool:
    """True when ``text`` is a few words that speak of reporting or of money misused."""
    typed = words(text)
    if len(typed) < MIN_COMPLAINT_WORDS:
        return False
    if any(stem in word for word in typed for stem in (*COMPLAINT_STEMS, *DAMAGE_STEMS)):
        return True
    return any(word in NOT_WORDS and any(stem in after for stem in NOT_DONE_STEMS)
               for word, after in zip(typed, typed[1:]))


# Words a request may open with before its keyword: "Pak, saya mau gabung 48213",
# "tolong hapus data saya" (with the FILLERS: Pak, Bu, saya, ...).
WANT_WORDS = {"MAU", "MO", "MAO", "INGIN", "PENGEN", "PINGIN", "MINTA", "MOHON",
              "TOLONG", "AKU", "KAMI", "BISA", "HENDAK", "NUMPANG",
              "OK", "OKE", "OKAY", "BAIK", "SIP"}  # "ok terima 2", "oke gabung 48213"
_OPENING_WORD = re.compile(r"^\W*([A-Za-z]+)(?:\W+|$)")


def after_politeness(text: str) -> str | None:
    """``text`` as typed without the polite words it opens with (``Pak, saya mau gabung
    48213`` -> ``gabung 48213``); None when it opens with none, or is nothing else."""
    rest = text or ""
    while True:
        opening = _OPENING_WORD.match(rest)
        if opening is None or opening[1].upper() not in FILLERS | WANT_WORDS:
            break
        rest = rest[opening.end():]
    return rest if rest.strip() and rest != text else None


def wants(text: str) -> bool:
    """True when ``text`` holds a word of wanting (``saya mau``, ``tolong``, ``ok``)."""
    return bool(set(words(text)) & WANT_WORDS)


def only_politeness(text: str) -> bool:
    """True when ``text`` has no word but polite ones (``pak``, ``ya bu``)."""
    return set(words(text)) <= FILLERS


def asks(text: str) -> bool:
    """A question or a request in the message (``?``, ``apakah``, ``kapan``, ``tolong``)."""
    return "?" in text or bool(set(normalise(text).split()) & ASKING)


ASKING = {"APAKAH", "KAPAN", "BAGAIMANA", "GIMANA", "GMN", "KENAPA", "KNP", "MENGAPA", "DIMANA",
          "BERAPA", "BRP", "TOLONG", "MOHON", "BISAKAH", "BOLEHKAH", "TANYA", "NANYA"}


def for_a_person(text: str) -> bool:
    """A message no service placed that still says something (a question, a request in
    a few words): a person should read it. One or two words, and thanks or greetings,
    get the menu instead."""
    said = [w for w in lexicon.without_polite(text) if any(ch.isalpha() for ch in w)]
    return len(said) >= 3 and not lexicon.acknowledgement(text)
