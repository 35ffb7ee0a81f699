// The operator page: polls GET /v1/realtalk/operator with the master key (kept in this tab only).

const KEY = "realtalk-operator-key";
const REFRESH_MS = 5000;
const $ = (selector) => document.querySelector(selector);

function cell(text, numeric = false) {
  const td = document.createElement("td");
  td.textContent = text;
  if (numeric) td.className = "num";
  return td;
}

function fillRows(tbody, rows) {
  tbody.replaceChildren(
    ...rows.map(({ data, cells }) => {
      const tr = document.createElement("tr");
      for (const [name, value] of Object.entries(data)) tr.dataset[name] = value;
      tr.append(...cells);
      return tr;
    }),
  );
}

function render(summary) {
  const { capacity, latency, refused, costs_today: costs, currency } = summary;
  const live = Object.entries(capacity.live).map(([transport, n]) => `${transport} ${n}`).join(", ");
  const total = Object.values(capacity.live).reduce((a, b) => a + b, 0);
  $("#live").textContent =
    `${total} live of ${capacity.max_sessions || "unlimited"}` + (live ? ` (${live})` : "") +
    `; event loop ${capacity.loop_lag_ms} ms behind`;
  fillRows(
    $("#latency tbody"),
    Object.entries(latency).map(([stage, p]) => ({
      data: { stage },
      cells: [cell(stage), cell(p.p50_ms, true), cell(p.p95_ms, true), cell(p.samples, true)],
    })),
  );
  const refusals = Object.entries(refused).map(([code, n]) => `${code}: ${n}`);
  $("#refused").textContent = refusals.length ? refusals.join(", ") : "none";
  fillRows(
    $("#costs tbody"),
    costs.map((row) => ({
      data: { key: row.key_id },
      cells: [
        cell(row.key_id),
        cell(row.sessions, true),
        cell(`${row.total.toFixed(6)} ${currency}`, true),
        cell(`${row.hosted_realtime.toFixed(6)} ${currency}`, true),
      ],
    })),
  );
  $("#summary").dataset.loaded = "true";
}

function showError(message) {
  const error = $("#operator-error");
  error.textContent = message;
  error.hidden = !message;
}

async function refresh() {
  const key = sessionStorage.getItem(KEY);
  if (!key) {
    $("#key-form").hidden = false;
    return;
  }
  const response = await fetch("/v1/realtalk/operator", { headers: { Authorization: `Bearer ${key}` } });
  if (response.status === 401 || response.status === 403) {
    sessionStorage.removeItem(KEY);
    $("#key-form").hidden = false;
    showError("That key cannot open the operator view: it needs the master API key.");
    return;
  }
  if (!response.ok) {
    showError(`The server answered ${response.status}.`);
    return;
  }
  showError("");
  $("#key-form").hidden = true;
  render(await response.json());
  setTimeout(() => refresh().catch((e) => showError(e.message)), REFRESH_MS);
}

$("#key-form").addEventListener("submit", (event) => {
  event.preventDefault();
  sessionStorage.setItem(KEY, $("#operator-key").value.trim());
  refresh().catch((e) => showError(e.message));
});

refresh().catch((e) => showError(e.message));
