//! A listing exported as CSV or XLSX: the columns as the list shows them, named and valued in the
//! user's language, times in the user's zone. Rows come from the database one at a time; CSV goes
//! out in chunks as they fill, XLSX is written row by row to a temporary file (constant memory) and
//! sent when complete. A reader who goes away stops the export.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{Read, Seek};

use axum::body::{Body, Bytes};
use hovor_types::Millis;
use hovor_types::listing::{ExportFormat, InteractionRow};
use jiff::tz::TimeZone;
use tokio::sync::mpsc;

use crate::store::listings::RowSink;

/// The column names' and values' languages; the first is the fallback.
const STRINGS: [(&str, &str); 4] = [
    ("en", include_str!("../../../locales/export/en.json")),
    ("cs", include_str!("../../../locales/export/cs.json")),
    ("bg", include_str!("../../../locales/export/bg.json")),
    ("uk", include_str!("../../../locales/export/uk.json")),
];

/// The columns, in the list's order, by their string keys.
const COLUMNS: [&str; 12] = [
    "time",
    "queue",
    "user",
    "contact",
    "title",
    "attachments",
    "text",
    "status",
    "direction",
    "email_state",
    "rating",
    "comment",
];

/// Rows on their way from the database to the writer at most.
const ROWS_IN_FLIGHT: usize = 500;
/// Bytes per chunk of the body.
const FILE_CHUNK_BYTES: usize = 64 * 1024;

/// The words of one language.
pub struct Labels(HashMap<String, String>);

impl Labels {
    /// `lang` when it is one of ours, else the first of Accept-Language's we have, else English.
    pub fn choose(lang: Option<&str>, accept_language: &str) -> Labels {
        let (_, json) = crate::chat_page::choose_language(&STRINGS, lang, accept_language);
        Labels(serde_json::from_str(json).unwrap_or_default())
    }

    fn word<'a>(&'a self, key: &'a str) -> &'a str {
        self.0.get(key).map_or(key, String::as_str)
    }
}

/// A cell a spreadsheet program would run as a formula (`=`, `+`, `-`, `@`, or a tab or carriage
/// return before one) gets a leading apostrophe, so it is shown as text instead.
pub fn neutralised(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// `2030-01-16 00:10` in `zone`.
fn local_time(at: Millis, zone: &TimeZone) -> String {
    jiff::Timestamp::from_millisecond(at)
        .map(|t| t.to_zoned(zone.clone()).strftime("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

/// A row's cells, in [`COLUMNS`]' order.
fn cells(row: &InteractionRow, labels: &Labels, zone: &TimeZone) -> [String; 12] {
    let name = |named: &Option<hovor_types::listing::Named>| {
        named.as_ref().map(|n| n.name.clone()).unwrap_or_default()
    };
    [
        local_time(row.at, zone),
        row.queue.name.clone(),
        name(&row.user),
        name(&row.contact),
        row.title.clone(),
        row.attachments.to_string(),
        row.text.clone(),
        labels.word(row.status.as_str()).to_owned(),
        labels.word(row.direction.as_str()).to_owned(),
        row.email_state.map(|s| labels.word(s.as_str()).to_owned()).unwrap_or_default(),
        row.rating.map(|r| r.to_string()).unwrap_or_default(),
        row.comment.clone().unwrap_or_default(),
    ]
}

/// What the database's reads feed the writer.
enum Feed {
    Row(Box<InteractionRow>),
    /// The reading failed: the file must not look complete.
    Failed,
}

/// Where an export's rows go: the writer for its format, fed from the database's reads.
pub struct Export {
    rows: mpsc::Sender<Feed>,
}

impl Export {
    /// Starts writing `format`; returns the sender of rows and the response body that carries the file.
    pub fn start(format: ExportFormat, labels: Labels, zone: TimeZone) -> (Export, Body) {
        let (rows, incoming) = mpsc::channel::<Feed>(ROWS_IN_FLIGHT);
        let (chunks, outgoing) = mpsc::channel::<Result<Bytes, std::io::Error>>(4);
        tokio::task::spawn_blocking(move || {
            let written = match format {
                ExportFormat::Csv => write_csv(incoming, &chunks, &labels, &zone),
                ExportFormat::Xlsx => write_xlsx(incoming, &chunks, &labels, &zone),
            };
            if let Err(error) = written {
                // The body ends with an error: the reader sees a broken download, never a short file.
                tracing::warn!(%error, "export failed");
                let _ = chunks.blocking_send(Err(std::io::Error::other("export failed")));
            }
        });
        let body = futures_util::stream::unfold(outgoing, |mut outgoing| async move {
            outgoing.recv().await.map(|chunk| (chunk, outgoing))
        });
        (Export { rows }, Body::from_stream(body))
    }

    /// The rows could not all be read: the download ends broken.
    pub async fn fail(self) {
        let _ = self.rows.send(Feed::Failed).await;
    }
}

impl RowSink for Export {
    /// Hands one row on; `false` once the reader went away.
    async fn take(&mut self, row: InteractionRow) -> bool {
        self.rows.send(Feed::Row(Box::new(row))).await.is_ok()
    }
}

type Chunks = mpsc::Sender<Result<Bytes, std::io::Error>>;

/// The CSV writer's output: sent on as a chunk whenever [`FILE_CHUNK_BYTES`] have gathered.
struct ChunkSink<'a> {
    buffer: Vec<u8>,
    chunks: &'a Chunks,
}

impl std::io::Write for ChunkSink<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buffer.extend_from_slice(bytes);
        if self.buffer.len() >= FILE_CHUNK_BYTES {
            self.flush()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::take(&mut self.buffer));
        self.chunks.blocking_send(Ok(chunk)).map_err(|_| std::io::Error::other(Gone))
    }
}

/// The reader went away: stop writing.
#[derive(Debug)]
struct Gone;

impl std::fmt::Display for Gone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the reader went away")
    }
}

