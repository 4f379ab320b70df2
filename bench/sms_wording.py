"""Wording that survives filters (issue 24): every text that can go by SMS, rendered with
its sample values, checked for what some Indonesian operators are said to filter on.

    .venv/bin/python bench/sms_wording.py [--all] [--write bench/RESULTS-sms-wording.md]

Texts: every catalogue entry (both languages; ``ann.whatsapp`` only goes by WhatsApp and
is left out) rendered as residents get it (``catalogue.render`` with the entry's
``example``), and the officers' and admins' SMS of ``bot/`` (officer alerts, the digest,
gateway alerts, the phone verification code) with a long link as they are sent.

What is looked for is an ASSUMPTION, from DOMAIN.md and issue 24, not a measured fact:
whether these filters reach SMS sent from an ordinary SIM is not known. The probe
(``ksm-bot smsgate probe``) measures it on a real gateway phone.

- link: ``http(s)://``, ``www.``, or a name ending in .id/.com/.net/.org/.ly
- digits6: six or more digits in a row (``904294976``, a phone number)
- number6: six or more digits joined only by ``. - / :`` (``27-11-2026``, ``5.000.000``)
- otp: OTP-like words (kode, OTP, verifikasi, rahasia, jangan berikan; English: code,
  verify, secret, do not share)
- spam: words said to trip spam filters: "dana" (the issue), "pinjaman", "transfer",
  "rekening", "hadiah", "menang", "gratis" (guessed likely), "selamat", "nomor", "juta"
  (DOMAIN.md field research); English: funds, loan, transfer, account, prize, win,
  free, congratulations, number, million
- segments and GSM-7, as ``conversations.gsm`` counts them.

The texts issue 24 changed are also rendered as they were before (the complaint code in
one run of nine digits, the CEK date as ``08-12-2026``), to show their segment counts did
not grow.
"""
from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import conversations.engine  # noqa: E402,F401  (loads the engine's texts)
from bot.complaints import officer_alerts  # noqa: E402
from bot import gateway_alerts  # noqa: E402
from bot.officers.phone_verification import code_text  # noqa: E402
from conversations.catalogue import entries, render  # noqa: E402
from conversations.gsm import is_gsm7, segments  # noqa: E402
from conversations.registry import default_registry  # noqa: E402

WHATSAPP_ONLY = {"ann.whatsapp"}
CODE = "904294976"
LINK = "https://ksm-bot.pnpm-mandiri.kemendagri.go.id/complaints/4821"  # a long host

LINK_RE = re.compile(r"https?://|\bwww\.|\b[\w-]+\.(?:co\.id|go\.id|id|com|net|org|ly)\b", re.I)
DIGITS6 = re.compile(r"\d{6,}")
NUMBER6 = re.compile(r"\d(?:[.\-/:]?\d){5,}")
OTP_WORDS = {
    "id": re.compile(r"\b(?:di)?(?:kode|otp|verifikasi|rahasia\w*)\b|\bjangan berikan\b", re.I),
    "en": re.compile(r"\b(?:code|otp|verif\w*|secret|do not share)\b", re.I),
}
SPAM_WORDS = {
    "id": re.compile(r"\b(dana|pinjaman|transfer|rekening|hadiah|menang|gratis|selamat|nomor|"
                     r"juta)(?:nya)?\b", re.I),
    "en": re.compile(r"\b(funds?|loans?|transfer|account|prize|win|free|congratulations|"
                     r"number|million)\b", re.I),
}
RISKS = ("link", "digits6", "number6", "otp", "spam")


@dataclass
class Sample:
    """One text as it goes out, and what in it a content filter might catch."""

    source: str  # catalogue, officer, admin
    key: str
    language: str
    text: str
    before: str | None = None  # as it was written before issue 24, when it changed
    found: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        lang = "en" if self.language == "en" else "id"
        self.found = {
            "link": LINK_RE.findall(self.text),
            "digits6": DIGITS6.findall(self.text),
            "number6": [n for n in NUMBER6.findall(self.text) if not DIGITS6.fullmatch(n)],
            "otp": [m.group(0).lower() for m in OTP_WORDS[lang].finditer(self.text)],
            "spam": [m.group(1).lower() for m in SPAM_WORDS[lang].finditer(self.text)],
        }

    @property
    def segments(self) -> int:
        return segments(self.text)

    @property
    def gsm7(self) -> bool:
        return is_gsm7(self.text)


