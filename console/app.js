// The SendMe console: a single page over the public API, signed in with an API key kept in this
// tab's session storage. Every value from the API reaches the page as text, never as HTML.
import { language, t } from "./i18n.js";

const KEY_STORE = "sendme.apiKey";
// SENT still waits for its receipt; the rest change no more (READ aside, which polling need not wait for).
const TERMINAL = new Set(["DELIVERED", "UNDELIVERED", "FAILED", "READ", "CANCELED", "RECEIVED"]);
const STATUSES = ["QUEUED", "SCHEDULED", "SENDING", "SENT", "DELIVERED", "UNDELIVERED", "FAILED", "READ", "CANCELED", "RECEIVED"];
// Auto-refresh starts at 2 s and backs off to 30 s: each refresh is a billed request.
const REFRESH_FIRST_MS = 2000;
const REFRESH_LAST_MS = 30000;
const config = { apiBase: "" };
let refreshTimer = null;
let refreshDelay = REFRESH_FIRST_MS;

// --- the API ---------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || body?.error || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

async function api(path, { method = "GET", body, query } = {}) {
  const url = new URL(config.apiBase + path, window.location.href);
  for (const [name, value] of Object.entries(query || {})) {
    if (value !== "" && value != null) url.searchParams.set(name, value);
  }
  const headers = { "api-key": sessionStorage.getItem(KEY_STORE) || "" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const answer = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, answer);
  return answer;
}

// The CSV import through XMLHttpRequest: fetch cannot report upload progress.
function upload(path, file, onProgress) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", new URL(config.apiBase + path, window.location.href));
    request.setRequestHeader("api-key", sessionStorage.getItem(KEY_STORE) || "");
    request.setRequestHeader("Content-Type", "text/csv");
    request.upload.onprogress = (event) => event.lengthComputable && onProgress(event.loaded / event.total);
    request.onload = () => {
      const answer = JSON.parse(request.responseText || "null");
      request.status < 300 ? resolve(answer) : reject(new ApiError(request.status, answer));
    };
    request.onerror = () => reject(new ApiError(0, { message: "network error" }));
    request.send(file);
  });
}

// --- DOM helpers -----------------------------------------------------------------------------

function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value == null) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(element.dataset, value);
    else element.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child != null && child !== false) element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

function field(id, label, control) {
  control.id = id;
  control.name ||= id;
  return h("div", { class: "field" }, h("label", { for: id }, label), control);
}

function input(id, label, attributes = {}) {
  return field(id, label, h("input", { type: "text", ...attributes }));
}

function select(id, label, options, value = "") {
  const control = h("select", {}, options.map(([optionValue, text]) => h("option", { value: optionValue, selected: optionValue === value }, text)));
  return field(id, label, control);
}

function badge(status) {
  return h("span", { class: `badge status-${status.toLowerCase()}`, dataset: { status } }, status);
}

function when(iso) {
  return iso ? new Date(iso).toLocaleString(language) : "—";
}

// Each route renders through its own `show`: a page whose answer arrives after the user moved on
// is dropped instead of painting over the page they are on.
let routeCount = 0;

function shower() {
  const mine = ++routeCount;
  return (...children) => {
    if (mine !== routeCount) return;
    clearTimeout(refreshTimer);
    const main = document.getElementById("main");
    main.replaceChildren(...children.filter((child) => child != null && child !== false));
    main.focus();
  };
}

function alertBox(error) {
  return h("p", { class: "error", role: "alert" }, error instanceof ApiError ? `${error.status}: ${error.message}` : String(error));
}

function formValues(form) {
  return Object.fromEntries([...new FormData(form).entries()].map(([name, value]) => [name, String(value).trim()]));
}

function refreshLater() {
  refreshTimer = setTimeout(route, refreshDelay);
  refreshDelay = Math.min(refreshDelay * 2, REFRESH_LAST_MS);
}

// Routes through hashchange, or at once when the page is already there.
function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

// --- sign-in and the frame ---------------------------------------------------------------------

