//! A thread's status as of a date, from what the documents say: the same rule as the SQL
//! function `thread_status` (migration `keep_thread_progress_dates`), which the pages filter
//! and count by.

use chrono::NaiveDate;

string_enum! {
    /// Where a commitment stands.
    pub enum Status ("status") {
        /// A mention reports it done (on or before the date).
        Fulfilled => "fulfilled",
        /// A mention reports a step towards it, and its deadline has not passed.
        InProgress => "in_progress",
        /// Its deadline passed before the date, and no mention reports it done.
        Overdue => "overdue",
        /// Stated; not due, or without a deadline.
        Open => "open",
    }
}

impl Status {
    /// The status as of `as_of` of a thread first fulfilled and first advanced on these dates,
    /// whose deadline (the last day of the period stated) is `deadline`.
    pub fn of(
        fulfilled_on: Option<NaiveDate>,
        advanced_on: Option<NaiveDate>,
        deadline: Option<NaiveDate>,
        as_of: NaiveDate,
    ) -> Status {
        if fulfilled_on.is_some_and(|d| d <= as_of) {
            Status::Fulfilled
        } else if deadline.is_some_and(|d| d < as_of) {
            Status::Overdue
        } else if advanced_on.is_some_and(|d| d <= as_of) {
            Status::InProgress
        } else {
            Status::Open
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn fulfilment_wins_then_the_deadline_then_progress() {
        let day = d("2016-01-01");
        let end_2015 = Some(d("2015-12-31"));
        assert_eq!(Status::of(None, None, None, day), Status::Open);
        assert_eq!(
            Status::of(None, None, end_2015, d("2015-12-31")),
            Status::Open
        );
        assert_eq!(Status::of(None, None, end_2015, day), Status::Overdue);
        assert_eq!(
            Status::of(None, Some(d("2014-05-01")), end_2015, day),
            Status::Overdue
        );
        assert_eq!(
            Status::of(None, Some(d("2014-05-01")), end_2015, d("2015-06-01")),
            Status::InProgress
        );
        assert_eq!(
            Status::of(Some(day), None, end_2015, day),
            Status::Fulfilled
        );
        // As of a date before the fulfilment, it was overdue.
        assert_eq!(
            Status::of(Some(d("2016-03-01")), None, end_2015, day),
            Status::Overdue
        );
    }
}
