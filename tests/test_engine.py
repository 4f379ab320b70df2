"""The engine's routing, with no server: transcripts of (state, message) -> outcome."""
from __future__ import annotations

from conversations.catalogue import render
from conversations.engine import Engine
from conversations.flow import Question, Questionnaire, check_text, choose
from conversations.keywords import match, normalise
from conversations.model import (
    INTERRUPTED,
    PARKED,
    Conversation,
    Dialog,
    Inbound,
    OptIn,
    OptOut,
    Outcome,
    Reply,
    SetLanguage,
)
from conversations.registry import Registry


def _echo_flow() -> Questionnaire:
    return Questionnaire(
        name="demo",
        keywords={"DAFTAR": "demo", "GABUNG": "demo"},
        menu_key="test.menu.demo",
        questions=[
            Question("name", "test.ask.name", lambda text, turn, data: check_text(text, 20)),
            Question("kind", "test.ask.kind", lambda text, turn, data: choose(text, ["a", "b"]),
                     skippable=True),
        ],
        finish=lambda turn, data: Outcome(replies=[Reply("test.done", {"name": data["name"]})]),
    )


def _engine() -> Engine:
    from conversations.catalogue import Text, define

    define({
        "test.menu.demo": Text(id="DAFTAR demo", en="DAFTAR demo"),
        "test.ask.name": Text(id="Nama?", en="Name?"),
        "test.ask.kind": Text(id="Jenis? 1 a 2 b", en="Kind? 1 a 2 b"),
        "test.done": Text(id="Selesai {name}", en="Done {name}", example={"name": "x"}),
    })
    return Engine(Registry([_echo_flow()]))


def run(engine: Engine, text: str, conversation: Conversation | None = None) -> Outcome:
    return engine.handle(conversation or Conversation(), Inbound(text=text))


def test_keywords_survive_keypads() -> None:
    table = {"DAFTAR": "daftar", "ADUAN": "aduan", "LAPOR": "aduan", "CEK": "cek"}
    assert match("daftr", table).value == "daftar"
    assert match("Aduan.", table).value == "aduan"
    assert match("  LAPOR  jalan rusak", table).rest == "jalan rusak"
    assert match("ADUAN: dana, hilang!", table).rest == "dana, hilang!"
    assert match("cek 1234567", table).rest == "1234567"
    assert match("CK", table) is None  # short keywords need an exact match
    assert match("halo", table) is None
    assert normalise(" Bahasa   en! ") == "BAHASA EN"


def test_unknown_text_shows_numbered_menu_and_a_digit_starts_the_service() -> None:
    engine = _engine()
    outcome = run(engine, "xyz")
    assert outcome.replies[0].key == "menu.short"
    assert outcome.replies[0].params["items"] == "1 DAFTAR"
    explained = run(engine, "bantuan")
    assert explained.replies[0].key == "menu.body"
    assert "1 DAFTAR demo" in explained.replies[0].params["items"]
    chosen = run(engine, "1", Conversation(dialog=outcome.dialog))
    assert chosen.replies == [Reply("test.ask.name", {})]
    assert chosen.dialog == Dialog("demo", "name", {})


def test_wrong_menu_number_keeps_the_menu() -> None:
    engine = _engine()
    menu = run(engine, "menu").dialog
    outcome = run(engine, "7", Conversation(dialog=menu))
    assert outcome.replies == [Reply("error.choice_one")]  # not "1 sampai 1"
    assert outcome.dialog == menu


def test_dialog_validates_answers_and_keeps_its_step() -> None:
    engine = _engine()
    dialog = run(engine, "DAFTAR").dialog
    for bad in ["", "   ", "x" * 21]:
        outcome = run(engine, bad, Conversation(dialog=dialog))
        assert outcome.dialog == dialog
        assert outcome.replies[0].key in {"error.empty", "error.too_long"}
    dialog = run(engine, "Mawar", Conversation(dialog=dialog)).dialog
    assert dialog.step == "kind"
    wrong = run(engine, "9", Conversation(dialog=dialog))
    assert wrong.replies[0].key == "error.choice" and wrong.dialog == dialog
    done = run(engine, "lewati", Conversation(dialog=dialog))
    assert done.dialog is None
    assert done.replies == [Reply("test.done", {"name": "Mawar"})]


def test_global_commands_work_at_any_step() -> None:
    engine = _engine()
    dialog = run(engine, "DAFTAR").dialog
    inside = Conversation(dialog=dialog)
    cancelled = run(engine, "batal", inside)
    assert cancelled.replies == [Reply("dialog.cancelled")]
    assert cancelled.dialog is None and cancelled.ended == INTERRUPTED
    assert run(engine, "BATAL").replies == [Reply("dialog.nothing_to_cancel")]
    assert run(engine, "Menu", inside).replies[0].key == "menu.short"

    stop = run(engine, "BERHENTI", inside)
    assert stop.effects == [OptOut()] and stop.replies == [Reply("optout.confirmed")]
    again = run(engine, "STOP", Conversation(opted_out=True))
    assert again.effects == [] and again.replies == [Reply("optout.already")]
    assert run(engine, "mulai", Conversation(opted_out=True)).effects == [OptIn()]

    english = run(engine, "bahasa en", inside)
    assert english.effects == [SetLanguage("en")] and english.dialog == dialog
    assert run(engine, "BAHASA klingon").replies == [Reply("language.unknown")]


def test_a_bare_keyword_switches_service_but_a_sentence_is_an_answer() -> None:
    engine = _engine()
    dialog = run(engine, "DAFTAR").dialog
    answered = run(engine, "Gabung Sejahtera", Conversation(dialog=dialog))
    assert answered.dialog.step == "kind"
    assert answered.dialog.data["name"] == "Gabung Sejahtera"
    switched = run(engine, "GABUNG", Conversation(dialog=dialog))
    # Nothing of DAFTAR is stored yet: it is parked for LANJUT, not lost.
    assert switched.ended == PARKED


def test_expired_dialog_is_announced_then_the_message_handled_fresh() -> None:
    engine = _engine()
    outcome = run(engine, "DAFTAR", Conversation(expired=True))
    assert [r.key for r in outcome.replies] == ["dialog.expired", "test.ask.name"]


def test_texts_render_in_both_languages() -> None:
    assert render("dialog.cancelled", "en").startswith("Cancelled")
    assert render("dialog.cancelled", "id").startswith("Dibatalkan")


def test_idle_keywords_start_a_flow_only_when_no_dialog_waits_for_an_answer() -> None:
    from conversations.flow import Flow

    class Answer(Flow):
        name = "answer"
        idle_keywords = {"TIDAK": "answer"}

        def start(self, turn):  # type: ignore[no-untyped-def]
            return Outcome(replies=[Reply("test.done", {"name": "rsvp"})])

    _engine()  # defines the test texts
    engine = Engine(Registry([_echo_flow(), Answer()]))
    assert run(engine, "tidak").replies == [Reply("test.done", {"name": "rsvp"})]
    dialog = run(engine, "DAFTAR").dialog
    inside = run(engine, "Tidak", Conversation(dialog=dialog))
    assert inside.dialog.data["name"] == "Tidak"  # an answer, not a new service