async function signIn(event) {
  event.preventDefault();
  const key = formValues(event.target).apiKey;
  sessionStorage.setItem(KEY_STORE, key);
  try {
    await api("/api/account");
    go("#/messages");
  } catch (error) {
    sessionStorage.removeItem(KEY_STORE);
    event.target.querySelector(".error")?.remove();
    event.target.append(alertBox(error.status === 401 ? t("badKey") : error));
  }
}

function signInPage(show) {
  document.getElementById("bar").hidden = true;
  show(
    h("h1", {}, t("signIn")),
    h("form", { id: "sign-in", class: "card", onsubmit: signIn },
      input("apiKey", t("apiKey"), { type: "password", required: true, autocomplete: "off", "aria-describedby": "key-help" }),
      h("p", { id: "key-help", class: "hint" }, t("signInHelp")),
      h("button", { type: "submit" }, t("signIn"))),
  );
}

async function frame() {
  const bar = document.getElementById("bar");
  bar.hidden = false;
  const sections = [["#/overview", t("overview")], ["#/messages", t("messages")], ["#/send", t("send")], ["#/contacts", t("contacts")],
    ...Object.keys(CATALOGS).map((section) => [`#/${section}`, t(section)])];
  document.getElementById("nav").replaceChildren(
    ...sections.map(([href, text]) => h("a", { href, "aria-current": location.hash.startsWith(href) ? "page" : false }, text)),
  );
  const signOut = document.getElementById("sign-out");
  signOut.textContent = t("signOut");
  signOut.onclick = () => {
    sessionStorage.removeItem(KEY_STORE);
    go("#/");
  };
  const account = await api("/api/account");
  document.getElementById("account").replaceChildren(
    h("span", {}, account.name), " · ", h("span", { id: "balance" }, `${t("balance")}: ${account.balance} ${t("credits")}`),
    account.emailSuspendedAt ? h("strong", { class: "error", role: "status" }, ` · ${t("emailSuspended")}`) : null,
  );
  return account;
}

// --- overview: the 30-day chart ----------------------------------------------------------------

const CHART_ORDER = ["DELIVERED", "READ", "SENT", "SENDING", "QUEUED", "SCHEDULED", "UNDELIVERED", "FAILED", "CANCELED", "RECEIVED"];

function chart(days) {
  const width = 600, height = 180, gap = 2;
  const most = Math.max(1, ...days.map((day) => day.total));
  const bar = (width - gap * days.length) / days.length;
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", t("perDay"));
  days.forEach((day, index) => {
    let top = height;
    for (const status of CHART_ORDER) {
      const count = day.byStatus[status] || 0;
      if (!count) continue;
      const size = (count / most) * height;
      top -= size;
      const rect = document.createElementNS("http://www.w3.org/2000/svg", "rect");
      for (const [name, value] of Object.entries({ x: index * (bar + gap), y: top, width: bar, height: size, class: `fill-${status.toLowerCase()}` })) {
        rect.setAttribute(name, value);
      }
      const title = document.createElementNS("http://www.w3.org/2000/svg", "title");
      title.textContent = `${day.day} ${status}: ${count}`;
      rect.append(title);
      svg.append(rect);
    }
  });
  return svg;
}

function percent(rate) {
  return rate == null ? "—" : `${(rate * 100).toFixed(1)} %`;
}

async function overviewPage(show) {
  const activity = await api("/api/activity", { query: { days: 30 } });
  const totals = {};
  for (const day of activity.days) for (const [status, count] of Object.entries(day.byStatus)) totals[status] = (totals[status] || 0) + count;
  show(
    h("h1", {}, t("overview")),
    h("section", { class: "card", "aria-labelledby": "chart-title" },
      h("h2", { id: "chart-title" }, `${t("perDay")} · ${t("last30")}`),
      h("p", {}, `${t("deliveryRate")}: `, h("strong", { id: "delivery-rate" }, percent(activity.deliveryRate))),
      chart(activity.days),
      h("ul", { class: "legend" }, CHART_ORDER.filter((status) => totals[status]).map((status) => h("li", {}, badge(status), ` ${totals[status]}`)))),
  );
}

// --- messages ----------------------------------------------------------------------------------

