// App panels chosen by `GET /web/config`'s `app`: the escape room's door and the task list.

/** The escape-room door (#door, data-state=locked|unlocked), driven by unlock_door results. */
export class DoorPanel {
  constructor(root) {
    this.root = root;
    this.attempts = 0;
    this.count = root.querySelector("#door-attempts");
    this.message = root.querySelector("#door-message");
    this.label = root.querySelector("#door-label");
  }

  /** Called with every tool result; only `unlock_door` moves the door. */
  toolResult(name, output) {
    if (name !== "unlock_door") return;
    this.attempts += 1;
    this.count.textContent = String(this.attempts);
    this.root.dataset.attempts = String(this.attempts);
    const unlocked = typeof output === "object" && output !== null && output.unlocked === true;
    if (typeof output === "object" && output?.message) this.message.textContent = output.message;
    if (unlocked) {
      this.root.dataset.state = "unlocked";
      this.label.textContent = "Unlocked";
    } else if (this.root.dataset.state !== "unlocked") {
      // Restart the shake so each wrong guess is visible, not just the first.
      this.root.classList.remove("denied");
      void this.root.offsetWidth;
      this.root.classList.add("denied");
    }
  }
}

/** Show the panel for `app` (null shows none); returns the door controller if there is one. */
export function showAppPanel(app) {
  const door = document.getElementById("door-panel");
  const tasks = document.getElementById("tasks-panel");
  door.hidden = app !== "escape-room";
  tasks.hidden = app !== "task-manager";
  if (app === "task-manager") {
    const frame = document.getElementById("tasks-frame");
    if (!frame.getAttribute("src")) frame.src = "/apps/tasks/";
  }
  return app === "escape-room" ? new DoorPanel(document.getElementById("door")) : null;
}
