"""Mustache templates: strict, logic-less rendering, the variables a contact lends, refused templates."""

import pytest

from sendme.domain.contacts import Contact
from sendme.domain.errors import RequestInvalidError
from sendme.domain.messages import Channel
from sendme.domain.templates import MissingVariableError, TemplateText, check_template, contact_variables

ANA = Contact(
    id="c1", name="Ana María Ruiz", phone="+573001112233", custom_fields={"plan": "gold"}, created_at="2026-01-01"
)


def test_template_render_fills_each_variable_verbatim_for_sms():
    # Given an SMS template and a value with characters HTML would escape
    text = TemplateText("Hola {{firstName}}, {{offer}}")
    # When it is rendered, Then the value goes in as it is
    assert text.render({"firstName": "Ana", "offer": "2x1 <hoy> & mañana"}).body == "Hola Ana, 2x1 <hoy> & mañana"


def test_template_render_escapes_values_for_an_html_email():
    text = TemplateText("<p>{{name}}</p>", subject="Hi {{name}}", html=True)
    rendered = text.render({"name": "<b>Ana</b> & co"})
    assert rendered.body == "<p>&lt;b&gt;Ana&lt;/b&gt; &amp; co</p>"
    # A subject is plain text: never escaped
    assert rendered.subject == "Hi <b>Ana</b> & co"


def test_template_render_names_the_missing_variable():
    with pytest.raises(MissingVariableError) as missing:
        TemplateText("Hola {{firstName}}, tu plan {{plan}}").render({"firstName": "Ana"})
    assert missing.value.reason == "missing-variable:plan"


def test_template_render_treats_a_missing_section_variable_as_missing():
    with pytest.raises(MissingVariableError):
        TemplateText("{{#vip}}VIP {{/vip}}Hola").render({})


def test_template_used_keeps_only_the_variables_the_template_reads():
    text = TemplateText("Hola {{firstName}}{{#vip}} VIP{{/vip}}")
    assert text.used({"firstName": "Ana", "vip": "yes", "email": "ana@example.com"}) == {
        "firstName": "Ana",
        "vip": "yes",
    }


def test_template_render_runs_no_code_from_a_value():
    # Given a value that is itself Mustache: it is text, never rendered again
    assert TemplateText("{{a}}").render({"a": "{{b}}"}).body == "{{b}}"


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        pytest.param("Hola {{#vip}}VIP", "never closed", id="unclosed-section"),
        pytest.param("Hola {{/vip}}", "mismatch", id="stray-close"),
        pytest.param("{{> footer}}", "partial", id="partial"),
        pytest.param("{{=<% %>=}}<% a %>", "delimiter", id="delimiter-change"),
    ],
)
def test_check_template_refuses_what_does_not_parse(body: str, problem: str):
    with pytest.raises(RequestInvalidError) as refused:
        check_template(Channel.SMS, body, None)
    assert refused.value.field == "body"
    assert problem in refused.value.message


def test_check_template_requires_an_email_subject():
    with pytest.raises(RequestInvalidError) as refused:
        check_template(Channel.EMAIL, "Hola", None)
    assert refused.value.field == "subject"


def test_check_template_refuses_an_sms_body_over_1600_characters():
    with pytest.raises(RequestInvalidError) as refused:
        check_template(Channel.SMS, "x" * 1601, None)
    assert refused.value.field == "body"


def test_contact_variables_split_the_name_and_add_custom_fields():
    variables = contact_variables(ANA, "+573001112233", Channel.SMS)
    assert variables["firstName"] == "Ana"
    assert variables["lastName"] == "María Ruiz"
    assert (variables["name"], variables["phone"], variables["plan"]) == ("Ana María Ruiz", "+573001112233", "gold")
    # Empty fields are missing variables, not empty strings
    assert "email" not in variables


def test_contact_variables_of_a_recipient_who_is_not_a_contact_are_its_address():
    assert contact_variables(None, "ana@example.com", Channel.EMAIL) == {"email": "ana@example.com"}
