"""Error texts in the caller's language: English unless `Accept-Language` prefers Spanish.

Only the texts change; the body's keys (`error`, `message`, `details`, `field`) never do. A text
without a Spanish entry (a domain error's own explanation) stays in English.
"""

from collections.abc import Mapping
from enum import StrEnum


class Language(StrEnum):
    ENGLISH = "en"
    SPANISH = "es"


# English text -> Spanish: the error titles of the error map and the fixed messages.
SPANISH: Mapping[str, str] = {
    "Invalid parameters": "Parámetros inválidos",
    "Unauthorized": "No autorizado",
    "Invalid or missing API key": "API key inválida o faltante",
    "Insufficient credits": "Créditos insuficientes",
    "Terms not accepted": "Términos no aceptados",
    "Not found": "No encontrado",
    "No such route": "No existe esa ruta",
    "Conflict": "Conflicto",
    "Idempotency key reused": "Idempotency-Key reutilizada",
    "Idempotency key in progress": "Idempotency-Key en curso",
    "Not implemented": "No implementado",
    "Service unavailable": "Servicio no disponible",
    "Forbidden": "Prohibido",
    "Too many requests": "Demasiadas solicitudes",
    "Internal error": "Error interno",
    "Something went wrong": "Algo salió mal",
    "none of the contacts can be sent to; skipped gives the reason for each": (
        "no se puede enviar a ninguno de los contactos; skipped da el motivo de cada uno"
    ),
}


# Why a parameter was refused, by kind: (English, Spanish), formatted with the parameter's name
# and the error's context.
REASONS: Mapping[str, tuple[str, str]] = {
    "json_invalid": ("The request body is not valid JSON", "El cuerpo de la solicitud no es JSON válido"),
    "missing": ("The parameter '{field}' is required", "El parámetro '{field}' es obligatorio"),
    "between": (
        "The parameter '{field}' must be between {low} and {high}",
        "El parámetro '{field}' debe estar entre {low} y {high}",
    ),
    "invalid": ("The parameter '{field}' is invalid: {reason}", "El parámetro '{field}' es inválido: {reason}"),
}


def language_of(accept_language: str | None) -> Language:
    """The supported language the caller prefers most (RFC 9110 weights), English by default."""
    best, best_weight = Language.ENGLISH, 0.0
    for entry in (accept_language or "").split(","):
        tag, _, parameters = entry.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        weight = 1.0
        name, _, value = parameters.strip().partition("=")
        if name.strip() == "q":
            try:
                weight = float(value)
            except ValueError:
                continue
        if primary in Language._value2member_map_ and weight > best_weight:
            best, best_weight = Language(primary), weight
    return best


def translated(text: str, language: Language) -> str:
    return SPANISH.get(text, text) if language is Language.SPANISH else text


def reason(kind: str, language: Language, **values: object) -> str:
    english, spanish = REASONS[kind]
    return (spanish if language is Language.SPANISH else english).format(**values)