const FILTERS = [
  ["status", "select"], ["messageType", "select"], ["contentType", "select"], ["recipientDetails", "recipient"],
  ["content", "content"], ["sentAt", "sentAt"], ["countryCode", "countryCode"], ["providerId", "provider"],
  ["campaignId", "campaignId"], ["contactId", "contactId"], ["queueId", "queueId"], ["startDate", "startDate"],
  ["endDate", "endDate"], ["limit", "limit"],
];
const CHOICES = {
  status: STATUSES, messageType: ["SMS", "OTP", "FLASH", "EMAIL"], contentType: ["PLAIN_TEXT", "HTML"],
};

function filterForm(query) {
  const controls = FILTERS.map(([name, word]) => {
    if (word === "select") {
      return select(`filter-${name}`, t(name === "status" ? "status" : name === "messageType" ? "type" : "contentType"),
        [["", "—"], ...CHOICES[name].map((value) => [value, value])], query[name] || "");
    }
    const type = name.endsWith("Date") ? "date" : name === "limit" ? "number" : "text";
    return input(`filter-${name}`, t(word), { type, value: query[name] || "", min: type === "number" ? 1 : null, max: type === "number" ? 100 : null });
  });
  controls.forEach((control) => { control.querySelector("input, select").name = control.querySelector("input, select").id.slice(7); });
  return h("form", { class: "card filters", id: "filters", onsubmit: (event) => {
    event.preventDefault();
    const values = Object.fromEntries(Object.entries(formValues(event.target)).filter(([, value]) => value));
    location.hash = `#/messages?${new URLSearchParams(values)}`;
  } },
  h("fieldset", {}, h("legend", {}, t("filters")), h("div", { class: "grid" }, controls)),
  h("button", { type: "submit" }, t("apply")), " ",
  h("button", { type: "button", class: "secondary", onclick: () => { location.hash = "#/messages"; } }, t("clear")));
}

function messageRows(messages) {
  return messages.map((message) => h("tr", { dataset: { id: message.id } },
    h("td", {}, h("a", { href: `#/messages/${message.id}` }, message.id.slice(-8))),
    h("td", {}, message.recipientDetails),
    h("td", {}, message.messageType),
    h("td", {}, badge(message.status)),
    h("td", {}, when(message.createdAt)),
    h("td", { class: "number" }, message.cost)));
}

async function messagesPage(show, query) {
  const page = await api("/api/messages", { query });
  const table = h("table", { id: "messages" },
    h("caption", {}, `${page.meta.totalRecords} ${t("total")}`),
    h("thead", {}, h("tr", {}, [t("id"), t("recipient"), t("type"), t("status"), t("created"), t("cost")].map((name) => h("th", { scope: "col" }, name)))),
    h("tbody", {}, messageRows(page.data)));
  const paging = h("nav", { class: "paging", "aria-label": "Pages" },
    query.cursor ? h("a", { href: `#/messages?${new URLSearchParams({ ...query, cursor: "" })}`.replace(/&?cursor=(&|$)/, "$1") }, t("first")) : null,
    page.meta.nextCursor ? h("a", { href: `#/messages?${new URLSearchParams({ ...query, cursor: page.meta.nextCursor })}`, id: "next-page" }, t("next")) : null);
  const inFlight = page.data.some((message) => !TERMINAL.has(message.status));
  show(h("h1", {}, t("messages")), filterForm(query), page.data.length ? table : h("p", {}, t("noMessages")), paging,
    inFlight ? h("p", { class: "hint", role: "status" }, t("refreshing")) : null);
  if (inFlight) refreshLater();
}

