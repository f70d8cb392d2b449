// The console's words in English and Spanish, chosen by the browser's language.
const WORDS = {
  en: {
    signIn: "Sign in", apiKey: "API key", signInHelp: "Your organisation's API key. It stays in this tab only.",
    badKey: "That API key was refused.", emailSuspended: "Email sending suspended (bounce or complaint rate)", signOut: "Sign out", balance: "Balance", credits: "credits",
    overview: "Overview", messages: "Messages", messageTitle: "Message", send: "Send", contacts: "Contacts",
    last30: "Last 30 days", deliveryRate: "Delivery rate", perDay: "Messages per day by status", none: "none",
    filters: "Filters", apply: "Apply", clear: "Clear", next: "Next page", first: "First page",
    status: "Status", recipient: "Recipient", type: "Type", created: "Created", cost: "Cost", segments: "Segments",
    content: "Content", contentType: "Content type", sentAt: "Sent at (date)", countryCode: "Country code",
    provider: "Provider", campaignId: "Campaign id", contactId: "Contact id", queueId: "Queue id",
    startDate: "From (date)", endDate: "To (date)", limit: "Per page", search: "Search", id: "Id",
    noMessages: "No messages match.", total: "total", refreshing: "Refreshing while messages are in flight",
    timeline: "Status timeline", at: "At", source: "Source", detail: "Detail", back: "Back to messages",
    encoding: "Encoding", error: "Error", subject: "Subject",
    channel: "Channel", sms: "SMS", email: "Email", audience: "Audience", toContacts: "Phone numbers or emails",
    toTags: "Tags", toAll: "All contacts", recipients: "Recipients (one per line or comma-separated)",
    tags: "Tags (comma-separated)", message: "Message", smsType: "SMS type", quote: "Get quote", sendNow: "Send now",
    quoteTitle: "Quote", ucs2: "Characters forcing UCS-2", recipientsCount: "Recipients", skipped: "Skipped",
    totalCost: "Total cost", balanceAfter: "Balance after", insufficient: "The balance does not cover this send.",
    queued: "Queued", viewQueue: "Follow this send", sending: "Sending…",
    tag: "Tag", name: "Name", phone: "Phone", emailAddress: "Email", newContact: "New contact", save: "Save",
    edit: "Edit", saved: "Saved.", importCsv: "Import a CSV file", file: "CSV file", upload: "Import",
    imported: "Import report", createdN: "Created", updatedN: "Updated", unchangedN: "Unchanged",
    rejectedN: "Rejected", line: "Line", reason: "Reason", uploading: "Uploading", noContacts: "No contacts.",
    campaigns: "Campaigns", templates: "Templates", webhooks: "Webhooks", suppressions: "Suppressions",
    description: "Description", url: "URL", events: "Events", failedDeliveries: "Failed deliveries",
    nothingYet: "None yet.",
  },
  es: {
    signIn: "Iniciar sesión", apiKey: "Clave de API", signInHelp: "La clave de API de su organización. Solo queda en esta pestaña.",
    badKey: "Esa clave de API fue rechazada.", emailSuspended: "Envío de correo suspendido (tasa de rebotes o quejas)", signOut: "Cerrar sesión", balance: "Saldo", credits: "créditos",
    overview: "Resumen", messages: "Mensajes", messageTitle: "Mensaje", send: "Enviar", contacts: "Contactos",
    last30: "Últimos 30 días", deliveryRate: "Tasa de entrega", perDay: "Mensajes por día y estado", none: "ninguno",
    filters: "Filtros", apply: "Aplicar", clear: "Limpiar", next: "Página siguiente", first: "Primera página",
    status: "Estado", recipient: "Destinatario", type: "Tipo", created: "Creado", cost: "Costo", segments: "Segmentos",
    content: "Contenido", contentType: "Tipo de contenido", sentAt: "Enviado (fecha)", countryCode: "Código de país",
    provider: "Proveedor", campaignId: "Id de campaña", contactId: "Id de contacto", queueId: "Id de cola",
    startDate: "Desde (fecha)", endDate: "Hasta (fecha)", limit: "Por página", search: "Buscar", id: "Id",
    noMessages: "Ningún mensaje coincide.", total: "en total", refreshing: "Actualizando mientras hay mensajes en curso",
    timeline: "Historial de estados", at: "Hora", source: "Origen", detail: "Detalle", back: "Volver a mensajes",
    encoding: "Codificación", error: "Error", subject: "Asunto",
    channel: "Canal", sms: "SMS", email: "Correo", audience: "Audiencia", toContacts: "Teléfonos o correos",
    toTags: "Etiquetas", toAll: "Todos los contactos", recipients: "Destinatarios (uno por línea o separados por comas)",
    tags: "Etiquetas (separadas por comas)", message: "Mensaje", smsType: "Tipo de SMS", quote: "Cotizar", sendNow: "Enviar ahora",
    quoteTitle: "Cotización", ucs2: "Caracteres que fuerzan UCS-2", recipientsCount: "Destinatarios", skipped: "Omitidos",
    totalCost: "Costo total", balanceAfter: "Saldo después", insufficient: "El saldo no cubre este envío.",
    queued: "En cola", viewQueue: "Seguir este envío", sending: "Enviando…",
    tag: "Etiqueta", name: "Nombre", phone: "Teléfono", emailAddress: "Correo", newContact: "Nuevo contacto", save: "Guardar",
    edit: "Editar", saved: "Guardado.", importCsv: "Importar un archivo CSV", file: "Archivo CSV", upload: "Importar",
    imported: "Informe de importación", createdN: "Creados", updatedN: "Actualizados", unchangedN: "Sin cambios",
    rejectedN: "Rechazados", line: "Línea", reason: "Motivo", uploading: "Subiendo", noContacts: "Sin contactos.",
    campaigns: "Campañas", templates: "Plantillas", webhooks: "Webhooks", suppressions: "Supresiones",
    description: "Descripción", url: "URL", events: "Eventos", failedDeliveries: "Entregas fallidas",
    nothingYet: "Nada todavía.",
  },
};

export const language = (navigator.languages || [navigator.language || "en"])
  .map((tag) => tag.slice(0, 2).toLowerCase())
  .find((code) => code in WORDS) || "en";

export function t(word) {
  return WORDS[language][word] ?? WORDS.en[word] ?? word;
}
