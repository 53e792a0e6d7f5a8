//! The report as a workbook: Summary, Threads and History sheets, header rows frozen, an
//! autofilter over each table, dates as real dates, and columns as wide as their text
//! (a Chinese character counts twice). Worksheets are written in constant-memory mode, row by
//! row; a table longer than a sheet holds continues on the next sheet.

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use super::{Cell, Event, HISTORY_COLUMNS, Labels, ReportError, ReportParams, Row, Summary};
use super::{THREAD_COLUMNS, ThreadRef, Writer, history_cells, thread_cells};

/// The last row a sheet holds (1,048,576 rows, the header among them).
const LAST_ROW: u32 = 1_048_575;
/// The widest a column gets, in characters; longer text wraps.
const MAX_WIDTH: usize = 60;

/// How wide text shows: East Asian wide characters take two columns.
pub(super) fn display_width(text: &str) -> usize {
    text.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F
            | 0x2E80..=0x303E
            | 0x3041..=0x33FF
            | 0x3400..=0x4DBF
            | 0x4E00..=0x9FFF
            | 0xA000..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6
            | 0x20000..=0x3FFFD => 2,
            _ => 1,
        })
        .sum()
}

/// The most UTF-16 units a cell holds.
const MAX_CELL: usize = 32_767;

/// Text cut to what a cell holds, with an ellipsis when cut (a follow-up's evidence can be
/// longer than a cell).
pub(super) fn fit(text: &str) -> std::borrow::Cow<'_, str> {
    if text.len() <= MAX_CELL || text.encode_utf16().count() <= MAX_CELL {
        return text.into();
    }
    let mut units = 0;
    let cut = text
        .char_indices()
        .find(|(_, c)| {
            units += c.len_utf16();
            units > MAX_CELL - 1
        })
        .map_or(text.len(), |(i, _)| i);
    format!("{}…", &text[..cut]).into()
}

/// A table spread over as many sheets as it needs.
struct Table {
    /// The sheet's name; later parts are "Name (2)" …
    name: String,
    columns: Vec<String>,
    /// The workbook index of the current sheet, and its next row.
    sheet: usize,
    row: u32,
    part: u32,
    widths: Vec<usize>,
}

struct Formats {
    header: Format,
    date: Format,
    wrap: Format,
    number: Format,
    score: Format,
    percent: Format,
    title: Format,
    bold: Format,
}

pub(super) struct XlsxWriter {
    labels: Labels,
    book: Workbook,
    formats: Formats,
    threads: Option<Table>,
    history: Option<Table>,
    out: Vec<u8>,
}

impl XlsxWriter {
    pub(super) fn new(labels: Labels) -> Result<XlsxWriter, ReportError> {
        let header = Format::new()
            .set_bold()
            .set_background_color(Color::RGB(0xEEF2F6))
            .set_border_bottom(FormatBorder::Thin)
            .set_text_wrap()
            .set_align(FormatAlign::Top);
        let formats = Formats {
            header,
            date: Format::new()
                .set_num_format("yyyy-mm-dd")
                .set_align(FormatAlign::Top),
            wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            number: Format::new().set_align(FormatAlign::Top),
            score: Format::new()
                .set_num_format("+0;-0;0")
                .set_align(FormatAlign::Top),
            percent: Format::new().set_num_format("0%"),
            title: Format::new().set_bold().set_font_size(14),
            bold: Format::new().set_bold(),
        };
        Ok(XlsxWriter {
            labels,
            book: Workbook::new(),
            formats,
            threads: None,
            history: None,
            out: Vec::new(),
        })
    }

    fn sheet(&mut self, index: usize) -> Result<&mut Worksheet, XlsxError> {
        self.book.worksheet_from_index(index)
    }

    /// A new sheet for `table` (its next part when it has one), with its header row.
    fn open(&mut self, mut table: Table) -> Result<Table, ReportError> {
        table.part += 1;
        let name = if table.part == 1 {
            table.name.clone()
        } else {
            format!("{} ({})", table.name, table.part)
        };
        let sheet = self.book.add_worksheet_with_constant_memory()?;
        sheet.set_name(name)?;
        sheet.set_freeze_panes(1, 0)?;
        for (col, label) in table.columns.iter().enumerate() {
            sheet.write_string_with_format(0, col as u16, label, &self.formats.header)?;
        }
        table.sheet = self.book.worksheets_mut().len() - 1;
        table.row = 1;
        table.widths = table.columns.iter().map(|c| display_width(c)).collect();
        Ok(table)
    }

