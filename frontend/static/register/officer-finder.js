// The officer finder on the request form (issue 16). Without JavaScript the page offers a plain multiple
// <select> whose options name each officer's post and directorate. Here GOV.UK's accessible-autocomplete
// (window.accessibleAutocomplete, served from our own static files) replaces it with a search by name, post
// or directorate, and a list of the officers chosen, each with a "Remove" button. The <select> stays in the
// form, hidden, and carries the choice to the server, so the server sees the same form either way.

function words(text) {
  return text.toLowerCase().split(/\s+/).filter(Boolean);
}

function finder(module, autocomplete) {
  const select = module.querySelector("select");
  const id = select.id;
  const describedBy = select.getAttribute("aria-describedby").replace(`${id}-how`, "").trim();
  select.id = `${id}-select`;
  select.style.display = "none";
  select.tabIndex = -1;
  module.querySelector(".app-officer-finder__without-script").style.display = "none";
  const options = Array.from(select.options);

  const search = document.createElement("div");
  search.className = "app-officer-finder__search";
  const status = document.createElement("p");
  status.className = "govuk-body govuk-!-margin-top-3 govuk-!-margin-bottom-1";
  status.setAttribute("aria-live", "polite");
  const chosen = document.createElement("ul");
  chosen.className = "govuk-list app-officer-finder__chosen";
  select.after(search, status, chosen);

  function searchBox() {
    return search.querySelector("input");
  }

  function start() {
    // A fresh search box after each choice: the component keeps what was typed, and a new officer is searched anew.
    search.replaceChildren();
    autocomplete({
      element: search,
      id,
      name: `${select.name}-search`,
      minLength: 2,
      confirmOnBlur: false,
      source(query, populate) {
        const wanted = words(query);
        populate(
          options
            .filter((option) => option.value && !option.selected)
            .filter((option) => wanted.every((word) => option.text.toLowerCase().includes(word)))
            .slice(0, 20),
        );
      },
      templates: {
        inputValue: (option) => (option && option.text) || "",
        suggestion: (option) => (typeof option === "string" ? option : option.text),
      },
      onConfirm(option) {
        if (!option) return;
        option.selected = true;
        show();
        window.setTimeout(() => {
          start();
          searchBox().focus();
        }, 0);
      },
      tNoResults: () => "No officer found",
      tStatusNoResults: () => "No officer found",
    });
    const input = searchBox();
    input.removeAttribute("name"); // the hidden <select> carries the choice
    input.setAttribute("aria-describedby", `${describedBy} ${input.getAttribute("aria-describedby") || ""}`.trim());
    if (select.classList.contains("govuk-select--error")) input.classList.add("autocomplete__input--error");
  }

  function show() {
    const picked = options.filter((option) => option.selected);
    status.textContent =
      picked.length === 0
        ? "No officer chosen yet."
        : `${picked.length} officer${picked.length === 1 ? "" : "s"} chosen:`;
    chosen.replaceChildren(
      ...picked.map((option) => {
        const item = document.createElement("li");
        item.className = "app-officer-finder__officer";
        const name = document.createElement("span");
        name.textContent = option.text;
        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "govuk-button govuk-button--secondary govuk-!-margin-bottom-0 app-officer-finder__remove";
        remove.textContent = "Remove";
        const whom = document.createElement("span");
        whom.className = "govuk-visually-hidden";
        whom.textContent = ` ${option.text}`;
        remove.append(whom);
        remove.addEventListener("click", () => {
          option.selected = false;
          show();
          searchBox().focus();
        });
        item.append(name, " ", remove);
        return item;
      }),
    );
  }

  start();
  show();
}

export function initOfficerFinders(root = document) {
  const autocomplete = window.accessibleAutocomplete;
  if (typeof autocomplete !== "function") return;
  for (const module of root.querySelectorAll('[data-module="app-officer-finder"]')) finder(module, autocomplete);
}
