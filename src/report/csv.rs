//! The report as CSV: UTF-8 with a byte-order mark (spreadsheet programs then read Chinese
//! correctly), one file of thread rows and one of history rows.

use super::{Cell, Event, HISTORY_COLUMNS, Labels, ReportError, ReportParams, Row, Summary};
use super::{THREAD_COLUMNS, ThreadRef, Writer, history_cells, thread_cells};

const BOM: &[u8] = "\u{feff}".as_bytes();

/// A text cell a spreadsheet would run as a formula (`=…`, `+…`, `-…`, `@…`) gets a leading
/// apostrophe, which spreadsheets show as text; numbers are written as they are.
fn field(cell: &Cell) -> String {
    match cell {
        Cell::Text(s) if s.starts_with(['=', '+', '-', '@', '\t', '\r']) => format!("'{s}"),
        c => c.plain(),
    }
}

/// Rows written to a buffer the driver empties.
struct Table {
    out: csv::Writer<Vec<u8>>,
}

impl Table {
    fn new(labels: &Labels, columns: &[&str]) -> Result<Table, ReportError> {
        let mut t = Table {
            out: csv::Writer::from_writer(BOM.to_vec()),
        };
        t.out
            .write_record(columns.iter().map(|c| labels.t(&format!("report.col.{c}"))))?;
        Ok(t)
    }

    fn record(&mut self, cells: &[Cell]) -> Result<(), ReportError> {
        self.out.write_record(cells.iter().map(field))?;
        // Into the Vec at once (the writer keeps 8 KiB of its own otherwise), so that
        // `pending` counts every byte and the last rows are never left behind.
        self.out.flush()?;
        Ok(())
    }

    fn take(&mut self) -> Vec<u8> {
        let full = std::mem::replace(&mut self.out, csv::Writer::from_writer(Vec::new()));
        // `into_inner` flushes into the Vec, which takes every byte.
        full.into_inner()
            .unwrap_or_else(|e| e.into_inner().get_ref().clone())
    }

    fn pending(&self) -> usize {
        self.out.get_ref().len()
    }
}

/// One table of the report: the thread rows, or the history rows (every mention and
/// follow-up version of every thread). The driver hands it only its own part
/// ([`super::Format::parts`]).
pub(super) struct CsvWriter {
    labels: Labels,
    table: Table,
}

impl CsvWriter {
    pub(super) fn threads(labels: Labels) -> Result<CsvWriter, ReportError> {
        Ok(CsvWriter {
            table: Table::new(&labels, &THREAD_COLUMNS)?,
            labels,
        })
    }

    pub(super) fn history(labels: Labels) -> Result<CsvWriter, ReportError> {
        Ok(CsvWriter {
            table: Table::new(&labels, &HISTORY_COLUMNS)?,
            labels,
        })
    }
}

impl Writer for CsvWriter {
    fn head(&mut self, _: &ReportParams, _: Option<&Summary>) -> Result<(), ReportError> {
        Ok(())
    }

    fn row(&mut self, row: &Row) -> Result<(), ReportError> {
        self.table.record(&thread_cells(&self.labels, row))
    }

    fn history_head(&mut self) -> Result<(), ReportError> {
        Ok(())
    }

    fn history(&mut self, thread: &ThreadRef, events: &[Event]) -> Result<(), ReportError> {
        for e in events {
            self.table.record(&history_cells(&self.labels, thread, e))?;
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), ReportError> {
        Ok(())
    }

    fn take(&mut self) -> Vec<u8> {
        self.table.take()
    }

    fn pending(&self) -> usize {
        self.table.pending()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_written_as_text_and_numbers_as_numbers() {
        assert_eq!(
            field(&Cell::Text("=HYPERLINK(\"x\")".into())),
            "'=HYPERLINK(\"x\")"
        );
        assert_eq!(field(&Cell::Text("-1 天".into())), "'-1 天");
        assert_eq!(field(&Cell::Number(-1)), "-1");
        assert_eq!(field(&Cell::Text("双边贸易额".into())), "双边贸易额");
    }
}