    /// Closes a sheet: its autofilter and column widths.
    fn close(&mut self, table: &Table) -> Result<(), ReportError> {
        let last_col = (table.columns.len() - 1) as u16;
        let last_row = table.row.saturating_sub(1).max(1);
        let sheet = self.sheet(table.sheet)?;
        sheet.autofilter(0, 0, last_row, last_col)?;
        for (col, w) in table.widths.iter().enumerate() {
            sheet.set_column_width(col as u16, (*w).min(MAX_WIDTH) as f64 + 2.0)?;
        }
        Ok(())
    }

    fn write_row(&mut self, which: Which, cells: &[Cell]) -> Result<(), ReportError> {
        let mut table = match which {
            Which::Threads => self.threads.take(),
            Which::History => self.history.take(),
        }
        .expect("the table is open");
        if table.row > LAST_ROW {
            self.close(&table)?;
            table = self.open(table)?;
        }
        let row = table.row;
        let columns: &[&str] = match which {
            Which::Threads => &THREAD_COLUMNS,
            Which::History => &HISTORY_COLUMNS,
        };
        let f = &self.formats;
        let sheet = self.book.worksheet_from_index(table.sheet)?;
        for (col, cell) in cells.iter().enumerate() {
            let c = col as u16;
            let width = match cell {
                Cell::Text(s) => {
                    let s = fit(s);
                    sheet.write_string_with_format(row, c, s.as_ref(), &f.wrap)?;
                    display_width(&s)
                }
                Cell::Number(n) if columns[col] == "score" => {
                    sheet.write_number_with_format(row, c, *n as f64, &f.score)?;
                    2
                }
                Cell::Number(n) => {
                    sheet.write_number_with_format(row, c, *n as f64, &f.number)?;
                    n.to_string().len()
                }
                Cell::Date(d) => {
                    sheet.write_date_with_format(row, c, d, &f.date)?;
                    10
                }
                Cell::Empty => 0,
            };
            table.widths[col] = table.widths[col].max(width);
        }
        table.row += 1;
        match which {
            Which::Threads => self.threads = Some(table),
            Which::History => self.history = Some(table),
        }
        Ok(())
    }

    fn summary_sheet(&mut self, p: &ReportParams, s: Option<&Summary>) -> Result<(), ReportError> {
        let l = self.labels;
        let f = &self.formats;
        let sheet = self.book.add_worksheet_with_constant_memory()?;
        sheet.set_name(l.t("report.sheet.summary"))?;
        sheet.set_column_width(0, 36)?;
        sheet.set_column_width(1, 24)?;
        sheet.set_column_width(2, 14)?;
        sheet.set_column_width(3, 14)?;
        let mut row = 0;
        sheet.write_string_with_format(row, 0, l.t("report.title"), &f.title)?;
        row += 2;
        for (label, value) in l.scope_lines(p) {
            sheet.write_string_with_format(row, 0, label, &f.bold)?;
            if label == l.t("report.as_of") {
                sheet.write_date_with_format(row, 1, p.scope.as_of, &f.date)?;
            } else {
                sheet.write_string(row, 1, value)?;
            }
            row += 1;
        }
        let Some(s) = s else { return Ok(()) };
        row += 1;
        sheet.write_string_with_format(row, 0, l.headline(s), &f.bold)?;
        row += 2;
        let figures: [(&str, Option<f64>); 8] = [
            ("report.threads", Some(s.threads as f64)),
            ("report.fulfilled", Some(s.fulfilled as f64)),
            ("report.overdue", Some(s.overdue as f64)),
            ("report.mean_score", s.mean_score),
            ("report.scored", Some(s.scored as f64)),
            ("report.assessed", Some(s.assessed as f64)),
            ("report.new_threads", Some(s.new_threads as f64)),
            ("report.new_mentions", Some(s.new_mentions as f64)),
        ];
        for (key, value) in figures {
            sheet.write_string(row, 0, l.t(key))?;
            if let Some(v) = value {
                sheet.write_number(row, 1, v)?;
            }
            if key == "report.fulfilled"
                && let Some(share) = s.fulfilled_share()
            {
                sheet.write_number_with_format(row, 2, share, &f.percent)?;
            }
            row += 1;
        }
        row += 1;
        sheet.write_string_with_format(row, 0, l.t("report.by_status"), &f.header)?;
        sheet.write_string_with_format(row, 1, l.t("report.rows"), &f.header)?;
        row += 1;
        for c in &s.by_status {
            sheet.write_string(row, 0, l.status(&c.key))?;
            sheet.write_number(row, 1, c.threads as f64)?;
            row += 1;
        }
        row += 1;
        for (col, key) in [
            "common.topic",
            "report.rows",
            "report.fulfilled",
            "report.overdue",
        ]
        .iter()
        .enumerate()
        {
            sheet.write_string_with_format(row, col as u16, l.t(key), &f.header)?;
        }
        row += 1;
        for t in &s.by_topic {
            sheet.write_string(row, 0, l.topic(&t.topic))?;
            sheet.write_number(row, 1, t.threads as f64)?;
            sheet.write_number(row, 2, t.fulfilled as f64)?;
            sheet.write_number(row, 3, t.overdue as f64)?;
            row += 1;
        }
        Ok(())
    }
}

