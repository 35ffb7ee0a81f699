// Logging the page in: the `#token=` in the URL `realtalk serve` prints, or the #login form.

import { ApiError, login } from "../api.js";

/** Use a `#token=...` from the address bar once, then remove it from the URL and history. */
export async function loginFromHash() {
  const token = new URLSearchParams(location.hash.slice(1)).get("token");
  if (!token) return false;
  history.replaceState(null, "", location.pathname + location.search);
  try {
    await login(token);
    return true;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return false; // The form asks instead.
    throw error;
  }
}

/** Show the login dialog until the server accepts a token. */
export function askForToken(reason = "") {
  const dialog = document.getElementById("login");
  const form = document.getElementById("login-form");
  const input = document.getElementById("login-token");
  const error = document.getElementById("login-error");
  error.textContent = reason;
  error.hidden = !reason;
  return new Promise((resolve) => {
    const submit = async (event) => {
      event.preventDefault();
      const token = input.value.trim();
      if (!token) return;
      form.setAttribute("aria-busy", "true");
      try {
        await login(token);
        form.removeEventListener("submit", submit);
        dialog.close();
        input.value = "";
        resolve();
      } catch (problem) {
        error.textContent =
          problem instanceof ApiError && problem.status === 401
            ? "That token was not accepted. Paste what `realtalk serve` printed after #token=."
            : `Could not reach the server: ${problem.message}`;
        error.hidden = false;
        input.select();
      } finally {
        form.removeAttribute("aria-busy");
      }
    };
    form.addEventListener("submit", submit);
    // The page is unusable without a login: Escape must not close the dialog.
    dialog.addEventListener("cancel", (event) => event.preventDefault());
    dialog.showModal();
    input.focus();
  });
}
