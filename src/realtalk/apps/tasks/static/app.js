// The live task list: the whole list arrives as a `tasks` Server-Sent Event now and after every
// change (by voice or by the API). Same-origin requests carry the page's credentials (a cookie).

const API = new URL("api/", document.baseURI);
const groupsEl = document.getElementById("groups");
const statusEl = document.getElementById("status");
let known = new Set();
let lastTasks = null;

const GROUPS = [
  ["overdue", "Overdue"],
  ["today", "Today"],
  ["upcoming", "Upcoming"],
  ["nodate", "No date"],
  ["done", "Done"],
];

/** Due times are local wall-clock times without a zone ("2026-11-23T15:00:00"). */
function dueDate(task) {
  return task.due ? new Date(task.due) : null;
}

function startOfDay(date) {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate());
}

function groupOf(task, now) {
  if (task.status === "done") return "done";
  const due = dueDate(task);
  if (!due) return "nodate";
  if (due < now) return "overdue";
  const tomorrow = startOfDay(now);
  tomorrow.setDate(tomorrow.getDate() + 1);
  return due < tomorrow ? "today" : "upcoming";
}

function sayDue(due, now) {
  const sameDay = startOfDay(due).getTime() === startOfDay(now).getTime();
  const midnight = due.getHours() === 0 && due.getMinutes() === 0;
  const time = midnight ? "" : due.toLocaleTimeString(undefined, { hour: "numeric", minute: "2-digit" });
  if (sameDay) return time ? `today ${time}` : "today";
  const day = due.toLocaleDateString(undefined, { weekday: "short", month: "short", day: "numeric" });
  return time ? `${day}, ${time}` : day;
}

function element(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

function taskItem(task, group, now) {
  const item = element("li", group === "overdue" || group === "done" ? group : "");
  if (!known.has(task.id) && known.size) item.classList.add("fresh");
  const title = element("span", "title", task.title);
  item.append(title);
  if (group === "done") item.append(element("span", "visually-hidden", " (done)"));
  const meta = element("div", "meta");
  const due = dueDate(task);
  if (due) {
    const when = element("time", "due", (group === "overdue" ? "was due " : "due ") + sayDue(due, now));
    when.dateTime = task.due;
    meta.append(when);
  }
  if (task.priority !== "medium") {
    meta.append(element("span", `priority-${task.priority}`, `${task.priority} priority`));
  }
  for (const tag of task.tags) meta.append(element("span", "tag", `#${tag}`));
  if (meta.childElementCount) item.append(meta);
  return item;
}

function render(tasks) {
  lastTasks = tasks;
  const now = new Date();
  const byGroup = new Map(GROUPS.map(([key]) => [key, []]));
  for (const task of tasks) byGroup.get(groupOf(task, now)).push(task);
  const sections = [];
  for (const [key, label] of GROUPS) {
    const list = byGroup.get(key);
    if (!list.length) continue;
    const section = element("section");
    const heading = element("h2", key === "overdue" ? "overdue" : "", `${label} (${list.length})`);
    heading.id = `group-${key}`;
    section.setAttribute("aria-labelledby", heading.id);
    const ul = element("ul");
    for (const task of list) ul.append(taskItem(task, key, now));
    section.append(heading, ul);
    sections.push(section);
  }
  if (!sections.length) sections.push(element("p", "empty", "No tasks yet. Say “add a task to …”."));
  groupsEl.replaceChildren(...sections);
  known = new Set(tasks.map((t) => t.id));
  const open = tasks.filter((t) => t.status !== "done").length;
  setStatus(`${open} open, ${tasks.length - open} done`);
}

function setStatus(text, error = false) {
  statusEl.textContent = text;
  statusEl.classList.toggle("error", error);
}

async function explainFailure() {
  try {
    const response = await fetch(new URL("tasks", API), { credentials: "same-origin" });
    if (response.status === 401 || response.status === 403) {
      setStatus("Not signed in: open this page from the RealTalk console.", true);
      return;
    }
  } catch {
    // offline: said below
  }
  setStatus("Disconnected. Retrying…", true);
}

function connect() {
  const source = new EventSource(new URL("events", API), { withCredentials: true });
  source.addEventListener("tasks", (event) => render(JSON.parse(event.data)));
  source.addEventListener("error", () => {
    if (source.readyState === EventSource.CLOSED) {
      // The browser gives up on an HTTP error (e.g. 401): find out why, and try again later.
      explainFailure();
      setTimeout(connect, 10000);
    } else {
      setStatus("Reconnecting…", true);
    }
  });
}

connect();
// Re-render now and then so "today" and "overdue" follow the clock between changes.
setInterval(() => lastTasks && render(lastTasks), 60000);