async function messagePage(show, id) {
  const message = await api(`/api/messages/${encodeURIComponent(id)}`);
  const facts = [
    [t("status"), badge(message.status)], [t("recipient"), message.recipientDetails], [t("type"), message.messageType],
    [t("subject"), message.subject], [t("content"), message.content], [t("segments"), message.segments],
    [t("encoding"), message.encoding], [t("cost"), `${message.cost} ${t("credits")}`], [t("error"), message.errorMessage],
    [t("queueId"), message.queueId], [t("created"), when(message.createdAt)],
  ].filter(([, value]) => value != null && value !== "");
  show(
    h("p", {}, h("a", { href: "#/messages" }, `← ${t("back")}`)),
    h("h1", {}, `${t("messageTitle")} ${message.id}`),
    h("dl", { class: "card facts" }, facts.map(([name, value]) => [h("dt", {}, name), h("dd", {}, value)])),
    h("h2", {}, t("timeline")),
    h("ol", { class: "timeline", id: "timeline" }, message.history.map((event) => h("li", {},
      badge(event.status), " ", h("time", { datetime: event.at }, when(event.at)), ` · ${t("source")}: ${event.source}`,
      event.detail ? ` · ${event.detail}` : ""))),
  );
  if (!TERMINAL.has(message.status)) refreshLater();
}

// --- send --------------------------------------------------------------------------------------

function sendRequest(values) {
  const channel = values.channel;
  const body = { message: values.message };
  if (channel === "email") body.subject = values.subject;
  if (channel === "sms") body.type = values.smsType;
  const split = (text) => text.split(/[\n,]/).map((part) => part.trim()).filter(Boolean);
  if (values.audience === "contacts") body.contacts = split(values.recipients);
  if (values.audience === "tags") body.tags = split(values.tags);
  return [`/api/messages/${channel}/${values.audience}`, body];
}

function quoteCard(quote, balance) {
  const rows = [
    [t("recipientsCount"), quote.recipientCount], [t("skipped"), quote.skipped.length],
    [t("segments"), quote.segments], [t("encoding"), quote.encoding],
    [t("ucs2"), quote.ucs2Characters?.length ? quote.ucs2Characters.join(" ") : t("none")],
    [t("totalCost"), `${quote.totalCost} ${t("credits")}`], [t("balance"), `${balance} ${t("credits")}`],
    [t("balanceAfter"), `${quote.balanceAfter} ${t("credits")}`],
  ].filter(([, value]) => value != null);
  return h("section", { class: "card", id: "quote", "aria-live": "polite" }, h("h2", {}, t("quoteTitle")),
    h("dl", { class: "facts" }, rows.map(([name, value]) => [h("dt", {}, name), h("dd", {}, value)])),
    quote.sufficientCredits ? null : h("p", { class: "error", role: "alert" }, t("insufficient")));
}

async function sendPage(show, account) {
  const result = h("div", { id: "send-result" });
  const form = h("form", { class: "card", id: "composer" },
    h("fieldset", {}, h("legend", {}, t("channel")),
      ...["sms", "email"].map((channel) => h("label", { class: "inline" },
        h("input", { type: "radio", name: "channel", value: channel, checked: channel === "sms" }), ` ${t(channel)}`))),
    select("audience", t("audience"), [["contacts", t("toContacts")], ["tags", t("toTags")], ["all", t("toAll")]]),
    field("recipients", t("recipients"), h("textarea", { rows: 3 })),
    input("tags", t("tags")),
    select("smsType", t("smsType"), [["SMS", "SMS"], ["OTP", "OTP"]]),
    input("subject", t("subject")),
    field("message", t("message"), h("textarea", { rows: 4, required: true })),
    h("button", { type: "button", id: "quote-button", class: "secondary" }, t("quote")), " ",
    h("button", { type: "submit", id: "send-button" }, t("sendNow")));
  const sync = () => {
    const values = formValues(form);
    form.querySelector("#recipients").closest(".field").hidden = values.audience !== "contacts";
    form.querySelector("#tags").closest(".field").hidden = values.audience !== "tags";
    form.querySelector("#subject").closest(".field").hidden = values.channel !== "email";
    form.querySelector("#smsType").closest(".field").hidden = values.channel !== "sms";
  };
  form.addEventListener("change", sync);
  form.querySelector("#quote-button").addEventListener("click", async () => {
    const [path, body] = sendRequest(formValues(form));
    try {
      result.replaceChildren(quoteCard(await api(path, { method: "POST", body, query: { dryRun: "true" } }), account.balance));
    } catch (error) {
      result.replaceChildren(alertBox(error));
    }
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const [path, body] = sendRequest(formValues(form));
    result.replaceChildren(h("p", { role: "status" }, t("sending")));
    try {
      const answer = await api(path, { method: "POST", body });
      result.replaceChildren(h("section", { class: "card", role: "status" },
        h("p", {}, `${t("queued")}: ${answer.messages.length}`),
        h("p", {}, h("a", { href: `#/messages?queueId=${encodeURIComponent(answer.queueId)}`, id: "follow-send" }, t("viewQueue")))));
    } catch (error) {
      result.replaceChildren(alertBox(error));
    }
  });
  show(h("h1", {}, t("send")), form, result);
  sync();
}

