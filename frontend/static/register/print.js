// A "Print" button on the pages that offer one (the whole story of a request): shown only when
// JavaScript can print; without it, the browser's own print command does the same.
for (const button of document.querySelectorAll("[data-register-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
