"""The period of the Monitoring Officer's report to the Standards Committee (D5)."""

import datetime

from register.errors import in_words
from register.forms_attendance import ParityPeriodForm, _on_the_day


def last_quarter(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The last whole calendar quarter before ``today``'s: a committee's usual period."""
    this_quarter_starts = datetime.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    end = this_quarter_starts - datetime.timedelta(days=1)
    return datetime.date(end.year, end.month - 2, 1), end


class StandardsReportPeriodForm(ParityPeriodForm):
    """From and to, as GOV.UK date inputs, in a GET form so that a report's period has an address.
    The selector's refusal of a period (too long, D5) is shown on the date it names."""

    submit_label = "Show the report"

    def period(self, today: datetime.date) -> tuple[datetime.date, datetime.date]:
        """The period asked for; a date left out is the last quarter's."""
        start, end = last_quarter(today)
        return self.cleaned_data.get("start") or start, self.cleaned_data.get("end") or end

    def refuse(self, error) -> None:
        field = error.field if error.field in self.fields else None
        if field:
            _on_the_day(self.fields[field], [in_words(error)])
        self.add_error(field, in_words(error))