#[derive(Clone, Copy)]
enum Which {
    Threads,
    History,
}

fn labels_of(l: &Labels, columns: &[&str]) -> Vec<String> {
    columns
        .iter()
        .map(|c| l.t(&format!("report.col.{c}")).to_owned())
        .collect()
}

impl Writer for XlsxWriter {
    fn head(&mut self, p: &ReportParams, summary: Option<&Summary>) -> Result<(), ReportError> {
        self.summary_sheet(p, summary)?;
        let table = Table {
            name: self.labels.t("report.sheet.threads").to_owned(),
            columns: labels_of(&self.labels, &THREAD_COLUMNS),
            sheet: 0,
            row: 0,
            part: 0,
            widths: Vec::new(),
        };
        self.threads = Some(self.open(table)?);
        Ok(())
    }

    fn row(&mut self, row: &Row) -> Result<(), ReportError> {
        let cells = thread_cells(&self.labels, row);
        self.write_row(Which::Threads, &cells)
    }

    fn history_head(&mut self) -> Result<(), ReportError> {
        if let Some(t) = self.threads.take() {
            self.close(&t)?;
        }
        let table = Table {
            name: self.labels.t("report.sheet.history").to_owned(),
            columns: labels_of(&self.labels, &HISTORY_COLUMNS),
            sheet: 0,
            row: 0,
            part: 0,
            widths: Vec::new(),
        };
        self.history = Some(self.open(table)?);
        Ok(())
    }

    fn history(&mut self, thread: &ThreadRef, events: &[Event]) -> Result<(), ReportError> {
        for e in events {
            let cells = history_cells(&self.labels, thread, e);
            self.write_row(Which::History, &cells)?;
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), ReportError> {
        for t in [self.threads.take(), self.history.take()]
            .into_iter()
            .flatten()
        {
            self.close(&t)?;
        }
        self.out = self.book.save_to_buffer()?;
        Ok(())
    }

    fn take(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.out)
    }

    fn pending(&self) -> usize {
        self.out.len()
    }
}

#[cfg(test)]
mod tests {
    use super::display_width;

    #[test]
    fn text_longer_than_a_cell_is_cut_with_an_ellipsis() {
        let long = "证".repeat(40_000);
        let cut = super::fit(&long);
        assert_eq!(cut.encode_utf16().count(), super::MAX_CELL);
        assert!(cut.ends_with('…'));
        assert_eq!(super::fit("双边"), "双边");
    }

    #[test]
    fn chinese_characters_are_twice_as_wide() {
        assert_eq!(display_width("abc"), 3);
        assert_eq!(display_width("双边贸易额"), 10);
        assert_eq!(display_width("400亿美元"), 9);
        assert_eq!(display_width("（）"), 4);
    }
}
