// "You will be signed out soon" (issue 18), after the GOV.UK / HMRC timeout warning pattern: a modal
// dialog opened a couple of minutes before the idle timeout, with "Stay signed in" (a POST to the
// keep-alive address, which counts as activity) and "Sign out". Escape also keeps the session. When
// the time runs out the page is reloaded, and the server sends the person to sign in, saying why.
// The timeouts come from the body's data attributes (templates/base.html), set by the server.

function inWords(seconds) {
  if (seconds >= 60) {
    const minutes = Math.ceil(seconds / 60);
    return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  }
  return `${seconds} second${seconds === 1 ? "" : "s"}`;
}

export function initSessionTimeout() {
  const data = document.body.dataset;
  const idle = Number(data.sessionIdleSeconds);
  const warning = Number(data.sessionWarningSeconds);
  const dialog = document.getElementById("session-timeout-warning");
  if (!idle || !dialog || typeof dialog.showModal !== "function") return;
  const countdown = dialog.querySelector(".register-timeout-warning__countdown");
  const stay = dialog.querySelector(".register-timeout-warning__stay");
  let deadline = 0;
  let timers = [];

  const clear = () => {
    timers.forEach((timer) => clearTimeout(timer));
    timers = [];
  };
  const remaining = () => Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
  const update = () => {
    countdown.textContent = inWords(remaining());
  };
  const open = () => {
    update();
    dialog.showModal();
    stay.querySelector("button").focus();
    timers.push(setInterval(update, 1000));
  };
  // Browsers run a timer longer than this (about 24.8 days) at once: a session that long has no warning.
  const LONGEST_TIMER_MS = 2147483647;
  const schedule = (seconds) => {
    clear();
    deadline = Date.now() + seconds * 1000;
    if ((seconds + 1) * 1000 > LONGEST_TIMER_MS) return;
    timers.push(setTimeout(open, Math.max(0, seconds - warning) * 1000));
    // A second late, so that the server has certainly ended the session: it then says why.
    timers.push(setTimeout(() => window.location.assign(window.location.href), (seconds + 1) * 1000));
  };

  stay.addEventListener("submit", async (event) => {
    event.preventDefault();
    let response = null;
    try {
      // Not following a redirect: once the session has ended, the server answers with one to the sign-in
      // page, whose message ("You were signed out because ...") the reload below must still find.
      response = await fetch(stay.action, {
        method: "POST",
        body: new FormData(stay),
        credentials: "same-origin",
        redirect: "manual",
      });
    } catch {
      response = null;
    }
    if (response && response.status === 204) {
      clear();
      dialog.close();
      schedule(idle);
    } else {
      window.location.assign(window.location.href);
    }
  });
  // Escape means "not now", which here is "stay signed in".
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    stay.requestSubmit();
  });
  schedule(Number(data.sessionRemainingSeconds) || idle);
}