// --- contacts ----------------------------------------------------------------------------------

function contactForm(contact, onSaved) {
  const form = h("form", { class: "card", id: "contact-form" },
    input("name", t("name"), { value: contact?.name || "", required: true }),
    input("phone", t("phone"), { value: contact?.phone || "", type: "tel" }),
    input("email", t("emailAddress"), { value: contact?.email || "", type: "email" }),
    input("tags", t("tags"), { value: (contact?.tags || []).join(", ") }),
    h("button", { type: "submit" }, t("save")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const values = formValues(form);
    const body = { name: values.name, tags: values.tags.split(",").map((tag) => tag.trim()).filter(Boolean) };
    if (values.phone || contact?.phone) body.phone = values.phone || null;
    if (values.email || contact?.email) body.email = values.email || null;
    form.querySelector(".error, .ok")?.remove();
    try {
      const saved = contact
        ? await api(`/api/contacts/${contact.id}`, { method: "PATCH", body })
        : await api("/api/contacts", { method: "POST", body });
      form.append(h("p", { class: "ok", role: "status" }, t("saved")));
      onSaved(saved);
    } catch (error) {
      form.append(alertBox(error));
    }
  });
  return form;
}

function importCard() {
  const progress = h("progress", { id: "import-progress", max: 1, value: 0, hidden: true, "aria-label": t("uploading") });
  const report = h("div", { id: "import-report", "aria-live": "polite" });
  const form = h("form", { class: "card", id: "import-form" },
    h("h2", {}, t("importCsv")),
    field("csv", t("file"), h("input", { type: "file", accept: ".csv,text/csv", required: true })),
    h("button", { type: "submit" }, t("upload")), progress, report);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    progress.hidden = false;
    progress.value = 0;
    try {
      const result = await upload("/api/contacts/import", form.querySelector("#csv").files[0], (share) => { progress.value = share; });
      progress.value = 1;
      report.replaceChildren(h("h3", {}, t("imported")),
        h("dl", { class: "facts" }, [["createdN", result.created], ["updatedN", result.updated], ["unchangedN", result.unchanged], ["rejectedN", result.rejected]]
          .map(([word, value]) => [h("dt", {}, t(word)), h("dd", { id: `import-${word}` }, value)])),
        result.rejections.length ? h("table", {}, h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("line")), h("th", { scope: "col" }, t("reason")))),
          h("tbody", {}, result.rejections.map((rejection) => h("tr", {}, h("td", {}, rejection.line), h("td", {}, rejection.reason))))) : null);
    } catch (error) {
      report.replaceChildren(alertBox(error));
    }
  });
  return form;
}

async function contactsPage(show, query) {
  const page = await api("/api/contacts", { query: { tag: query.tag || "", cursor: query.cursor || "" } });
  const search = h("form", { class: "card", role: "search", onsubmit: (event) => {
    event.preventDefault();
    const tag = formValues(event.target).tag;
    location.hash = tag ? `#/contacts?tag=${encodeURIComponent(tag)}` : "#/contacts";
  } }, input("tag", t("tag"), { value: query.tag || "" }), h("button", { type: "submit" }, t("search")));
  const table = h("table", { id: "contacts" },
    h("thead", {}, h("tr", {}, [t("name"), t("phone"), t("emailAddress"), t("tags"), ""].map((name) => h("th", { scope: "col" }, name)))),
    h("tbody", {}, page.data.map((contact) => h("tr", {},
      h("td", {}, contact.name), h("td", {}, contact.phone || "—"), h("td", {}, contact.email || "—"),
      h("td", {}, contact.tags.join(", ")), h("td", {}, h("a", { href: `#/contacts/${contact.id}` }, t("edit")))))));
  show(h("h1", {}, t("contacts")), search, page.data.length ? table : h("p", {}, t("noContacts")),
    page.meta.nextCursor ? h("p", {}, h("a", { href: `#/contacts?${new URLSearchParams({ ...query, cursor: page.meta.nextCursor })}` }, t("next"))) : null,
    h("h2", {}, t("newContact")), contactForm(null, (created) => { location.hash = `#/contacts/${created.id}`; }), importCard());
}

