// Start GOV.UK Frontend's components (error summary focus, skip link, buttons, ...).
import { initAll } from "../govuk/govuk-frontend.min.js";

initAll();
