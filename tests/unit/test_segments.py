import pytest

from sendme.domain.segments import Encoding, count_segments


@pytest.mark.parametrize(
    ("text", "segments"),
    [("a" * 160, 1), ("a" * 161, 2), ("a" * 306, 2), ("a" * 307, 3)],
)
def test_count_segments_gsm7_limits(text, segments):
    # Given a text of plain GSM-7 characters / When counted / Then 160 fit one part, 153 each after
    info = count_segments(text)
    assert (info.encoding, info.segments) == (Encoding.GSM7, segments)


def test_count_segments_extension_characters_take_two_units():
    # Given 80 euro signs (160 units) and 81 (162 units)
    assert count_segments("€" * 80).segments == 1
    assert count_segments("€" * 81).segments == 2
    assert count_segments("€" * 80).units == 160


def test_count_segments_never_splits_an_escape_sequence():
    # Given 306 units that would fit two parts only if the euro sign's two units were split
    text = "a" * 152 + "€" + "a" * 152
    # Then it takes three parts
    assert count_segments(text).segments == 3


@pytest.mark.parametrize(("length", "segments"), [(70, 1), (71, 2), (134, 2), (135, 3)])
def test_count_segments_ucs2_limits(length, segments):
    # Given an accented character outside GSM-7 forcing UCS-2
    info = count_segments("á" * length)
    assert (info.encoding, info.segments) == (Encoding.UCS2, segments)


def test_count_segments_reports_the_characters_forcing_ucs2():
    info = count_segments("Hola 👋 señor, ¿cómo está?")
    assert info.encoding is Encoding.UCS2
    assert info.ucs2_characters == ("👋", "ó", "á")  # ñ and ¿ are GSM-7, the acute vowels are not
    assert info.units == len("Hola  señor, ¿cómo está?") + 2  # the emoji is a surrogate pair


def test_count_segments_spanish_gsm7_text_stays_gsm7():
    assert count_segments("Año nuevo: ¡Feliz día!").encoding is Encoding.UCS2  # í is not GSM-7
    assert count_segments("Ñandú ¿ü?").encoding is Encoding.UCS2  # ú is not GSM-7
    assert count_segments("Señor ¿Ñ? ü ä ö à é è ù ì ò").encoding is Encoding.GSM7
