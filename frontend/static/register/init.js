// Start GOV.UK Frontend's components (error summary focus, skip link, buttons, ...), then the register's own.
import { initAll } from "../govuk/govuk-frontend.min.js";
import { initOfficerFinders } from "./officer-finder.js";
import { initReveals } from "./reveal.js";
import { initSessionTimeout } from "./session-timeout.js";

initAll();
initReveals();
initOfficerFinders();
initSessionTimeout();
