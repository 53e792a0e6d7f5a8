//! The report as Markdown: the summary, a table of threads, and an appendix with each
//! thread's history. Table cells are escaped so that no text can break a table or turn into
//! markup.

use std::fmt::Write as _;

use super::{Cell, Event, HISTORY_COLUMNS, Labels, ReportError, ReportParams, Row, Summary};
use super::{SHOWN_COLUMNS, SHOWN_HISTORY_COLUMNS, THREAD_COLUMNS, ThreadRef, Writer};
use super::{history_cells, shown, thread_cells};

/// Text safe inside a table cell: markup characters escaped, line breaks as spaces.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '|' | '<' | '>' | '*' | '_' | '`' | '[' | ']' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '\r' => {}
            '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn table_head(out: &mut String, labels: &Labels, columns: &[&str]) {
    let names: Vec<String> = columns
        .iter()
        .map(|c| escape(labels.t(&format!("report.col.{c}"))))
        .collect();
    let _ = writeln!(out, "| {} |", names.join(" | "));
    let _ = writeln!(out, "|{}", "---|".repeat(columns.len()));
}

fn table_row(out: &mut String, all: &[&str], columns: &[&'static str], cells: &[Cell]) {
    let picked: Vec<String> = shown(all, columns, cells)
        .into_iter()
        .map(|(_, text)| escape(&text))
        .collect();
    let _ = writeln!(out, "| {} |", picked.join(" | "));
}

pub(super) struct MarkdownWriter {
    labels: Labels,
    out: String,
    rows: usize,
}

impl MarkdownWriter {
    pub(super) fn new(labels: Labels) -> MarkdownWriter {
        MarkdownWriter {
            labels,
            out: String::new(),
            rows: 0,
        }
    }
}

impl Writer for MarkdownWriter {
    fn head(&mut self, p: &ReportParams, summary: Option<&Summary>) -> Result<(), ReportError> {
        let l = self.labels;
        let o = &mut self.out;
        let _ = writeln!(
            o,
            "# {} — {} {}\n",
            l.t("report.title"),
            l.t("report.as_of"),
            p.scope.as_of
        );
        for (label, value) in l.scope_lines(p) {
            let _ = writeln!(o, "- **{}:** {}", escape(label), escape(&value));
        }
        let Some(s) = summary else { return Ok(()) };
        let _ = writeln!(
            o,
            "\n## {}\n\n{}\n",
            l.t("report.summary"),
            escape(&l.headline(s))
        );
        let _ = writeln!(o, "| | |\n|---|---:|");
        for (label, value) in l.summary_lines(s) {
            let _ = writeln!(o, "| {} | {} |", escape(label), escape(&value));
        }
        let _ = writeln!(
            o,
            "\n### {}\n\n| {} | {} |\n|---|---:|",
            l.t("report.by_status"),
            l.t("common.status"),
            l.t("report.rows")
        );
        for c in &s.by_status {
            let _ = writeln!(o, "| {} | {} |", escape(l.status(&c.key)), c.threads);
        }
        let _ = writeln!(
            o,
            "\n### {}\n\n| {} | {} | {} | {} |\n|---|---:|---:|---:|",
            l.t("report.by_topic"),
            l.t("common.topic"),
            l.t("report.rows"),
            l.t("report.fulfilled"),
            l.t("report.overdue")
        );
        for t in &s.by_topic {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} |",
                escape(&l.topic(&t.topic)),
                t.threads,
                t.fulfilled,
                t.overdue
            );
        }
        let _ = writeln!(o, "\n## {}\n", l.t("report.rows"));
        table_head(o, &l, &SHOWN_COLUMNS);
        Ok(())
    }

    fn row(&mut self, row: &Row) -> Result<(), ReportError> {
        self.rows += 1;
        let cells = thread_cells(&self.labels, row);
        table_row(&mut self.out, &THREAD_COLUMNS, &SHOWN_COLUMNS, &cells);
        Ok(())
    }

    fn history_head(&mut self) -> Result<(), ReportError> {
        if self.rows == 0 {
            let _ = writeln!(self.out, "\n{}", self.labels.t("report.no_threads"));
        }
        let _ = writeln!(self.out, "\n## {}", self.labels.t("report.appendix"));
        Ok(())
    }

    fn history(&mut self, thread: &ThreadRef, events: &[Event]) -> Result<(), ReportError> {
        let _ = writeln!(self.out, "\n### {} {}\n", thread.id, escape(&thread.title));
        table_head(&mut self.out, &self.labels, &SHOWN_HISTORY_COLUMNS);
        for e in events {
            let cells = history_cells(&self.labels, thread, e);
            table_row(
                &mut self.out,
                &HISTORY_COLUMNS,
                &SHOWN_HISTORY_COLUMNS,
                &cells,
            );
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), ReportError> {
        Ok(())
    }

    fn take(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.out).into_bytes()
    }

    fn pending(&self) -> usize {
        self.out.len()
    }
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn cells_cannot_break_a_table_or_become_markup() {
        assert_eq!(escape("a|b\nc"), "a\\|b c");
        assert_eq!(
            escape("<script>*x*</script>"),
            "\\<script\\>\\*x\\*\\</script\\>"
        );
        assert_eq!(escape("[link](javascript:x)"), "\\[link\\](javascript:x)");
        assert_eq!(escape("双边贸易额"), "双边贸易额");
    }
}
