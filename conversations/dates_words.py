"""The words of dates as people in Indonesia text them, for ``conversations.dates_id``:
months, weekdays, relative days, parts of the day, the keypad and regional spellings of
them (``ALIASES``), and the polite and framing words written around a date (``AROUND``).
Data only."""
from __future__ import annotations

import re

MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "pebruari": 2, "peb": 2,
    "maret": 3, "mar": 3, "april": 4, "apr": 4, "mei": 5, "juni": 6, "jun": 6,
    "juli": 7, "jul": 7, "agustus": 8, "agu": 8, "agt": 8, "ags": 8, "agus": 8,
    "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "november": 11,
    "nov": 11, "nop": 11, "desember": 12, "des": 12,
}
WEEKDAYS = {
    "senin": 0, "selasa": 1, "rabu": 2, "kamis": 3, "jumat": 4, "jum'at": 4, "jumaat": 4,
    "sabtu": 5, "minggu": 6, "ahad": 6,
}
RELATIVE_DAYS = {"besok": 1, "bsk": 1, "besuk": 1, "lusa": 2,
                 "kemarin": -1, "kemaren": -1, "kmrn": -1, "kmarin": -1}
DAY_WORDS = {"tgl", "tanggal", "tg", "tgl."}
FILLERS = {"tgl", "tanggal", "hari", "pada", "hr", "wib", "wita", "wit", "dinten"}
TIME_WORDS = {"jam", "pukul", "pkl", "jm", "pk"}
PARTS_OF_DAY = {"pagi", "siang", "sore", "malam"}
# How people also write these words, as the words above (keypad, Javanese, Sundanese,
# Betawi, English): read before anything else, so every rule below knows them.
ALIASES = {
    **dict.fromkeys(["mlm", "malem", "mlem", "bengi", "dalu", "wengi", "peuting", "pm"], "malam"),
    **dict.fromkeys(["pg", "isuk", "enjing", "am"], "pagi"),
    **dict.fromkeys(["sonten", "sre"], "sore"),
    **dict.fromkeys(["stngh", "stengah", "setgh", "stgh", "tengah"], "setengah"),
    **dict.fromkeys(["bsok", "sesok", "mbenjing", "mbenjang", "isukan", "enjang", "isuk2"], "besok"),
    "pageto": "lusa", "wingi": "kemarin",
    **dict.fromkeys(["sab", "sbt", "setu", "saptu", "sat"], "sabtu"),
    **dict.fromkeys(["mg", "mgg", "ming", "sun"], "minggu"),
    **dict.fromkeys(["snn", "sen", "mon"], "senin"),
    **dict.fromkeys(["slasa", "sel", "tue"], "selasa"),
    **dict.fromkeys(["rebo", "wed"], "rabu"),
    **dict.fromkeys(["kmis", "kms", "kemis", "thu"], "kamis"),
    **dict.fromkeys(["jmt", "jum", "jumat", "fri"], "jumat"),
    "dpn": "depan", "lg": "lagi",
}
# Words "nanti"/"ntar"/"mengko"/"engke" before a part of the day mean today's.
LATER_TODAY = {"nanti", "ntar", "nanti2", "mengko", "engke", "entar"}
# Polite and framing words a leader writes around the date ("insyaallah sabtu malam jam
# 8 ya pak", "rapatnya tgl 5 des"): skipped before the date and time and between them,
# never after both are read (there they may be the place: "rumah pak RT").
AROUND = {
    "pak", "bu", "bapak", "ibu", "mas", "mbak", "kang", "teh", "min", "kak", "bang", "ya", "yo",
    "aja", "saja", "insyaallah", "insya", "allah", "inshaallah", "insyallah", "sip", "oke", "ok",
    "siap", "nggih", "maaf", "rapat", "rapatnya", "rapatne", "kumpul", "kita", "kami", "nya",
    "ksm", "rutin", "rutinnya", "dimundur", "dimajukan", "diundur", "ke", "jadi", "klo",
    "kalo", "kalau", "bisa", "baru", "bls", "assalamualaikum", "wa'alaikumsalam", "nanti",
}
# Day numbers in words, for "tanggal dua puluh lima", "jam tujuh", "tgl selawe".
UNITS = {"satu": 1, "siji": 1, "setunggal": 1, "dua": 2, "loro": 2, "kalih": 2, "tiga": 3,
          "telu": 3, "tigo": 3, "empat": 4, "papat": 4, "sekawan": 4, "lima": 5, "limo": 5,
          "gangsal": 5, "enam": 6, "enem": 6, "tujuh": 7, "pitu": 7, "delapan": 8, "wolu": 8,
          "sembilan": 9, "songo": 9}
TENS = {"sepuluh": 10, "sebelas": 11, "selawe": 25, "nol": 0}
MONTH_PREFIXES = {"jan": 1, "feb": 2, "peb": 2, "mar": 3, "apr": 4, "mei": 5, "jun": 6, "jul": 7,
                   "agu": 8, "agt": 8, "ags": 8, "sep": 9, "okt": 10, "oct": 10, "nov": 11,
                   "nop": 11, "des": 12, "dec": 12, "dis": 12}
GLUED = re.compile(r"^(jam|jm|pukul|pkl|tgl)(\d.*)$|^(\d{1,2}(?:[.:]\d{2})?)([a-z]{2,})$")