def _before(key: str, language: str) -> str | None:
    """``key`` as it was before issue 24: the code in one run, the date in digits."""
    text = entries()[key]
    example = dict(text.example)
    if len(str(example.get("code", ""))) != 9 and key != "complaint.check.pick":
        return None
    example["code"] = CODE
    if key == "complaint.check.status":
        example["date"] = "08-12-2026"
    if key == "complaint.check.pick":
        example["items"] = "1 306334264, 2 899912441, 3 029967408, 4 552448726"
    template = text.en if language == "en" else text.id
    return template.format(**example)  # str.format: no grouping, as render did then


def _after_example(key: str, language: str) -> dict[str, object]:
    example = dict(entries()[key].example)
    if "code" in example and len(str(example["code"])) == 9:
        example["code"] = CODE
    if key == "complaint.check.status":
        example["date"] = "Selasa 8 Des" if language == "id" else "Tue 8 Dec"
    return example


def collect() -> list[Sample]:
    """Every SMS text, in both languages where it has two."""
    default_registry()
    samples = []
    for key in sorted(entries()):
        if key in WHATSAPP_ONLY:
            continue
        for language in ("id", "en"):
            text = render(key, language, **_after_example(key, language))
            samples.append(Sample("catalogue", key, language, text, _before(key, language)))
    for kind in officer_alerts.TEXTS:
        text = f"{officer_alerts.render(kind, **officer_alerts.EXAMPLE)} {LINK}"
        samples.append(Sample("officer", f"officer_alerts.{kind}", "id", text))
    samples.append(Sample("officer", "phone_verification.code_text", "id", code_text("123456")))
    for problem in gateway_alerts.TEXTS:
        text = f"{gateway_alerts.render(problem, **gateway_alerts.EXAMPLE)} {LINK}"
        samples.append(Sample("admin", f"gateway_alerts.{problem}", "id", text))
    return samples


def _flags(sample: Sample) -> str:
    return " ".join(f"{risk}={','.join(sorted(set(sample.found[risk])))}"
                    for risk in RISKS if sample.found[risk])


def table(samples: list[Sample], everything: bool) -> str:
    rows = [f"{'text':44} {'lang':4} {'seg':>3} {'gsm7':4}  risks"]
    for s in samples:
        if everything or any(s.found.values()) or s.segments > 1 or not s.gsm7:
            rows.append(f"{s.key[:44]:44} {s.language:4} {s.segments:>3} {'yes' if s.gsm7 else 'NO':4}"
                        f"  {_flags(s)}")
    return "\n".join(rows)


def summary(samples: list[Sample]) -> dict[str, object]:
    by_risk = {risk: [s for s in samples if s.found[risk]] for risk in RISKS}
    return {
        "texts": len(samples),
        "keys": len({s.key for s in samples}),
        "by_source": {src: len([s for s in samples if s.source == src])
                      for src in ("catalogue", "officer", "admin")},
        "by_risk": {risk: len(found) for risk, found in by_risk.items()},
        "by_risk_id": {risk: len([s for s in found if s.language == "id"])
                       for risk, found in by_risk.items()},
        "any": len([s for s in samples if any(s.found.values())]),
        "multi_segment": len([s for s in samples if s.segments > 1]),
        "not_gsm7": len([s for s in samples if not s.gsm7]),
    }


def changed(samples: list[Sample]) -> list[tuple[str, str, str, str, str, str]]:
    """(key, language, segments (characters) before, after, risks before, risks after)
    of the texts issue 24 changed."""
    out = []
    for s in samples:
        if s.before is None:
            continue
        old = Sample(s.source, s.key, s.language, s.before)
        out.append((s.key, s.language, f"{old.segments} ({len(old.text)})",
                    f"{s.segments} ({len(s.text)})", _flags(old), _flags(s)))
    return out


