// Conditional reveals (GOV.UK's govuk-radios__conditional, issue 16): a question revealed by an answer shows
// only while that answer is checked. Radios name what they reveal in data-app-reveals rather than
// aria-controls, so that GOV.UK Frontend does not add aria-expanded, which ARIA does not allow on a radio.

function sync(form) {
  for (const input of form.querySelectorAll("input[data-app-reveals]")) {
    const revealed = document.getElementById(input.dataset.appReveals);
    if (revealed) revealed.classList.toggle("govuk-radios__conditional--hidden", !input.checked);
  }
}

export function initReveals(root = document) {
  for (const form of root.querySelectorAll("form")) {
    if (!form.querySelector("input[data-app-reveals]")) continue;
    sync(form);
    form.addEventListener("change", () => sync(form));
  }
  window.addEventListener("pageshow", () => root.querySelectorAll("form").forEach(sync));
}