async function contactPage(show, id) {
  const contact = await api(`/api/contacts/${encodeURIComponent(id)}`);
  show(h("p", {}, h("a", { href: "#/contacts" }, `← ${t("contacts")}`)), h("h1", {}, contact.name),
    contactForm(contact, () => {}));
}

// --- campaigns, templates, webhooks, suppressions: what the organisation has set up -------------

// Each section: its API list, and the columns shown (a field, or a function of the item).
const CATALOGS = {
  campaigns: { path: "/api/campaigns", columns: [["name", "name"], ["description", "description"], ["created", "createdAt"]] },
  templates: { path: "/api/templates", columns: [["name", "name"], ["channel", "channel"], ["subject", "subject"], ["message", "body"]] },
  webhooks: {
    path: "/api/webhooks",
    columns: [["url", "url"], ["status", (item) => badge(item.status)], ["events", (item) => item.events.join(", ")], ["failedDeliveries", "failedDeliveries"]],
  },
  suppressions: { path: "/api/suppressions", columns: [["recipient", "recipient"], ["reason", "reason"], ["at", (item) => when(item.at)]] },
};

async function catalogPage(show, section, query) {
  const catalog = CATALOGS[section];
  const page = await api(catalog.path, { query: { cursor: query.cursor || "" } });
  const cell = (item, value) => (typeof value === "function" ? value(item) : item[value] ?? "—");
  const table = h("table", { id: section },
    h("thead", {}, h("tr", {}, catalog.columns.map(([word]) => h("th", { scope: "col" }, t(word))))),
    h("tbody", {}, page.data.map((item) => h("tr", {}, catalog.columns.map(([, value]) => h("td", {}, cell(item, value)))))));
  const next = page.meta?.nextCursor;
  show(h("h1", {}, t(section)), page.data.length ? table : h("p", {}, t("nothingYet")),
    next ? h("p", {}, h("a", { href: `#/${section}?cursor=${encodeURIComponent(next)}` }, t("next"))) : null);
}

// --- routing -----------------------------------------------------------------------------------

async function route() {
  const show = shower();
  if (!sessionStorage.getItem(KEY_STORE)) return signInPage(show);
  const [path, search] = (location.hash.slice(1) || "/messages").split("?");
  const query = Object.fromEntries(new URLSearchParams(search || ""));
  // The frame's account and the page's data are fetched side by side: one round trip, not two.
  const account = frame();
  const [, section, id] = path.split("/");
  const page =
    section === "overview" ? overviewPage(show)
      : section === "send" ? account.then((loaded) => sendPage(show, loaded))
        : section === "contacts" ? (id ? contactPage(show, id) : contactsPage(show, query))
          : section in CATALOGS ? catalogPage(show, section, query)
          : id ? messagePage(show, id) : messagesPage(show, query);
  try {
    await Promise.all([account, page]);
  } catch (error) {
    if (error.status === 401) {
      sessionStorage.removeItem(KEY_STORE);
      return signInPage(show);
    }
    show(alertBox(error));
  }
}

async function start() {
  document.documentElement.lang = language;
  // A deployed console names its API in config.json (written at deploy); locally it is this origin.
  const deployed = await fetch("config.json").then((response) => (response.ok ? response.json() : {})).catch(() => ({}));
  Object.assign(config, deployed);
  window.addEventListener("hashchange", () => {
    refreshDelay = REFRESH_FIRST_MS;
    route();
  });
  await route();
}

start();