def markdown(samples: list[Sample]) -> str:
    figures = summary(samples)
    lines = [
        "# SMS wording and operators' filters (issue 24)",
        "",
        "Produced by `bench/sms_wording.py --write bench/RESULTS-sms-wording.md`; the figures",
        "are counted from the texts, nothing here was sent over a real network.",
        "",
        "**The filter rules are an assumption.** Indonesian operators are reported to filter",
        "some bulk SMS by content (links, OTP-like wording, long digit runs, words such as",
        '"dana"); whether that reaches SMS sent from an ordinary SIM through a gateway phone',
        "is not known. The word lists below are what to measure, not what is known to be",
        "blocked: `ksm-bot smsgate probe --to <number>` sends the probe texts through a real",
        "gateway phone and reads their delivery reports (see README, \"Measuring operators'",
        "filters\").",
        "",
        "## Figures",
        "",
        f"- texts checked: {figures['texts']} ({figures['keys']} keys; catalogue texts in",
        f"  Indonesian and English: {figures['by_source']['catalogue']}, officers' SMS: "
        f"{figures['by_source']['officer']}, admins' gateway alerts: {figures['by_source']['admin']})",
        f"- not GSM-7: {figures['not_gsm7']}; more than one segment (each within its budget): "
        f"{figures['multi_segment']}",
        f"- with any risk below: {figures['any']}",
    ]
    lines.append("- by risk (all texts / Indonesian only):")
    for risk, count in figures["by_risk"].items():
        lines.append(f"  - {risk}: {count} / {figures['by_risk_id'][risk]}")
    lines += ["", "Risks: link (http, www, .id/.com...), digits6 (6+ digits in a row), number6",
              "(6+ digits joined by . - / :, e.g. 5.000.000 or 27-11-2026), otp (kode, OTP,",
              "verifikasi, rahasia, jangan berikan), spam (dana, pinjaman, transfer, rekening,",
              "hadiah, menang, gratis, selamat, nomor, juta; English equivalents).", ""]
    lines += ["## Texts issue 24 changed: segments before and after", "",
              "Rendered with the code `904294976` before (one run, as `str.format` did) and",
              "after (`904 294 976`, as `catalogue.render` does now); the CEK date as",
              "`08-12-2026` before and `Selasa 8 Des` after. Segments (characters):", "",
              "| text | lang | before | after | risks before | risks after |",
              "|---|---|---|---|---|---|"]
    for key, language, old, new, risks_old, risks_new in changed(samples):
        lines.append(f"| {key} | {language} | {old} | {new} | {risks_old or '-'} | {risks_new or '-'} |")
    lines += ["", "## Every text with a risk (Indonesian; English where only it has one)", "",
              "| text | lang | seg | risks |", "|---|---|---|---|"]
    flagged_id = {s.key for s in samples if s.language == "id" and any(s.found.values())}
    for s in samples:
        if any(s.found.values()) and (s.language == "id" or s.key not in flagged_id):
            lines.append(f"| {s.key} | {s.language} | {s.segments} | {_flags(s)} |")
    lines += ["", "## Reading", "",
              "- Residents' texts no longer carry a complaint code or a date as a long run of",
              "  digits; none of the changed texts grew a segment. Left as they are, listed",
              "  above: KSM codes (5 digits), amounts as examples (`5.000.000`, `5000000` in",
              "  usul.ask.amount and usul.error.amount), a phone number example",
              "  (ksm.error.phone), Kemendagri codes (public.info.ambiguous) and meeting dates",
              "  with a year (`27/12/2026`, only when the meeting is in another year; this",
              "  year's read `Senin 7/12 19.30 WIB`).",
              "- The word \"kode\" is in 20-odd texts (it is what a code is called) and \"nomor\"",
              "  in many (\"Balas nomor\"); changing them is only worth it if the probe shows",
              "  them filtered (P4 against P2).",
              "- Officers' and admins' SMS carry a link by design, and officers' alerts the",
              "  code in one run (officers copy it into the dashboard). If P6 is filtered,",
              "  officers should get those on WhatsApp or from a Twilio number instead.",
              "- Example values of free text (officers' responses, names) are filler (`xxx`):",
              "  what officers write is not checked here."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--all", action="store_true", help="list every text, not only flagged ones")
    parser.add_argument("--write", metavar="PATH", help="write the results page (markdown)")
    args = parser.parse_args()
    samples = collect()
    print(table(samples, args.all))
    print()
    for key, language, old, new, _, risks in changed(samples):
        print(f"changed {key}/{language}: segments (chars) {old} -> {new}; "
              f"{risks or 'no risk left'}")
    print(summary(samples))
    if args.write:
        Path(args.write).write_text(markdown(samples))


if __name__ == "__main__":
    main()