impl std::error::Error for Gone {}

fn send(chunks: &Chunks, bytes: Vec<u8>) -> anyhow::Result<()> {
    chunks.blocking_send(Ok(Bytes::from(bytes))).map_err(|_| Gone.into())
}

/// The next row, `None` at the end; an error when the reading failed.
fn next(rows: &mut mpsc::Receiver<Feed>) -> anyhow::Result<Option<Box<InteractionRow>>> {
    match rows.blocking_recv() {
        Some(Feed::Row(row)) => Ok(Some(row)),
        Some(Feed::Failed) => Err(anyhow::anyhow!("the rows could not be read")),
        None => Ok(None),
    }
}

/// UTF-8 with a byte-order mark (spreadsheet programs then read the letters right), comma-separated,
/// sent in chunks as they fill.
fn write_csv(
    mut rows: mpsc::Receiver<Feed>,
    chunks: &Chunks,
    labels: &Labels,
    zone: &TimeZone,
) -> anyhow::Result<()> {
    let mut csv = csv::Writer::from_writer(ChunkSink { buffer: b"\xEF\xBB\xBF".to_vec(), chunks });
    csv.write_record(COLUMNS.map(|c| labels.word(c)))?;
    while let Some(row) = next(&mut rows)? {
        let cells = cells(&row, labels, zone);
        csv.write_record(cells.iter().map(|c| neutralised(c).into_owned()))?;
    }
    csv.flush()?;
    Ok(())
}

/// One worksheet in constant-memory mode (each row goes to a temporary file as it is written), then
/// the finished file in chunks. Every value is a text or number cell, never a formula.
fn write_xlsx(
    mut rows: mpsc::Receiver<Feed>,
    chunks: &Chunks,
    labels: &Labels,
    zone: &TimeZone,
) -> anyhow::Result<()> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet_with_constant_memory()?;
    sheet.set_name(labels.word("sheet"))?;
    let bold = Format::new().set_bold();
    for (col, key) in (0u16..).zip(COLUMNS) {
        sheet.write_string_with_format(0, col, labels.word(key), &bold)?;
    }
    let mut at_row = 1u32;
    while let Some(row) = next(&mut rows)? {
        if chunks.is_closed() {
            return Err(Gone.into());
        }
        for (col, cell) in (0u16..).zip(cells(&row, labels, zone)) {
            let number = match COLUMNS[usize::from(col)] {
                "attachments" => Some(row.attachments),
                "rating" => row.rating.map(u32::from),
                _ => None,
            };
            if let Some(number) = number {
                sheet.write_number(at_row, col, f64::from(number))?;
            } else if COLUMNS[usize::from(col)] == "rating" {
                // Not rated: an empty cell, not an empty text.
            } else {
                sheet.write_string(at_row, col, neutralised(&cell))?;
            }
        }
        at_row += 1;
    }
    let mut file = tempfile::tempfile()?;
    workbook.save_to_writer(&mut file)?;
    file.rewind()?;
    let mut buffer = vec![0; FILE_CHUNK_BYTES];
    loop {
        let read = file.read(&mut buffer)?;
        if read == 0 {
            return Ok(());
        }
        send(chunks, buffer[..read].to_vec())?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_a_spreadsheet_would_run_are_shown_as_text() {
        for formula in ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"] {
            assert_eq!(neutralised(formula), format!("'{formula}"));
        }
        for plain in ["Faktura 12", "", "číslo = 5", "'quoted"] {
            assert_eq!(neutralised(plain), plain);
        }
    }

    #[test]
    fn every_language_names_every_column_and_value() {
        let english = Labels::choose(Some("en"), "");
        for (code, _) in STRINGS {
            let labels = Labels::choose(Some(code), "");
            let mut keys: Vec<_> = labels.0.keys().collect();
            let mut expected: Vec<_> = english.0.keys().collect();
            keys.sort();
            expected.sort();
            assert_eq!(keys, expected, "the keys of locales/export/{code}.json");
        }
        assert_eq!(Labels::choose(None, "cs-CZ,cs;q=0.9").word("queue"), "Fronta");
    }
}
